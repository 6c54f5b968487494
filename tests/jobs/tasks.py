"""Jobs used by the tests (a worker process imports them by path, so they live in a module)."""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from framja.jobs.services import job

#: how many more times `flaky` fails before it succeeds
FAILURES = {"left": 0}


@job(max_attempts=3)
def flaky(name: str) -> str:
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError(f"mail server said no ({FAILURES['left']} more)")
    Group.objects.get_or_create(name=name)
    return name


@job(max_attempts=3)
def effect_then_slow_work(name: str, log: str) -> None:
    """Write one effect (a group), then work on for a long time. Every run is logged to `log`, so
    a test sees how often the job ran and how often its effect happened.

    Safe to run twice: the effect is written only if it is not there yet, in one transaction."""
    runs = Path(log)
    with runs.open("a") as f:
        f.write("run\n")
    with transaction.atomic():
        if not Group.objects.select_for_update().filter(name=name).exists():
            Group.objects.create(name=name)
    if runs.read_text().count("run") == 1:
        time.sleep(60)  # the first run is killed here, after its effect

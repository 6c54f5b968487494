"""Real `framja worker` processes: killed in the middle of a job, and two at once on one schedule."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import Any

import pytest


WORKER = ("worker", "--interval", "0.2", "--tick", "0.5")


def wait_until(check: Callable[[], Any], *, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_in_the_middle_of_a_job_does_it_exactly_once_after_restart(site, tmp_path):
    installation = site()
    runs = tmp_path / "runs.log"
    installation.python(
        "from django.db import transaction\n"
        "from framja.jobs.services import enqueue\n"
        "from tests.jobs.tasks import effect_then_slow_work\n"
        "with transaction.atomic():\n"
        f"    job = enqueue(effect_then_slow_work, 'kill-test', {str(runs)!r})\n"
        "result = job.pk"
    )
    first = installation.start(*WORKER, name="worker-1")
    wait_until(lambda: runs.exists(), seconds=60, what="the job to start")
    look = (
        "from django.contrib.auth.models import Group\nfrom framja.jobs.models import Job\n"
        "job = Job.objects.get(name='tests.jobs.tasks.effect_then_slow_work')\n"
        "result = [Group.objects.filter(name='kill-test').count(), job.state, job.attempts]"
    )
    wait_until(lambda: installation.python(look)[0] == 1, seconds=30, what="the job's effect")
    first.send_signal(signal.SIGKILL)  # in the middle of the job: effect written, job not finished
    first.wait(timeout=10)
    assert installation.python(look) == [1, "running", 1]

    installation.start(*WORKER, name="worker-2")
    done = wait_until(
        lambda: (state := installation.python(look))[1] == "done" and state,
        seconds=90,
        what="the restarted worker to finish the job",
    )
    assert done == [1, "done", 2]  # the effect exactly once, after two runs
    assert runs.read_text().count("run") == 2
    assert "re-queued" in installation.log("worker-2")


def test_two_workers_enqueue_each_schedule_entry_once(site):
    installation = site()
    installation.start(*WORKER, "--worker-id", "one", name="worker-one")
    installation.start(*WORKER, "--worker-id", "two", name="worker-two")
    count = "from framja.jobs.models import ScheduledRun\nresult = ScheduledRun.objects.count()"
    wait_until(lambda: installation.python(count) >= 3, seconds=60, what="the schedule to run")
    time.sleep(3)  # several more ticks of both workers
    runs = installation.python(
        "from django.db.models import Count\n"
        "from framja.jobs.models import Job, ScheduledRun\n"
        "result = {\n"
        "    'runs': list(ScheduledRun.objects.values('name').annotate(n=Count('id')).values_list('name', 'n')),\n"
        "    'due_times': ScheduledRun.objects.values('name', 'due_at').distinct().count(),\n"
        "    'jobs': Job.objects.count(),\n"
        "}"
    )
    by_name = dict(runs["runs"])
    assert by_name["ideas-duplicate-candidates"] == 1
    assert by_name["jobs-prune-finished"] == 1
    assert by_name["notifications-send-due-mail"] in (1, 2)  # 2 only if a minute turned meanwhile
    assert runs["jobs"] == runs["due_times"] == sum(by_name.values())  # one job per entry and due time
    assert "Traceback" not in installation.log("worker-one") + installation.log("worker-two")

"""Recount the stored supporter figure of every idea (cron-safe, re-runnable).

The worker runs the same job every night (`framja.ideas.tasks.SCHEDULE`); the figure is
otherwise kept in the transaction of every support and duplicate link (`services.supporters`),
so this only repairs rows written around those paths (bulk loads, raw SQL).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from framja.ideas import tasks
from framja.jobs.services import run_now


class Command(BaseCommand):
    help = "Recount the supporters of every idea (over its duplicate group) and store the figures."

    def handle(self, *args: Any, **options: Any) -> None:
        fixed = run_now(tasks.recount_supporters)
        self.stdout.write(self.style.SUCCESS(f"{fixed} idea(s) had a wrong figure and were corrected."))

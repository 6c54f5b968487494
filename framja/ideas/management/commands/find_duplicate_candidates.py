"""Recompute candidate duplicate pairs across all municipalities (cron-safe, re-runnable).

The worker runs the same job every hour (`framja.ideas.tasks.SCHEDULE`); new ideas also get a
job of their own right after they are submitted. Judgements already made are kept; pending pairs
that no longer score high enough are dropped.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from framja.ideas import tasks
from framja.ideas.services import duplicates
from framja.jobs.services import run_now


class Command(BaseCommand):
    help = "Find pairs of ideas that are probably the same idea, for the regional view."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--idea", type=int, action="append", dest="ideas", help="Only this idea (repeatable).")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help=f"Lowest similarity kept (0–1, default {duplicates.duplicate_threshold()}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stored = run_now(tasks.refresh_candidates, idea_ids=options["ideas"], threshold=options["threshold"])
        self.stdout.write(self.style.SUCCESS(f"{stored} candidate pair(s) stored or updated."))

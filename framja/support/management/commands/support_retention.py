"""Anonymise client people past the retention period now (the worker does it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from framja.jobs.services import run_now
from framja.support import tasks


class Command(BaseCommand):
    help = "Erase support-log client people with no effort, referral or change within FRAMJA_SUPPORT_RETENTION_MONTHS."

    def handle(self, *args: Any, **options: Any) -> None:
        erased = run_now(tasks.anonymise_past_retention)
        self.stdout.write(f"{erased} people erased")

"""Write the effort rollup of the equal-terms figures again from the efforts (re-runnable).

The worker runs the same job every night (`framja.support.tasks.SCHEDULE`); the rollup is
otherwise kept in the transaction of every effort write (`framja.support.rollup`), so this only
repairs rows written around the services (bulk loads, raw SQL, a person deleted in the admin).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from framja.jobs.services import run_now
from framja.support import tasks


class Command(BaseCommand):
    help = "Rebuild the effort rollup (equal-terms statistics) from the support efforts."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = run_now(tasks.repair_effort_rollup)
        self.stdout.write(self.style.SUCCESS(f"{rows} rollup rows written."))

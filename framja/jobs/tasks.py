"""The jobs app's own job: pruning finished task rows, jobs and schedule claims every day."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from framja.jobs.services import job, prune


@job(max_attempts=3)
def prune_finished(days: int = 14) -> int:
    """`prune_db_task_results` (database backend) plus our own finished `Job` rows."""
    if isinstance(task_backends["default"], DatabaseBackend):
        call_command("prune_db_task_results", queue_name="*", min_age_days=days, verbosity=0)
    return prune(days=days)


SCHEDULE = [("jobs-prune-finished", prune_finished, 24 * 60 * 60)]

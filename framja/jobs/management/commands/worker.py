"""`framja worker`: run background jobs and the schedule (one process; start several if needed).

With the database backend it runs django-tasks-db's worker in rounds and, between rounds (at
most every `--tick` seconds), enqueues due schedule entries and re-queues jobs whose worker
died. With the RQ backend, run `framja rqworker --job-class django_tasks_rq.backend.Job default`
for the tasks and `framja worker --schedule-only` for the schedule.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from framja.jobs.services import tick

logger = logging.getLogger("framja.jobs")


class Command(BaseCommand):
    help = "Run background jobs and the schedule until stopped (SIGTERM finishes the current job)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds to sleep when the queue is empty.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between schedule and recovery checks.")
        parser.add_argument("--schedule-only", action="store_true", help="Only the schedule and recovery (RQ).")
        parser.add_argument("--worker-id", default="", help="Unique name of this worker (default: random).")

    def handle(
        self, *args: Any, interval: float, tick: float, schedule_only: bool, worker_id: str, **options: Any
    ) -> None:
        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO)
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)  # not "starting" every round
        backend = task_backends["default"]
        if not schedule_only and not isinstance(backend, DatabaseBackend):
            raise CommandError(
                "The task backend is not the database: run `framja rqworker --job-class "
                "django_tasks_rq.backend.Job default` for the jobs and `framja worker --schedule-only`."
            )
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=20,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()  # SIGTERM/SIGINT: finish the running task, then stop
        logger.info("framja worker %s started%s", worker.worker_id, " (schedule only)" if schedule_only else "")
        last_tick = 0.0
        while worker.running:
            if time.monotonic() - last_tick >= tick:
                try:
                    self._tick()
                except Exception:  # a broken schedule entry must not stop the jobs
                    logger.exception("Schedule or recovery failed; trying again at the next tick")
                last_tick = time.monotonic()
            ran = 0
            if not schedule_only:
                worker._run_tasks = 0
                worker.run()  # ready tasks, at most max_tasks, then back here
                ran = worker._run_tasks
            close_old_connections()
            if worker.running and not ran:
                time.sleep(interval if not schedule_only else tick)
        sys.exit(0)

    def _tick(self) -> None:
        close_old_connections()
        tick()

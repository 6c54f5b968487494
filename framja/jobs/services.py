"""Durable background jobs on django-tasks: the retries, visibility, recovery and schedule it lacks.

An app declares a job in its `tasks.py` and enqueues it from its `services.py`, inside the
transaction of the write that causes it:

    # framja/<app>/tasks.py
    @job(max_attempts=5)
    def send_email(email_id: int) -> None: ...
    SCHEDULE = [("notifications-send-due", send_due_mail, 60)]   # plain tuples; no import needed

    # framja/<app>/services.py
    enqueue(send_email, email.pk)

Rules:
- `enqueue()` is the one way in. It writes a `Job` row in the current transaction. With the
  database backend the task row is written in that transaction too, so the job commits or rolls
  back with the write; with other backends (RQ) the task is handed over on commit, and a job
  whose hand-over failed is re-queued by `recover()`.
- A job runs only after claiming its row (`filter(pk=..., state=waiting).update(state=running)`),
  so a task delivered twice runs once. Its function must still be safe to run twice: a worker
  killed after the effect but before the job is marked done runs it again.
- An exception is recorded on the row (attempts, last error) and the job is enqueued again after
  an exponential back-off, up to `max_attempts`; then it is marked failed.
- A job left running by a killed worker is re-queued once its lease (`FRAMJA_JOBS_LEASE_SECONDS`)
  runs out.
- `run_schedule()` enqueues each app's `SCHEDULE` entries when due, exactly once per due time
  even with several workers (a unique `ScheduledRun` row per name and due time).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string, module_has_submodule
from django_tasks import task
from django_tasks.base import Task
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from framja.jobs.models import Job, ScheduledRun

logger = logging.getLogger(__name__)

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class JobSpec:
    function: Callable[..., Any]
    max_attempts: int


#: module path of each task made with `@job` -> its function and retry limit
_JOBS: dict[str, JobSpec] = {}


def lease_seconds() -> int:
    """How long a running job may take before it counts as lost (its worker died)."""
    return int(getattr(settings, "FRAMJA_JOBS_LEASE_SECONDS", 900))


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failures: 30 s, 1 min, 2 min, ... ≤ 1 h."""
    first = int(getattr(settings, "FRAMJA_JOBS_FIRST_BACKOFF_SECONDS", 30))
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 3600))


def job(function: Callable[..., Any] | None = None, *, max_attempts: int = 5, queue_name: str = "default") -> Any:
    """Make `function` a django-tasks task that runs as a retried, visible `Job`.

    The task itself takes one argument, the `Job` id; the function's own arguments are kept on
    the `Job` row. Enqueue it with `enqueue(task, *args, **kwargs)`, call it directly with
    `run_now(task, *args, **kwargs)`."""

    def wrap(f: Callable[..., Any]) -> Task[Any, Any]:
        @functools.wraps(f)
        def runner(job_id: int) -> Any:
            return _run(job_id)

        made = task(runner, queue_name=queue_name)
        _JOBS[made.module_path] = JobSpec(function=f, max_attempts=max_attempts)
        return made

    return wrap(function) if function is not None else wrap


def run_now(job_task: Task[Any, Any], *args: Any, **kwargs: Any) -> Any:
    """Call a job's function in this process, without a `Job` row (management commands)."""
    return _JOBS[job_task.module_path].function(*args, **kwargs)


def enqueue(job_task: Task[Any, Any], *args: Any, **kwargs: Any) -> Job | None:
    """Enqueue a job with the current transaction's write (see the module's rules)."""
    backend = job_task.get_backend()
    spec = _JOBS.get(job_task.module_path)
    if spec is None:  # a plain django-tasks task: no Job row, no retries
        _with_the_write(backend, lambda: job_task.enqueue(*args, **kwargs))
        return None
    with transaction.atomic():
        created = Job.objects.create(
            name=job_task.module_path,
            arguments=normalize_json({"args": list(args), "kwargs": kwargs}),
            max_attempts=spec.max_attempts,
            next_run_at=timezone.now(),
        )
        _with_the_write(backend, lambda: _submit(created.pk, job_task))
    return created


def _with_the_write(backend: Any, hand_over: Callable[[], Any]) -> None:
    if isinstance(backend, DatabaseBackend):
        hand_over()  # the task row is written in the transaction, so it commits with the write
    else:
        # RQ (and the in-process backends of the tests) must not see work before it commits.
        # robust: a queue that is down must not undo a committed write; recover() re-queues.
        transaction.on_commit(hand_over, robust=True)


def _submit(job_id: int, job_task: Task[Any, Any], *, run_after: datetime | None = None) -> None:
    backend = job_task.get_backend()
    if run_after is not None:
        if not backend.supports_defer:
            return  # e.g. the immediate backend: recover() picks the job up when it is due
        job_task = job_task.using(run_after=run_after)
    result = job_task.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


def _run(job_id: int) -> Any:
    now = timezone.now()
    claimed = (
        Job.objects.filter(pk=job_id)
        .claimable(now)
        .update(
            state=Job.State.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            lease_until=now + timedelta(seconds=lease_seconds()),
        )
    )
    if not claimed:
        logger.info("Job %s is done, not due or running elsewhere: skipped", job_id)
        return None
    current = Job.objects.get(pk=job_id)
    spec = _JOBS[current.name]
    try:
        value = spec.function(*current.arguments.get("args", []), **current.arguments.get("kwargs", {}))
    except Exception as exc:
        _record_failure(current, f"{type(exc).__name__}: {exc}")
        raise
    Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(
        state=Job.State.DONE, finished_at=timezone.now(), lease_until=None
    )
    return value


def _record_failure(current: Job, error: str) -> None:
    now = timezone.now()
    if current.attempts >= current.max_attempts:
        Job.objects.filter(pk=current.pk).update(
            state=Job.State.FAILED, last_error=error[:4000], finished_at=now, lease_until=None
        )
        logger.error(
            "Job %s (%s) failed for good after %s attempts: %s", current.pk, current.name, current.attempts, error
        )
        return
    next_run = now + backoff(current.attempts)
    with transaction.atomic():
        Job.objects.filter(pk=current.pk).update(
            state=Job.State.WAITING, last_error=error[:4000], next_run_at=next_run, lease_until=None
        )
        job_task = import_string(current.name)
        _with_the_write(job_task.get_backend(), lambda: _submit(current.pk, job_task, run_after=next_run))
    logger.warning(
        "Job %s (%s) failed (attempt %s), retrying at %s: %s",
        current.pk,
        current.name,
        current.attempts,
        next_run,
        error,
    )


def recover(*, now: datetime | None = None, limit: int = 500) -> int:
    """Re-queue jobs whose worker died (lease ran out) or whose task never reached the queue."""
    now = now or timezone.now()
    recovered = 0
    for stale in Job.objects.stale(now, grace_seconds=lease_seconds())[:limit]:
        job_task = import_string(stale.name)
        backend = job_task.get_backend()
        with transaction.atomic():
            if isinstance(backend, DatabaseBackend) and stale.task_id:
                if stale.state == Job.State.WAITING and DBTaskResult.objects.ready().filter(id=stale.task_id).exists():
                    continue  # still in the queue, only a backlog
                DBTaskResult.objects.filter(id=stale.task_id, status="RUNNING").update(
                    status="FAILED",
                    finished_at=now,
                    exception_class_path="framja.jobs.services.WorkerLost",
                    traceback="The worker stopped during this task; the job was queued again.",
                )
            if stale.state == Job.State.RUNNING:
                if stale.attempts >= stale.max_attempts:
                    Job.objects.filter(pk=stale.pk).update(
                        state=Job.State.FAILED, last_error="WorkerLost", finished_at=now, lease_until=None
                    )
                    continue
                Job.objects.filter(pk=stale.pk, state=Job.State.RUNNING).update(
                    state=Job.State.WAITING,
                    last_error="WorkerLost: the worker stopped during the job",
                    lease_until=None,
                )
            Job.objects.filter(pk=stale.pk).update(next_run_at=min(now, timezone.now()))
            _with_the_write(backend, functools.partial(_submit, stale.pk, job_task))
        recovered += 1
        logger.warning("Job %s (%s) re-queued", stale.pk, stale.name)
    return recovered


# --------------------------------------------------------------------------- the schedule


@dataclass(frozen=True)
class ScheduleEntry:
    name: str
    task: Task[Any, Any]
    interval_seconds: int


def schedule() -> list[ScheduleEntry]:
    """Every app's `tasks.SCHEDULE`: (unique name, task, interval in seconds)."""
    entries: list[ScheduleEntry] = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "tasks"):
            continue
        module = import_module(f"{config.name}.tasks")
        for name, job_task, interval in getattr(module, "SCHEDULE", []):
            entries.append(ScheduleEntry(name=name, task=job_task, interval_seconds=int(interval)))
    names = [entry.name for entry in entries]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ValueError(f"Schedule names must be unique: {sorted(duplicates)}")
    return entries


def due_time(interval_seconds: int, now: datetime) -> datetime:
    """The latest due time at or before `now`: every `interval_seconds` since a fixed epoch."""
    slots = int((now - _EPOCH).total_seconds() // interval_seconds)
    return _EPOCH + timedelta(seconds=slots * interval_seconds)


def run_schedule(*, now: datetime | None = None) -> list[str]:
    """Enqueue every schedule entry that is due and not yet enqueued for this due time. Safe
    with several workers: the unique (name, due time) row lets exactly one of them enqueue."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for entry in schedule():
        due = due_time(entry.interval_seconds, now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=entry.name, due_at=due)
                created = enqueue(entry.task)
                if created is not None:
                    ScheduledRun.objects.filter(pk=run.pk).update(job=created)
        except IntegrityError:
            continue  # another worker enqueued it for this due time
        enqueued.append(entry.name)
    return enqueued


def tick(*, now: datetime | None = None) -> None:
    """What a worker does between tasks: the schedule, then recovery of lost jobs."""
    run_schedule(now=now)
    recover(now=now)


def run_jobs(*, backend_name: str = "default", max_tasks: int | None = None) -> int:
    """Run every ready task of a database backend in this process, then return (tests, scripts)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="in-process",
        excluded_queue_names=[],
    )
    if transaction.get_connection().in_atomic_block:
        # Inside a transaction (a test's): the worker's close_old_connections() would close the
        # connection because its autocommit differs from the settings'. Keep it for this run.
        from django_tasks_db.management.commands import db_worker

        keep = db_worker.close_old_connections
        db_worker.close_old_connections = lambda **kwargs: None
        try:
            worker.run()
        finally:
            db_worker.close_old_connections = keep
    else:
        worker.run()
    return worker._run_tasks


def prune(*, days: int) -> int:
    """Delete finished jobs and schedule rows older than `days` (the task rows: see tasks.py)."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Job.objects.filter(state__in=[Job.State.DONE, Job.State.FAILED], finished_at__lt=cutoff).delete()
    ScheduledRun.objects.filter(due_at__lt=cutoff).delete()
    return deleted

"""Retries with back-off, visibility for platform staff, recovery, and the schedule (in-process,
database backend). Real worker processes: test_worker_process.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from framja.jobs import services
from framja.jobs.models import Job, ScheduledRun
from framja.jobs.services import enqueue, run_jobs
from tests.factories import UserFactory
from tests.jobs import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks.FAILURES["left"] = 0
    yield
    tasks.FAILURES["left"] = 0


def queued(job_task, *args) -> Job:
    """Enqueue a job as a service does: inside the transaction of its write."""
    with transaction.atomic():
        created = enqueue(job_task, *args)
    assert created is not None
    return created


def _make_due(job: Job) -> None:
    """Let the clock reach the job's next attempt."""
    past = timezone.now() - timedelta(seconds=1)
    Job.objects.filter(pk=job.pk).update(next_run_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)


def test_a_failing_job_is_retried_with_growing_back_off_and_shows_its_last_error():
    tasks.FAILURES["left"] = 2
    job = queued(tasks.flaky, "reviewers")

    started = timezone.now()
    run_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.WAITING
    assert job.attempts == 1
    assert job.last_error == "RuntimeError: mail server said no (1 more)"
    first_wait = job.next_run_at - started
    assert timedelta(seconds=25) < first_wait < timedelta(seconds=40)
    assert run_jobs() == 0  # the retry is not due yet
    assert not Group.objects.exists()

    _make_due(job)
    started = timezone.now()
    run_jobs()
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.next_run_at - started > first_wait + timedelta(seconds=20)  # doubled

    _make_due(job)
    run_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.attempts == 3
    assert Group.objects.filter(name="reviewers").count() == 1
    assert DBTaskResult.objects.failed().count() == 2  # each failed attempt keeps its traceback


def test_a_job_that_keeps_failing_is_given_up_and_staff_see_why(client):
    tasks.FAILURES["left"] = 10
    job = queued(tasks.flaky, "never")
    for _ in range(3):
        run_jobs()
        _make_due(job)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.attempts == 3
    assert run_jobs() == 0  # no fourth attempt

    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "tests.jobs.tasks.flaky" in page
    assert "mail server said no (7 more)" in page
    detail = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    assert "mail server said no (7 more)" in detail


def test_a_rolled_back_write_leaves_no_job():
    with pytest.raises(ValueError, match="later"), transaction.atomic():  # noqa: PT012
        enqueue(tasks.flaky, "ghost")
        raise ValueError("something later failed")
    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_job_runs_once_even_if_its_task_is_delivered_twice():
    job = queued(tasks.flaky, "once")
    tasks.flaky.enqueue(job.pk)  # a duplicate delivery of the same job
    assert run_jobs() == 2
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.state == Job.State.DONE


def test_a_job_left_running_by_a_dead_worker_is_requeued_after_its_lease(settings):
    job = queued(tasks.flaky, "lost")
    # A worker claimed it and died: the task row stays RUNNING, the job's lease runs out.
    now = timezone.now()
    DBTaskResult.objects.update(status="RUNNING", started_at=now)
    Job.objects.update(state=Job.State.RUNNING, attempts=1, lease_until=now + timedelta(seconds=60))
    assert services.recover(now=now) == 0  # still within its lease
    assert services.recover(now=now + timedelta(seconds=61)) == 1
    job.refresh_from_db()
    assert job.state == Job.State.WAITING
    assert "WorkerLost" in job.last_error
    assert DBTaskResult.objects.get(status="FAILED").exception_class_path.endswith("WorkerLost")
    run_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.attempts == 2
    assert Group.objects.filter(name="lost").count() == 1


def test_schedule_collects_every_apps_entries():
    names = {entry.name for entry in services.schedule()}
    assert {"notifications-send-due-mail", "ideas-duplicate-candidates", "jobs-prune-finished"} <= names


def test_schedule_enqueues_each_entry_once_per_due_time():
    now = timezone.now()
    first = services.run_schedule(now=now)
    assert "notifications-send-due-mail" in first
    assert services.run_schedule(now=now) == []  # a second worker at the same time: nothing
    assert ScheduledRun.objects.filter(name="notifications-send-due-mail").count() == 1
    later = services.run_schedule(now=now + timedelta(seconds=61))
    # Due again: every entry whose slot (its interval's multiple) changed within the minute; that is
    # each entry of a minute or less, and a longer one only when the minute crosses its boundary.
    due_again = sorted(
        entry.name
        for entry in services.schedule()
        if services.due_time(entry.interval_seconds, now + timedelta(seconds=61))
        != services.due_time(entry.interval_seconds, now)
    )
    assert "notifications-send-due-mail" in due_again
    assert sorted(later) == due_again
    assert Job.objects.filter(name="framja.notifications.tasks.send_due_mail").count() == 2


def test_pruning_is_a_scheduled_job_that_removes_old_finished_rows():
    with transaction.atomic():
        enqueue(tasks.flaky, "old")
    run_jobs()
    long_ago = timezone.now() - timedelta(days=30)
    DBTaskResult.objects.update(finished_at=long_ago)
    Job.objects.update(finished_at=long_ago)
    with transaction.atomic():
        enqueue(tasks.flaky, "new")  # waiting: kept
    services.run_now(__import__("framja.jobs.tasks", fromlist=["prune_finished"]).prune_finished)
    assert list(Job.objects.values_list("state", flat=True)) == [Job.State.WAITING]
    assert DBTaskResult.objects.count() == 1

"""What django-tasks does not keep: one row per job across its attempts, and the schedule's claims.

A `Job` is one piece of work (a task and its arguments). Each attempt is a django-tasks task
result (a `DBTaskResult` row with the database backend, an RQ job with Redis); the `Job` row
counts the attempts, keeps the last error and says when the next attempt runs, for every
backend alike. `ScheduledRun` holds one row per (schedule entry, due time): the unique
constraint lets exactly one of several workers enqueue a periodic job.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet["Job"]):
    def claimable(self, now: datetime) -> JobQuerySet:
        """Waiting and due, or running under a lease that ran out (its worker died)."""
        return self.filter(
            Q(state=Job.State.WAITING, next_run_at__lte=now) | Q(state=Job.State.RUNNING, lease_until__lt=now)
        )

    def stale(self, now: datetime, *, grace_seconds: int) -> JobQuerySet:
        """Jobs whose worker died (lease ran out) or whose task never reached the queue."""
        from datetime import timedelta

        return self.filter(
            Q(state=Job.State.RUNNING, lease_until__lt=now)
            | Q(state=Job.State.WAITING, next_run_at__lt=now - timedelta(seconds=grace_seconds))
        )


class Job(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("task"), max_length=200, db_index=True)
    arguments = models.JSONField(_("arguments"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=5)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(_("task result"), max_length=64, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_run_at"], name="jobs_job_state_next_idx")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.state})"


class ScheduledRun(models.Model):
    name = models.CharField(_("schedule entry"), max_length=100)
    due_at = models.DateTimeField(_("due"))
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("enqueued"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-due_at"]
        constraints = [models.UniqueConstraint(fields=["name", "due_at"], name="jobs_scheduledrun_once")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.due_at:%Y-%m-%d %H:%M:%S}"

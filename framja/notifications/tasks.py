"""The outbox's jobs: one send job per message, and a sweep every minute for due retries."""

from __future__ import annotations

from framja.jobs.services import job
from framja.notifications import services


@job(max_attempts=5)
def send_email(email_id: int) -> bool | None:
    """Send one queued e-mail (a claimed no-op if it was sent already). A mail-server failure is
    not an error of the job: the outbox row records it and the sweep retries it when due."""
    return services.send_one(email_id)


@job(max_attempts=3)
def send_due_mail() -> dict[str, int]:
    """Send every e-mail whose (re)try is due: retries after back-off and anything a job missed."""
    result = services.send_due()
    return {"sent": result.sent, "failed": result.failed}


SCHEDULE = [("notifications-send-due-mail", send_due_mail, 60)]

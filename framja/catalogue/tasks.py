"""The catalogue's jobs: offerings due for review flagged to their owners (once per review
period) and the reminder e-mail the day before an event (once per registration). Both are safe
to re-run: every offering and registration is claimed in the transaction that queues its e-mail."""

from __future__ import annotations

from framja.audit.context import acting_as
from framja.catalogue import services
from framja.jobs.services import job


@job(max_attempts=3)
def flag_offerings_for_review() -> int:
    """E-mail the owners of offerings not reviewed for twelve months."""
    with acting_as(None):
        return services.flag_offerings_for_review()


@job(max_attempts=3)
def send_event_reminders() -> int:
    """E-mail everyone registered for an event that starts within a day."""
    with acting_as(None):
        return services.send_event_reminders()


#: (unique name, task, interval in seconds) for the project's scheduler.
SCHEDULE = [
    ("catalogue-review-flags", flag_offerings_for_review, 24 * 60 * 60),
    ("catalogue-event-reminders", send_event_reminders, 15 * 60),
]

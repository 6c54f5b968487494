"""The support log's job: client people past the retention period anonymised once a day
(FRAMJA_SUPPORT_RETENTION_MONTHS). Safe to re-run: an erased person is gone, and each person
is re-checked inside the transaction that erases them."""

from __future__ import annotations

from framja.audit.context import acting_as
from framja.jobs.services import job
from framja.support import services


@job(max_attempts=3)
def anonymise_past_retention() -> int:
    """Erase client people with no effort, referral or change within the retention period."""
    with acting_as(None):
        return services.retention_anonymise()


#: (unique name, task, interval in seconds) for the project's scheduler.
SCHEDULE = [("support-retention", anonymise_past_retention, 24 * 60 * 60)]

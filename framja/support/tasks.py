"""The support log's jobs: client people past the retention period anonymised once a day
(FRAMJA_SUPPORT_RETENTION_MONTHS), and the effort rollup of the equal-terms figures repaired
every night. Safe to re-run: an erased person is gone, and each person is re-checked inside the
transaction that erases them; the rollup is written again from the efforts."""

from __future__ import annotations

from framja.audit.context import acting_as
from framja.jobs.services import job
from framja.support import rollup, services


@job(max_attempts=3)
def anonymise_past_retention() -> int:
    """Erase client people with no effort, referral or change within the retention period."""
    with acting_as(None):
        return services.retention_anonymise()


@job(max_attempts=3)
def repair_effort_rollup() -> int:
    """Write the effort rollup again from the efforts (the services keep it on every write; this
    repairs rows written around them: bulk loads, raw SQL, a person deleted in the admin)."""
    return rollup.rebuild()


#: (unique name, task, interval in seconds) for the project's scheduler.
SCHEDULE = [
    ("support-retention", anonymise_past_retention, 24 * 60 * 60),
    ("support-effort-rollup-repair", repair_effort_rollup, 24 * 60 * 60),
]

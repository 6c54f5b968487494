"""The ideas app's jobs: duplicate candidates for a new idea, and for all ideas every hour;
unconfirmed anonymous supports deleted once their link has expired; large exports built, and
deleted once expired."""

from __future__ import annotations

from framja.audit.context import acting_as
from framja.ideas.models import Support
from framja.ideas.services import duplicates, exports, supporters
from framja.jobs.services import job


@job(max_attempts=5)
def refresh_idea_candidates(idea_id: int) -> int:
    """Candidate pairs of one idea (after its submission). Safe to re-run: pairs are upserted."""
    with acting_as(None):
        return duplicates.refresh_candidates(idea_ids=[idea_id])


@job(max_attempts=3)
def refresh_candidates(idea_ids: list[int] | None = None, threshold: float | None = None) -> int:
    """Candidate pairs of these ideas, all public ideas by default (`find_duplicate_candidates`)."""
    with acting_as(None):
        return duplicates.refresh_candidates(idea_ids=idea_ids, threshold=threshold)


@job(max_attempts=3)
def prune_unconfirmed_supports() -> int:
    """Anonymous supports never confirmed within their link's lifetime, with their addresses."""
    deleted, _rows = Support.objects.expired_unconfirmed().delete()
    return deleted


@job(max_attempts=3)
def recount_supporters() -> int:
    """The stored supporter figures, recounted (`services.supporters.recount_all`)."""
    with acting_as(None):
        return supporters.recount_all()


@job(max_attempts=1)
def build_export(export_id: int) -> int:
    """The workbook of a large export, with progress (`services.exports.build_export`). One
    attempt: a failure is shown to the person, who can start it again; a job lost with its
    worker is re-run by the job recovery, which writes the file again."""
    with acting_as(None):
        return exports.build_export(export_id)


@job(max_attempts=3)
def prune_expired_exports() -> int:
    """Exports past their expiry, with their files (`services.exports.prune_expired`)."""
    return exports.prune_expired()


SCHEDULE = [
    ("ideas-prune-expired-exports", prune_expired_exports, 60 * 60),
    ("ideas-duplicate-candidates", refresh_candidates, 60 * 60),
    ("ideas-prune-unconfirmed-supports", prune_unconfirmed_supports, 24 * 60 * 60),
    ("ideas-recount-supporters", recount_supporters, 24 * 60 * 60),
]

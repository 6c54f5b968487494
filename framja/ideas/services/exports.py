"""The inbox as a table, and large exports built by a background job.

A small XLSX (and every CSV) is built in the request (`views.casework.inbox_export`). A workbook
of more than `FRAMJA_EXPORT_JOB_ROWS` ideas is an `Export`: `casework.request_export` records it
and queues `tasks.build_export`, which runs `build_export` here: it rebuilds the list from the
JSON filters with the requester's access as it is then, writes the workbook in openpyxl's
write-only mode to a temporary file (flat memory), reports progress every chunk and stores the
file under MEDIA_ROOT (`exports/`), never served from a public URL. `prune_expired` (scheduled)
deletes files and rows past their expiry.

This module sits below `ideas.tasks` (import-linter): it never queues work itself.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils import timezone, translation
from django.utils.translation import gettext

from framja.accounts.models import Organisation
from framja.accounts.permissions import CASEWORK_ROLES, has_any_role
from framja.ideas import exports as formats
from framja.ideas.models import Export, Idea, IdeaQuerySet

logger = logging.getLogger(__name__)

#: Ideas read per query (tags prefetched per query) while an export is written.
CHUNK = 2_000


def job_threshold() -> int:
    """Workbooks of more ideas than this are built by the export job, smaller ones at once."""
    return int(getattr(settings, "FRAMJA_EXPORT_JOB_ROWS", 2_000))


def keep_for() -> timedelta:
    """How long a finished export can be downloaded before its file is deleted."""
    return timedelta(hours=int(getattr(settings, "FRAMJA_EXPORT_KEEP_HOURS", 24)))


def may_export(user: Any, organisation: Organisation) -> bool:
    """Whether `user` may export `organisation`'s inbox now (the inbox's own rule: casework roles,
    or staff); checked again when the job runs, since roles can change in between."""
    return bool(user is not None and user.is_active and has_any_role(user, organisation, CASEWORK_ROLES))


def inbox_rows(ideas: IdeaQuerySet, user: Any) -> IdeaQuerySet:
    """What an inbox row shows, in one query (plus one for the tags). Supporters are counted
    once over a duplicate group; the responsible person only where `user` works the idea for
    the receiving side (`Idea.visible_assignee`)."""
    return (
        ideas.select_related("municipality", "stage", "assignee")
        .defer("search_vector")  # searched in SQL, never read
        .prefetch_related("tags")
        .with_supporter_count()
        .with_full_casework(user)
    )


def inbox_ideas(organisation: Organisation | int, user: Any, filters: dict[str, Any]) -> IdeaQuerySet:
    """An organisation's inbox with the filters of `InboxFilterForm.params` (JSON)."""
    return inbox_rows(Idea.objects.for_organisation(organisation).inbox_filtered(user=user, **filters), user)


def inbox_table(ideas: IdeaQuerySet) -> formats.Table:
    """The inbox export's one table; rows are read `CHUNK` ideas per query, as they are used
    (the same queries for every chunk), so a list of any length takes constant memory."""
    header = [
        gettext("Reference"), gettext("Title"), gettext("Municipality"), gettext("Stage"),
        gettext("In stage since"), gettext("Responsible"), gettext("Tags"), gettext("Supporters"),
        gettext("Submitted"), gettext("Withdrawn"),
    ]  # fmt: skip
    rows = (
        [
            idea.reference,
            idea.title,
            str(idea.municipality),
            idea.stage.label if idea.stage else "",
            timezone.localdate(idea.stage_entered_at) if idea.stage_entered_at else None,
            str(idea.visible_assignee or ""),
            ", ".join(t.display_name for t in idea.tags.all()),
            idea.supporter_count(),
            timezone.localdate(idea.created_at),
            timezone.localdate(idea.withdrawn_at) if idea.withdrawn_at else None,
        ]
        for idea in ideas.iterator(chunk_size=CHUNK)
    )
    return (gettext("Ideas"), header, rows)


def build_export(export_id: int) -> int:
    """The export job's work: the workbook of one `Export`, with progress. Safe to run twice (a
    job re-run after a lost worker writes the file again); a finished or deleted export is left
    alone. Returns the rows written."""
    export = Export.objects.select_related("requester", "organisation").filter(pk=export_id).first()
    if export is None or export.finished:
        return 0
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, rows_done=0)
    try:
        return _write(export)
    except Exception as exc:
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise


def _write(export: Export) -> int:
    if not may_export(export.requester, export.organisation):
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED, error="no access", finished_at=timezone.now()
        )
        logger.info("Export %s: %s no longer works this inbox; not built", export.pk, export.requester_id)
        return 0
    with translation.override(export.language):
        ideas = inbox_ideas(export.organisation_id, export.requester, export.filters)
        total = ideas.count()
        Export.objects.filter(pk=export.pk).update(rows_total=total)

        def progress(rows: int) -> None:
            Export.objects.filter(pk=export.pk).update(rows_done=rows)

        with tempfile.TemporaryFile(suffix=".xlsx") as handle:
            written = formats.write_xlsx(handle, [inbox_table(ideas)], progress=progress, every=CHUNK)
            handle.seek(0)
            old_name = export.file.name
            # A random part: names are never guessable, though no public URL serves them anyway.
            export.file.save(f"{export.filename}-{secrets.token_hex(8)}.xlsx", File(handle), save=False)
    if old_name:
        export.file.storage.delete(old_name)  # an earlier run's file (a re-run job)
    now = timezone.now()
    Export.objects.filter(pk=export.pk).update(
        file=export.file.name,
        status=Export.Status.READY,
        rows_done=written,
        rows_total=written,
        error="",
        finished_at=now,
        expires_at=now + keep_for(),
    )
    return written


def prune_expired(now: datetime | None = None) -> int:
    """Delete exports past their expiry, with their files (a scheduled job; the file goes with
    the row, `_file_with_row`). An export still being written is left to finish (its expiry
    moves when it does)."""
    deleted = 0
    for export in Export.objects.expired(now).exclude(status=Export.Status.RUNNING).iterator():
        export.delete()
        deleted += 1
    return deleted


def _file_with_row(sender: Any, instance: Export, **kwargs: Any) -> None:
    """Whenever an export's row goes (expiry, or with its requester or organisation, deleted by
    cascade), its file goes too, once the deletion is committed: a file of names and filter
    results must not outlive the row that limits who may read it."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def connect_signals() -> None:
    post_delete.connect(_file_with_row, sender=Export, dispatch_uid="ideas_export_file_with_row")

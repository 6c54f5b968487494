"""The audit log API's filters. The operations live in framja/accounts/api.py (GET /audit and
GET /organisations/{id}/audit), because who may read an organisation's log is an accounts rule
and audit sits below accounts."""

from framja.audit.models import AuditEntryQuerySet
from framja.audit.schemas import AuditFilter


class AuditListFilter(AuditFilter):
    organisation: int | None = None


def filter_entries(entries: AuditEntryQuerySet, filters: AuditFilter) -> AuditEntryQuerySet:
    """Apply the API's filters; newest first, with what the output needs loaded."""
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.object_type:
        app_label, _dot, model = filters.object_type.partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    return entries.select_related("content_type").order_by("-created_at", "-id")

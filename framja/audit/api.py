"""The audit log through the API: an organisation's entries for its administrators.

GET /audit?organisation=ID here and GET /organisations/{id}/audit (accounts) answer the same.
Platform staff may leave out `organisation` to read every entry.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from framja.accounts.permissions import can_manage, require
from framja.audit.models import AuditEntry, AuditEntryQuerySet
from framja.audit.schemas import AuditEntryOut, AuditFilter
from framja.pagination import BoundedPagination

router = Router(tags=["audit"])

MAX_ID = 2**63 - 1


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


@router.get("", response=list[AuditEntryOut])
@paginate(BoundedPagination)
def audit_list(request: HttpRequest, filters: Query[AuditListFilter]) -> Any:
    """Entries of one organisation (its administrators), or of all (platform staff)."""
    user = request.user
    organisation_id = filters.organisation
    if organisation_id is None:
        require(bool(user.is_staff))
        return filter_entries(AuditEntry.objects.all(), filters)
    require(1 <= organisation_id <= MAX_ID and can_manage(user, organisation_id))
    return filter_entries(AuditEntry.objects.for_organisation(organisation_id), filters)

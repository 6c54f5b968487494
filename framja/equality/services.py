"""Reads of the equal-terms statistics (each audited once per request, with its filter) and
writes of reference shares. Pages, downloads and the API call these, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Organisation
from framja.accounts.permissions import DECIDING_ROLES, has_any_role, require
from framja.audit import registry as audit
from framja.catalogue.models import OfferingType
from framja.disclosure import THRESHOLD
from framja.equality import stats
from framja.equality.models import ReferenceShare
from framja.places.models import Municipality

#: The audit action of a read of demographic data (the support log's, for its aggregates too).
READ = "read"


def statistics_read(
    *,
    scope: stats.Scope,
    criteria: Mapping[str, Any],
    described: Mapping[str, str],
    channel: str,
    breakdown: str = "",
    breakdown_dimension: str = "gender",
    column_labels: Mapping[str, Mapping[Any, str]] | None = None,
    total_label: str = "Total",
) -> stats.Result:
    """The dashboard's figures for a filter, after one audit entry on the scope's organisation
    saying who read which aggregate through which channel (page, export, api), refused or not.
    Aggregates hold no single person's data, but they are computed from special-category data:
    the organisation's administrators can see who looked at what."""
    result = stats.dashboard(
        scope,
        criteria,
        breakdown=breakdown,
        breakdown_dimension=breakdown_dimension,
        column_labels=column_labels,
        total_label=total_label,
    )
    parts = [f"{name}={value}" for name, value in described.items()]
    if result.refused is not None:
        parts.append(f"refused={result.refused.value}")
    entry = f"{channel}: {', '.join(parts) or '-'}"
    with transaction.atomic():
        audit.record(
            scope.organisation,
            READ,
            {"equal_terms_statistics": [None, entry]},
            organisation_id=scope.organisation.pk,
        )
    return result


@transaction.atomic
def reference_share_save(*, share: ReferenceShare) -> ReferenceShare:
    share.full_clean()
    share.save()
    return share


@transaction.atomic
def reference_share_delete(*, share: ReferenceShare) -> None:
    share.delete()


def scope_for(user: Any, slug: str) -> stats.Scope:
    """The scope of an organisation's figures for its administrators and coordinators (and
    platform staff); 404 for anyone else. A verified region's covers its region and the border."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(has_any_role(user, organisation, DECIDING_ROLES))
    return stats.Scope(organisation, regional=organisation.verified_kind == Organisation.Kind.REGION)


REFUSALS = {
    "too_few": _(
        "This filter selects fewer than %(threshold)s clients, so no figures are shown. Choose a wider filter."
    ),
    "complement_too_few": _(
        "This filter leaves out fewer than %(threshold)s clients of the whole; comparing the two would single "
        "them out, so no figures are shown. Choose another filter."
    ),
    "difference_too_few": _(
        "This filter differs from a wider one by fewer than %(threshold)s clients; comparing the two would single "
        "them out, so no figures are shown. Choose a wider filter."
    ),
}


def refusal_message(reason: str) -> str:
    return str(REFUSALS[reason] % {"threshold": THRESHOLD})


def column_labels(scope: stats.Scope, breakdown: str) -> dict[str, dict[Any, str]]:
    """Names for a breakdown's columns (organisations and municipalities by id, offering types)."""
    if breakdown == "organisation":
        return {"organisation": dict(Organisation.objects.values_list("pk", "name"))}
    if breakdown == "municipality":
        return {"municipality": {m.pk: str(m) for m in Municipality.objects.all()}}
    if breakdown == "offering_type":
        return {"offering_type": {str(value): str(label) for value, label in OfferingType.choices}}
    return {}

"""The support log's menu entries (clients, to follow up and referrals, per organisation) and
workspace items (referrals to answer, clients to follow up), shown to the roles the pages
admit: the casework roles (adviser, coordinator, administrator). Each count is one aggregate
query for all the person's organisations."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import CASEWORK_ROLES
from framja.navigation import (
    MenuEntry,
    OrganisationLike,
    Viewer,
    WorkspaceItem,
    count_per_organisation,
    organisation_url,
    per_organisation,
    register_group,
)
from framja.support.models import Effort, Referral

CASEWORKERS = tuple(str(role) for role in CASEWORK_ROLES)

register_group("support", _("Support log"))

MENU = [
    MenuEntry(
        key="support-clients",
        label=_("Clients"),
        links=per_organisation("support-clients", roles=CASEWORKERS),
        group="support",
        weight=400,
    ),
    MenuEntry(
        key="support-follow-up",
        label=_("To follow up"),
        links=per_organisation("support-follow-up", roles=CASEWORKERS),
        group="support",
        weight=405,
    ),
    MenuEntry(
        key="support-referrals",
        label=_("Referrals"),
        links=per_organisation("support-referrals", roles=CASEWORKERS),
        group="support",
        weight=410,
    ),
]


def _to_answer(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    return count_per_organisation(organisations, Referral.objects.to_answer(), "to_organisation")


def _to_follow_up(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    return count_per_organisation(organisations, Effort.objects.follow_up_due(timezone.localdate()), "organisation")


WORKSPACE = [
    WorkspaceItem(
        key="support-referrals-to-answer",
        label=_("Referrals to answer"),
        roles=CASEWORKERS,
        counts=_to_answer,
        url=organisation_url("support-referrals"),
        weight=400,
    ),
    WorkspaceItem(
        key="support-clients-to-follow-up",
        label=_("Clients to follow up"),
        roles=CASEWORKERS,
        counts=_to_follow_up,
        url=organisation_url("support-follow-up"),
        weight=405,
    ),
]

"""The one place that decides who may see and who may change what.

Every page and API endpoint asks here. Conventions:
- anonymous visitors are sent to the login page (pages) or get 401 (API);
- a signed-in user without access to an object gets 404, never 403, so the object's
  existence is not revealed to outsiders;
- platform staff (is_staff) may see and change everything.

Roles, from most to least powerful: admin > coordinator > adviser > member.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404

from framja.accounts.models import CASEWORK_ROLES, DECIDING_ROLES, Membership, Organisation, Role

__all__ = ["CASEWORK_ROLES", "DECIDING_ROLES"]  # the role sets: import them from here

ROLE_RANK = {Role.ADMIN: 4, Role.COORDINATOR: 3, Role.ADVISER: 2, Role.MEMBER: 1}


def role_in(user: Any, organisation: Organisation | int) -> Role | None:
    """The user's role in the organisation, or None. Cached per request on the user object."""
    if user is None or not user.is_authenticated:
        return None
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    cache: dict[int, Role] | None = getattr(user, "_framja_roles", None)
    if cache is None:
        memberships = list(memberships_of(user))
        cache = {m.organisation_id: Role(m.role) for m in memberships}
        user._framja_roles = cache
    return cache.get(org_id)


def memberships_of(user: Any) -> list[Membership]:
    """The user's memberships with their organisations, in name order: one query per request,
    shared by role_in and the navigation (the menu and the workspace)."""
    if user is None or not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_framja_memberships", None)
    if cached is None:
        memberships = Membership.objects.filter(user=user).select_related("organisation")
        cached = list(memberships.order_by("organisation__name"))
        user._framja_memberships = cached
    return cached


def forget_roles(user: Any) -> None:
    """Drop the per-request role cache after memberships change."""
    for attribute in ("_framja_roles", "_framja_memberships"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def has_role(user: Any, organisation: Organisation | int, minimum: Role) -> bool:
    """True if the user holds `minimum` or a more powerful role (staff always do)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    role = role_in(user, organisation)
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]


def has_any_role(user: Any, organisation: Organisation | int, roles: Iterable[Role]) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return role_in(user, organisation) in set(roles)


def can_view_members(user: Any, organisation: Organisation | int) -> bool:
    """Any member sees who else is in the organisation."""
    return has_role(user, organisation, Role.MEMBER)


def can_manage(user: Any, organisation: Organisation | int) -> bool:
    """Admins change the organisation's profile, members, roles and invitations, and read its audit log."""
    return has_role(user, organisation, Role.ADMIN)


def require(allowed: bool) -> None:
    """Raise 404 (not 403) when access is denied, so outsiders learn nothing."""
    if not allowed:
        raise Http404

"""The equal-terms dashboard's menu entry, for the administrators and coordinators of each
organisation (demographic aggregates are for those who lead the work, not for every adviser)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from framja.accounts.models import DECIDING_ROLES
from framja.navigation import MenuEntry, per_organisation

LEADERS = tuple(str(role) for role in DECIDING_ROLES)

MENU = [
    MenuEntry(
        key="equality-dashboard",
        label=_("Equal terms"),
        links=per_organisation("equality-dashboard", roles=LEADERS),
        group="support",
        weight=420,
    ),
]

WORKSPACE: list = []

"""The audit log's menu entry: an organisation's log, for its administrators."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from framja.navigation import MenuEntry, per_organisation

MENU = [
    MenuEntry(
        key="audit-log",
        label=_("Audit log"),
        # Role values as plain strings: audit sits below accounts and does not import its Role.
        links=per_organisation("audit-organisation-log", roles=("admin",)),
        group="organisations",
        weight=220,
    ),
]

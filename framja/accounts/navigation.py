"""The accounts app's menu entries: the workspace (the signed-in home), the organisation
directory, and per organisation its members page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from framja.navigation import MenuEntry, always, per_organisation, register_group, signed_in

register_group("organisations", _("My organisations"))

MENU = [
    MenuEntry(key="workspace", label=_("Workspace"), links=signed_in("workspace"), weight=10),
    MenuEntry(key="organisations", label=_("Organisations"), links=always("accounts-organisation-list"), weight=30),
    MenuEntry(
        key="my-organisations",
        label=_("Overview"),
        links=signed_in("accounts-home"),
        group="organisations",
        weight=200,
    ),
    MenuEntry(
        key="members",
        label=_("Members"),
        links=per_organisation("accounts-member-list"),
        group="organisations",
        weight=210,
    ),
]

"""The navigation every page's base template shows: built once per request, only when a page
renders it (HTMX fragments do not), from the apps' navigation.py (framja.navigation)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from framja.accounts.permissions import memberships_of
from framja.navigation import MenuSection, Viewer, build_menu, entry_links, menu_entries


def viewer_for(request: HttpRequest) -> Viewer:
    """The signed-in person with their memberships (one query), shared by menu and workspace."""
    viewer: Viewer | None = getattr(request, "_framja_viewer", None)
    if viewer is None:
        user = request.user
        memberships = {m.organisation_id: (m.organisation, m.role) for m in memberships_of(user)}
        viewer = Viewer(user, memberships)
        request._framja_viewer = viewer  # type: ignore[attr-defined]
    return viewer


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url: str


class Navigation:
    """`navigation.menu` (the main menu) and `navigation.tabs.<group>` (one tab per entry of a
    group the person may open: its only link, or its chooser page when there are several)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def menu(self) -> list[MenuSection]:
        return build_menu(viewer_for(self.request))

    @cached_property
    def tabs(self) -> dict[str, list[Tab]]:
        viewer = viewer_for(self.request)
        tabs: dict[str, list[Tab]] = {}
        for entry in menu_entries():
            if not entry.group:
                continue
            links = entry_links(entry, viewer)
            if links:
                url = links[0].url if len(links) == 1 or not entry.chooser else reverse(entry.chooser)
                tabs.setdefault(entry.group, []).append(Tab(entry.key, str(entry.label), url))
        return tabs


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"navigation": Navigation(request)}

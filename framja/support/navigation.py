"""The support log's menu entries and workspace items (filled as its pages arrive)."""

from __future__ import annotations

from framja.navigation import MenuEntry, WorkspaceItem

MENU: list[MenuEntry] = []
WORKSPACE: list[WorkspaceItem] = []

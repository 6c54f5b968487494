"""The navigation registry: every app declares its menu entries and workspace items in its own
`navigation.py` (as NetBox does), and the project discovers them in INSTALLED_APPS order.

An app's `navigation.py` defines `MENU` (a list of `MenuEntry`) and/or `WORKSPACE` (a list of
`WorkspaceItem`). Both decide for one `Viewer` (the signed-in person, their memberships loaded
once per request) which links they show, so that no link ever leads to a page that answers 404
or 403 to the person who sees it. This module imports no app: apps import it (it sits below
every app, like a library), and it finds their modules through `django.apps` only.

Entries that need an organisation link once per organisation in which the person holds one of
the entry's roles (`per_organisation`); platform staff, who may open every organisation's page,
get one link to the page's organisation chooser instead, where the page has one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from typing import Any, Protocol

from django.apps import apps
from django.db.models import Count, QuerySet
from django.urls import reverse


class OrganisationLike(Protocol):
    pk: int
    slug: str
    name: str
    kind: str
    verified_kind: str  # the kind that gives powers (verified claims); menus follow it, not `kind`


@dataclass
class Viewer:
    """The person the menu is built for: their memberships, loaded once (by the project's context
    processor) and shared by every entry and workspace item."""

    user: Any
    #: organisation id -> (organisation, role value), in organisation-name order.
    memberships: Mapping[int, tuple[OrganisationLike, str]] = field(default_factory=dict)
    #: Per-request cache for entries that need one more query (e.g. the sluices a person leads).
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def is_staff(self) -> bool:
        return self.is_authenticated and bool(getattr(self.user, "is_staff", False))

    def organisations(self, roles: Iterable[str] = (), kinds: Iterable[str] = ()) -> list[OrganisationLike]:
        """Organisations in which the person holds one of `roles` (all roles if empty), of `kinds`."""
        wanted_roles, wanted_kinds = {str(r) for r in roles}, {str(k) for k in kinds}
        return [
            organisation
            for organisation, role in self.memberships.values()
            if (not wanted_roles or role in wanted_roles)
            and (not wanted_kinds or organisation.verified_kind in wanted_kinds)
        ]


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    #: The organisation (or sluice) the link is for, shown beside the label.
    organisation: str = ""
    organisation_id: int | None = None


LinkRule = Callable[[Viewer], Sequence[Link]]


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the main menu. `links(viewer)` answers the links the person may follow (none:
    the entry is hidden). `group` puts it in a drop-down of the menu (see GROUPS)."""

    key: str
    label: Any  # a lazy translation
    links: Callable[[MenuEntry, Viewer], Sequence[Link]]
    group: str = ""
    weight: int = 100
    #: A page (URL name) that lets the person choose among the entry's links: platform staff and
    #: the casework tabs link there when there is more than one organisation.
    chooser: str = ""


@dataclass(frozen=True)
class WorkspaceItem:
    """Something waiting for the person in an organisation, shown on the workspace with a count.

    `counts(viewer, organisations)` answers {organisation id: count} for all the person's
    organisations in ONE aggregate query; `url(organisation)` is where the work is. Items that
    concern no organisation (staff's failed mail) set `global_count` instead."""

    key: str
    label: Any
    roles: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    counts: Callable[[Viewer, list[OrganisationLike]], dict[int, int]] | None = None
    url: Callable[[OrganisationLike], str] | None = None
    global_count: Callable[[Viewer], tuple[int, str] | None] | None = None
    weight: int = 100
    #: Show the item only for the organisations `counts` answers for (it concerns only some,
    #: e.g. members of a shared sluice); otherwise a missing organisation counts 0.
    only_counted: bool = False


#: The drop-downs of the main menu, in order: key -> label. Apps add entries to them.
GROUPS: dict[str, Any] = {}


def register_group(key: str, label: Any) -> None:
    GROUPS.setdefault(key, label)


# --------------------------------------------------------------------------- link rules


def always(url_name: str) -> Callable[[MenuEntry, Viewer], Sequence[Link]]:
    """A page anyone may open."""

    def links(entry: MenuEntry, viewer: Viewer) -> Sequence[Link]:
        return [Link(str(entry.label), reverse(url_name))]

    return links


def signed_in(url_name: str, *, when: Callable[[Viewer], bool] | None = None) -> Callable[..., Sequence[Link]]:
    """A page for signed-in people (optionally only when `when(viewer)` holds)."""

    def links(entry: MenuEntry, viewer: Viewer) -> Sequence[Link]:
        if not viewer.is_authenticated or (when is not None and not when(viewer)):
            return []
        return [Link(str(entry.label), reverse(url_name))]

    return links


def per_organisation(
    url_name: str,
    *,
    roles: Iterable[str] = (),
    kinds: Iterable[str] = (),
    in_query: bool = False,
) -> Callable[[MenuEntry, Viewer], Sequence[Link]]:
    """One link per organisation in which the person holds one of `roles` (of `kinds`).

    `in_query`: the page takes `?organisation=<slug>` (else the slug is the URL's argument).
    Platform staff, who may open every organisation's page, get the entry's `chooser` instead
    where it has one."""
    roles, kinds = tuple(roles), tuple(kinds)

    def url(organisation: OrganisationLike) -> str:
        if in_query:
            return f"{reverse(url_name)}?organisation={organisation.slug}"
        return reverse(url_name, args=[organisation.slug])

    def links(entry: MenuEntry, viewer: Viewer) -> Sequence[Link]:
        if viewer.is_staff and entry.chooser:
            return [Link(str(entry.label), reverse(entry.chooser))]
        if not viewer.is_authenticated:
            return []
        return [
            Link(str(entry.label), url(o), organisation=o.name, organisation_id=o.pk)
            for o in viewer.organisations(roles, kinds)
        ]

    return links


def count_per_organisation(
    organisations: Iterable[OrganisationLike], rows: QuerySet[Any], column: str
) -> dict[int, int]:
    """{organisation id: how many of `rows` have that organisation in `column`}, 0 for none: one
    grouped query, for a workspace item's `counts`."""
    ids = [o.pk for o in organisations]
    found = dict(rows.filter(**{f"{column}__in": ids}).order_by().values_list(column).annotate(n=Count("pk")))
    return {pk: found.get(pk, 0) for pk in ids}


def organisation_url(url_name: str, *, in_query: bool = False, **query: str) -> Callable[[OrganisationLike], str]:
    """The URL of an organisation's page, for workspace items."""

    def url(organisation: OrganisationLike) -> str:
        params = {"organisation": organisation.slug, **query} if in_query else query
        base = reverse(url_name) if in_query else reverse(url_name, args=[organisation.slug])
        return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")

    return url


# --------------------------------------------------------------------------- discovery


@cache
def _modules() -> tuple[Any, ...]:
    """Every installed app's `navigation` module, in INSTALLED_APPS order (lower layers first)."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.navigation"
        if find_spec(name) is not None:
            found.append(import_module(name))
    return tuple(found)


def menu_entries() -> list[MenuEntry]:
    entries = [entry for module in _modules() for entry in getattr(module, "MENU", ())]
    return sorted(entries, key=lambda e: e.weight)


def workspace_items() -> list[WorkspaceItem]:
    items = [item for module in _modules() for item in getattr(module, "WORKSPACE", ())]
    return sorted(items, key=lambda i: i.weight)


def entry_links(entry: MenuEntry, viewer: Viewer) -> Sequence[Link]:
    """The entry's links for this person, worked out once per request."""
    key = f"links:{entry.key}"
    if key not in viewer.cache:
        viewer.cache[key] = list(entry.links(entry, viewer))
    return viewer.cache[key]


@dataclass
class MenuSection:
    key: str
    label: str
    links: list[Link]
    is_group: bool = False

    @property
    def show_organisation(self) -> bool:
        """Name the organisation beside each link only when the links concern several."""
        return len({link.organisation for link in self.links if link.organisation}) > 1


def build_menu(viewer: Viewer) -> list[MenuSection]:
    """The main menu for this person: top-level entries and drop-down groups, in weight order;
    entries without links are left out, and so are empty groups."""
    sections: list[MenuSection] = []
    groups: dict[str, MenuSection] = {}
    for entry in menu_entries():
        links = list(entry_links(entry, viewer))
        if not links:
            continue
        if not entry.group:
            sections.append(MenuSection(entry.key, str(entry.label), links))
            continue
        section = groups.get(entry.group)
        if section is None:
            label = str(GROUPS.get(entry.group, entry.group))
            section = groups[entry.group] = MenuSection(entry.group, label, [], is_group=True)
            sections.append(section)
        section.links.extend(links)
    return sections


# --------------------------------------------------------------------------- workspace


@dataclass
class WorkspaceRow:
    label: str
    count: int
    url: str


@dataclass
class WorkspaceOrganisation:
    organisation: OrganisationLike
    role: str
    rows: list[WorkspaceRow]
    pages: list[Link]


def build_workspace(viewer: Viewer) -> tuple[list[WorkspaceOrganisation], list[WorkspaceRow]]:
    """What waits for the person: per organisation (in name order) the items their role there
    shows, each counted with one aggregate query over all their organisations, and the pages of
    the main menu for that organisation; then the items that belong to no organisation."""
    by_organisation = {
        org_id: WorkspaceOrganisation(organisation, role, [], [])
        for org_id, (organisation, role) in viewer.memberships.items()
    }
    general: list[WorkspaceRow] = []
    for item in workspace_items():
        if item.global_count is not None:
            answer = item.global_count(viewer)
            if answer is not None:
                general.append(WorkspaceRow(str(item.label), answer[0], answer[1]))
        organisations = viewer.organisations(item.roles, item.kinds)
        if item.counts is None or item.url is None or not organisations:
            continue
        counts = item.counts(viewer, organisations)
        for organisation in organisations:
            if item.only_counted and organisation.pk not in counts:
                continue
            row = WorkspaceRow(str(item.label), counts.get(organisation.pk, 0), item.url(organisation))
            by_organisation[organisation.pk].rows.append(row)
    for section in build_menu(viewer):
        for link in section.links:
            if link.organisation_id in by_organisation:
                by_organisation[link.organisation_id].pages.append(link)
    return list(by_organisation.values()), general

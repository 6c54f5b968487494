"""The support catalogue's menu entries (the directory, the calendar and the front door for
everyone; per organisation its offerings, events and contact requests for those who keep them)
and workspace items (offerings due for review, contact requests to answer, new registrations),
each shown by the rule the page itself applies (views.EDITOR_ROLE and above); each count is one
aggregate query for all the person's organisations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Role
from framja.catalogue.models import ContactRequest, Offering, Registration
from framja.navigation import (
    MenuEntry,
    OrganisationLike,
    Viewer,
    WorkspaceItem,
    always,
    count_per_organisation,
    organisation_url,
    per_organisation,
    register_group,
)

#: The roles that may open the catalogue's staff pages (views.EDITOR_ROLE = adviser, and above).
EDITORS = (str(Role.ADMIN), str(Role.COORDINATOR), str(Role.ADVISER))

register_group("catalogue", _("Support catalogue"))

MENU = [
    MenuEntry(key="start", label=_("Find support"), links=always("catalogue-start"), weight=15),
    MenuEntry(key="directory", label=_("Support directory"), links=always("catalogue-directory"), weight=40),
    MenuEntry(key="calendar", label=_("Calendar"), links=always("catalogue-calendar"), weight=45),
    MenuEntry(
        key="our-offerings",
        label=_("Our offerings"),
        links=per_organisation("catalogue-manage", roles=EDITORS),
        group="catalogue",
        weight=300,
    ),
    MenuEntry(
        key="our-events",
        label=_("Our events"),
        links=per_organisation("catalogue-manage-events", roles=EDITORS),
        group="catalogue",
        weight=310,
    ),
    MenuEntry(
        key="contact-requests",
        label=_("Contact requests"),
        links=per_organisation("catalogue-contact-requests", roles=EDITORS),
        group="catalogue",
        weight=320,
    ),
]


def _due_for_review(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    return count_per_organisation(organisations, Offering.objects.due_for_review(), "organisation")


def _to_answer(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    return count_per_organisation(organisations, ContactRequest.objects.unanswered(), "organisation")


def _new_registrations(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    return count_per_organisation(organisations, Registration.objects.new(), "event__organiser")


WORKSPACE = [
    WorkspaceItem(
        key="offerings-due-for-review",
        label=_("Offerings due for review"),
        roles=EDITORS,
        counts=_due_for_review,
        url=organisation_url("catalogue-manage"),
        weight=300,
    ),
    WorkspaceItem(
        key="contact-requests",
        label=_("Contact requests to answer"),
        roles=EDITORS,
        counts=_to_answer,
        url=organisation_url("catalogue-contact-requests"),
        weight=310,
    ),
    WorkspaceItem(
        key="new-registrations",
        label=_("New registrations for our events"),
        roles=EDITORS,
        counts=_new_registrations,
        url=organisation_url("catalogue-manage-events"),
        weight=320,
    ),
]

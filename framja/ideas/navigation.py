"""The idea sluice's menu entries (the public list, submit; inbox, dashboard, regional view,
sluice settings) and workspace items (ideas to triage, ideas assigned to me, co-development
invitations, duplicate candidates), each shown by the same rule the page itself applies (services.casework)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Organisation
from framja.accounts.permissions import CASEWORK_ROLES, DECIDING_ROLES
from framja.ideas.models import DuplicateCandidate, Idea, Participant, Sluice, SluiceMembership
from framja.ideas.services.duplicates import duplicate_threshold
from framja.navigation import (
    Link,
    MenuEntry,
    OrganisationLike,
    Viewer,
    WorkspaceItem,
    always,
    organisation_url,
    per_organisation,
    register_group,
)

CASEWORK = tuple(str(r) for r in CASEWORK_ROLES)
DECIDING = tuple(str(r) for r in DECIDING_ROLES)
REGION = str(Organisation.Kind.REGION)

register_group("ideas", _("Idea sluice"))


def _staff_may_choose(viewer: Viewer, key: str, organisations: QuerySet[Organisation]) -> bool:
    """Staff choose among every (active / region) organisation: only if there is one."""
    if key not in viewer.cache:
        viewer.cache[key] = organisations.exists()
    return bool(viewer.cache[key])


def _inbox_links(entry: MenuEntry, viewer: Viewer) -> Sequence[Link]:
    if viewer.is_staff and not _staff_may_choose(viewer, "active", Organisation.objects.active()):
        return []
    return per_organisation(entry.chooser, roles=CASEWORK, in_query=True)(entry, viewer)


def _regional_links(entry: MenuEntry, viewer: Viewer) -> Sequence[Link]:
    if viewer.is_staff and not _staff_may_choose(viewer, "regions", Organisation.objects.verified_as(REGION)):
        return []
    return per_organisation("ideas-regional", roles=DECIDING, kinds=(REGION,), in_query=True)(entry, viewer)


def _viewer_sluices(viewer: Viewer) -> list[Sluice]:
    """The sluices the menu links for a person, in one query shared by two entries: those led by
    an organisation where they decide (`led`), and the shared ones where one of their casework
    organisations is an active member (`member_id`: that organisation)."""
    if "sluices" not in viewer.cache:
        led = [o.pk for o in viewer.organisations(DECIDING)]
        own = [o.pk for o in viewer.organisations(CASEWORK)]
        member_of = SluiceMembership.objects.active().filter(sluice=OuterRef("pk"), organisation__in=own)
        viewer.cache["sluices"] = (
            list(
                Sluice.objects.filter(
                    Q(lead_organisation__in=led) | Q(shared=True, pk__in=member_of.values("sluice_id"))
                )
                .annotate(member_id=Subquery(member_of.order_by("organisation__name").values("organisation_id")[:1]))
                .order_by("name")
            )
            if own
            else []
        )
    return list(viewer.cache["sluices"])


def _sluice_links(entry: MenuEntry, viewer: Viewer) -> Sequence[Link]:
    """One link per sluice led by an organisation where the person decides (staff: the list)."""
    if viewer.is_staff:
        return [Link(str(entry.label), reverse("ideas-sluice-list"))] if Sluice.objects.exists() else []
    led = {o.pk for o in viewer.organisations(DECIDING)}
    return [
        Link(
            str(entry.label),
            reverse("ideas-sluice-settings", args=[s.slug]),
            organisation=s.name,
            organisation_id=s.lead_organisation_id,
        )
        for s in _viewer_sluices(viewer)
        if s.lead_organisation_id in led
    ]


def _shared_inbox_links(entry: MenuEntry, viewer: Viewer) -> Sequence[Link]:
    """One link per shared sluice in which one of the person's casework organisations is an
    active member (staff: every shared sluice)."""
    if viewer.is_staff:
        sluices = Sluice.objects.filter(shared=True).order_by("name")
        return [
            Link(str(entry.label), reverse("ideas-sluice-inbox", args=[s.slug]), organisation=s.name) for s in sluices
        ]
    return [
        Link(
            str(entry.label),
            reverse("ideas-sluice-inbox", args=[s.slug]),
            organisation=s.name,
            organisation_id=getattr(s, "member_id", None),
        )
        for s in _viewer_sluices(viewer)
        if getattr(s, "member_id", None) is not None
    ]


def _membership_links(entry: MenuEntry, viewer: Viewer) -> Sequence[Link]:
    if viewer.is_staff and not _staff_may_choose(viewer, "active", Organisation.objects.active()):
        return []
    return per_organisation("ideas-sluice-memberships", roles=DECIDING, in_query=True)(entry, viewer)


MENU = [
    MenuEntry(key="ideas", label=_("Ideas"), links=always("ideas-list"), weight=18),
    MenuEntry(key="submit", label=_("Submit an idea"), links=always("ideas-submit"), weight=20),
    MenuEntry(key="inbox", label=_("Inbox"), links=_inbox_links, group="ideas", weight=100, chooser="ideas-inbox"),
    MenuEntry(
        key="dashboard",
        label=_("Pipeline dashboard"),
        links=_inbox_links,
        group="ideas",
        weight=110,
        chooser="ideas-dashboard",
    ),
    MenuEntry(
        key="regional",
        label=_("Regional view"),
        links=_regional_links,
        group="ideas",
        weight=120,
        chooser="ideas-regional",
    ),
    MenuEntry(
        key="shared",
        label=_("Shared inbox"),
        links=_shared_inbox_links,
        group="ideas",
        weight=115,
    ),
    MenuEntry(
        key="shared-memberships",
        label=_("Shared sluices"),
        links=_membership_links,
        group="ideas",
        weight=125,
        chooser="ideas-sluice-memberships",
    ),
    MenuEntry(
        key="sluices",
        label=_("Sluice settings"),
        links=_sluice_links,
        group="ideas",
        weight=130,
        chooser="ideas-sluice-list",
    ),
]


# --------------------------------------------------------------------------- workspace


class _Count(Func):
    """COUNT(*) of a correlated subquery, without GROUP BY: one number per outer row."""

    function = "COUNT"
    template = "%(function)s(*)"
    output_field = IntegerField()

    def __init__(self) -> None:
        super().__init__()


def _per_organisation(organisations: list[OrganisationLike], rows: QuerySet) -> dict[int, int]:
    """{organisation id: count} for the organisations, `rows` correlated to OuterRef("pk"): one query."""
    counted = (
        Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        .annotate(n=Coalesce(Subquery(rows.order_by().annotate(n=_Count()).values("n")[:1]), Value(0)))
        .values_list("pk", "n")
    )
    return dict(counted)


def _inbox_ideas() -> QuerySet[Idea]:
    """The outer organisation's inbox (Idea.objects.for_organisation), not withdrawn."""
    codeveloped = Participant.objects.filter(
        organisation=OuterRef(OuterRef("pk")), status=Participant.Status.ACCEPTED
    ).values("idea_id")
    return Idea.objects.filter(withdrawn_at=None).filter(
        Q(receiving_organisation=OuterRef("pk")) | Q(pk__in=codeveloped)
    )


def _to_triage(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    """Ideas the organisation received that nobody is responsible for: who is responsible is the
    receiving organisation's business, not a co-developing partner's (docs/partner-privacy.md)."""
    received = Idea.objects.filter(withdrawn_at=None, receiving_organisation=OuterRef("pk"))
    return _per_organisation(organisations, received.filter(assignee=None))


def _local_triage(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    """Ideas the organisation received in a shared sluice that its staff have not passed on yet:
    only they see them until then (docs/shared-sluices.md)."""
    received = Idea.objects.filter(
        withdrawn_at=None, receiving_organisation=OuterRef("pk"), sluice__shared=True, shared_at=None
    )
    member = SluiceMembership.objects.active().filter(organisation=OuterRef("pk"))
    counted = (
        Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        .annotate(n=Coalesce(Subquery(received.order_by().annotate(n=_Count()).values("n")[:1]), Value(0)))
        .filter(Q(n__gt=0) | Exists(member))
        .values_list("pk", "n")
    )
    return dict(counted)  # only organisations in a shared sluice or with ideas still in one


def _assigned_to_me(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    return _per_organisation(organisations, _inbox_ideas().filter(assignee=viewer.user))


def _invitations(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    invited = Participant.objects.filter(organisation=OuterRef("pk"), status=Participant.Status.INVITED)
    return _per_organisation(organisations, invited)


def _sluice_invitations(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    invited = SluiceMembership.objects.filter(organisation=OuterRef("pk"), status=SluiceMembership.Status.INVITED)
    return _per_organisation(organisations, invited)


def _duplicates(viewer: Viewer, organisations: list[OrganisationLike]) -> dict[int, int]:
    """Pending pairs the regional view shows: either idea in a municipality the region serves."""
    served = Organisation.verified_serves.through.objects.filter(organisation_id=OuterRef(OuterRef("pk"))).values(
        "municipality_id"
    )
    pending = DuplicateCandidate.objects.filter(
        judgement=DuplicateCandidate.Judgement.PENDING, score__gte=duplicate_threshold()
    ).filter(Q(idea_a__municipality_id__in=served) | Q(idea_b__municipality_id__in=served))
    return _per_organisation(organisations, pending)


WORKSPACE = [
    WorkspaceItem(
        key="triage",
        label=_("New ideas nobody is responsible for yet"),
        roles=CASEWORK,
        counts=_to_triage,
        url=organisation_url("ideas-inbox", in_query=True, assignee="none"),
        weight=100,
    ),
    WorkspaceItem(
        key="local-triage",
        label=_("Ideas in local triage, not yet passed on to the shared sluice"),
        roles=CASEWORK,
        counts=_local_triage,
        url=organisation_url("ideas-sluice-local-triage", in_query=True),
        weight=105,
        only_counted=True,
    ),
    WorkspaceItem(
        key="assigned",
        label=_("Ideas assigned to me"),
        roles=CASEWORK,
        counts=_assigned_to_me,
        url=organisation_url("ideas-inbox", in_query=True, assignee="me"),
        weight=110,
    ),
    WorkspaceItem(
        key="invitations",
        label=_("Co-development invitations to answer"),
        roles=DECIDING,
        counts=_invitations,
        url=organisation_url("ideas-inbox", in_query=True),
        weight=120,
    ),
    WorkspaceItem(
        key="sluice-invitations",
        label=_("Invitations to join a shared sluice"),
        roles=("admin",),
        counts=_sluice_invitations,
        url=organisation_url("ideas-sluice-memberships", in_query=True),
        weight=125,
    ),
    WorkspaceItem(
        key="duplicates",
        label=_("Possible duplicates to judge"),
        roles=DECIDING,
        kinds=(REGION,),
        counts=_duplicates,
        url=organisation_url("ideas-regional", in_query=True),
        weight=130,
    ),
]

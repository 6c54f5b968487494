"""Shared sluices in the API, with the same rules as the pages (docs/shared-sluices.md): the lead
creates the sluice and invites, a member's administrators answer and leave, every active member's
caseworkers read the members, the shared inbox (no personal data of other members' submitters)
and the figures split by member; the receiving organisation passes an idea on from local triage."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from framja.accounts.models import Organisation, Role, User
from framja.accounts.permissions import DECIDING_ROLES, has_any_role, require
from framja.ideas import stats
from framja.ideas.forms.casework import DashboardPeriodForm
from framja.ideas.models import Idea, IdeaQuerySet, Sluice, SluiceMembership
from framja.ideas.schemas import (
    MemberSplitOut,
    SharedIdeaOut,
    SharedSluiceIn,
    SluiceAnswerIn,
    SluiceInviteIn,
    SluiceMembershipOut,
    SluiceOut,
)
from framja.ideas.services import casework
from framja.ideas.services import sluices as services
from framja.pagination import BoundedPagination

router = Router(tags=["ideas"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _member_view(request: HttpRequest, slug: str) -> tuple[Sluice, Organisation | None]:
    """The shared sluice for a caseworker of an active member (or staff), else 404."""
    sluice = get_object_or_404(Sluice.objects.select_related("lead_organisation"), slug=slug, shared=True)
    user = _user(request)
    if user.is_staff:
        return sluice, None
    member = services.viewing_member(user, sluice)
    require(member is not None)
    return sluice, member


def _membership(pk: int) -> SluiceMembership:
    return SluiceMembership.objects.select_related("sluice", "organisation").get(pk=pk)


@router.post("sluices", response={201: SluiceOut}, summary="Create a shared sluice")
def create_sluice(request: HttpRequest, payload: SharedSluiceIn) -> Status:
    """Administrators and coordinators of the lead organisation; the sluice starts with the
    standard stages and criteria and the lead as its first member. An organisation you do not
    coordinate answers 404, as everywhere."""
    lead = get_object_or_404(Organisation, slug=payload.organisation)
    require(has_any_role(_user(request), lead, DECIDING_ROLES))  # others learn nothing: 404
    sluice = services.create_shared_sluice(lead=lead, name=payload.name, by=_user(request))
    return Status(201, Sluice.objects.select_related("lead_organisation").get(pk=sluice.pk))


@router.get("sluices/{slug}/members", response=list[SluiceMembershipOut], summary="Members of a shared sluice")
def list_members(request: HttpRequest, slug: str) -> list[SluiceMembership]:
    sluice = get_object_or_404(Sluice, slug=slug)
    if not has_any_role(_user(request), sluice.lead_organisation_id, DECIDING_ROLES):
        _member_view(request, slug)
    return list(
        SluiceMembership.objects.filter(sluice=sluice)
        .select_related("sluice", "organisation")
        .order_by("organisation__name", "-invited_at")
    )


@router.post("sluices/{slug}/members", response={201: SluiceMembershipOut}, summary="Invite an organisation")
def invite_member(request: HttpRequest, slug: str, payload: SluiceInviteIn) -> Status:
    """The lead's administrators and coordinators; inviting a first member shares the sluice.
    The invited organisation's administrators are e-mailed."""
    sluice = get_object_or_404(Sluice, slug=slug)
    require(has_any_role(_user(request), sluice.lead_organisation_id, DECIDING_ROLES))
    organisation = Organisation.objects.active().verified().filter(slug=payload.organisation).first()
    if organisation is None or organisation.pk == sluice.lead_organisation_id:
        raise ValidationError({"organisation": [_("Choose another active organisation.")]})
    membership = services.invite_member(sluice=sluice, organisation=organisation, by=_user(request))
    return Status(201, _membership(membership.pk))


@router.patch(
    "sluice-memberships/{int:membership_id}",
    response=SluiceMembershipOut,
    summary="Answer an invitation to a shared sluice",
)
def answer_invitation(request: HttpRequest, membership_id: int, payload: SluiceAnswerIn) -> SluiceMembership:
    """The invited organisation's administrators accept (`accept: true`) or decline."""
    membership = get_object_or_404(SluiceMembership, pk=membership_id)
    require(has_any_role(_user(request), membership.organisation_id, [Role.ADMIN]))
    services.respond(membership=membership, accept=payload.accept, by=_user(request))
    return _membership(membership_id)


@router.post(
    "sluice-memberships/{int:membership_id}/leave",
    response=SluiceMembershipOut,
    summary="Leave a shared sluice",
)
def leave(request: HttpRequest, membership_id: int) -> SluiceMembership:
    """The member's administrators; its ideas stay in the sluice with their history."""
    membership = get_object_or_404(SluiceMembership, pk=membership_id)
    require(has_any_role(_user(request), membership.organisation_id, [Role.ADMIN]))
    services.leave(membership=membership, by=_user(request))
    return _membership(membership_id)


@router.post(
    "sluice-memberships/{int:membership_id}/end",
    response=SluiceMembershipOut,
    summary="Withdraw an invitation or remove a member",
)
def end_membership(request: HttpRequest, membership_id: int) -> SluiceMembership:
    """The lead's administrators and coordinators: an invitation is withdrawn, an active member
    removed (its ideas stay in the sluice with their history). The lead's own membership cannot
    be ended (422)."""
    membership = get_object_or_404(SluiceMembership.objects.select_related("sluice"), pk=membership_id)
    require(has_any_role(_user(request), membership.sluice.lead_organisation_id, DECIDING_ROLES))
    services.end_membership(membership=membership, by=_user(request))
    return _membership(membership_id)


@router.get("sluices/{slug}/ideas", response=list[SharedIdeaOut], summary="The shared inbox")
@paginate(BoundedPagination)
def shared_inbox(request: HttpRequest, slug: str) -> IdeaQuerySet:
    """Every idea past local triage, and the caller's own member's ideas still in triage,
    newest first. `assignee` only for the caller's own ideas."""
    sluice, member = _member_view(request, slug)
    ideas = Idea.objects.filter(sluice=sluice) if member is None else Idea.objects.shared_inbox(sluice, member)
    user = _user(request)
    return (
        ideas.filter(withdrawn_at=None)
        .select_related("municipality", "stage", "assignee", "receiving_organisation")
        .with_supporter_count()
        .with_full_casework(user)
        .order_by("-created_at", "-pk")
    )


@router.get("sluices/{slug}/dashboard", response=MemberSplitOut, summary="Figures split by member")
def dashboard(
    request: HttpRequest,
    slug: str,
    from_month: str | None = Query(None, alias="from", description="First month, YYYY-MM", max_length=20),
    to_month: str | None = Query(None, alias="to", description="Last month, YYYY-MM", max_length=20),
) -> dict[str, Any]:
    """`from`/`to` keep the ideas received in those months (at the stage where they are today)
    and the gate decisions taken in them."""
    sluice, _member = _member_view(request, slug)
    period_form = DashboardPeriodForm({"from": from_month or "", "to": to_month or ""})
    if not period_form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in period_form.errors.items()})
    period = stats.Period(period_form.cleaned_data["from"], period_form.cleaned_data["to"])
    split = stats.per_member(Idea.objects.filter(sluice=sluice), services.member_names(sluice), period)
    return {
        "sluice": sluice.slug,
        "total": split.total,
        "stages": split.stages,
        "outcomes": [label for _value, label in split.outcomes],
        "rows": split.rows,
    }


@router.post("{int:idea_id}/share", response=SharedIdeaOut, summary="Pass an idea on to the shared sluice")
def share_idea(request: HttpRequest, idea_id: int) -> Idea:
    """The receiving organisation's caseworkers, after their local triage."""
    user = _user(request)
    idea = get_object_or_404(Idea.objects.workable_by(user).with_full_casework(user), pk=idea_id)
    require(casework.access_for(user, idea, workable=True).receiving_side)
    services.share_idea(idea=idea, by=user)
    return (
        Idea.objects.select_related("municipality", "stage", "assignee", "receiving_organisation")
        .with_supporter_count()
        .with_full_casework(user)
        .get(pk=idea_id)
    )

"""Shared sluice pages: an organisation's shared sluices (invitations to answer, leaving, creating
one), the lead's member list with invitations, the shared inbox and the dashboard split by member,
and passing an idea on from local triage. Who may do what is in docs/shared-sluices.md."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from framja.accounts.models import Organisation, Role, User
from framja.accounts.permissions import CASEWORK_ROLES, DECIDING_ROLES, has_any_role, memberships_of, require
from framja.ideas import exports, stats
from framja.ideas.forms import casework as forms
from framja.ideas.models import Idea, Sluice, SluiceMembership, Stage
from framja.ideas.services import sluices as services
from framja.ideas.views.casework import INBOX_PAGE_SIZE, _chosen, _get_idea_for_casework, _inbox_rows, _period


def _acting(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _organisations(user: Any, roles: tuple[Role, ...]) -> list[Organisation]:
    """The user's organisations with one of `roles` (staff: every active organisation)."""
    if user.is_staff:
        return list(Organisation.objects.active().order_by("name"))
    return [m.organisation for m in memberships_of(user) if m.role in roles]


def _sluice_for_member(request: HttpRequest, slug: str) -> tuple[Sluice, Organisation | None]:
    """The shared sluice if the user does casework in an active member (the lead included),
    with that member organisation (None for staff, who see every member's ideas); else 404."""
    sluice = get_object_or_404(Sluice.objects.select_related("lead_organisation"), slug=slug, shared=True)
    if getattr(request.user, "is_staff", False):
        return sluice, None
    member = services.viewing_member(request.user, sluice)
    require(member is not None)
    return sluice, member


def _members(sluice: Sluice) -> list[SluiceMembership]:
    return list(
        SluiceMembership.objects.filter(sluice=sluice)
        .select_related("sluice", "organisation", "invited_by", "answered_by")
        .order_by("organisation__name", "-invited_at")
    )


# --------------------------------------------------------------------------- an organisation's view


@login_required
@require_GET
def memberships(request: HttpRequest) -> HttpResponse:
    """An organisation's shared sluices: invitations to answer, the one it takes part in, those
    it left; administrators answer and leave, administrators and coordinators create one."""
    organisations = _organisations(request.user, DECIDING_ROLES)
    organisation = _chosen(request, organisations)
    if organisation is None:
        return render(
            request,
            "ideas/casework/choose_organisation.html",
            {"organisations": organisations, "target": "ideas-sluice-memberships"},
        )
    rows = list(
        SluiceMembership.objects.filter(organisation=organisation)
        .select_related("sluice__lead_organisation", "invited_by")
        .order_by("-invited_at", "-pk")
    )
    return render(
        request,
        "ideas/sluices/memberships.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "rows": rows,
            "is_admin": has_any_role(request.user, organisation, [Role.ADMIN]),
            "active": next((m for m in rows if m.status == SluiceMembership.Status.ACTIVE), None),
            "answer_form": forms.RespondForm(),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Create a shared sluice led by one of the person's organisations (administrators and
    coordinators)."""
    organisations = _organisations(request.user, DECIDING_ROLES)
    require(bool(organisations))
    choices = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
    initial = {}
    chosen = request.GET.get("organisation", "")
    if chosen:
        initial["organisation"] = next((o for o in organisations if o.slug == chosen), None)
    form = forms.SharedSluiceForm(request.POST or None, organisations=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sluice = services.create_shared_sluice(
                lead=form.cleaned_data["organisation"], name=form.cleaned_data["name"], by=_acting(request)
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The shared sluice was created. Invite its members."))
            return redirect("ideas-sluice-members", sluice.slug)
    return render(request, "ideas/sluices/create.html", {"form": form})


def _membership_for_admin(request: HttpRequest, pk: int) -> SluiceMembership:
    membership = get_object_or_404(SluiceMembership.objects.select_related("sluice", "organisation"), pk=pk)
    require(has_any_role(request.user, membership.organisation_id, [Role.ADMIN]))
    return membership


def _back(membership: SluiceMembership) -> HttpResponse:
    return redirect(reverse("ideas-sluice-memberships") + f"?organisation={membership.organisation.slug}")


@login_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited organisation's administrators accept or decline."""
    membership = _membership_for_admin(request, pk)
    form = forms.RespondForm(request.POST)
    require(form.is_valid())
    accept = form.cleaned_data["answer"] == "accept"
    try:
        services.respond(membership=membership, accept=accept, by=_acting(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if accept:
            messages.success(
                request, _("You joined the shared sluice: new ideas to your organisation land there from now on.")
            )
            return redirect("ideas-sluice-inbox", membership.sluice.slug)
        messages.success(request, _("You declined the invitation."))
    return _back(membership)


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    """An active member's administrators leave; its ideas stay with their history."""
    membership = _membership_for_admin(request, pk)
    try:
        services.leave(membership=membership, by=_acting(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your organisation left the shared sluice. New ideas go to your own sluice again."))
    return _back(membership)


# --------------------------------------------------------------------------- the lead's view


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The sluice's members: the lead's administrators and coordinators invite (which shares a
    sluice that was not shared yet); every member's caseworkers read the list."""
    sluice = get_object_or_404(Sluice.objects.select_related("lead_organisation"), slug=slug)
    leads = has_any_role(request.user, sluice.lead_organisation_id, DECIDING_ROLES)
    if not leads:
        require(sluice.shared)
        _sluice_for_member(request, slug)
    form = forms.SluiceInviteForm(request.POST or None, sluice=sluice) if leads else None
    if request.method == "POST":
        require(form is not None)
        assert form is not None
        if form.is_valid():
            try:
                services.invite_member(
                    sluice=sluice, organisation=form.cleaned_data["organisation"], by=_acting(request)
                )
            except ValidationError as exc:
                forms.apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(organisation)s was invited; its administrators were told by e-mail.")
                    % {"organisation": form.cleaned_data["organisation"].name},
                )
                return redirect("ideas-sluice-members", sluice.slug)
    return render(
        request,
        "ideas/sluices/members.html",
        {"sluice": sluice, "members": _members(sluice), "form": form, "leads": leads},
    )


@login_required
@require_POST
def end_membership(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The lead's administrators and coordinators withdraw an invitation or remove a member."""
    membership = get_object_or_404(
        SluiceMembership.objects.select_related("sluice", "organisation"), pk=pk, sluice__slug=slug
    )
    require(has_any_role(request.user, membership.sluice.lead_organisation_id, DECIDING_ROLES))
    was_invited = membership.status == SluiceMembership.Status.INVITED
    try:
        services.end_membership(membership=membership, by=_acting(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = {"organisation": membership.organisation.name}
        if was_invited:
            messages.success(request, _("The invitation to %(organisation)s was withdrawn.") % name)
        else:
            messages.success(
                request,
                _("%(organisation)s was removed from the shared sluice; its ideas stay with their history.") % name,
            )
    return redirect("ideas-sluice-members", membership.sluice.slug)


# --------------------------------------------------------------------------- shared inbox and dashboard


@login_required
@require_GET
def inbox(request: HttpRequest, slug: str) -> HttpResponse:
    """Every idea in the shared process plus the member's own ideas in local triage, with who
    received each; no personal data of other members' submitters (the rows hold none, and the
    responsible person shows only for the member's own ideas)."""
    sluice, member = _sluice_for_member(request, slug)
    ideas = Idea.objects.filter(sluice=sluice) if member is None else Idea.objects.shared_inbox(sluice, member)
    ideas = ideas.filter(withdrawn_at=None)
    received_by = request.GET.get("member", "")
    if received_by:
        ideas = ideas.filter(receiving_organisation__slug=received_by)
    stage = request.GET.get("stage", "")
    if stage.isdigit():
        ideas = ideas.filter(stage_id=int(stage))
    if request.GET.get("triage") == "1":
        ideas = ideas.filter(shared_at=None)
    rows = _inbox_rows(ideas, request.user).select_related("receiving_organisation").order_by("-created_at", "-pk")
    page = Paginator(rows, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ideas/sluices/inbox.html",
        {
            "sluice": sluice,
            "member": member,
            "page": page,
            "query": query.urlencode(),
            "member_options": list(
                dict.fromkeys(m.organisation for m in _members(sluice) if m.status in SluiceMembership.JOINED)
            ),
            "stages": list(Stage.objects.filter(sluice=sluice).order_by("position")),
            "chosen_member": received_by,
            "chosen_stage": stage,
            "triage": request.GET.get("triage") == "1",
        },
    )


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Figures split by member, for a period of months (ideas received in it, decisions taken in
    it), with the same tables as downloads."""
    sluice, member = _sluice_for_member(request, slug)
    period_form = forms.DashboardPeriodForm(request.GET)
    split = stats.per_member(Idea.objects.filter(sluice=sluice), services.member_names(sluice), _period(period_form))
    query = {k: request.GET[k] for k in ("from", "to") if period_form.is_valid() and request.GET.get(k)}
    return render(
        request,
        "ideas/sluices/dashboard.html",
        {
            "sluice": sluice,
            "member": member,
            "split": split,
            "period_form": period_form,
            "export_query": urlencode(query),
        },
    )


@login_required
@require_GET
def dashboard_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    sluice, _member = _sluice_for_member(request, slug)
    period_form = forms.DashboardPeriodForm(request.GET)
    if not period_form.is_valid():
        errors = " ".join(str(e) for errors in period_form.errors.values() for e in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    split = stats.per_member(Idea.objects.filter(sluice=sluice), services.member_names(sluice), _period(period_form))
    return exports.export_response(fmt, f"idea-sluice-{sluice.slug}-members", stats.per_member_tables(split))


# --------------------------------------------------------------------------- local triage


@login_required
@require_GET
def local_triage(request: HttpRequest) -> HttpResponse:
    """Where an organisation's ideas in local triage are (the workspace links here): the shared
    inbox filtered to them while it is an active member, else its own inbox."""
    organisations = _organisations(request.user, CASEWORK_ROLES)
    organisation = _chosen(request, organisations)
    if organisation is None:
        return render(
            request,
            "ideas/casework/choose_organisation.html",
            {"organisations": organisations, "target": "ideas-sluice-local-triage"},
        )
    membership = SluiceMembership.objects.active().filter(organisation=organisation).select_related("sluice").first()
    if membership is None:
        return redirect(reverse("ideas-inbox") + "?" + urlencode({"organisation": organisation.slug}))
    return redirect(reverse("ideas-sluice-inbox", args=[membership.sluice.slug]) + "?triage=1")


@login_required
@require_POST
def share_idea(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving organisation's caseworkers pass a triaged idea on to the shared process."""
    idea, access = _get_idea_for_casework(request, pk)
    require(access.receiving_side)
    try:
        services.share_idea(idea=idea, by=_acting(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The idea was passed on to the shared sluice."))
    return redirect("ideas-casework-detail", idea.pk)

"""Casework pages: the inbox, an idea's casework page, gate decisions, duplicates,
co-development, the regional view, the dashboard and the sluice configuration.

Access: `Idea.objects.workable_by(user)` decides who sees an idea (others get 404, anonymous
visitors the login page); `services.casework.access_for` says who may also decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from framja.accounts.models import Organisation, User
from framja.accounts.permissions import DECIDING_ROLES, has_any_role, require
from framja.ideas import exports, stats
from framja.ideas.forms import casework as forms
from framja.ideas.models import (
    Comment,
    CriterionScore,
    DuplicateCandidate,
    DuplicateLink,
    Idea,
    IdeaQuerySet,
    Participant,
    Sluice,
)
from framja.ideas.services import casework as services
from framja.ideas.services import duplicates
from framja.ideas.services import exports as export_services
from framja.redirects import safe_next
from framja.similarity import highlight

INBOX_PAGE_SIZE = 50


# --------------------------------------------------------------------------- helpers


def _acting(request: HttpRequest) -> User:
    """The signed-in user behind a casework page (all of them need a sign-in)."""
    assert isinstance(request.user, User)
    return request.user


def _get_idea_for_casework(request: HttpRequest, pk: int) -> tuple[Idea, services.Access]:
    """The idea if the user works it (else 404), with what they may do."""
    idea = get_object_or_404(
        Idea.objects.workable_by(request.user)
        .select_related("municipality", "stage", "sluice", "assignee", "receiving_organisation", "submitter")
        .with_supporter_count()
        .with_full_casework(request.user),
        pk=pk,
    )
    return idea, services.access_for(request.user, idea, workable=True)


def _chosen(request: HttpRequest, allowed: list[Organisation]) -> Organisation | None:
    """The organisation named by ?organisation=<slug> among `allowed`; the only one if just one."""
    require(bool(allowed))
    slug = request.GET.get("organisation", "")
    if slug:
        for organisation in allowed:
            if organisation.slug == slug:
                return organisation
        raise Http404
    return allowed[0] if len(allowed) == 1 else None


def _inbox_rows(ideas: IdeaQuerySet, user: Any) -> IdeaQuerySet:
    """What an inbox row shows, in one query (plus one for the tags): `services.exports.inbox_rows`."""
    return export_services.inbox_rows(ideas, user)


def _scope(organisation: Organisation) -> IdeaQuerySet:
    """An organisation's ideas; a region's also include every idea in the municipalities it serves."""
    ideas = Idea.objects.for_organisation(organisation)
    if organisation.verified_kind == Organisation.Kind.REGION:
        ideas = Idea.objects.filter(
            Q(pk__in=ideas.values("pk")) | Q(pk__in=Idea.objects.in_region(organisation).values("pk"))
        )
    return ideas


def _dashboard_organisations(user: Any) -> list[Organisation]:
    seen = {o.pk: o for o in services.casework_organisations(user)}
    for region in services.region_organisations(user):
        seen.setdefault(region.pk, region)
    return sorted(seen.values(), key=lambda o: o.name)


# --------------------------------------------------------------------------- inbox


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    organisations = services.casework_organisations(request.user)
    organisation = _chosen(request, organisations)
    if organisation is None:
        return render(
            request,
            "ideas/casework/choose_organisation.html",
            {"organisations": organisations, "target": "ideas-inbox"},
        )
    form = forms.InboxFilterForm(request.GET or None, organisation=organisation, user=request.user)
    ideas = _inbox_rows(form.apply(Idea.objects.for_organisation(organisation)), request.user)
    page = Paginator(ideas, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = Participant.objects.filter(
        organisation=organisation, status=Participant.Status.INVITED
    ).select_related("idea__municipality")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ideas/casework/inbox.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "invitations": invitations if has_any_role(request.user, organisation, DECIDING_ROLES) else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The inbox as a file, with its filters. CSV streams at once; a workbook of more than
    `FRAMJA_EXPORT_JOB_ROWS` ideas is built by a background job. A link (GET) never starts
    one, so a prefetching browser or a crawler cannot: it shows how many ideas and a button
    that asks for it (POST); then the person is sent to the export's page, which shows
    progress and then the download."""
    organisation = _chosen(request, services.casework_organisations(request.user))
    require(organisation is not None)
    assert organisation is not None
    form = forms.InboxFilterForm(request.GET, organisation=organisation, user=request.user)
    ideas = _inbox_rows(form.apply(Idea.objects.for_organisation(organisation)), request.user)
    filename = f"ideas-{organisation.slug}"
    total = ideas.count() if fmt == "xlsx" else 0
    if total > export_services.job_threshold():
        if request.method != "POST":
            return render(
                request,
                "ideas/exports/confirm.html",
                {"organisation": organisation, "total": total, "query": request.GET.urlencode()},
            )
        export = services.request_export(
            requester=_acting(request),
            organisation=organisation,
            filters=form.params(),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            filename=filename,
        )
        return redirect(export.get_absolute_url(), permanent=False)
    # CSV is streamed as the rows are read: the same queries for every chunk of ideas (tags
    # prefetched per chunk, supporters and the responsible person annotated).
    return exports.export_response(fmt, filename, [export_services.inbox_table(ideas)], stream=fmt != "xlsx")


# --------------------------------------------------------------------------- the idea


def _with_amounts(idea: Idea, participants: list[Participant]) -> list[Participant]:
    """Each participant's share of the budget as `amount` (None without a budget)."""
    for participant in participants:
        participant.amount = (  # type: ignore[attr-defined]
            (idea.budget * participant.cost_share / 100).quantize(Decimal("0.01")) if idea.budget is not None else None
        )
    return participants


def _render_detail(request: HttpRequest, idea: Idea, access: services.Access, **bound: Any) -> HttpResponse:
    """The casework page. What a co-developing partner may not see is left out here, by the
    `seen_in_casework_by` querysets and `access`, not hidden by the template."""
    user = request.user
    events = idea.events.seen_in_casework_by(user).select_related("actor").order_by("created_at", "pk")
    participants = _with_amounts(
        idea, list(idea.participants.select_related("organisation").order_by("role", "organisation__name"))
    )
    # Both directions of the active duplicate links in one query.
    links = list(
        DuplicateLink.objects.filter(Q(duplicate=idea) | Q(original=idea), removed_at=None).select_related(
            "original__municipality", "duplicate__municipality"
        )
    )
    context: dict[str, Any] = {
        "idea": idea,
        "access": access,
        "events": events,
        "attachments": idea.attachments.seen_in_casework_by(user),
        "supporter_count": getattr(idea, "supporters", 0),
        "original_link": next((link for link in links if link.duplicate_id == idea.pk), None),
        "duplicates": [link for link in links if link.original_id == idea.pk],
        "participants": participants,
        "decisions": idea.decisions.seen_in_casework_by(user)
        .select_related("from_stage", "to_stage", "decided_by")
        .prefetch_related(Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion"))),
        "assign_form": (bound.get("assign_form") or forms.AssignForm(idea=idea)) if access.can_assign else None,
        "note_form": bound.get("note_form") or forms.CommentForm(auto_id="id_note_%s"),
        "answer_form": bound.get("answer_form") or forms.CommentForm(auto_id="id_answer_%s"),
        "decision_form": bound.get("decision_form") or forms.GateDecisionForm(idea=idea),
        "invite_form": (bound.get("invite_form") or forms.InviteForm(idea=idea)) if access.can_decide else None,
        "search_form": forms.DuplicateSearchForm(request.GET or None),
        "duplicate_error": bound.get("duplicate_error"),
        "candidates": _search_originals(request, idea),
    }
    return render(request, "ideas/casework/detail.html", context)


def _search_originals(request: HttpRequest, idea: Idea) -> list[Idea]:
    text = request.GET.get("dq", "").strip()
    if not text:
        return []
    # Not the idea itself, nor its own duplicates: linking to those would make a circle.
    own_duplicates = DuplicateLink.objects.filter(original=idea, removed_at=None).values("duplicate_id")
    return list(
        Idea.objects.public()
        .exclude(pk=idea.pk)
        .exclude(pk__in=own_duplicates)
        .search(text)
        .select_related("municipality", "stage")
        .order_by("-created_at")[:10]
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea, access = _get_idea_for_casework(request, pk)
    return _render_detail(request, idea, access)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Attachments may carry personal data: only the idea's caseworkers may download them,
    so they are served here after the access check, never from a public media URL."""
    idea, _access = _get_idea_for_casework(request, pk)
    stored = get_object_or_404(idea.attachments.seen_in_casework_by(request.user), pk=attachment_pk)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    idea, access = _get_idea_for_casework(request, pk)
    require(access.can_edit)
    if request.method != "POST":
        return render(request, "ideas/casework/edit.html", {"idea": idea, "form": forms.IdeaEditForm.for_idea(idea)})
    form = forms.IdeaEditForm(request.POST)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_idea(
                idea=idea, version=data["version"], by=_acting(request), title=data["title"],
                description=data["description"], audience=data["audience"], tags=data["tags"],
            )  # fmt: skip
        except services.EditConflictError as exc:
            conflict = exc.current
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The idea was saved."))
            return redirect("ideas-casework-detail", idea.pk)
    return render(
        request,
        "ideas/casework/edit.html",
        {"idea": idea, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    idea, access = _get_idea_for_casework(request, pk)
    require(access.can_assign)
    form = forms.AssignForm(request.POST, idea=idea)
    if form.is_valid():
        services.assign(idea=idea, assignee=form.cleaned_data["assignee"], by=_acting(request))
        messages.success(request, _("The responsible person was saved."))
        return redirect("ideas-casework-detail", idea.pk)
    return _render_detail(request, idea, access, assign_form=form)


def _comment_view(request: HttpRequest, pk: int, visibility: str) -> HttpResponse:
    idea, access = _get_idea_for_casework(request, pk)
    require(access.can_work if visibility == Comment.Visibility.INTERNAL else access.can_answer)
    prefix = "note" if visibility == Comment.Visibility.INTERNAL else "answer"
    form = forms.CommentForm(request.POST, auto_id=f"id_{prefix}_%s")
    if form.is_valid():
        write = services.add_note if visibility == Comment.Visibility.INTERNAL else services.add_answer
        write(idea=idea, text=form.cleaned_data["text"], by=_acting(request))
        messages.success(request, _("The note was saved.") if prefix == "note" else _("The answer was published."))
        return redirect(reverse("ideas-casework-detail", args=[idea.pk]) + "#timeline")
    return _render_detail(request, idea, access, **{f"{prefix}_form": form})


@login_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _comment_view(request, pk, Comment.Visibility.INTERNAL)


@login_required
@require_POST
def add_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _comment_view(request, pk, Comment.Visibility.PUBLIC)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    idea, access = _get_idea_for_casework(request, pk)
    require(access.can_decide)
    form = forms.GateDecisionForm(request.POST, idea=idea)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.gate_decide(
                idea=idea, outcome=data["outcome"], rationale=data["rationale"], by=_acting(request),
                scores=form.scores(), to_stage=data["to_stage"], is_public=data["is_public"], version=data["version"],
            )  # fmt: skip
        except services.EditConflictError as exc:
            form.add_error(None, _("Someone changed the idea while you were deciding; it is now in the stage "
                                   "%(stage)s. Your decision was not saved: check the timeline and decide again.")
                           % {"stage": exc.current.stage.label if exc.current.stage else "—"})  # fmt: skip
            data = request.POST.copy()
            data["version"] = str(exc.current.version)
            form.data = data
            idea = exc.current
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("Decision saved: %(decision)s.") % {"decision": decision.get_outcome_display()})
            return redirect("ideas-casework-detail", idea.pk)
    return _render_detail(request, idea, access, decision_form=form)


# --------------------------------------------------------------------------- duplicates


@login_required
@require_GET
def duplicate_search(request: HttpRequest, pk: int) -> HttpResponse:
    """As-you-type search for the original (HTMX fragment); without JS the detail page searches."""
    idea, access = _get_idea_for_casework(request, pk)
    require(access.can_decide)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(
            reverse("ideas-casework-detail", args=[idea.pk]) + "?" + request.GET.urlencode() + "#duplicates"
        )
    return render(
        request, "ideas/casework/_original_results.html", {"idea": idea, "candidates": _search_originals(request, idea)}
    )


@login_required
@require_POST
def link_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    idea, access = _get_idea_for_casework(request, pk)
    require(access.can_decide)
    form = forms.DuplicateLinkForm(request.POST)
    error = _("Choose the original idea from the search results.")
    if form.is_valid():
        try:
            services.link_duplicate(duplicate=idea, original=form.cleaned_data["original"], by=_acting(request))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The idea is now marked as a duplicate."))
            return redirect("ideas-casework-detail", idea.pk)
    return _render_detail(request, idea, access, duplicate_error=error)


@login_required
@require_POST
def unlink_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    idea, access = _get_idea_for_casework(request, pk)
    require(access.can_decide)
    try:
        services.unlink_duplicate(duplicate=idea, by=_acting(request))
    except ValidationError as exc:
        return _render_detail(request, idea, access, duplicate_error=" ".join(exc.messages))
    messages.success(request, _("The duplicate link was removed."))
    return redirect("ideas-casework-detail", idea.pk)


@login_required
@require_GET
def discussion(request: HttpRequest, pk: int) -> HttpResponse:
    """Public answers of the whole duplicate group, and the notes and the submitters'
    information the user may read (`Comment.objects.seen_in_casework_by`)."""
    idea, _access = _get_idea_for_casework(request, pk)
    group = services.duplicate_group(idea)
    seen = Comment.objects.seen_in_casework_by(request.user).values("pk")
    comments = (
        Comment.objects.filter(idea__in=group)
        .filter(Q(visibility=Comment.Visibility.PUBLIC) | Q(pk__in=seen))
        .select_related("idea__municipality", "author", "author_organisation")
        .order_by("created_at", "pk")
    )
    return render(request, "ideas/casework/discussion.html", {"idea": idea, "group": group, "comments": comments})


# --------------------------------------------------------------------------- co-development


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    idea, access = _get_idea_for_casework(request, pk)
    require(access.can_decide)
    form = forms.InviteForm(request.POST, idea=idea)
    if form.is_valid():
        try:
            services.invite_participant(idea=idea, organisation=form.cleaned_data["organisation"], by=_acting(request))
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("The invitation was sent."))
            return redirect(reverse("ideas-casework-detail", args=[idea.pk]) + "#codevelopment")
    return _render_detail(request, idea, access, invite_form=form)


def _split(idea: Idea) -> list[Participant]:
    """The non-declined participants with their amounts: the terms of the co-development."""
    return _with_amounts(
        idea,
        list(
            idea.participants.exclude(status=Participant.Status.DECLINED)
            .select_related("organisation")
            .order_by("role", "organisation__name")
        ),
    )


@login_required
def costs(request: HttpRequest, pk: int) -> HttpResponse:
    """Every participant reads the roles, shares and budget; deciders of the receiving side change them."""
    idea, access = _get_idea_for_casework(request, pk)
    require(access.sees_cost_split and (request.method != "POST" or access.can_decide))
    participants = _split(idea)
    if not participants:
        messages.info(request, _("Invite an organisation to co-develop first."))
        return redirect(reverse("ideas-casework-detail", args=[idea.pk]) + "#codevelopment")
    if not access.can_decide:
        return render(request, "ideas/casework/costs.html", {"idea": idea, "participants": participants})
    form = forms.CostSplitForm(request.POST or None, idea=idea, participants=participants)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.set_cost_split(
                idea=idea, shares=form.shares(), by=_acting(request), budget=data["budget"], currency=data["currency"]
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, _("The cost split was saved.") if changed else _("Nothing changed."))
            return redirect(reverse("ideas-casework-detail", args=[idea.pk]) + "#codevelopment")
    return render(request, "ideas/casework/costs.html", {"idea": idea, "form": form, "participants": participants})


@login_required
def participant_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited organisation's coordinators see the idea (public fields) and the proposed
    terms (roles, cost shares, budget), and answer."""
    participant = get_object_or_404(
        Participant.objects.select_related(
            "idea__municipality", "idea__stage", "idea__receiving_organisation", "organisation"
        ),
        pk=pk,
    )
    require(has_any_role(request.user, participant.organisation_id, DECIDING_ROLES))
    form = forms.RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            services.respond_to_invitation(participant=participant, accept=accept, by=_acting(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if accept:
                messages.success(request, _("You now co-develop this idea; it is in your inbox."))
                return redirect("ideas-casework-detail", participant.idea_id)
            messages.success(request, _("You declined the invitation."))
            return redirect(reverse("ideas-inbox") + f"?organisation={participant.organisation.slug}")
    idea = participant.idea
    return render(
        request,
        "ideas/casework/respond.html",
        {"participant": participant, "idea": idea, "form": form, "participants": _split(idea)},
    )


# --------------------------------------------------------------------------- regional view


@login_required
@require_GET
def regional(request: HttpRequest) -> HttpResponse:
    regions = services.region_organisations(request.user)
    region = _chosen(request, regions)
    if region is None:
        return render(
            request, "ideas/casework/choose_organisation.html", {"organisations": regions, "target": "ideas-regional"}
        )
    ideas = Idea.objects.in_region(region)
    candidates = (
        DuplicateCandidate.objects.filter(
            judgement=DuplicateCandidate.Judgement.PENDING, score__gte=duplicates.duplicate_threshold()
        )
        .filter(Q(idea_a__in=ideas.values("pk")) | Q(idea_b__in=ideas.values("pk")))
        .select_related("idea_a__municipality", "idea_a__stage", "idea_b__municipality", "idea_b__stage")
        .order_by("-score", "pk")[:100]
    )
    pairs = _candidate_pairs(list(candidates), request.user)  # evaluates the candidates once
    form = forms.InboxFilterForm(request.GET or None, organisation=region, user=request.user)
    rows = _inbox_rows(form.apply(ideas), request.user).select_related("receiving_organisation")
    page = Paginator(rows, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ideas/casework/regional.html",
        {
            "region": region,
            "regions": regions,
            "candidates": [pair.candidate for pair in pairs],
            "pairs": pairs,
            "page": page,
            "form": form,
            "query": query.urlencode(),
        },
    )


@dataclass
class PairSide:
    """One idea of a candidate pair as the regional view shows it: its page (None when the person
    may see neither its casework nor its public page) and its text cut at the shared words."""

    idea: Idea
    href: str | None
    title: list[tuple[str, bool]]
    description: list[tuple[str, bool]] | None


@dataclass
class CandidatePair:
    candidate: DuplicateCandidate
    sides: tuple[PairSide, PairSide]
    shared_words: list[str]


def _candidate_pairs(candidates: list[DuplicateCandidate], user: Any) -> list[CandidatePair]:
    """Both ideas of each pair, linked and with the words they share marked (one query)."""
    ids = {i for c in candidates for i in (c.idea_a_id, c.idea_b_id)}
    workable = set(Idea.objects.workable_by(user).filter(pk__in=ids).values_list("pk", flat=True))

    def href(idea: Idea) -> str | None:
        if idea.pk in workable:
            return reverse("ideas-casework-detail", args=[idea.pk])
        if idea.withdrawn_at is None:  # public, as Idea.objects.public()
            return reverse("ideas-public-detail", args=[idea.pk])
        return None  # withdrawn and not theirs: the title only, as before

    pairs = []
    for c in candidates:
        links = (href(c.idea_a), href(c.idea_b))
        # A description the person may not read takes no part in the shared words either.
        texts = [
            f"{i.title}\n{i.description}" if link else i.title
            for i, link in zip((c.idea_a, c.idea_b), links, strict=True)
        ]
        shared = highlight.shared_keys(*texts)
        sides = tuple(
            PairSide(
                idea,
                link,
                highlight.segments(idea.title, shared),
                highlight.segments(idea.description, shared) if link else None,
            )
            for idea, link in zip((c.idea_a, c.idea_b), links, strict=True)
        )
        pairs.append(CandidatePair(c, (sides[0], sides[1]), highlight.shared_words(*texts)))
    return pairs


@login_required
@require_POST
def judge_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(DuplicateCandidate.objects.select_related("idea_a", "idea_b"), pk=pk)
    access_a = services.access_for(request.user, candidate.idea_a)
    access_b = services.access_for(request.user, candidate.idea_b)
    require(access_a.can_decide or access_b.can_decide)
    form = forms.JudgeForm(request.POST)
    require(form.is_valid())
    same = form.cleaned_data["judgement"] == "same"
    duplicate = None
    if same:
        newer, older = sorted([candidate.idea_a, candidate.idea_b], key=lambda i: i.created_at, reverse=True)
        newer_ok = access_a.can_decide if newer.pk == candidate.idea_a_id else access_b.can_decide
        duplicate = newer if newer_ok else older
    try:
        services.judge_candidate(candidate=candidate, same=same, by=_acting(request), duplicate=duplicate)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked as the same idea.") if same else _("Marked as different ideas."))
    return redirect(safe_next(request, reverse("ideas-regional")))


# --------------------------------------------------------------------------- dashboard


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    organisations = _dashboard_organisations(request.user)
    organisation = _chosen(request, organisations)
    if organisation is None:
        return render(
            request,
            "ideas/casework/choose_organisation.html",
            {"organisations": organisations, "target": "ideas-dashboard"},
        )
    period_form = forms.DashboardPeriodForm(request.GET)
    period = _period(period_form)
    data = stats.dashboard(_scope(organisation), period)
    query = {"organisation": organisation.slug}
    if period_form.is_valid():
        query.update({k: request.GET[k] for k in ("from", "to") if request.GET.get(k)})
    return render(
        request,
        "ideas/casework/dashboard.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "data": data,
            "period_form": period_form,
            "export_query": urlencode(query),
        },
    )


def _period(form: forms.DashboardPeriodForm) -> stats.Period:
    """The period the form asks for; an invalid form shows its errors and no filter."""
    if not form.is_valid():
        return stats.Period()
    return stats.Period(form.cleaned_data.get("from"), form.cleaned_data.get("to"))


@login_required
@require_GET
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    organisation = _chosen(request, _dashboard_organisations(request.user))
    require(organisation is not None)
    assert organisation is not None
    period_form = forms.DashboardPeriodForm(request.GET)
    if not period_form.is_valid():
        errors = " ".join(str(e) for errors in period_form.errors.values() for e in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    tables = stats.dashboard_tables(stats.dashboard(_scope(organisation), _period(period_form)))
    filename = f"idea-pipeline-{organisation.slug}"
    return exports.export_response(fmt, filename, tables)


# --------------------------------------------------------------------------- sluice configuration


@login_required
def sluice_settings(request: HttpRequest, slug: str) -> HttpResponse:
    sluice = get_object_or_404(Sluice.objects.select_related("lead_organisation"), slug=slug)
    require(has_any_role(request.user, sluice.lead_organisation_id, DECIDING_ROLES))
    data = request.POST if request.method == "POST" else None
    stages, criteria = forms.stage_formset(sluice, data), forms.criterion_formset(sluice, data)
    if request.method == "POST" and stages.is_valid() and criteria.is_valid():
        try:
            services.configure_sluice(
                sluice=sluice, stages=stages.changes(), criteria=criteria.changes(), by=_acting(request)
            )
        except ValidationError as exc:
            stages.non_form_errors().extend(exc.messages)
        else:
            messages.success(request, _("The sluice settings were saved."))
            return redirect("ideas-sluice-settings", sluice.slug)
    return render(
        request, "ideas/casework/sluice_settings.html", {"sluice": sluice, "stages": stages, "criteria": criteria}
    )


@login_required
@require_GET
def sluice_list(request: HttpRequest) -> HttpResponse:
    """Sluices the user may configure (lead organisation's admins and coordinators)."""
    if request.user.is_staff:
        sluices = Sluice.objects.all()
    else:
        led = Organisation.objects.where_member(request.user, roles=DECIDING_ROLES)  # type: ignore[arg-type]
        sluices = Sluice.objects.filter(lead_organisation__in=led)
    sluices = sluices.select_related("lead_organisation").annotate(idea_count=Count("ideas"))
    require(sluices.exists())
    return render(request, "ideas/casework/sluice_list.html", {"sluices": sluices})

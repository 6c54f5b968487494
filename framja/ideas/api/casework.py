"""The casework side of the ideas API, with the same permissions as the pages: ideas a user
works are listed and changed here; everyone else gets 404 (anonymous callers 401).

`GET /ideas/{id}` is open to all: public fields for everyone, casework fields for the idea's
caseworkers, and the submitter, assignee and `version` only for the receiving side, not for
co-developing partners (docs/partner-privacy.md; `services.casework.Access`).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from framja.accounts.auth import caller, optional_auth
from framja.accounts.converters import database_id
from framja.accounts.models import Organisation, User
from framja.accounts.permissions import CASEWORK_ROLES, DECIDING_ROLES, has_any_role, require
from framja.ideas import stats
from framja.ideas.forms.casework import DashboardPeriodForm
from framja.ideas.models import (
    Comment,
    DuplicateCandidate,
    DuplicateLink,
    GateDecision,
    Idea,
    IdeaQuerySet,
    Participant,
    Sluice,
    Stage,
    Tag,
)
from framja.ideas.schemas import (
    AssigneeIn,
    CandidateOut,
    CoDevelopmentInvitationOut,
    CommentIn,
    CommentOut,
    ConflictOut,
    CostSplitIn,
    DashboardOut,
    DecisionIn,
    DecisionOut,
    DuplicateIn,
    DuplicateOut,
    IdeaCaseworkOut,
    IdeaListOut,
    IdeaOut,
    IdeaPartnerOut,
    IdeaPatchIn,
    InviteIn,
    JudgementIn,
    ParticipantOut,
    ParticipantPatchIn,
    StageOut,
    for_public_output,
)
from framja.ideas.services import casework as services
from framja.ideas.services import duplicates
from framja.pagination import BoundedPagination
from framja.places.models import Municipality
from framja.places.schemas import OPTIONAL_MUNICIPALITY_CODE_PATTERN

router = Router(tags=["ideas"])

#: The largest id a BIGINT holds.
MAX_ID = 2**63 - 1


class IdeaFilters(Schema):
    organisation: str = ""
    stage: int | None = Field(None, ge=1, le=MAX_ID)
    municipality: str = Field("", pattern=OPTIONAL_MUNICIPALITY_CODE_PATTERN)
    tag: str = ""
    assignee: str = ""
    older_than_days: int | None = Field(None, ge=0, le=36_500)
    q: str = ""
    withdrawn: bool = False
    sort: str = "newest"


# --------------------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _casework_idea(request: HttpRequest, idea_id: int) -> tuple[Idea, services.Access]:
    """The idea if the caller works it (else 404), with what they may do."""
    user = _user(request)
    idea = get_object_or_404(
        Idea.objects.workable_by(user)
        .select_related("municipality", "stage", "sluice", "receiving_organisation")
        .with_full_casework(user),
        pk=idea_id,
    )
    return idea, services.access_for(user, idea, workable=True)


def _deciding_idea(request: HttpRequest, idea_id: int) -> Idea:
    idea, access = _casework_idea(request, idea_id)
    require(access.can_decide)
    return idea


def _casework_output(idea_id: int) -> Idea:
    return (
        Idea.objects.select_related(
            "municipality", "stage", "sluice", "receiving_organisation", "assignee", "submitter"
        )
        .prefetch_related("tags")
        .with_supporter_count()
        .get(pk=idea_id)
    )


def _municipality(code: str) -> Municipality | None:
    try:
        return Municipality.objects.lookup(code)
    except (ValidationError, Municipality.DoesNotExist) as exc:
        raise ValidationError({"municipality": [_("Unknown or ambiguous municipality code.")]}) from exc


# --------------------------------------------------------------------------- lists


@router.get("", response=list[IdeaListOut], summary="Ideas you work (casework list)")
@paginate(BoundedPagination)
def list_ideas(request: HttpRequest, filters: Query[IdeaFilters]) -> IdeaQuerySet:
    """The inbox as JSON: every idea you may work, or one organisation's (`organisation` =
    its short name), with the inbox's filters: `stage` (id), `municipality` (code), `tag`
    (short name), `assignee` ("me", "none" or a user id), `older_than_days`, `q` (full text),
    `withdrawn`, `sort` (newest, oldest, updated, stage, municipality, title)."""
    user = _user(request)
    if filters.organisation:
        organisation = get_object_or_404(Organisation, slug=filters.organisation)
        require(has_any_role(user, organisation, CASEWORK_ROLES))
        ideas = Idea.objects.for_organisation(organisation)
    else:
        ideas = Idea.objects.filter(pk__in=Idea.objects.workable_by(user).values("pk"))
    tag = Tag.objects.filter(slug=filters.tag).first() if filters.tag else None
    if filters.tag and tag is None:
        return Idea.objects.none()
    ideas = ideas.inbox_filtered(
        user=user,
        stage=filters.stage,
        municipality=_municipality(filters.municipality) if filters.municipality else None,
        tag=tag,
        assignee=filters.assignee,
        older_than_days=filters.older_than_days,
        text=filters.q,
        include_withdrawn=filters.withdrawn,
        sort=filters.sort,
    )
    return (
        ideas.select_related("municipality", "stage", "assignee")
        .defer("search_vector")  # searched in SQL, never read
        .with_supporter_count()
        .with_full_casework(user)
    )


@router.get("stages", response=list[StageOut], summary="The stages of a sluice")
def list_stages(request: HttpRequest, sluice: str) -> list[Stage]:
    """`sluice`: its short name or id. Stages in pipeline order. Only for the sluice's own people
    (casework roles in its organisations, co-developers of its ideas, staff); others get 404."""
    found = (
        Sluice.objects.pipeline_visible_to(_user(request)).filter(Q(slug=sluice) | Q(pk=database_id(sluice))).first()
    )
    if found is None:
        raise Http404
    return list(found.stages.order_by("position"))


@router.get("dashboard", response=DashboardOut, summary="Pipeline figures")
def dashboard(
    request: HttpRequest,
    organisation: str,
    from_month: str | None = Query(None, alias="from", description="First month, YYYY-MM", max_length=20),
    to_month: str | None = Query(None, alias="to", description="Last month, YYYY-MM", max_length=20),
) -> dict[str, Any]:
    """The dashboard of an organisation you work for (a region's covers its municipalities).
    `from`/`to` narrow the monthly series (intake by submission, decisions by decision date);
    months without ideas or decisions are in the series with zeros."""
    user = _user(request)
    org = get_object_or_404(Organisation, slug=organisation)
    allowed = has_any_role(user, org, CASEWORK_ROLES) and (
        org.verified_kind != Organisation.Kind.REGION or has_any_role(user, org, DECIDING_ROLES)
    )
    require(allowed)
    ideas = Idea.objects.for_organisation(org)
    if org.verified_kind == Organisation.Kind.REGION:
        ideas = Idea.objects.filter(Q(pk__in=ideas.values("pk")) | Q(pk__in=Idea.objects.in_region(org).values("pk")))
    period_form = DashboardPeriodForm({"from": from_month or "", "to": to_month or ""})
    if not period_form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in period_form.errors.items()})
    data = stats.dashboard(ideas, stats.Period(period_form.cleaned_data["from"], period_form.cleaned_data["to"]))
    return {
        "organisation": org,
        "total": data.total,
        "stages": data.stages,
        "per_stage": data.per_stage,
        "per_municipality": data.per_municipality,
        "time_in_stage": data.time_in_stage,
        "decisions_per_month": [
            {"month": m.month, "counts": m.counts, "total": m.total} for m in data.decisions_per_month
        ],
        "intake_per_month": data.intake_per_month,
    }


@router.get("candidates", response=list[CandidateOut], summary="Candidate duplicates of a region")
def list_candidates(request: HttpRequest, region: str) -> list[DuplicateCandidate]:
    """Pairs not judged yet, computed in the background, for a region's coordinators."""
    org = get_object_or_404(Organisation, slug=region, verified_kind=Organisation.Kind.REGION)
    require(has_any_role(_user(request), org, DECIDING_ROLES))
    ideas = Idea.objects.in_region(org).values("pk")
    return list(
        DuplicateCandidate.objects.filter(
            judgement=DuplicateCandidate.Judgement.PENDING, score__gte=duplicates.duplicate_threshold()
        )
        .filter(Q(idea_a__in=ideas) | Q(idea_b__in=ideas))
        .select_related("idea_a__municipality", "idea_b__municipality")
        .order_by("-score", "pk")[:200]
    )


@router.post("candidates/{int:candidate_id}/judgement", response=CandidateOut, summary="Judge a candidate pair")
def judge_candidate(request: HttpRequest, candidate_id: int, payload: JudgementIn) -> DuplicateCandidate:
    user = _user(request)
    candidate = get_object_or_404(DuplicateCandidate.objects.select_related("idea_a", "idea_b"), pk=candidate_id)
    can_a = services.access_for(user, candidate.idea_a).can_decide
    can_b = services.access_for(user, candidate.idea_b).can_decide
    require(can_a or can_b)
    duplicate = None
    if payload.same:
        newer, older = sorted([candidate.idea_a, candidate.idea_b], key=lambda i: i.created_at, reverse=True)
        duplicate = newer if (can_a if newer.pk == candidate.idea_a_id else can_b) else older
    services.judge_candidate(candidate=candidate, same=payload.same, by=user, duplicate=duplicate)
    return DuplicateCandidate.objects.select_related("idea_a__municipality", "idea_b__municipality").get(
        pk=candidate_id
    )


# --------------------------------------------------------------------------- one idea


@router.get(
    "{int:idea_id}",
    auth=optional_auth,
    response={200: IdeaCaseworkOut | IdeaPartnerOut | IdeaOut},
    summary="An idea (casework fields for its caseworkers)",
)
def get_idea(request: HttpRequest, idea_id: int) -> JsonResponse:
    """Public fields for everyone; the idea's caseworkers also get the casework fields, and the
    receiving side also the submitter, assignee and `version` (for PATCH). A co-developing
    partner gets `IdeaPartnerOut`: no personal data."""
    user = caller(request)
    # Serialised here, not by ninja: with a union response it would pick the richest schema
    # that fits the object, and every idea object fits the casework one.
    out: Schema
    if user is not None and Idea.objects.workable_by(user).filter(pk=idea_id).exists():
        idea = _casework_output(idea_id)
        access = services.access_for(user, idea, workable=True)
        out = (IdeaCaseworkOut if access.sees_personal_data else IdeaPartnerOut).from_orm(idea)
    else:
        out = IdeaOut.from_orm(get_object_or_404(for_public_output(Idea.objects.public().filter(pk=idea_id))))
    return JsonResponse(out.model_dump(mode="json"))


@router.patch("{int:idea_id}", response={200: IdeaCaseworkOut, 409: ConflictOut}, summary="Edit an idea")
def patch_idea(request: HttpRequest, idea_id: int, payload: IdeaPatchIn) -> Any:
    """Send the `version` you read. If someone saved in between, nothing is saved and the answer
    is 409 with the current idea, so you can merge and send again."""
    idea, access = _casework_idea(request, idea_id)
    require(access.can_edit)
    tags = None
    if payload.tags is not None:
        tags = list(Tag.objects.filter(slug__in=payload.tags))
        unknown = set(payload.tags) - {t.slug for t in tags}
        if unknown:
            raise ValidationError({"tags": [_("Unknown tags: %(tags)s.") % {"tags": ", ".join(sorted(unknown))[:200]}]})
    try:
        services.edit_idea(
            idea=idea,
            version=payload.version,
            by=_user(request),
            title=idea.title if payload.title is None else payload.title,
            description=idea.description if payload.description is None else payload.description,
            audience=idea.audience if payload.audience is None else payload.audience,
            tags=tags,
        )
    except services.EditConflictError as exc:
        detail = _("Someone else saved the idea after you read it (now version %(version)s). Nothing was saved.") % {
            "version": exc.current.version
        }
        return Status(409, {"detail": detail, "current": _casework_output(idea_id)})
    return _casework_output(idea_id)


@router.get("{int:idea_id}/decisions", response=list[DecisionOut], summary="Gate decisions of an idea")
def list_decisions(request: HttpRequest, idea_id: int) -> list[GateDecision]:
    idea, _access = _casework_idea(request, idea_id)
    return list(
        idea.decisions.seen_in_casework_by(_user(request))
        .select_related("from_stage", "to_stage", "decided_by")
        .prefetch_related("scores__criterion")
        .order_by("decided_at", "pk")
    )


@router.post("{int:idea_id}/decisions", response={201: DecisionOut, 409: ConflictOut}, summary="Take a gate decision")
def create_decision(request: HttpRequest, idea_id: int, payload: DecisionIn) -> Any:
    """Go (next stage), Kill (Closed), Hold (stay) or Recycle (`to_stage`: an earlier stage),
    with a rationale and optional 1–5 scores per criterion of the idea's sluice."""
    idea = _deciding_idea(request, idea_id)
    to_stage = Stage.objects.filter(pk=payload.to_stage).first() if payload.to_stage else None
    if payload.to_stage and to_stage is None:
        raise ValidationError({"to_stage": [_("Choose an earlier stage of the same sluice.")]})
    try:
        decision = services.gate_decide(
            idea=idea,
            outcome=payload.outcome,
            rationale=payload.rationale,
            by=_user(request),
            scores=payload.scores,
            to_stage=to_stage,
            is_public=payload.is_public,
            version=payload.version,
        )
    except services.EditConflictError as exc:
        detail = _("The idea changed after you read it (now version %(version)s). Nothing was saved.") % {
            "version": exc.current.version
        }
        return Status(409, {"detail": detail, "current": _casework_output(idea_id)})
    decision = (
        GateDecision.objects.select_related("from_stage", "to_stage", "decided_by")
        .prefetch_related("scores__criterion")
        .get(pk=decision.pk)
    )
    return Status(201, decision)


@router.put("{int:idea_id}/assignee", response=IdeaCaseworkOut, summary="Set the responsible person")
def set_assignee(request: HttpRequest, idea_id: int, payload: AssigneeIn) -> Idea:
    idea, access = _casework_idea(request, idea_id)
    require(access.can_assign)
    assignee = None
    if payload.assignee is not None:
        assignee = User.objects.filter(pk=payload.assignee, is_active=True).first()
        if assignee is None:
            raise ValidationError({"assignee": [_("Choose a coordinator or adviser of the receiving organisation.")]})
    services.assign(idea=idea, assignee=assignee, by=_user(request))
    return _casework_output(idea_id)


def _comments(request: HttpRequest, idea: Idea, visibility: str) -> list[Comment]:
    return list(
        idea.comments.seen_in_casework_by(_user(request))
        .filter(visibility=visibility)
        .select_related("author", "author_organisation")
        .order_by("created_at")
    )


@router.get("{int:idea_id}/notes", response=list[CommentOut], summary="Internal notes")
def list_notes(request: HttpRequest, idea_id: int) -> list[Comment]:
    idea, _access = _casework_idea(request, idea_id)
    return _comments(request, idea, Comment.Visibility.INTERNAL)


@router.post("{int:idea_id}/notes", response={201: CommentOut}, summary="Add an internal note")
def add_note(request: HttpRequest, idea_id: int, payload: CommentIn) -> Status:
    idea, _access = _casework_idea(request, idea_id)
    return Status(201, services.add_note(idea=idea, text=payload.text, by=_user(request)))


@router.get("{int:idea_id}/answers", response=list[CommentOut], summary="Public answers")
def list_answers(request: HttpRequest, idea_id: int) -> list[Comment]:
    idea, _access = _casework_idea(request, idea_id)
    return _comments(request, idea, Comment.Visibility.PUBLIC)


@router.post("{int:idea_id}/answers", response={201: CommentOut}, summary="Publish an answer")
def add_answer(request: HttpRequest, idea_id: int, payload: CommentIn) -> Status:
    """Shown publicly and mailed to the submitter (if they agreed to e-mail). Only the receiving
    side answers; a co-developing partner gets 404."""
    idea, access = _casework_idea(request, idea_id)
    require(access.can_answer)
    return Status(201, services.add_answer(idea=idea, text=payload.text, by=_user(request)))


def _duplicate_out(link: DuplicateLink) -> DuplicateLink:
    return DuplicateLink.objects.select_related("duplicate__municipality", "original__municipality").get(pk=link.pk)


@router.post("{int:idea_id}/duplicate-of", response={201: DuplicateOut}, summary="Mark as duplicate of another idea")
def link_duplicate(request: HttpRequest, idea_id: int, payload: DuplicateIn) -> Status:
    """`original`: id or reference of the idea (in any municipality) this one repeats."""
    idea = _deciding_idea(request, idea_id)
    key = payload.original.strip()
    originals = Idea.objects.public().filter(Q(reference__iexact=key) | Q(pk=database_id(key)))
    original = originals.first()
    if original is None:
        raise ValidationError({"original": [_("No idea has that id or reference.")]})
    return Status(201, _duplicate_out(services.link_duplicate(duplicate=idea, original=original, by=_user(request))))


@router.delete("{int:idea_id}/duplicate-of", response=DuplicateOut, summary="Remove the duplicate link")
def unlink_duplicate(request: HttpRequest, idea_id: int) -> DuplicateLink:
    idea = _deciding_idea(request, idea_id)
    return _duplicate_out(services.unlink_duplicate(duplicate=idea, by=_user(request)))


def _participants(idea: Idea) -> list[Participant]:
    return list(idea.participants.select_related("organisation", "idea").order_by("role", "organisation__name"))


@router.get("{int:idea_id}/participants", response=list[ParticipantOut], summary="Co-developing organisations")
def list_participants(request: HttpRequest, idea_id: int) -> list[Participant]:
    idea, _access = _casework_idea(request, idea_id)
    return _participants(idea)


@router.post("{int:idea_id}/participants", response={201: ParticipantOut}, summary="Invite an organisation")
def invite_participant(request: HttpRequest, idea_id: int, payload: InviteIn) -> Status:
    """Invite another organisation to co-develop; its coordinators are e-mailed."""
    idea = _deciding_idea(request, idea_id)
    organisation = Organisation.objects.active().verified().filter(slug=payload.organisation).first()
    if organisation is None or organisation.pk == idea.receiving_organisation_id:
        raise ValidationError({"organisation": [_("Choose another active organisation.")]})
    participant = services.invite_participant(idea=idea, organisation=organisation, by=_user(request))
    return Status(201, Participant.objects.select_related("organisation", "idea").get(pk=participant.pk))


@router.put("{int:idea_id}/participants/costs", response=list[ParticipantOut], summary="Set roles and cost shares")
def set_costs(request: HttpRequest, idea_id: int, payload: CostSplitIn) -> list[Participant]:
    """All non-declined participants at once: exactly one lead, shares adding up to 100 %."""
    idea = _deciding_idea(request, idea_id)
    services.set_cost_split(
        idea=idea,
        shares=[
            services.Share(participant_id=s.participant, role=s.role, cost_share=s.cost_share) for s in payload.shares
        ],
        by=_user(request),
        budget=payload.budget,
        currency=payload.currency,
    )
    return _participants(idea)


@router.get(
    "{int:idea_id}/participants/{int:participant_id}",
    response=CoDevelopmentInvitationOut,
    summary="An invitation and its terms",
)
def get_invitation(request: HttpRequest, idea_id: int, participant_id: int) -> dict[str, Any]:
    """The invited organisation's admins and coordinators (and the idea's caseworkers) read the
    proposed terms before answering with PATCH: role, cost shares, budget."""
    participant = get_object_or_404(
        Participant.objects.select_related("organisation", "idea__municipality", "idea__receiving_organisation"),
        pk=participant_id,
        idea_id=idea_id,
    )
    user = _user(request)
    require(
        has_any_role(user, participant.organisation_id, DECIDING_ROLES)
        or Idea.objects.workable_by(user).filter(pk=idea_id).exists()
    )
    idea = participant.idea
    split = idea.participants.exclude(status=Participant.Status.DECLINED).select_related("organisation", "idea")
    return {
        "participant": participant,
        "idea": idea,
        "description": idea.description,
        "inviting_organisation": idea.receiving_organisation,
        "budget": idea.budget,
        "currency": idea.currency,
        "split": list(split.order_by("role", "organisation__name")),
    }


@router.patch(
    "{int:idea_id}/participants/{int:participant_id}", response=ParticipantOut, summary="Answer an invitation"
)
def answer_invitation(
    request: HttpRequest, idea_id: int, participant_id: int, payload: ParticipantPatchIn
) -> Participant:
    """The invited organisation's admins and coordinators accept or decline."""
    participant = get_object_or_404(Participant, pk=participant_id, idea_id=idea_id)
    require(has_any_role(_user(request), participant.organisation_id, DECIDING_ROLES))
    if payload.status not in (Participant.Status.ACCEPTED, Participant.Status.DECLINED):
        raise ValidationError({"status": [_("Answer accepted or declined.")]})
    services.respond_to_invitation(
        participant=participant, accept=payload.status == Participant.Status.ACCEPTED, by=_user(request)
    )
    return Participant.objects.select_related("organisation", "idea").get(pk=participant_id)

"""API schemas of the idea sluice: the public view of an idea and the similar-ideas list, then the
casework side (the casework view of an idea: public fields plus what only the receiving
organisation and co-developers see; decisions, notes, participants, stages, the dashboard).

`IdeaOut` never carries a submitter's personal data; `IdeaCaseworkOut` extends it. Load ideas
with `for_public_output()` so one query serves a list.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Field, Schema
from pydantic import StrictBool

from framja.ideas import matching
from framja.ideas.models import (
    Comment,
    DuplicateLink,
    GateDecision,
    Idea,
    IdeaQuerySet,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    SluiceMembership,
    SluiceMembershipStatus,
    Stage,
)


def for_public_output(queryset: IdeaQuerySet | QuerySet[Idea]) -> IdeaQuerySet:
    """The relations `IdeaOut` reads, loaded up front (no query per idea)."""
    return (
        Idea.objects.filter(pk__in=queryset.values("pk"))
        .select_related("municipality", "stage")
        .prefetch_related("tags")
        .with_supporter_count()
    )


class IdeaMunicipalityOut(Schema):
    code: str = Field(description='Official code, e.g. "2303" or "5001".')
    country: str = Field(description='"SE" or "NO".')
    qualified_code: str = Field(description='Unambiguous across the border, e.g. "SE-1860".')
    name: str


class TagOut(Schema):
    slug: str
    kind: str
    number: int | None
    name: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return str(getattr(obj, "display_name", ""))


class IdeaOut(Schema):
    """An idea as anyone may see it."""

    id: int
    reference: str = Field(description='E.g. "IDE-2303-2026-0042".')
    title: str
    description: str
    municipality: IdeaMunicipalityOut
    stage: str = Field(description="Kind of the current stage: received, screening, concept, pilot, ...")
    stage_label: str
    audience: str
    tags: list[TagOut]
    supporters: int = Field(description="Distinct supporters, counted once over duplicates of the same idea.")
    withdrawn: bool
    created_at: datetime
    url: str

    @staticmethod
    def resolve_stage(obj: Idea) -> str:
        return obj.stage_kind

    @staticmethod
    def resolve_tags(obj: Idea) -> list[object]:
        return list(obj.tags.all())

    @staticmethod
    def resolve_supporters(obj: Idea) -> int:
        return obj.supporter_count()

    @staticmethod
    def resolve_withdrawn(obj: Idea) -> bool:
        return obj.withdrawn_at is not None

    @staticmethod
    def resolve_url(obj: Idea) -> str:
        return reverse("ideas-public-detail", args=[obj.pk])


class PublicIdeaOut(IdeaOut):
    """An idea in the public list, with the latest gate decision made public."""

    public_outcome: str = Field(description='The latest public gate decision: go, kill, hold, recycle, or "".')
    public_outcome_label: str
    public_outcome_at: datetime | None

    @staticmethod
    def resolve_public_outcome(obj: Idea) -> str:
        return str(getattr(obj, "public_outcome", None) or "")

    @staticmethod
    def resolve_public_outcome_at(obj: Idea) -> datetime | None:
        return getattr(obj, "public_outcome_at", None)


class SimilarIdeaOut(Schema):
    """One suggestion: an existing idea that may be the same as the text given."""

    id: int
    reference: str
    title: str
    municipality: IdeaMunicipalityOut
    stage: str
    stage_label: str
    score: float = Field(description="0–1; higher is more alike.")
    level: str = Field(description="likely_duplicate, similar, related or unrelated.")
    level_label: str = Field(description="The level in plain words, in the request's language.")

    @staticmethod
    def from_match(match: matching.SimilarIdea) -> SimilarIdeaOut:
        idea = match.idea
        return SimilarIdeaOut(
            id=idea.pk,
            reference=idea.reference,
            title=idea.title,
            municipality=IdeaMunicipalityOut.from_orm(idea.municipality),
            stage=idea.stage_kind,
            stage_label=idea.stage_label,
            score=round(match.score, 3),
            level=match.level,
            level_label=match.level_label,
        )


class IdeaSubmittedOut(IdeaOut):
    """The stored idea, the private status link (give it only to the submitter) and suggestions."""

    status_url: str = Field(description="The submitter's private status page. Shown once; only its hash is stored.")
    similar: list[SimilarIdeaOut]


# --------------------------------------------------------------------------- casework side


class PersonOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return str(obj)


class OrganisationRefOut(Schema):
    id: int
    slug: str
    name: str


class SubmitterOut(Schema):
    """Personal data: only for the receiving side (never for co-developing partners)."""

    name: str
    email: str
    consented_at: datetime | None
    notify: bool
    anonymised: bool


class IdeaRefOut(Schema):
    id: int
    reference: str
    title: str
    municipality: IdeaMunicipalityOut


class IdeaPartnerOut(IdeaOut):
    """An idea as a co-developing partner organisation sees it: the casework facts without
    personal data (no submitter, no responsible person; docs/partner-privacy.md)."""

    stage_id: int | None
    stage_entered_at: datetime | None
    sluice: str | None = Field(description="Short name of the sluice.")
    receiving_organisation: OrganisationRefOut | None
    budget: Decimal | None
    currency: str
    duplicate_of: IdeaRefOut | None = Field(description="The original, when this idea is marked as its duplicate.")
    updated_at: datetime

    @staticmethod
    def resolve_sluice(obj: Idea) -> str | None:
        return obj.sluice.slug if obj.sluice_id and obj.sluice else None

    @staticmethod
    def resolve_duplicate_of(obj: Idea) -> Idea | None:
        link = (
            DuplicateLink.objects.filter(duplicate=obj, removed_at=None)
            .select_related("original__municipality")
            .first()
        )
        return link.original if link else None


class IdeaCaseworkOut(IdeaPartnerOut):
    """An idea as the receiving side sees it. `version` goes back with every PATCH."""

    version: int = Field(description="Send it back with PATCH; a newer version on the server answers 409.")
    assignee: PersonOut | None
    submitter: SubmitterOut

    @staticmethod
    def resolve_submitter(obj: Idea) -> dict[str, object]:
        email = obj.submitter_email or (obj.submitter.email if obj.submitter_id and obj.submitter else "")
        return {
            "name": obj.submitter_name or (str(obj.submitter) if obj.submitter_id and obj.submitter else ""),
            "email": "" if obj.anonymised_at else email,
            "consented_at": obj.consented_at,
            "notify": obj.notify_submitter,
            "anonymised": obj.anonymised_at is not None,
        }


class IdeaListOut(Schema):
    """One row of the casework list. `assignee` is null where you only co-develop the idea."""

    id: int
    reference: str
    title: str
    municipality: IdeaMunicipalityOut
    stage: str
    stage_label: str
    stage_entered_at: datetime | None
    assignee: PersonOut | None
    supporters: int
    withdrawn: bool
    created_at: datetime

    @staticmethod
    def resolve_stage(obj: Idea) -> str:
        return obj.stage_kind

    @staticmethod
    def resolve_assignee(obj: Idea) -> object:
        return obj.visible_assignee

    @staticmethod
    def resolve_supporters(obj: Idea) -> int:
        return obj.supporter_count()

    @staticmethod
    def resolve_withdrawn(obj: Idea) -> bool:
        return obj.withdrawn_at is not None


class IdeaPatchIn(Schema):
    version: int = Field(description="The version you read; the edit is refused with 409 if the idea changed since.")
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    audience: str | None = Field(None, max_length=20)
    tags: list[str] | None = Field(None, max_length=40, description="Tag short names; replaces the tags.")


class ConflictOut(Schema):
    detail: str
    current: IdeaCaseworkOut


class StageOut(Schema):
    id: int
    kind: str
    label: str
    position: int
    is_final: bool

    @staticmethod
    def resolve_label(obj: Stage) -> str:
        return obj.label


class ScoreOut(Schema):
    criterion_id: int
    criterion: str
    score: int

    @staticmethod
    def resolve_criterion(obj: object) -> str:
        return obj.criterion.label  # type: ignore[attr-defined]


class DecisionIn(Schema):
    outcome: GateDecision.Outcome
    rationale: str = Field(min_length=1, max_length=10_000)
    to_stage: int | None = Field(None, description="Recycle only: id of the earlier stage.")
    scores: dict[int, int] = Field(
        default_factory=dict,
        description="Criterion id → score 1–5 (optional each).",
        json_schema_extra={"propertyNames": {"pattern": "^[0-9]{1,18}$"}},
    )
    is_public: StrictBool = True
    version: int | None = Field(None, description="If given, refused with 409 when the idea changed since.")


class DecisionOut(Schema):
    id: int
    outcome: str
    from_stage: StageOut
    to_stage: StageOut
    rationale: str
    is_public: bool
    decided_by: PersonOut | None
    decided_at: datetime
    scores: list[ScoreOut]

    @staticmethod
    def resolve_scores(obj: GateDecision) -> list[object]:
        return list(obj.scores.all())


class AssigneeIn(Schema):
    assignee: int | None = Field(
        description="User id of a coordinator or adviser of the receiving organisation; null: nobody."
    )


class CommentIn(Schema):
    text: str = Field(min_length=1, max_length=10_000)


class CommentOut(Schema):
    id: int
    visibility: Comment.Visibility
    text: str
    author: PersonOut | None
    organisation: str | None
    created_at: datetime

    @staticmethod
    def resolve_organisation(obj: Comment) -> str | None:
        return obj.author_organisation.name if obj.author_organisation_id and obj.author_organisation else None


class DuplicateIn(Schema):
    original: str = Field(
        max_length=40, description='The original idea: its id or its reference ("IDE-2303-2026-0042").'
    )


class DuplicateOut(Schema):
    duplicate: IdeaRefOut
    original: IdeaRefOut
    created_at: datetime
    removed_at: datetime | None


class ParticipantOut(Schema):
    id: int
    organisation: OrganisationRefOut
    role: ParticipantRole
    status: ParticipantStatus
    cost_share: Decimal = Field(description="Percent of the development cost.")
    amount: Decimal | None = Field(description="Share of the budget, in the idea's currency.")

    @staticmethod
    def resolve_amount(obj: Participant) -> Decimal | None:
        budget = obj.idea.budget
        return None if budget is None else (budget * obj.cost_share / 100).quantize(Decimal("0.01"))


class CoDevelopmentInvitationOut(Schema):
    """An invitation to co-develop with its proposed terms, for the invited organisation to read
    before it answers: the idea's public facts, who invites, the role and share proposed to it,
    every participant's share and the budget (no personal data)."""

    participant: ParticipantOut
    idea: IdeaRefOut
    description: str
    inviting_organisation: OrganisationRefOut | None
    budget: Decimal | None
    currency: str
    split: list[ParticipantOut] = Field(description="Every participant that has not declined, lead first.")


class InviteIn(Schema):
    organisation: str = Field(max_length=80, description="Short name (slug) of the organisation to invite.")


class ParticipantPatchIn(Schema):
    status: ParticipantStatus = Field(description="The invited organisation answers: accepted or declined.")


class ShareIn(Schema):
    participant: int
    role: ParticipantRole
    cost_share: Decimal = Field(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        json_schema_extra={
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01},
                {"type": "string", "pattern": r"^(100(\.00?)?|[0-9]{1,2}(\.[0-9]{1,2})?)$"},
            ]
        },
    )


class CostSplitIn(Schema):
    shares: list[ShareIn] = Field(
        description="Every non-declined participant once; exactly one lead; shares total 100."
    )
    budget: Decimal | None = Field(
        None,
        ge=0,
        max_digits=14,
        decimal_places=2,
        # pydantic's own schema lets any string through; state the number the server takes.
        json_schema_extra={
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 999_999_999_999, "multipleOf": 0.01},
                {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"},
                {"type": "null"},
            ]
        },
    )
    currency: str | None = Field(None, description="SEK or NOK.")


class StageCountOut(Schema):
    stage: str
    count: int


class MunicipalityRowOut(Schema):
    municipality: str
    counts: list[int]
    total: int


class StageTimeOut(Schema):
    stage: str
    visits: int
    mean_days: float
    median_days: float


class MonthOut(Schema):
    month: str
    counts: dict[str, int]
    total: int


class MonthCountOut(Schema):
    month: str
    count: int


class DashboardOut(Schema):
    organisation: OrganisationRefOut
    total: int
    stages: list[str]
    per_stage: list[StageCountOut]
    per_municipality: list[MunicipalityRowOut]
    time_in_stage: list[StageTimeOut]
    decisions_per_month: list[MonthOut]
    intake_per_month: list[MonthCountOut]


class CandidateOut(Schema):
    id: int
    idea_a: IdeaRefOut
    idea_b: IdeaRefOut
    score: float
    judgement: str
    computed_at: datetime


class JudgementIn(Schema):
    same: StrictBool = Field(description="True: the same idea (the newer becomes a duplicate); false: different ideas.")


# --------------------------------------------------------------------------- shared sluices


class SluiceOut(Schema):
    id: int
    slug: str
    name: str
    shared: bool
    lead_organisation: OrganisationRefOut


class SharedSluiceIn(Schema):
    organisation: str = Field(max_length=80, description="Short name (slug) of the lead organisation.")
    name: str = Field(min_length=1, max_length=200)


class SluiceMembershipOut(Schema):
    """An organisation's membership of a shared sluice (invitations, members, former members)."""

    id: int
    sluice: str = Field(description="Short name of the sluice.")
    organisation: OrganisationRefOut
    status: SluiceMembershipStatus
    invited_at: datetime
    joined_at: datetime | None
    left_at: datetime | None

    @staticmethod
    def resolve_sluice(obj: SluiceMembership) -> str:
        return obj.sluice.slug


class SluiceInviteIn(Schema):
    organisation: str = Field(max_length=80, description="Short name (slug) of the organisation to invite.")


class SluiceAnswerIn(Schema):
    accept: StrictBool = Field(description="true joins the shared sluice, false declines.")


class SharedIdeaOut(IdeaListOut):
    """A row of the shared inbox: who received the idea, and whether it is past local triage."""

    receiving_organisation: OrganisationRefOut | None
    shared_at: datetime | None


class MemberRowOut(Schema):
    member: str
    triage: int = Field(description="Ideas still waiting for the member's own triage.")
    counts: list[int] = Field(description="Ideas per stage, in the order of `stages`.")
    outcomes: list[int] = Field(description="Gate decisions per outcome, in the order of `outcomes`.")
    total: int


class MemberSplitOut(Schema):
    sluice: str
    total: int
    stages: list[str]
    outcomes: list[str]
    rows: list[MemberRowOut]

"""Shared API schemas of the idea sluice: the public view of an idea and the similar-ideas list.

`IdeaOut` never carries a submitter's personal data; the casework side extends it in
`schemas_casework.py`. Load ideas with `for_public_output()` so one query serves a list.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Field, Schema

from framja.ideas import matching
from framja.ideas.models import Idea, IdeaQuerySet


def for_public_output(queryset: IdeaQuerySet | QuerySet[Idea]) -> IdeaQuerySet:
    """The relations `IdeaOut` reads, loaded up front (no query per idea)."""
    return (
        Idea.objects.filter(pk__in=queryset.values("pk"))
        .select_related("municipality", "stage")
        .prefetch_related("tags")
        .with_supporter_count()
    )


class MunicipalityOut(Schema):
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
    municipality: MunicipalityOut
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


class SimilarIdeaOut(Schema):
    """One suggestion: an existing idea that may be the same as the text given."""

    id: int
    reference: str
    title: str
    municipality: MunicipalityOut
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
            municipality=MunicipalityOut.from_orm(idea.municipality),
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

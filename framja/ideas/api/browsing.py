"""Public browsing in the ideas API: the list the public page /ideas/ shows, with its filters.
No sign-in needed; never a submitter's personal data, never a withdrawn idea.

(No `from __future__ import annotations` here: ninja reads the `Query[...]` annotation of a
paginated operation at runtime.)"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from framja.accounts.auth import optional_auth
from framja.ideas.forms.public import PUBLIC_SORTS, PublicIdeaFilterForm
from framja.ideas.models import PUBLIC_STAGE_LABELS, IdeaQuerySet
from framja.ideas.schemas import PublicIdeaOut
from framja.pagination import BoundedPagination
from framja.places.schemas import OPTIONAL_MUNICIPALITY_CODE_PATTERN

router = Router(tags=["ideas"])


class PublicIdeaFilters(Schema):
    q: str = Field("", max_length=200, description="Full text: words from the title or the description.")
    municipality: str = Field(
        "", max_length=20, pattern=OPTIONAL_MUNICIPALITY_CODE_PATTERN, description='A code: "2380" or "SE-2380".'
    )
    country: str = Field("", pattern="^(?:SE|NO)?$", description="SE or NO.")
    stage: str = Field(
        "", pattern="^(?:" + "|".join(PUBLIC_STAGE_LABELS) + ")?$", description="Stage kind (custom stages: custom)."
    )
    category: str = Field(
        "", max_length=80, pattern="^[a-z0-9-]*$", description="A category's short name, e.g. mobility-transport."
    )
    goal: int | None = Field(None, ge=1, le=17, description="An Agenda 2030 goal, 1–17.")
    sort: str = Field("newest", pattern="^(?:" + "|".join(PUBLIC_SORTS) + ")$", description="newest or supported.")


@router.get("public", auth=optional_auth, response=list[PublicIdeaOut], summary="Public ideas")
@paginate(BoundedPagination)
def public_ideas(request: HttpRequest, filters: Query[PublicIdeaFilters]) -> IdeaQuerySet:
    """What the public list page (/ideas/) shows, newest first, with its filters: `municipality`
    (code), `country` (SE, NO), `stage` (kind), `category` (short name), `goal` (1–17), `q`
    (full text) and `sort` (newest, supported). A value the page would not accept (an unknown
    category, an ambiguous municipality code) is a 422 naming the parameter, with the page's
    own translated message."""
    data = filters.model_dump()
    data["goal"] = "" if data["goal"] is None else str(data["goal"])
    form = PublicIdeaFilterForm(data)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.ideas().select_related("municipality", "stage").prefetch_related("tags").with_public_outcome()

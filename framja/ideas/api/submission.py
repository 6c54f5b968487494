"""The public side of the ideas API: submit, suggestions while typing, support, and the
submitter's private status link. No sign-in needed; a Bearer token or the browser session
(with its CSRF token) submits as that account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import StrictBool

from framja.accounts.auth import caller, optional_auth
from framja.accounts.models import User
from framja.ideas import matching
from framja.ideas.models import Audience, Comment, Idea, Tag
from framja.ideas.schemas import IdeaOut, IdeaSubmittedOut, SimilarIdeaOut, for_public_output
from framja.ideas.services import public as services
from framja.idempotency import api as idempotency
from framja.idempotency.services import KeyReusedError
from framja.places.models import Municipality
from framja.places.schemas import MUNICIPALITY_CODE_PATTERN, OPTIONAL_MUNICIPALITY_CODE_PATTERN

router = Router(tags=["ideas"])

#: Longest text the similar-ideas check reads.
MAX_SIMILAR_TEXT = 5000


class DetailOut(Schema):
    detail: str


class IdeaIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=10_000)
    municipality: str = Field(
        max_length=20,
        pattern=MUNICIPALITY_CODE_PATTERN,
        description='Official code: "2303", "5001", or "SE-1860" / "NO-1860".',
    )
    audience: str = Field(
        "",
        max_length=20,
        pattern="^(?:" + "|".join(Audience.values) + ")?$",
        description="residents, businesses, employees, ... (see Audience); empty for none.",
    )
    tags: list[str] = Field(
        default_factory=list, max_length=40, description="Tag short names, e.g. sdg-11, mobility-transport."
    )
    name: str = Field("", max_length=200, description="Anonymous submitters: your name (optional).")
    email: str = Field(
        "", max_length=254, description="Anonymous submitters: required, for the receipt and status link."
    )
    consent: StrictBool = Field(
        False, description="Anonymous submitters: must be true (consent to storing the contact details)."
    )
    notify: StrictBool = Field(True, description="E-mail the submitter about public changes.")
    language: str = Field("", max_length=5, description="sv, nb or en: language of the e-mails.")
    website: str = Field("", max_length=200, description="Leave empty (spam trap).")


class SupportIn(Schema):
    email: str = Field("", max_length=254, description="Anonymous supporters: required.")
    website: str = Field("", max_length=200, description="Leave empty (spam trap).")


class SupportOut(Schema):
    created: bool = Field(description="False when this person already supported the idea.")
    supporters: int
    pending: bool = Field(
        False, description="True until an anonymous supporter confirms the address through the link mailed to it."
    )


class SupportConfirmIn(Schema):
    token: str = Field(min_length=1, max_length=200, description="The token of the link mailed to the supporter.")


class InformationIn(Schema):
    text: str = Field(min_length=1, max_length=10_000)


class TimelineEventOut(Schema):
    kind: str
    label: str
    text: str
    created_at: datetime
    outcome: str = ""
    from_stage: str = ""
    to_stage: str = ""


class InformationOut(Schema):
    text: str
    created_at: datetime


class StatusOut(Schema):
    idea: IdeaOut
    timeline: list[TimelineEventOut]
    information: list[InformationOut]
    anonymised: bool


def _municipality(code: str) -> Municipality:
    try:
        return Municipality.objects.lookup(code)
    except ValidationError as exc:
        raise ValidationError({"municipality": exc.messages}) from exc
    except Municipality.DoesNotExist as exc:
        raise ValidationError(
            {"municipality": [_("No Swedish or Norwegian municipality has the code %(code)s.") % {"code": code[:20]}]}
        ) from exc


def _tags(slugs: list[str]) -> list[Tag]:
    wanted = {slug.strip().lower() for slug in slugs if slug.strip()}
    tags = list(Tag.objects.filter(slug__in=wanted))
    unknown = wanted - {tag.slug for tag in tags}
    if unknown:
        raise ValidationError({"tags": [_("Unknown tags: %(tags)s.") % {"tags": ", ".join(sorted(unknown))[:200]}]})
    return tags


def _limited(request: HttpRequest, scope: str, limit: tuple[int, int]) -> None:
    if not services.allow_anonymous(request, scope, limit):
        raise HttpError(
            429, _("Too many requests from your connection in a short time. Wait a few minutes and try again.")
        )


def _public_idea(idea_id: int) -> Idea:
    return get_object_or_404(for_public_output(Idea.objects.public().filter(pk=idea_id)))


@router.post("", auth=optional_auth, response={201: IdeaSubmittedOut, 202: DetailOut}, summary="Submit an idea")
def submit_idea(request: HttpRequest, payload: IdeaIn) -> Any:
    """Anyone may submit: anonymously with `email` and `consent: true`, or as the account of a
    Bearer token / session. Answers 201 with the stored idea, its private `status_url` and the
    most `similar` existing ideas from all municipalities; 429 when an anonymous client submits
    too often; 422 with field errors for bad input (e.g. an ambiguous municipality code).

    Send an `Idempotency-Key` header (e.g. a UUID) to retry safely: the same key with the
    same body within 24 hours answers the first answer again and stores nothing; the same key
    with another body is a 422."""
    user = caller(request)
    attempt = idempotency.attempt(request, caller=services.caller_scope(request, user))
    if attempt is not None and attempt.replay is not None:
        return idempotency.answer(*attempt.replay)
    if payload.website.strip():
        return Status(202, {"detail": _("Thank you.")})
    if user is None:
        _limited(request, "submit", services.ANONYMOUS_SUBMITS)
        if payload.email:
            try:
                validate_email(payload.email)
            except ValidationError as exc:
                raise ValidationError({"email": exc.messages}) from exc
    municipality, tags = _municipality(payload.municipality), _tags(payload.tags)
    try:
        with transaction.atomic():
            answer = _submit(payload, user=user, municipality=municipality, tags=tags)
            idempotency.finish(attempt, status=201, body=answer)
    except KeyReusedError as exc:
        raise idempotency.conflict() from exc
    # Built inside the transaction: nothing touches the database after the commit, so a stored
    # idea is never answered with a 500 (the client would submit it again).
    return idempotency.answer(201, answer)


def _submit(payload: IdeaIn, *, user: User | None, municipality: Municipality, tags: list[Tag]) -> dict[str, Any]:
    """Store the idea and build its answer (JSON-ready), all inside the caller's transaction."""
    result = services.idea_submit(
        title=payload.title,
        description=payload.description,
        municipality=municipality,
        audience=payload.audience,
        tags=tags,
        user=user,
        name=payload.name,
        email=payload.email,
        consent=payload.consent,
        notify=payload.notify,
        language=payload.language if payload.language in {"sv", "nb", "en"} else "",
    )
    idea = _public_idea(result.idea.pk)
    similar = matching.similar_ideas(f"{idea.title}\n{idea.description}", k=5, exclude=[idea.pk])
    idea.status_url = services.status_url(result.status_token, language=idea.language)  # type: ignore[attr-defined]
    idea.similar = [SimilarIdeaOut.from_match(match) for match in similar]  # type: ignore[attr-defined]
    return IdeaSubmittedOut.from_orm(idea).model_dump(mode="json")


@router.get("similar", auth=optional_auth, response=list[SimilarIdeaOut], summary="Ideas similar to a text")
def similar_ideas(
    request: HttpRequest,
    text: str = "",
    municipality: str = Query("", pattern=OPTIONAL_MUNICIPALITY_CODE_PATTERN),
    k: int = 5,
) -> list[SimilarIdeaOut]:
    """The as-you-type check: existing public ideas from all municipalities most like `text`
    (e.g. title and description), best first, with a plain-words `level`. `municipality`
    (a code) narrows the list to ideas about that municipality."""
    text, k = text.strip()[:MAX_SIMILAR_TEXT], max(1, min(k, 20))
    if not text:
        return []
    place = _municipality(municipality) if municipality.strip() else None
    matches = matching.similar_ideas(
        text, k=k, municipality=place.code if place else None, country=place.country if place else None
    )
    return [SimilarIdeaOut.from_match(match) for match in matches]


@router.post(
    "{int:idea_id}/supports",
    auth=optional_auth,
    response={200: SupportOut, 201: SupportOut, 202: SupportOut},
    summary="Support an idea",
)
def support_idea(request: HttpRequest, idea_id: int, payload: SupportIn) -> Status:
    """Back an idea instead of submitting the same one: as the signed-in account (201 the first
    time, 200 when already supported), or anonymously with an `email`: 202 and `pending`, since
    the support counts only once the address is confirmed through the link mailed to it (see
    `POST /ideas/supports/confirm`). Each person counts once (also across duplicates)."""
    user = caller(request)
    idea = _public_idea(idea_id)
    if payload.website.strip():
        return Status(202, {"created": True, "supporters": idea.supporter_count(), "pending": True})
    if user is None:
        _limited(request, "support", services.ANONYMOUS_SUPPORTS)
        try:
            validate_email(payload.email)
        except ValidationError as exc:
            raise ValidationError({"email": exc.messages}) from exc
    support, created = services.support_add(idea=idea, user=user, email=payload.email)
    supporters = Idea.objects.with_supporter_count().get(pk=idea.pk).supporter_count()
    if support.confirmed_at is None:
        return Status(202, {"created": created, "supporters": supporters, "pending": True})
    return Status(201 if created else 200, {"created": created, "supporters": supporters})


@router.post("supports/confirm", auth=optional_auth, response=SupportOut, summary="Confirm an anonymous support")
def confirm_support(request: HttpRequest, payload: SupportConfirmIn) -> dict[str, Any]:
    """The token from the link mailed to an anonymous supporter: the support counts from now.
    `created` is false when it was confirmed before. 404 for an unknown or expired token."""
    support = services.support_for_confirmation(payload.token)
    if support is None:
        raise HttpError(404, _("This confirmation link is not valid or has expired."))
    confirmed = services.support_confirm(support)
    supporters = Idea.objects.with_supporter_count().get(pk=support.idea_id).supporter_count()
    return {"created": confirmed, "supporters": supporters}


# --- the private status link ---------------------------------------------------------------


def _by_token(request: HttpRequest, token: str) -> Idea:
    try:
        idea = services.idea_for_status_link(request, token)
    except services.TooManyAttemptsError as exc:
        raise HttpError(
            429, _("Too many unknown status links from your connection. Wait a quarter of an hour and try again.")
        ) from exc
    if idea is None:
        raise HttpError(404, _("Not found."))
    return idea


def _status(idea: Idea) -> dict[str, Any]:
    idea = get_object_or_404(for_public_output(Idea.objects.filter(pk=idea.pk)))
    events = idea.events.filter(is_public=True).order_by("created_at", "id")
    return {
        "idea": idea,
        "timeline": [
            TimelineEventOut(
                kind=event.kind,
                label=str(event.get_kind_display()),
                text=event.text,
                created_at=event.created_at,
                outcome=str(event.data.get("outcome", "")),
                from_stage=str(event.data.get("from_stage", "")),
                to_stage=str(event.data.get("to_stage", "")),
            )
            for event in events
        ],
        "information": [
            InformationOut(text=c.text, created_at=c.created_at)
            for c in idea.comments.filter(visibility=Comment.Visibility.SUBMITTER)
        ],
        "anonymised": idea.anonymised_at is not None,
    }


@router.get("status/{token}", auth=optional_auth, response=StatusOut, summary="The submitter's status page")
@decorate_view(never_cache)
def idea_status(request: HttpRequest, token: str) -> dict[str, Any]:
    """The idea behind the private status link: public timeline and the information you added.
    Answers 429 to a client that has tried too many unknown links."""
    return _status(_by_token(request, token))


@router.post("status/{token}/information", auth=optional_auth, response={201: StatusOut}, summary="Add information")
@decorate_view(never_cache)
def idea_add_information(request: HttpRequest, token: str, payload: InformationIn) -> Status:
    idea = _by_token(request, token)
    services.submitter_add_information(idea=idea, text=payload.text)
    return Status(201, _status(idea))


@router.post("status/{token}/withdraw", auth=optional_auth, response=StatusOut, summary="Withdraw the idea")
@decorate_view(never_cache)
def idea_withdraw(request: HttpRequest, token: str) -> dict[str, Any]:
    """Withdraw the idea: it leaves public lists and suggestions. Cannot be undone."""
    return _status(services.idea_withdraw(idea=_by_token(request, token)))


@router.post("status/{token}/anonymise", auth=optional_auth, response=StatusOut, summary="Remove my personal data")
@decorate_view(never_cache)
def idea_anonymise(request: HttpRequest, token: str) -> dict[str, Any]:
    """Delete the submitter's name, e-mail address and consent; the idea stays."""
    return _status(services.idea_anonymise(idea=_by_token(request, token)))


class ResendLinksIn(Schema):
    email: str = Field(
        min_length=3,
        max_length=254,
        description="The address given with the ideas.",
        json_schema_extra={"format": "email"},
    )
    language: str = Field("", pattern="^(?:sv|nb|en)?$", description="sv, nb or en: language of the e-mail.")
    website: str = Field("", max_length=200, description="Leave empty (spam trap).")


@router.post("status-links", auth=optional_auth, response={202: DetailOut}, summary="Send my status links again")
def resend_status_links(request: HttpRequest, payload: ResendLinksIn) -> Status:
    """New private links to every idea sent in under `email`, by e-mail to that address. The
    answer is the same whether or not the address is known; the old links stop working."""
    try:
        validate_email(payload.email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    if not payload.website.strip():
        _limited(request, "resend-links", services.RESENDS_PER_CONNECTION)
        services.resend_status_links(email=payload.email, language=payload.language)
    return Status(
        202, {"detail": _("If ideas were sent in under this address, new private links to them are on their way.")}
    )

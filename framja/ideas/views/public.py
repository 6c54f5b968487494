"""Public pages of the idea sluice: submit (with as-you-type suggestions), receipt, the public
idea page with support, and the submitter's private status page. Anyone may use them; none
shows a submitter's personal data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from framja.ideas import matching
from framja.ideas.feeds import PublicIdeasFeed
from framja.ideas.forms.public import (
    ConfirmForm,
    IdeaSubmitForm,
    InformationForm,
    PublicIdeaFilterForm,
    ResendLinksForm,
    SupportForm,
)
from framja.ideas.models import Comment, DuplicateLink, Event, Idea, IdeaQuerySet
from framja.ideas.services import public as services
from framja.idempotency import services as idempotency
from framja.places.models import Municipality

#: The receipt travels in a signed, HTTP-only cookie for an hour (it holds the private status link).
RECEIPT_COOKIE = "framja_receipt"
RECEIPT_SALT = "framja.ideas.receipt"
RECEIPT_MAX_AGE = 3600
SUBMIT_OPERATION = "page ideas-submit"
#: The same idea sent again by the same caller within this time is the same submission, even
#: with a new form key: a browser's back button re-fetches the form (and with it a new key)
#: but restores what was typed, and the second send must show the first receipt (issue 9.7).
SAME_CONTENT_OPERATION = "page ideas-submit same content"
SAME_CONTENT_WINDOW = timedelta(hours=1)
#: Suggestions shown while typing.
SUGGESTIONS = 5
#: Shorter texts get no suggestions (too little to compare).
MIN_SUGGESTION_TEXT = 12


#: Ideas on one page of the public list and of a municipality's page.
PUBLIC_PAGE_SIZE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _form_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """The submission form; a valid post stores the idea and shows the receipt."""
    form = IdeaSubmitForm(request.POST or None, request.FILES or None, user=request.user, initial=request.GET.dict())
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            return _receipt_redirect({"pk": None})
        attempts = _attempts(request, form.cleaned_data)
        replay = _replay(attempts)
        if replay is not None:
            messages.info(request, _("This idea was already sent. Here is its receipt again."))
            return _receipt_redirect(replay)
        if not form.signed_in and not services.allow_anonymous(request, "submit", services.ANONYMOUS_SUBMITS):
            form.add_error(
                None, _("Too many ideas from your connection in a short time. Wait a few minutes and try again.")
            )
            status = 429
        else:
            try:
                return _receipt_redirect(_store(request, form.cleaned_data, attempts))
            except ValidationError as exc:
                _form_error(form, exc)
            except idempotency.KeyReusedError:
                # The same idea was sent twice at once and the other request stored it first.
                replay = _replay(_attempts(request, form.cleaned_data))
                if replay is not None:
                    return _receipt_redirect(replay)
                raise
    # A form sent back with an error keeps the suggestions for what was typed (issue 9.11).
    checked = request.method == "POST"
    suggestions = _suggestions(request.POST) if checked else []
    context = {
        "form": form,
        "suggestions": suggestions,
        "checked": checked,
        "support_form": SupportForm(user=request.user),
    }
    return render(request, "ideas/public/submit.html", context, status=status)


def _attempts(request: HttpRequest, data: dict[str, Any]) -> list[idempotency.Attempt]:
    """The submission as idempotency attempts: under the form's one-time key, and under its
    content (title, description, municipality, e-mail) for the back button's new form."""
    scope = services.caller_scope(request, request.user)
    content = "\x1f".join(
        [
            " ".join(str(data["title"]).split()),
            " ".join(str(data["description"]).split()),
            str(data["municipality"].pk),
            str(data.get("email") or "").strip().lower(),
        ]
    )
    wanted = [
        (data.get("submission_key") or None, SUBMIT_OPERATION, idempotency.KEY_LIFETIME),
        (hashlib.sha256(content.encode()).hexdigest(), SAME_CONTENT_OPERATION, SAME_CONTENT_WINDOW),
    ]
    attempts = []
    for key, operation, lifetime in wanted:
        try:
            attempt = idempotency.begin(scope=scope, key=key, operation=operation, body=b"", lifetime=lifetime)
        except (idempotency.KeyInvalidError, idempotency.KeyReusedError):
            attempt = None  # a tampered key is no key
        if attempt is not None:
            attempts.append(attempt)
    return attempts


def _replay(attempts: list[idempotency.Attempt]) -> dict[str, Any] | None:
    """The first receipt, when one of the attempts was stored before."""
    for attempt in attempts:
        if attempt.replay is not None:
            receipt: dict[str, Any] = attempt.replay[1]
            return receipt
    return None


def _store(request: HttpRequest, data: dict[str, Any], attempts: list[idempotency.Attempt]) -> dict[str, Any]:
    """Store the idea, its receipt under the form's key and any session change in one transaction.

    Everything the answer needs is known before the commit, so nothing touches the database
    after it: a submission that was stored is never answered with an error (issue 7.4)."""
    with transaction.atomic():
        result = services.idea_submit(
            title=data["title"],
            description=data["description"],
            municipality=data["municipality"],
            audience=data["audience"],
            tags=data["tags"],
            attachments=data["attachments"],
            user=request.user,
            name=data.get("name", ""),
            email=data.get("email", ""),
            consent=data.get("consent", False),
            notify=data["notify"],
        )
        receipt = {"pk": result.idea.pk, "token": result.status_token}
        for attempt in attempts:
            idempotency.finish(attempt, status=302, body=receipt)
        session = request.session
        if session.modified and session.session_key:
            # A signed-in person's session renewal (framja.accounts.middleware) is saved now,
            # not by the session middleware after the commit.
            session.save()
            session.modified = False
    return receipt


def _receipt_redirect(receipt: dict[str, Any]) -> HttpResponse:
    """To the receipt, which it carries in a signed cookie (no session write after the commit)."""
    response = redirect("ideas-receipt")
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        json.dumps(receipt),
        salt=RECEIPT_SALT,
        max_age=RECEIPT_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _suggestions(data: Any) -> list[matching.SimilarIdea]:
    text = f"{data.get('title', '')}\n{data.get('description', '')}".strip()[:5000]
    if len(text) < MIN_SUGGESTION_TEXT:
        return []
    return matching.similar_ideas(text, k=SUGGESTIONS)


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """The as-you-type suggestions (an HTMX fragment of the submission page)."""
    context = {
        "suggestions": _suggestions(request.GET),
        "support_form": SupportForm(user=request.user),
        "searched": True,
    }
    return render(request, "ideas/public/_similar.html", context)


@require_GET
@never_cache  # shows the private status link
def receipt(request: HttpRequest) -> HttpResponse:
    """Shown once after submitting: the reference, and where the private link went."""
    raw = request.get_signed_cookie(RECEIPT_COOKIE, default=None, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    data = json.loads(raw) if raw else None
    if not isinstance(data, dict):
        return redirect("ideas-submit")
    pk = data.get("pk")
    idea = Idea.objects.select_related("municipality").filter(pk=pk).first() if isinstance(pk, int) else None
    context = {"idea": idea, "status_url": reverse("ideas-status", args=[data["token"]]) if idea else ""}
    return render(request, "ideas/public/receipt.html", context)


# --- public browsing ---------------------------------------------------------------------------


def _listed(ideas: IdeaQuerySet) -> IdeaQuerySet:
    """What a row of the public lists shows, in one query (plus one for the categories)."""
    return ideas.select_related("municipality__county", "stage").prefetch_related("tags").with_public_outcome()


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Every public idea, filtered, searched, sorted and paged; an HTMX request gets the results."""
    form = PublicIdeaFilterForm(request.GET)
    valid = form.is_valid()
    ideas = _listed(form.ideas()) if valid else Idea.objects.none()
    query = _query_without_page(request)
    context = {
        "form": form,
        "page": Paginator(ideas, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query,
        "feed_query": query if valid else "",
    }
    template = "ideas/public/_list_results.html" if _is_htmx(request) else "ideas/public/list.html"
    return render(request, template, context, status=200 if valid else 400)


_feed = PublicIdeasFeed()


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed of the list's newest ideas, with the list's filters."""
    form = PublicIdeaFilterForm(request.GET)
    if not form.is_valid():
        errors = [f"{form.fields[name].label}: {error}" for name, problems in form.errors.items() for error in problems]
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    return _feed(request, form=form)


@require_GET
def municipality(request: HttpRequest, code: str) -> HttpResponse:
    """A municipality's public ideas with where each stands (stage, the latest public decision)
    and how many ideas are in each stage."""
    place = get_object_or_404(Municipality.objects.select_related("county"), country=code[:2], code=code[3:])
    ideas = _listed(Idea.objects.browse(municipality=place))
    context = {
        "municipality": place,
        "stage_counts": Idea.objects.public().filter(municipality=place).stage_counts(),
        "page": Paginator(ideas, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page")),
        "query": "",
    }
    return render(request, "ideas/public/municipality.html", context)


def _public_idea(pk: int) -> Idea:
    queryset = Idea.objects.public().select_related("municipality__county", "stage", "receiving_organisation")
    return get_object_or_404(queryset.with_supporter_count(), pk=pk)


def _detail_context(request: HttpRequest, idea: Idea, support_form: SupportForm | None = None) -> dict[str, Any]:
    links = DuplicateLink.objects.filter(Q(duplicate=idea) | Q(original=idea), removed_at=None).select_related(
        "original__municipality", "duplicate__municipality"
    )
    return {
        "idea": idea,
        "events": idea.events.filter(is_public=True),
        "tags": idea.tags.all(),
        "original": next((link.original for link in links if link.duplicate_id == idea.pk), None),
        "duplicates": [
            link.duplicate for link in links if link.original_id == idea.pk and link.duplicate.withdrawn_at is None
        ],
        "support_form": support_form or SupportForm(user=request.user),
    }


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What anyone may see of an idea: never the submitter's personal data."""
    idea = _public_idea(pk)
    return render(request, "ideas/public/detail.html", _detail_context(request, idea))


@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    """Support an idea (e.g. instead of submitting the same one); counted once per person."""
    idea = _public_idea(pk)
    form = SupportForm(request.POST, user=request.user)
    # The compact form is a suggestion card of the submission page; the other is the idea's page.
    compact = request.POST.get("compact") == "1"
    status = 200
    if form.is_valid():
        if form.is_spam():
            return _supported(request, idea, created=True, compact=compact)
        if not form.signed_in and not services.allow_anonymous(request, "support", services.ANONYMOUS_SUPPORTS):
            form.add_error(
                None, _("Too many supports from your connection in a short time. Wait a few minutes and try again.")
            )
            status = 429
        else:
            try:
                support, created = services.support_add(idea=idea, user=request.user, email=form.cleaned_data["email"])
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                pending = support.confirmed_at is None
                return _supported(request, idea, created=created, compact=compact, pending=pending)
    if _is_htmx(request):
        context = {"idea": idea, "support_form": form, "compact": compact}
        return render(request, "ideas/public/_support.html", context, status=200)
    return render(request, "ideas/public/detail.html", _detail_context(request, idea, form), status=status)


def _supported(
    request: HttpRequest, idea: Idea, *, created: bool, compact: bool = False, pending: bool = False
) -> HttpResponse:
    idea = _public_idea(idea.pk)
    if _is_htmx(request):
        context = {"idea": idea, "supported": True, "created": created, "compact": compact, "pending": pending}
        return render(request, "ideas/public/_support.html", context)
    if pending:
        messages.success(request, PENDING_SUPPORT_MESSAGE)
    else:
        messages.success(request, _("Thank you for your support!") if created else _("You already support this idea."))
    return HttpResponseRedirect(reverse("ideas-public-detail", args=[idea.pk]))


PENDING_SUPPORT_MESSAGE = gettext_lazy(
    "Almost done: we have sent you an e-mail. Confirm your support with the link in it; it counts once confirmed."
)


@require_http_methods(["GET", "POST"])
@never_cache
def support_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to an anonymous supporter. Opening it only asks (mail scanners open links);
    the button confirms, once."""
    support = services.support_for_confirmation(token)
    if support is None:
        return render(request, "ideas/public/support_confirm.html", {"support": None}, status=404)
    if request.method == "POST":
        if services.support_confirm(support):
            messages.success(request, _("Your support is confirmed. Thank you!"))
        else:
            messages.info(request, _("You already support this idea."))
        return HttpResponseRedirect(reverse("ideas-public-detail", args=[support.idea_id]))
    return render(request, "ideas/public/support_confirm.html", {"support": support})


# --- the private status page ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def resend_status_links(request: HttpRequest) -> HttpResponse:
    """ "Send me my status links again": the same answer whether or not the address is known."""
    form = ResendLinksForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not form.is_spam():
            if not services.allow_anonymous(request, "resend-links", services.RESENDS_PER_CONNECTION):
                form.add_error(
                    None, _("Too many requests from your connection in a short time. Wait an hour and try again.")
                )
                status = 429
            else:
                services.resend_status_links(email=form.cleaned_data["email"])
        if status == 200:
            context = {"sent": True, "email": form.cleaned_data["email"]}
            return render(request, "ideas/public/status_resend.html", context)
    return render(request, "ideas/public/status_resend.html", {"form": form}, status=status)


def _idea_for_token(request: HttpRequest, token: str) -> Idea:
    idea = services.idea_for_status_link(request, token)
    if idea is None:
        raise Http404
    return idea


def _status_link(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page behind the private status link: never stored by a browser or proxy, and closed to
    a client that has tried too many unknown links."""

    @wraps(view)
    def guarded(request: HttpRequest, token: str) -> HttpResponse:
        try:
            return view(request, token)
        except services.TooManyAttemptsError:
            return render(request, "ideas/public/status_limited.html", status=429)

    return never_cache(guarded)


def _status_context(idea: Idea, token: str, info_form: InformationForm | None = None) -> dict[str, Any]:
    events = idea.events.filter(Q(is_public=True) | Q(kind__in=[Event.Kind.INFO_ADDED, Event.Kind.ANONYMISED]))
    return {
        "idea": idea,
        "token": token,
        "events": events,
        "own_comments": idea.comments.filter(visibility=Comment.Visibility.SUBMITTER),
        "info_form": info_form or InformationForm(),
    }


@require_GET
@_status_link
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The submitter's view behind the private link: timeline, answers and actions."""
    idea = _idea_for_token(request, token)
    return render(request, "ideas/public/status.html", _status_context(idea, token))


@require_POST
@_status_link
def status_information(request: HttpRequest, token: str) -> HttpResponse:
    idea = _idea_for_token(request, token)
    form = InformationForm(request.POST)
    if form.is_valid():
        try:
            services.submitter_add_information(idea=idea, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you. Your information has been added."))
            return redirect("ideas-status", token=token)
    return render(request, "ideas/public/status.html", _status_context(idea, token, form))


def _confirmed_action(request: HttpRequest, token: str, template: str, action: Any, done: str) -> HttpResponse:
    idea = _idea_for_token(request, token)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action(idea=idea)
        messages.success(request, done)
        return redirect("ideas-status", token=token)
    return render(request, template, {"idea": idea, "token": token, "form": form})


@require_http_methods(["GET", "POST"])
@_status_link
def status_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """Withdraw the idea, after a confirmation."""
    return _confirmed_action(
        request, token, "ideas/public/withdraw.html", services.idea_withdraw, _("Your idea has been withdrawn.")
    )


@require_http_methods(["GET", "POST"])
@_status_link
def status_anonymise(request: HttpRequest, token: str) -> HttpResponse:
    """Remove the submitter's personal data (the idea stays), after a confirmation."""
    return _confirmed_action(
        request,
        token,
        "ideas/public/anonymise.html",
        services.idea_anonymise,
        _("Your name and e-mail address have been removed. We will not e-mail you about this idea again."),
    )

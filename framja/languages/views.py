"""The language switcher's target."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import get_language_from_path
from django.views.decorators.http import require_POST
from django.views.i18n import LANGUAGE_QUERY_PARAMETER

from framja.languages.middleware import LANGUAGE_SESSION_KEY, supported_language
from framja.redirects import safe_next


def _next_url(request: HttpRequest) -> str:
    """The page to return to: `next`, else the referring page, if on this site; else the front page."""
    return safe_next(request, "/", request.POST.get("next"), request.META.get("HTTP_REFERER"))


def _in_language(url: str, code: str) -> str:
    """The same page in another language (`/nb/x/` -> `/en/x/`); unchanged if not a page of ours."""
    source = get_language_from_path(urlsplit(url).path) or settings.LANGUAGE_CODE
    with translation.override(source):  # resolve the URL in the language it is written in
        return translate_url(url, code)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: redirect to `next` in that language and remember the choice.

    Like django.views.i18n.set_language, but only for settings.LANGUAGES, POST-only, also
    kept in the session and on a signed-in person's profile, and able to translate URLs
    that carry another language's prefix.
    """
    next_url = _next_url(request)
    code = supported_language(request.POST.get(LANGUAGE_QUERY_PARAMETER))
    if code is None:
        return HttpResponseRedirect(next_url)
    response = HttpResponseRedirect(_in_language(next_url, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
    request.session[LANGUAGE_SESSION_KEY] = code
    user = request.user
    if user.is_authenticated and getattr(user, "preferred_language", code) != code:
        with transaction.atomic():
            user.preferred_language = code
            user.save(update_fields=["preferred_language"])
    return response

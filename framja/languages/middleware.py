"""Remembering the chosen language: where it is kept and the redirect to it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix, is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import check_for_language, get_language_from_path

LANGUAGE_SESSION_KEY = "framja_language"
API_PREFIX = "/api/"


def supported_language(code: str | None) -> str | None:
    """The code if it is one of settings.LANGUAGES, else None."""
    if code and code in dict(settings.LANGUAGES) and check_for_language(code):
        return code
    return None


def chosen_language(request: HttpRequest) -> str | None:
    """The language the person chose: session, then profile, then the language cookie."""
    session = getattr(request, "session", None)
    if session is not None and (code := supported_language(session.get(LANGUAGE_SESSION_KEY))):
        return code
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        code = supported_language(getattr(user, "preferred_language", ""))
        if code:
            return code
    return supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


class PreferredLanguageMiddleware:
    """Sends a person who chose Norwegian or English from an unprefixed URL to their language.

    Placed after AuthenticationMiddleware. Only plain GET/HEAD page requests are redirected;
    URLs outside i18n_patterns (the API, the health check) and HTMX requests are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect = self._redirect_to_chosen_language(request)
        if redirect is not None:
            return redirect
        if request.path_info.startswith(API_PREFIX):
            # The API has no language prefix: its messages follow Accept-Language (or the
            # person's chosen language), instead of always being in the default language.
            code = chosen_language(request) or translation.get_language_from_request(request, check_path=False)
            translation.activate(code)
            request.LANGUAGE_CODE = code
            response = self.get_response(request)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            response.headers.setdefault("Content-Language", code)
            return response
        response = self.get_response(request)
        if get_language_from_path(request.path_info) is None:
            patch_vary_headers(response, ("Cookie",))
        return response

    def _redirect_to_chosen_language(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
            return None
        if get_language_from_path(request.path_info) is not None:
            return None
        code = chosen_language(request)
        if code is None or code == settings.LANGUAGE_CODE:
            return None
        urlconf = getattr(request, "urlconf", None)
        with translation.override(code):  # i18n_patterns match the active language's prefix only
            if not is_valid_path(f"/{code}{request.path_info}", urlconf):
                return None
        script_prefix = get_script_prefix()
        url = request.get_full_path().replace(script_prefix, f"{script_prefix}{code}/", 1)
        response = HttpResponseRedirect(url)
        patch_vary_headers(response, ("Cookie",))
        return response

"""Session lifetime and caching rules for signed-in people (OWASP ASVS L2, V3 and V8).

- SessionTimeoutMiddleware signs a person out after FRAMJA_SESSION_IDLE_MINUTES without a
  request and FRAMJA_SESSION_MAX_HOURS after signing in. It writes the session at most once a
  minute (not on every request) to note the activity.
- PrivateResponseMiddleware marks every answer to a signed-in person `Cache-Control: no-store`:
  pages and API answers alike may carry personal data, and no browser or proxy should keep them.
  Anonymous pages behind a private token (the status link, invitations, password reset) use
  Django's `never_cache` on the view; public pages and static files stay cacheable.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

#: Session keys: when the person signed in and when they were last seen (seconds since the epoch).
SIGNED_IN_AT = "framja_signed_in_at"
LAST_SEEN = "framja_last_seen"
#: The last-seen time is written when it is at least this old, so most requests write nothing.
RENEW_AFTER_SECONDS = 60


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _signed_in(request):
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN)
        if not isinstance(signed_in_at, int) or not isinstance(last_seen, int):
            session[SIGNED_IN_AT] = session[LAST_SEEN] = now
            return
        idle = now - last_seen > settings.FRAMJA_SESSION_IDLE_MINUTES * 60
        too_long = now - signed_in_at > settings.FRAMJA_SESSION_MAX_HOURS * 3600
        if idle or too_long:
            logout(request)
            if not request.path.startswith("/api/"):
                messages.info(request, _("Your session has ended. Please sign in again."))
        elif now - last_seen >= RENEW_AFTER_SECONDS:
            session[LAST_SEEN] = now


class PrivateResponseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in(request):
            add_never_cache_headers(response)
        return response


def note_sign_in(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """`user_logged_in` receiver: the twelve hours start now, whatever the session held before."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = int(time.time())

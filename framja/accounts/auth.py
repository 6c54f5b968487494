"""How a request proves who it is: API tokens and sessions for the API, e-mail or username at sign-in."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from framja.accounts.models import ApiToken, User
from framja.audit.context import set_actor

#: The value of request.auth on a public endpoint called without credentials.
ANONYMOUS = "anonymous"


class BearerToken(HttpBearer):
    """`Authorization: Bearer <personal API token>`; the token's owner becomes the audit actor."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        set_actor(user)
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token, as in Django views."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing to protect: answer 401, not a CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def public(request: HttpRequest) -> Any:
    """Let a request without credentials through to a public endpoint; a bad token still gets 401."""
    return None if request.headers.get("Authorization") else ANONYMOUS


bearer_auth = BearerToken()
session_auth = SessionAuth()
#: For endpoints anyone may read (the organisation directory): signed in if possible, else anonymous.
optional_auth = [bearer_auth, session_auth, public]


def caller(request: HttpRequest) -> User | None:
    """The account behind a request that passed `optional_auth`; None when it came anonymously."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, User) else None


class EmailOrUsernameBackend(ModelBackend):
    """Sign in with the username or the e-mail address (case-insensitive)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = _account_for(username)
        if user is None:
            User().set_password(password)  # as slow as a real check: do not reveal which accounts exist
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _account_for(username: str) -> User | None:
    user = User._default_manager.filter(username=username).first()
    if user is None and "@" in username:
        user = User._default_manager.filter(email__iexact=username).first()
    return user


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """What django-axes counts failures against: the account, however it was named.

    People sign in with the username or the e-mail address (any case), so the count goes to the
    account's username; an unknown name is counted as typed, folded to lower case."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username", "")
    typed = str(typed or "").strip()
    user = _account_for(typed) if typed else None
    return user.username if user is not None else typed.lower()[:150]


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check before any password is looked at.

    A sign-in without a request (the test client's login(), a shell) has no client to count or
    lock, so it is left to the next backend instead of failing as django-axes does by default."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)

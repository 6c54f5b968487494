"""Who is acting right now: set per request (middleware, API auth) or per command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_actor: ContextVar[Any] = ContextVar("framja_audit_actor", default=None)


def current_actor() -> Any:
    return _actor.get()


def set_actor(user: Any) -> None:
    _actor.set(user)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute writes inside the block to `user` (management commands, jobs, tests)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)

"""Idempotent creating requests: `Idempotency-Key: <client-chosen unique string>`.

A creating endpoint calls `begin()` before doing anything. A key seen before (same caller,
within KEY_LIFETIME) answers at once: the first answer again if the request is the same, a
422 if the key was used for a different request. Otherwise the endpoint does its work and
calls `finish()` inside the same transaction as the work, with the answer it built from what
it is about to commit, so that a committed object always has its answer stored and nothing
touches the database after the commit. Keys are scoped to the caller: the account, or for an
anonymous caller its network address.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from framja.idempotency.models import StoredAnswer

HEADER = "Idempotency-Key"
KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class KeyReusedError(Exception):
    """The key was already used for a different request (another operation or body)."""


class KeyInvalidError(Exception):
    """The key is empty, too long or not printable ASCII."""


@dataclass(frozen=True)
class Attempt:
    """A request under a key: `replay` holds (status, body) of the first answer when there is one."""

    scope: str
    key: str
    operation: str
    fingerprint: str
    replay: tuple[int, Any] | None = None


def _fingerprint(body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def begin(
    *, scope: str, key: str | None, operation: str, body: bytes, lifetime: timedelta = KEY_LIFETIME
) -> Attempt | None:
    """None without a key; else the attempt, with the stored first answer if this is a retry
    within `lifetime` (at most KEY_LIFETIME, after which `prune` deletes every answer).

    Raises KeyReusedError when the key was used for another request, KeyInvalidError for a malformed key."""
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise KeyInvalidError
    attempt = Attempt(scope=scope[:100], key=key, operation=operation[:200], fingerprint=_fingerprint(body))
    stored = StoredAnswer.objects.filter(scope=attempt.scope, key=key).first()
    if stored is not None and stored.created_at < timezone.now() - min(lifetime, KEY_LIFETIME):
        stored.delete()
        stored = None
    if stored is None:
        return attempt
    if stored.operation != attempt.operation or stored.fingerprint != attempt.fingerprint:
        raise KeyReusedError
    return Attempt(**{**attempt.__dict__, "replay": (stored.status, stored.body)})


def finish(attempt: Attempt | None, *, status: int, body: Any) -> None:
    """Store the answer of a first attempt; call it inside the transaction that does the work.

    A concurrent request with the same key that finished first makes this raise KeyReusedError
    (after rolling back the work) so the caller retries and gets that answer."""
    if attempt is None or attempt.replay is not None:
        return
    try:
        with transaction.atomic():
            StoredAnswer.objects.create(
                scope=attempt.scope,
                key=attempt.key,
                operation=attempt.operation,
                fingerprint=attempt.fingerprint,
                status=status,
                body=body,
                created_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise KeyReusedError from exc


def prune(*, now: Any = None) -> int:
    """Delete answers older than KEY_LIFETIME; returns how many."""
    deleted, _ = StoredAnswer.objects.filter(created_at__lt=(now or timezone.now()) - KEY_LIFETIME).delete()
    return deleted

"""Rate limits that hold across every worker: counters live in the shared cache.

`settings.CACHES["default"]` is Redis when FRAMJA_REDIS_URL is set, else the database
(`framja.accounts.cache.DatabaseCache`), so gunicorn's workers count together instead of each
allowing the full quota. `checks.shared_cache` refuses a per-process cache when FRAMJA_DEBUG=0.

Limits are fixed windows: `(count, seconds)`. Sign-in itself is guarded by django-axes.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

#: Password reset requests per client address, and per e-mail address asked for (mail bombing).
PASSWORD_RESETS_PER_ADDRESS = (10, 60 * 60)
PASSWORD_RESETS_PER_EMAIL = (3, 60 * 60)
#: Unknown private status links per client address: a guesser is stopped long before it could hit.
STATUS_LINK_MISSES = (20, 15 * 60)


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind a trusted proxy (FRAMJA_BEHIND_PROXY) the last hop it added."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "USE_X_FORWARDED_HOST", False):
        return forwarded.split(",")[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _key(scope: str, subject: str) -> str:
    return f"rate:{scope}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"


def hit(scope: str, subject: str, limit: tuple[int, int]) -> bool:
    """Count one action of `subject` (an address, an e-mail) in `scope`; False once over the limit."""
    count, window = limit
    key = _key(scope, subject)
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        used = 1
    return used <= count


def exceeded(scope: str, subject: str, limit: tuple[int, int]) -> bool:
    """Whether `subject` has used up its quota in `scope`, without counting anything."""
    used = cache.get(_key(scope, subject), 0)
    return isinstance(used, int) and used >= limit[0]


def allow(request: HttpRequest, scope: str, limit: tuple[int, int]) -> bool:
    """Count one action of the requesting client in `scope`; False once over the limit."""
    return hit(scope, client_address(request), limit)

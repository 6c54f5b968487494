"""The rendered options of the municipality and SNI pickers, cached (issue 10, point 6).

The public submit page lists every municipality of Sweden and Norway (~650 options): rendering
them through Django's per-option widget template took most of the page's time (5.6 requests/s
on one worker at 100,000 ideas). The options' HTML is the same for everyone until the code
lists change, so `FilteredSelect` caches it per language and queryset under a version number
that every change of a place bumps: saves and deletes through the ORM (signals, `connect`) and
`load_reference` (bulk writes, `bump`). A lost bump costs at most `TIMEOUT`. Other apps keep
their own unchanging lists the same way under their own name (ideas: the submit page's
categories, a template fragment keyed on `version("ideas-tags")`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

TIMEOUT = 60 * 60


def version(name: str = "places") -> int:
    """The current version of a cached list (`name`: places, or another app's list)."""
    return int(cache.get(f"{name}:options:version", 1))  # written by the first bump only


def versions(*names: str) -> list[int]:
    """The current versions of several lists in one round trip to the cache."""
    found = cache.get_many([f"{name}:options:version" for name in names])
    return [int(found.get(f"{name}:options:version", 1)) for name in names]


def bump(*args: Any, name: str = "places", **kwargs: Any) -> None:
    """Every cached copy of the list is stale (its key names the old version)."""
    key = f"{name}:options:version"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def get_or_render(*, parts: tuple[str, ...], render: Callable[[], str], name: str = "places") -> str:
    """The cached text for `parts` of the list `name` at its current version (else rendered)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return str(cache.get_or_set(f"{name}:options:{version(name)}:{digest}", render, TIMEOUT))


def connect(models: list[type], *, name: str = "places") -> None:
    """Bump the version of `name` whenever one of `models` is saved or deleted."""

    def changed(*args: Any, **kwargs: Any) -> None:
        bump(name=name)

    for model in models:
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{name}_options_saved_{model.__name__}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{name}_options_deleted_{model.__name__}")

"""System checks of the accounts app: rate limits need a cache that all workers share."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

#: Cache backends that live inside one process: each worker would count alone.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register()
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    text = (
        f"The default cache ({backend}) lives inside one process: rate limits on sign-in, password "
        "reset, anonymous submissions and status links would count per worker."
    )
    hint = "Set FRAMJA_REDIS_URL, or leave it unset for the shared database cache."
    if settings.DEBUG:
        return [Warning(text, hint=hint, id="framja.W001")]
    return [Error(text, hint=hint, id="framja.E001")]

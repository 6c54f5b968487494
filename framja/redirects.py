"""Where a page may send the visitor next: only to this site (issue 7, item 8).

Every view that follows a `next` parameter (or the Referer) asks `safe_next`, so a link such as
`?next=https://evil.example/` can never turn Främja into an open redirect.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe(request: HttpRequest, url: str | None) -> bool:
    """True for a URL on this site (relative, or this host) with an allowed scheme."""
    if not url or "\x00" in url:
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def safe_next(request: HttpRequest, default: str, *candidates: str | None) -> str:
    """The first candidate that stays on this site, else `default`.

    Without candidates, `next` from the POST, then the query string, is tried."""
    if not candidates:
        candidates = (request.POST.get("next"), request.GET.get("next"))
    for candidate in candidates:
        if is_safe(request, candidate):
            return str(candidate)
    return default

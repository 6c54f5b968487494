"""Probes for load balancers and orchestrators: `/healthz` (liveness) and `/readyz` (readiness).

Both answer JSON, whatever state the database is in. `ProbeMiddleware` serves them before any
other middleware, so no session, user, language or audit lookup can touch the database (or
turn a database outage into an HTML error page) on the way.

- `/healthz`: the process is alive, serves requests and reaches its database (one `SELECT 1`):
  200, or a JSON 503 while the database cannot be reached (never an HTML error page). Point
  a load balancer here; an orchestrator's restart (liveness) probe should only check that the
  port answers, so that a database outage does not restart every web process.
- `/readyz`: may this process take traffic? 200 or 503, with the reasons (database reachable,
  migrations applied, every similarity corpus loaded and its lag, job queue depth).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from framja.indexes import readiness

logger = logging.getLogger(__name__)


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = readiness.database()
    if database["ok"]:
        return _no_store(JsonResponse({"status": "ok"}))
    return _no_store(JsonResponse({"status": "unavailable", "checks": {"database": database}}, status=503))


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        ready, checks = readiness.report()
    except Exception as error:  # the probe itself must never answer an HTML 500
        logger.exception("Readiness report failed")
        ready, checks = False, {"report": {"ok": False, "error": type(error).__name__}}
    return _no_store(
        JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
    )


def _no_store(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response


PROBES: dict[str, Callable[[HttpRequest], JsonResponse]] = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """Answer the probes first (put it at the top of MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/") or "/")
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)

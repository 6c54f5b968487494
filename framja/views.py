"""Site-wide pages: the front page and the signed-in person's workspace. The probes (/healthz,
/readyz) are in `framja.health`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found

from framja.accounts.models import Role
from framja.context_processors import viewer_for
from framja.navigation import build_workspace


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for URLs that match no route: JSON under /api/ (as every API error), else the site's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_safe
@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """The signed-in home: per organisation and role, what waits (counted) and where to work on
    it, from the apps' navigation.py; a person without an organisation learns how to get one."""
    organisations, general = build_workspace(viewer_for(request))
    for section in organisations:
        section.role = str(Role(section.role).label)
    return render(request, "workspace.html", {"organisations": organisations, "general": general})

"""Site-wide pages: the front page and the signed-in person's workspace. The probes (/healthz,
/readyz) are in `framja.health`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from framja.accounts.models import Role
from framja.context_processors import viewer_for
from framja.navigation import build_workspace


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """The signed-in home: per organisation and role, what waits (counted) and where to work on
    it, from the apps' navigation.py; a person without an organisation learns how to get one."""
    organisations, general = build_workspace(viewer_for(request))
    for section in organisations:
        section.role = str(Role(section.role).label)
    return render(request, "workspace.html", {"organisations": organisations, "general": general})

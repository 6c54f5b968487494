"""Site-wide pages: the front page, the signed-in person's workspace and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
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


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

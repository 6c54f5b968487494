"""Pages for signing in, organisations, members, invitations and API tokens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from framja.accounts.models import Organisation


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"organisations": Organisation.objects.where_member(request.user)})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html")


def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/organisation_list.html", {"organisations": Organisation.objects.visible_to(request.user)})

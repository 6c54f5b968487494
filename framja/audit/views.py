"""The audit log page of an organisation, for its administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from framja.accounts.models import Organisation
from framja.accounts.permissions import can_manage, require
from framja.audit.forms import AuditFilterForm
from framja.audit.models import AuditEntry

ENTRIES_PER_PAGE = 50


@login_required
def organisation_log(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_manage(request.user, organisation))
    entries = AuditEntry.objects.for_organisation(organisation.pk)
    form = AuditFilterForm(request.GET, entries=entries)
    filtered = form.filter(entries).select_related("content_type").order_by("-created_at", "-id")
    page = Paginator(filtered, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"organisation": organisation, "form": form, "page": page, "query": query.urlencode(), "can_manage": True}
    return render(request, "audit/organisation_log.html", context)

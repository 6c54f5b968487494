"""The equal-terms dashboard, its downloads and the reference shares, per organisation, for
its administrators and coordinators (platform staff too); anyone else gets 404. A region's
administrators and coordinators see every effort in the municipalities the region serves, and,
with the area "both sides of the border", those of every verified region."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from framja.equality import exports, services, stats
from framja.equality.forms import FilterForm, ReferenceShareForm
from framja.equality.models import ReferenceShare


def _scope(request: HttpRequest, slug: str) -> stats.Scope:
    return services.scope_for(request.user, slug)


def _read(request: HttpRequest, scope: stats.Scope, form: FilterForm, channel: str) -> stats.Result:
    breakdown = form.cleaned_data.get("breakdown", "")
    return services.statistics_read(
        scope=scope,
        criteria=form.criteria(),
        described=form.describe(),
        channel=channel,
        breakdown=breakdown,
        breakdown_dimension=form.cleaned_data["dimension"],
        column_labels=services.column_labels(scope, breakdown),
        total_label=_("Total"),
    )


@require_safe
@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _scope(request, slug)
    form = FilterForm(request.GET, scope=scope)
    result = _read(request, scope, form, "page") if form.is_valid() else None
    query = urlencode({key: value for key, value in request.GET.items() if key in form.fields and value})
    return render(
        request,
        "equality/dashboard.html",
        {
            "organisation": scope.organisation,
            "scope": scope,
            "form": form,
            "result": result,
            "refusal": services.refusal_message(result.refused) if result and result.refused else "",
            "export_query": query,
            "can_edit_references": True,
        },
    )


@require_safe
@login_required
def dashboard_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    scope = _scope(request, slug)
    form = FilterForm(request.GET, scope=scope)
    if not form.is_valid():
        errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    result = _read(request, scope, form, f"export.{fmt}")
    if result.refused is not None:
        return HttpResponse(
            services.refusal_message(result.refused), status=400, content_type="text/plain; charset=utf-8"
        )
    return exports.export_response(fmt, f"equal-terms-{scope.organisation.slug}", exports.tables(result))


@login_required
def reference_shares(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _scope(request, slug)
    organisation = scope.organisation
    form = ReferenceShareForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        services.reference_share_save(share=form.instance)
        messages.success(request, _("The reference share is saved."))
        return redirect("equality-reference-shares", slug=organisation.slug)
    shares = ReferenceShare.objects.filter(organisation=organisation)
    inherited = [
        share
        for share in ReferenceShare.objects.for_organisation(organisation).select_related("organisation")
        if share.organisation_id != organisation.pk
    ]
    return render(
        request,
        "equality/reference_shares.html",
        {"organisation": organisation, "form": form, "shares": shares, "inherited": inherited},
    )


@require_POST
@login_required
def reference_share_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    scope = _scope(request, slug)
    share = get_object_or_404(ReferenceShare, organisation=scope.organisation, pk=pk)
    services.reference_share_delete(share=share)
    messages.success(request, _("The reference share is removed."))
    return redirect("equality-reference-shares", slug=scope.organisation.slug)

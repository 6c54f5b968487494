"""An export built in the background: its page (progress, polled by HTMX), the download and a
retry after a failure. Only the person who asked sees any of it; everyone else gets 404, even
colleagues in the same organisation (the file lists what that person's filters found and the
names of people responsible, and a colleague can ask for the same list in one click)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from framja.ideas import exports as formats
from framja.ideas.models import Export
from framja.ideas.services import casework as services

#: How often the page asks for the export's progress while it is built.
POLL_SECONDS = 2


def _own_export(request: HttpRequest, pk: int) -> Export:
    return get_object_or_404(Export.objects.of(request.user).select_related("organisation"), pk=pk)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = _own_export(request, pk)
    context = {"export": export, "poll_seconds": POLL_SECONDS}
    if request.headers.get("HX-Request"):
        return render(request, "ideas/exports/_status.html", context)
    return render(request, "ideas/exports/detail.html", context)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    export = _own_export(request, pk)
    if export.status != Export.Status.READY or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=f"{export.filename}.xlsx", content_type=formats.XLSX_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    export = _own_export(request, pk)
    if export.status != Export.Status.FAILED:
        return redirect(export.get_absolute_url())
    try:
        again = services.retry_export(export=export)
    except PermissionError as exc:
        raise Http404 from exc
    return redirect(again.get_absolute_url())

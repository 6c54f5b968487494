"""Places pages: the public municipality list and the HTMX option fragments used by pickers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from framja.places.forms import MunicipalityListForm, MunicipalitySearchForm, OptionsForm, SniSearchForm

#: Options returned when the request names no limit: enough for a list to scroll, few enough to stay fast.
OPTIONS_LIMIT = 50


@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    """Search Swedish and Norwegian municipalities; an HTMX request gets only the results."""
    form = MunicipalityListForm(request.GET)
    municipalities = form.results(default_limit=1000) if form.is_valid() else []
    htmx = request.htmx  # type: ignore[attr-defined]  # set by django_htmx's middleware
    template = "places/_municipality_results.html" if htmx else "places/municipality_list.html"
    return render(request, template, {"form": form, "municipalities": municipalities})


def _options(request: HttpRequest, search: MunicipalitySearchForm | SniSearchForm, template: str) -> HttpResponse:
    options = OptionsForm(request.GET)
    if not (search.is_valid() and options.is_valid()):
        return HttpResponse(status=400)
    context = {"items": search.results(default_limit=OPTIONS_LIMIT), **options.cleaned_data}
    return render(request, template, context)


@require_GET
def municipality_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the municipalities matching ?q= (parameters: framja/places/README.md)."""
    return _options(request, MunicipalitySearchForm(request.GET), "places/municipality_options.html")


@require_GET
def sni_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the SNI 2007 detail groups matching ?q=."""
    return _options(request, SniSearchForm(request.GET), "places/sni_options.html")

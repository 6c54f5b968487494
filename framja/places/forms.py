"""Forms of the places app and the municipality/SNI pickers other apps put in their forms.

Use in any form:

    from framja.places.forms import MunicipalityField, SniCodeField

    municipality = MunicipalityField(label=_("Municipality"))           # both countries
    municipality = MunicipalityField(country="SE", required=False)      # Swedish ones only
    sni_code = SniCodeField(label=_("Industry (SNI)"), required=False)

Each renders an ordinary <select> with every choice (works without JavaScript) plus a filter
box that narrows the options as the user types (HTMX, from `places-municipality-options` /
`places-sni-options`).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from framja.places import option_cache
from framja.places.models import MAX_QUERY_LENGTH, Country, County, Municipality, SniCode


class MunicipalitySearchForm(forms.Form):
    """The GET parameters of the municipality page and the options fragment."""

    q = forms.CharField(
        label=_("Name or code"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("Sweden and Norway")), *Country.choices], required=False
    )
    county = forms.RegexField(label=_("County code"), regex=r"^(?:(?:SE|NO)-)?[0-9]{2}\Z", required=False)
    limit = forms.IntegerField(min_value=1, max_value=1000, required=False)

    def results(self, default_limit: int) -> list[Municipality]:
        data = self.cleaned_data
        country, county = data["country"] or None, data["county"] or None
        if county and "-" in county:  # "SE-23": the county code alone is ambiguous ("03" is in both countries)
            county_country, county = county.split("-")
            if country and country != county_country:
                return []
            country = county_country
        matches = Municipality.objects.matching(data["q"], country=country, county=county)
        return list(matches[: data["limit"] or default_limit])


class MunicipalityListForm(MunicipalitySearchForm):
    """The municipality page's filters: the county is chosen from a list (one more query)."""

    county = forms.ChoiceField(label=_("County"), required=False)  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for county in County.objects.all():
            groups.setdefault(county.get_country_display(), []).append((county.qualified_code, county.name))
        self.fields["county"].choices = [("", _("All counties")), *groups.items()]  # type: ignore[attr-defined]


class SniSearchForm(forms.Form):
    """The GET parameters of the SNI options fragment."""

    q = forms.CharField(max_length=MAX_QUERY_LENGTH, required=False)
    section = forms.RegexField(regex=r"^[A-Ua-u]$", required=False)
    division = forms.RegexField(regex=r"^[0-9]{2}$", required=False)
    limit = forms.IntegerField(min_value=1, max_value=1000, required=False)

    def results(self, default_limit: int) -> list[SniCode]:
        data = self.cleaned_data
        matches = SniCode.objects.matching(
            data["q"], section=data["section"].upper() or None, division=data["division"] or None
        )
        return list(matches[: data["limit"] or default_limit])


class OptionsForm(forms.Form):
    """How the options fragment renders: which value, what is selected, the live status element."""

    value = forms.ChoiceField(choices=[("pk", "pk"), ("code", "code")], required=False)
    selected = forms.CharField(max_length=20, required=False)
    blank = forms.BooleanField(required=False)
    status = forms.RegexField(regex=r"^[A-Za-z][\w-]{0,80}$", required=False)


class FilteredSelect(forms.Select):
    """A <select> with a filter box above it that reloads the options through HTMX."""

    template_name = "places/widgets/filtered_select.html"
    options_url_name = ""
    filter_label = _("Filter the list")

    def __init__(self, attrs: dict[str, Any] | None = None, *, filters: dict[str, str] | None = None) -> None:
        super().__init__(attrs)
        self.filters = filters or {}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if isinstance(self.choices, ModelChoiceIterator):
            # A whole code list: its options' HTML from the cache (option_cache), without a
            # template per option; the chosen one is marked in the cached text.
            context = forms.Widget.get_context(self, name, value, attrs)
            context["widget"]["options_html"] = self._options_html(context["widget"]["value"])
        else:
            context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"]["id"] = widget_id
        selected = next(iter(widget["value"]), "") if widget["value"] else ""
        widget["filter"] = {
            "url": reverse(self.options_url_name),
            "label": self.filter_label,
            "vals_json": json.dumps(
                {**self.filters, "blank": "1", "status": f"{widget_id}_status", "selected": str(selected)}
            ),
        }
        return context

    def _options_html(self, selected: list[str]) -> str:
        choices = self.choices
        assert isinstance(choices, ModelChoiceIterator)
        parts = (
            type(self).__name__,
            get_language() or "",
            str(choices.field.empty_label),
            str(choices.queryset.query),
        )

        def render() -> str:
            return "".join(format_html('<option value="{}">{}</option>', str(value), label) for value, label in choices)

        html = option_cache.get_or_render(parts=parts, render=render)
        for value in selected:
            plain = format_html('<option value="{}">', value)
            html = html.replace(plain, format_html('<option value="{}" selected>', value), 1)
        return mark_safe(html)  # noqa: S308 - built by format_html above


class MunicipalitySelect(FilteredSelect):
    options_url_name = "places-municipality-options"
    filter_label = _("Filter municipalities by name or code")


class SniCodeSelect(FilteredSelect):
    options_url_name = "places-sni-options"
    filter_label = _("Filter industries by words or code")


class MunicipalityField(forms.ModelChoiceField):
    """Choose one municipality (value: its pk), optionally from one country only."""

    def __init__(self, *, country: str | None = None, **kwargs: Any) -> None:
        queryset = Municipality.objects.select_related("county").order_by("name", "country")
        if country:
            queryset = queryset.filter(country=country)
        kwargs.setdefault("widget", MunicipalitySelect(filters={"country": country} if country else None))
        kwargs.setdefault("empty_label", _("Choose a municipality"))
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj: Municipality) -> str:
        return obj.label


class SniCodeField(forms.ModelChoiceField):
    """Choose one SNI 2007 detail group (value: its pk)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", SniCodeSelect())
        kwargs.setdefault("empty_label", _("Choose an industry"))
        super().__init__(SniCode.objects.all(), **kwargs)

    def label_from_instance(self, obj: SniCode) -> str:
        return str(obj)

"""Forms of the catalogue pages: they validate input; the writes happen in services.py."""

from __future__ import annotations

import html
import zoneinfo
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django import forms
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Organisation
from framja.catalogue.models import (
    CompanyStage,
    Event,
    Offering,
    OfferingType,
    ServiceLanguage,
)
from framja.places import option_cache
from framja.places.models import County, Municipality, SniSection


def _https_urls(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Model form fields, with web addresses typed without a scheme read as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


OFFERING_FORM_FIELDS = [
    "name_sv",
    "name_nb",
    "name_en",
    "description_sv",
    "description_nb",
    "description_en",
    "offering_type",
    "all_sectors",
    "sni_sections",
    "sni_divisions",
    "area_country",
    "area_counties",
    "area_municipalities",
    "eligibility",
    "minimum_age",
    "maximum_age",
    "amount_min",
    "amount_max",
    "currency",
    "cost",
    "cost_details",
    "url",
    "contact_name",
    "contact_email",
    "contact_phone",
    "status",
    "last_reviewed_on",
]


class OfferingForm(forms.ModelForm[Offering]):
    formfield_callback = _https_urls
    stage_choices = forms.MultipleChoiceField(
        label=_("Company stages"),
        choices=CompanyStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every stage."),
    )
    language_choices = forms.MultipleChoiceField(
        label=_("Languages of service"),
        choices=ServiceLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Offering
        fields = OFFERING_FORM_FIELDS
        widgets = {"last_reviewed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["stage_choices"].initial = self.instance.stage_list
            self.fields["language_choices"].initial = self.instance.language_list
        self.fields["area_municipalities"].queryset = Municipality.objects.select_related("county")  # type: ignore[attr-defined]
        for name in ("sni_sections", "sni_divisions", "area_counties", "area_municipalities"):
            self.fields[name].widget.attrs["size"] = 6

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        return data

    def _post_clean(self) -> None:
        self.instance.stages = " ".join(self.cleaned_data.get("stage_choices") or [])
        self.instance.languages = " ".join(self.cleaned_data.get("language_choices") or [])
        super()._post_clean()  # type: ignore[misc]

    def service_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in OFFERING_FORM_FIELDS}
        fields["stages"] = " ".join(self.cleaned_data.get("stage_choices") or [])
        fields["languages"] = " ".join(self.cleaned_data.get("language_choices") or [])
        return fields


EVENT_FORM_FIELDS = [
    "title",
    "description",
    "language",
    "time_zone",
    "start",
    "end",
    "venue",
    "municipality",
    "online_url",
    "audience",
    "offerings",
    "co_organisers",
    "rrule",
    "registration_mode",
    "registration_url",
    "capacity",
]


class EventForm(forms.ModelForm[Event]):
    formfield_callback = _https_urls
    start = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    exdates_text = forms.CharField(
        label=_("Left-out dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a repeating event: one local start time per line, e.g. 2026-05-04T10:00."),
    )

    class Meta:
        model = Event
        fields = EVENT_FORM_FIELDS

    def __init__(self, *args: Any, organiser: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organiser = organiser
        self.fields["offerings"].queryset = Offering.objects.filter(organisation=organiser)  # type: ignore[attr-defined]
        self.fields["co_organisers"].queryset = Organisation.objects.active().exclude(pk=organiser.pk)  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = Municipality.objects.select_related("county")  # type: ignore[attr-defined]
        if self.instance.pk:
            zone = self.instance.zone
            self.initial["start"] = self.instance.start.astimezone(zone).replace(tzinfo=None)
            self.initial["end"] = self.instance.end.astimezone(zone).replace(tzinfo=None)
            self.initial["exdates_text"] = "\n".join(str(d) for d in self.instance.exdates or [])

    def _in_zone(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        zone = zoneinfo.ZoneInfo(self.cleaned_data.get("time_zone") or "Europe/Stockholm")
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=zone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["start"] = self._in_zone(data.get("start"))
        data["end"] = self._in_zone(data.get("end"))
        self.instance.start = data["start"]
        self.instance.end = data["end"]
        data["exdates"] = [line.strip() for line in (data.get("exdates_text") or "").splitlines() if line.strip()]
        self.instance.exdates = data["exdates"]
        return data

    def service_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in EVENT_FORM_FIELDS}
        fields["exdates"] = self.cleaned_data["exdates"]
        return fields


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    organisation_name = forms.CharField(label=_("Company or organisation"), max_length=200, required=False)


#: The option_cache list of the calendar's organisers (bumped when an organisation changes).
ORGANISER_OPTIONS = "catalogue-organisers"


class QuickSelect(forms.Select):
    """Django's <select>, the same markup, with the options written here and not by one
    template per option (tens of microseconds each): the front door lists every municipality
    of both countries, the calendar every organisation. With `cached_as` (an option_cache list
    name) a whole model list's options are kept in the cache until that list changes, and only
    the chosen option is marked per request."""

    template_name = "catalogue/widgets/quick_select.html"
    cached_as = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)  # without ChoiceWidget's optgroups
        chosen = context["widget"]["value"]  # the selected values as strings (format_value)
        choices = self.choices
        if self.cached_as and isinstance(choices, ModelChoiceIterator):
            parts = (
                type(self).__name__,
                get_language() or "",
                str(choices.field.empty_label),
                str(choices.queryset.query),
            )
            cached = option_cache.get_or_render(
                parts=parts, render=lambda: self._options([]) or "", name=self.cached_as
            )
            context["widget"]["options"] = mark_safe(_mark_chosen(cached, chosen))  # noqa: S308 -- escaped
            return context
        options = self._options(chosen)
        if options is None:  # option groups: Django's own way
            return super().get_context(name, value, attrs)
        context["widget"]["options"] = mark_safe(options)  # noqa: S308 -- escaped in _options
        return context

    def _options(self, chosen: list[str]) -> str | None:
        """The options' markup, the first of `chosen` in the list marked as selected (None for
        a list with option groups)."""
        parts, has_selected = [], False
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                return None
            key = "" if option_value is None else str(option_value)
            selected = not has_selected and key in chosen
            has_selected = has_selected or selected
            mark = " selected" if selected else ""
            parts.append(f'\n  <option value="{html.escape(key)}"{mark}>{html.escape(str(label))}</option>\n')
        return "".join(parts)


def _mark_chosen(options: str, chosen: list[str]) -> str:
    """`options` (as QuickSelect._options writes them, none selected) with the first option in
    the list whose value is chosen marked as selected."""
    found = []
    for key in chosen:
        opening = f'<option value="{html.escape(key)}">'
        at = options.find(opening)
        if at >= 0:
            found.append((at, len(opening)))
    if not found:
        return options
    at, length = min(found)
    return f"{options[: at + length - 1]} selected>{options[at + length :]}"


class _NamedChoices(ModelChoiceIterator):
    """(key, name) pairs read as two columns, without a model instance per choice."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list(self.field.to_field_name or "pk", "name")


class NamedChoiceField(forms.ModelChoiceField):
    """A choice of one row of a long list whose label is its `name` (municipalities,
    organisations), shown with QuickSelect; `cached_as` names the option_cache list whose
    version says when the cached options are stale (places: the code lists)."""

    iterator = _NamedChoices
    widget = QuickSelect

    def __init__(self, *args: Any, cached_as: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.widget, QuickSelect):
            self.widget.cached_as = cached_as


class _ListedChoices(ModelChoiceIterator):
    """The choices read in one query, without the server-side cursor of `iterator()` (which
    PostgreSQL must declare and hold for a list of twenty rows)."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = _ListedChoices


class CalendarFilterForm(forms.Form):
    """The calendar's filters; invalid values are simply ignored (a filter page never fails)."""

    organisation = NamedChoiceField(
        label=_("Organiser"),
        queryset=Organisation.objects.active(),
        required=False,
        to_field_name="slug",
        cached_as=ORGANISER_OPTIONS,
    )
    county = NamedChoiceField(label=_("County"), queryset=County.objects.all(), required=False)
    offering_type = forms.ChoiceField(
        label=_("Type of support"), choices=[("", _("All types")), *OfferingType.choices], required=False
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    month = forms.CharField(required=False, widget=forms.HiddenInput)
    view = forms.ChoiceField(
        choices=[("list", _("List")), ("month", _("Month"))], required=False, widget=forms.HiddenInput
    )


class DirectoryFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.all(), required=False)
    offering_type = forms.ChoiceField(
        label=_("Type of support"), choices=[("", _("All types")), *OfferingType.choices], required=False
    )
    stage = forms.ChoiceField(
        label=_("Company stage"), choices=[("", _("All stages")), *CompanyStage.choices], required=False
    )
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=SniSection.objects.all(), required=False)


class StartForm(forms.Form):
    """The front door: a need in one's own words, the municipality, optionally stage and sector."""

    need = forms.CharField(
        label=_("What do you want to do, or what do you need?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write in your own words, in Swedish, Norwegian or English."),
    )
    municipality = NamedChoiceField(
        label=_("Your municipality"), queryset=Municipality.objects.select_related("county"), cached_as="places"
    )
    stage = forms.ChoiceField(
        label=_("Company stage"), choices=[("", _("Not stated")), *CompanyStage.choices], required=False
    )
    sector = ListedChoiceField(label=_("Sector"), queryset=SniSection.objects.all(), required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    need = forms.CharField(label=_("Your request"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    consent = forms.BooleanField(
        label=_("I agree that my request and contact details are passed on to the organisation."), required=True
    )

"""The dashboard's filter, shared by the page, its downloads and the API (one validation, one
set of translated errors). The period is one calendar year, quarter or month, not a free date
range: the differencing guard checks a filter against every wider filter a reader could also
ask for, and for a free range that would be every range around it (two ranges one day apart
would single out the people of that day)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Organisation
from framja.catalogue.models import OfferingType
from framja.equality import stats
from framja.equality.models import CATEGORIES, Dimension, ReferenceShare, category_choices
from framja.places.models import Municipality


def _field(form: forms.BaseForm, name: str) -> Any:
    """A bound form's field, for setting its choices or queryset (typed as Any: Field has neither)."""
    return form.fields[name]


class Area:
    REGION = "region"
    BORDER = "border"


def period_choices(first: int, last: int) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", str(_("All periods")))]
    for year in range(last, first - 1, -1):
        choices.append((f"{year}", f"{year}"))
        choices += [(f"{year}-Q{quarter}", f"{year} Q{quarter}") for quarter in range(1, 5)]
        choices += [(f"{year}-{month:02d}", f"{year}-{month:02d}") for month in range(1, 13)]
    return choices


class FilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False)
    area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        choices=[(Area.REGION, _("Our region")), (Area.BORDER, _("Both sides of the border"))],
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, to_field_name="slug"
    )
    municipality = forms.ModelChoiceField(
        label=_("Client's municipality"), queryset=Municipality.objects.none(), required=False
    )
    offering_type = forms.ChoiceField(
        label=_("Offering type"), required=False, choices=[("", _("All offering types")), *OfferingType.choices]
    )
    breakdown = forms.ChoiceField(
        label=_("Break down by"),
        required=False,
        choices=[
            ("", _("No breakdown")),
            ("period", _("Period")),
            ("organisation", _("Organisation")),
            ("municipality", _("Municipality")),
            ("offering_type", _("Offering type")),
        ],
    )
    dimension = forms.ChoiceField(label=_("Breakdown of"), required=False, choices=Dimension.choices)

    def __init__(self, data: Any, *, scope: stats.Scope, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.scope = scope
        organisation = scope.organisation
        years = effort_years(scope)
        _field(self, "period").choices = period_choices(*years)
        if scope.regional:
            regions = Organisation.objects.filter(verified_kind=Organisation.Kind.REGION)
            _field(self, "municipality").queryset = (
                Municipality.objects.filter(verified_served_by__in=regions).distinct().order_by("name")
            )
            _field(self, "organisation").queryset = Organisation.objects.filter(is_active=True).order_by("name")
        else:
            del self.fields["area"]
            del self.fields["organisation"]
            _field(self, "breakdown").choices = [
                choice for choice in _field(self, "breakdown").choices if choice[0] != "organisation"
            ]
            _field(self, "municipality").queryset = (
                Municipality.objects.filter(
                    Q(pk=organisation.municipality_id) | Q(served_by=organisation) | Q(verified_served_by=organisation)
                )
                .distinct()
                .order_by("name")
            )

    def criteria(self) -> dict[str, Any]:
        """The filter as the statistics take it (call after is_valid())."""
        data = self.cleaned_data
        criteria: dict[str, Any] = {}
        if self.scope.regional and data.get("area", Area.REGION) != Area.BORDER:
            criteria["region"] = self.scope.organisation.pk
        if data.get("period"):
            criteria["period"] = data["period"]
        if data.get("organisation"):
            criteria["organisation"] = data["organisation"].pk
        if data.get("municipality"):
            criteria["municipality"] = data["municipality"].pk
        if data.get("offering_type"):
            criteria["offering_type"] = data["offering_type"]
        return criteria

    def clean_area(self) -> str:
        return self.cleaned_data.get("area") or Area.REGION

    def clean_dimension(self) -> str:
        return self.cleaned_data.get("dimension") or Dimension.GENDER

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        breakdown = data.get("breakdown")
        if breakdown and breakdown != "period" and data.get(breakdown):
            self.add_error("breakdown", _("Break down by something the filter does not fix already."))
        if breakdown == "period" and stats.period_level(data.get("period") or "0000") == "month" and data.get("period"):
            self.add_error("breakdown", _("A month cannot be broken down further: choose a year or a quarter."))
        return data

    def describe(self) -> dict[str, str]:
        """The filter for the audit log: criteria by name, as chosen."""
        return {name: str(value) for name, value in self.cleaned_data.items() if value}


def effort_years(scope: stats.Scope) -> tuple[int, int]:
    """The first and last year with efforts in the scope (this year when there are none)."""
    bounds = scope.population().aggregate(first=Min("given_on"), last=Max("given_on"))
    this_year = timezone.localdate().year
    first = bounds["first"].year if bounds["first"] else this_year
    last = max(bounds["last"].year if bounds["last"] else this_year, first)
    return first, last


class ReferenceShareForm(forms.ModelForm):
    """A reference share of the organisation; the category is chosen among all dimensions'."""

    category = forms.ChoiceField(label=_("Category"))

    class Meta:
        model = ReferenceShare
        fields = ["dimension", "category", "share", "period", "source"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        _field(self, "category").choices = [
            (str(Dimension(dimension).label), category_choices(dimension)) for dimension in CATEGORIES
        ]

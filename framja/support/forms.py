"""Forms of the support log's pages: logging an effort and answering a referral."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import CASEWORK_ROLES, Organisation, User
from framja.support.models import Company, EffortCurrency, EffortKind, Person, Referral, offerings_of


class EffortForm(forms.Form):
    """What was done for whom. From a referral, the client is the referral's and is not asked."""

    company = forms.ModelChoiceField(queryset=Company.objects.none(), label=_("Company"), required=False)
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Person"), required=False)
    kind = forms.ChoiceField(label=_("Kind of effort"), choices=EffortKind.choices)
    given_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=9999, decimal_places=2, initial=0)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=0, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=[("", "—"), *EffortCurrency.choices], required=False)
    offering = forms.ModelChoiceField(queryset=Company.objects.none(), label=_("Offering"), required=False)
    adviser = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Adviser"), required=False)
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Seen only by your organisation's advisers, coordinators and administrators."),
    )

    def __init__(self, *args: Any, organisation: Organisation, referral: Referral | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referral = referral
        fields: Any = self.fields
        fields["company"].queryset = Company.objects.clients_of(organisation).order_by("name")
        fields["person"].queryset = Person.objects.of_organisation(organisation).order_by("name")
        fields["offering"].queryset = offerings_of(organisation).order_by("name_sv", "pk")
        fields["offering"].label_from_instance = lambda offering: offering.name
        fields["adviser"].queryset = User.objects.filter(
            memberships__organisation=organisation, memberships__role__in=CASEWORK_ROLES
        ).order_by("first_name", "last_name", "pk")
        fields["given_on"].initial = timezone.localdate()
        if referral is not None:
            del self.fields["company"]
            del self.fields["person"]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["currency"] = data.get("currency") or ""
        data["outcome"] = data.get("outcome") or ""
        data["internal_notes"] = data.get("internal_notes") or ""
        return data


class ReferralAnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("We accept the referral")), ("no", _("We decline the referral"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Message to the sender"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Needed when you decline: say why, and where the client could turn instead."),
    )

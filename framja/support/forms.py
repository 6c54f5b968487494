"""Forms of the support log's pages: clients, demographics, efforts and referrals. They return
plain data; the services validate what holds across models."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import CASEWORK_ROLES, Organisation, User
from framja.accounts.validators import clean_organisation_number, validate_organisation_number
from framja.catalogue.forms import NamedChoiceField
from framja.places.models import Country, Municipality, SniCode
from framja.support.models import (
    EARLIEST_YEAR,
    Company,
    CompanyRole,
    Demographics,
    EffortCurrency,
    EffortKind,
    ForeignBackground,
    Gender,
    LegalForm,
    Person,
    Referral,
    offerings_of,
)


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
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional. The client appears under “To follow up” from this day until their next effort."),
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


def _sni_code(raw: str) -> SniCode | None:
    code = raw.replace(".", "").replace(" ", "").strip()
    if not code:
        return None
    found = SniCode.objects.filter(code=code).first()
    if found is None:
        raise forms.ValidationError(_("Unknown SNI code."), code="unknown")
    return found


def _with_organisation_number(form: forms.Form, data: dict[str, Any]) -> dict[str, Any]:
    """The form's organisation number in its canonical form, checked for the chosen country."""
    number = clean_organisation_number(data.get("organisation_number") or "")
    if number and data.get("country"):
        try:
            validate_organisation_number(number, data["country"])
        except forms.ValidationError as exc:
            form.add_error("organisation_number", exc)
    data["organisation_number"] = number
    return data


class CompanyForm(forms.Form):
    """A client company's register data. An organisation number that is already registered
    leads to the existing company (the service's rule), so the number is only checked here."""

    country = forms.ChoiceField(label=_("Country"), choices=Country.choices, initial=Country.SWEDEN)
    organisation_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        required=False,
        help_text=_("Swedish: 10 digits (NNNNNN-NNNN). Norwegian: 9 digits. Leave empty if not yet registered."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    sni_code = forms.CharField(
        label=_("SNI code"), max_length=8, required=False, help_text=_("An SNI 2007 code, e.g. 62010.")
    )
    municipality = NamedChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("country", "name"), required=False
    )
    founding_year = forms.IntegerField(
        label=_("Founding year"), min_value=EARLIEST_YEAR, max_value=2100, required=False
    )
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=[("", "—"), *LegalForm.choices], required=False)

    @classmethod
    def initial_from(cls, company: Company) -> dict[str, Any]:
        return {
            "country": company.country,
            "organisation_number": company.organisation_number_display,
            "name": company.name,
            "sni_code": company.sni_code.code if company.sni_code_id and company.sni_code else "",
            "municipality": company.municipality_id,
            "founding_year": company.founding_year,
            "legal_form": company.legal_form,
        }

    def clean_sni_code(self) -> SniCode | None:
        return _sni_code(self.cleaned_data.get("sni_code") or "")

    def clean(self) -> dict[str, Any]:
        return _with_organisation_number(self, super().clean() or {})

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["legal_form"] = data.get("legal_form") or ""
        return data


class PersonForm(forms.Form):
    """A client person; optionally linked to one of our client companies with a role."""

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    municipality = NamedChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("country", "name"), required=False
    )
    plans_company = forms.BooleanField(label=_("Planning a company"), required=False)
    company = forms.ModelChoiceField(
        queryset=Company.objects.none(),
        label=_("Link to a company"),
        required=False,
        help_text=_("One of your client companies; register the company first if it is missing."),
    )
    role = forms.ChoiceField(label=_("Role in the company"), choices=[("", "—"), *CompanyRole.choices], required=False)

    PERSON_FIELDS = ("name", "email", "phone", "municipality", "plans_company")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        company: Any = self.fields["company"]
        company.queryset = Company.objects.clients_of(organisation).order_by("name", "pk")

    @classmethod
    def initial_from(cls, person: Person) -> dict[str, Any]:
        return {name: getattr(person, name) for name in ("name", "email", "phone", "plans_company")} | {
            "municipality": person.municipality_id
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("company") is not None and not data.get("role"):
            self.add_error("role", forms.ValidationError(_("Give the person's role in the company."), code="required"))
        if data.get("role") and data.get("company") is None:
            self.add_error("company", forms.ValidationError(_("Choose the company."), code="required"))
        return data

    def person_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name) or ("" if name in ("email", "phone") else None)
            for name in ("name", "email", "phone", "municipality")
        } | {"plans_company": bool(self.cleaned_data.get("plans_company"))}


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        queryset=Company.objects.none(),
        label=_("The duplicate to merge into this company"),
        help_text=_("Its efforts, referrals and people move here; the duplicate is then deleted."),
    )

    def __init__(self, *args: Any, organisation: Organisation, keep: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        duplicate: Any = self.fields["duplicate"]
        duplicate.queryset = Company.objects.clients_of(organisation).exclude(pk=keep.pk).order_by("name", "pk")


class DemographicsForm(forms.Form):
    """Self-declared, voluntary. Without an active consent the consent is recorded too."""

    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    birth_year = forms.IntegerField(
        label=_("Birth year"), min_value=1900, max_value=2100, required=False, help_text=_("Shown only as an age band.")
    )
    foreign_background = forms.ChoiceField(
        label=_("Foreign background"),
        choices=[("", "—"), *ForeignBackground.choices],
        required=False,
        help_text=Demographics._meta.get_field("foreign_background").help_text,
    )
    purpose = forms.CharField(
        label=_("Purpose of the consent"),
        max_length=300,
        required=False,
        help_text=_("What the person agreed to, e.g. follow-up of equal terms in our support."),
    )
    given_on = forms.DateField(
        label=_("Consent given on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, has_consent: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_consent:
            del self.fields["purpose"]
            del self.fields["given_on"]
        else:
            self.fields["given_on"].initial = timezone.localdate()


class ReferralForm(forms.Form):
    to_organisation = NamedChoiceField(label=_("Refer to"), queryset=Organisation.objects.none())
    reason = forms.CharField(
        label=_("Why this organisation?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("The receiving organisation's advisers read this; their e-mail does not name the client."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to: Any = self.fields["to_organisation"]
        to.queryset = Organisation.objects.filter(is_active=True).exclude(pk=organisation.pk).order_by("name", "pk")


class ContactRegisterForm(forms.Form):
    """Optional company facts for a contact request turned into a client; the person and the
    first effort come from the request."""

    company_name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty if the person has no company yet."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices, initial=Country.SWEDEN)
    organisation_number = CompanyForm.base_fields["organisation_number"]
    role = forms.ChoiceField(label=_("Role in the company"), choices=[("", "—"), *CompanyRole.choices], required=False)

    def clean(self) -> dict[str, Any]:
        return _with_organisation_number(self, super().clean() or {})

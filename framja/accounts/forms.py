"""Forms of the accounts pages. They validate input; the writes happen in services.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Organisation, Role, User
from framja.accounts.services import ORGANISATION_FIELDS
from framja.notifications.services import queue_email
from framja.places.forms import MunicipalityField
from framja.places.models import Country, Municipality


class SignInForm(AuthenticationForm):
    """Sign in with the username or the e-mail address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or e-mail address")
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class TranslatedPasswordResetForm(PasswordResetForm):
    """Queues the reset link in the outbox (retried if the mail server is down, never sent inside
    the request), in the person's preferred language, with the site's own address."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        language = user.preferred_language or translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {**context, "site_url": settings.SITE_URL}
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        queue_email(to=to_email, subject=subject, body=body, language=language, sensitive=True)


# -- organisations ----------------------------------------------------------------------------

_DATABASE_ID = re.compile(r"^[0-9]{1,18}$")


def _check_ids(field: forms.Field, values: Any) -> None:
    """Refuse values that cannot be database ids before they reach the database.

    Django's model choice fields pass any integer on, and a 30-digit one overflows SQLite (a 500).
    """
    for value in values:
        if not _DATABASE_ID.match(str(value).strip()):
            raise forms.ValidationError(
                field.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(value)[:20]}
            )


class BoundedMunicipalityField(MunicipalityField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            _check_ids(self, [value])
        return super().to_python(value)


class BoundedMunicipalitiesField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        _check_ids(self, value)
        return super()._check_values(value)  # type: ignore[misc]


@dataclass
class CountyGroup:
    name: str
    municipalities: list[Municipality]
    selected: int = 0


@dataclass
class CountryGroup:
    code: str
    name: str
    counties: list[CountyGroup] = field(default_factory=list)


def _municipalities() -> list[Municipality]:
    return list(Municipality.objects.select_related("county").order_by("country", "county__code", "name"))


class OrganisationForm(forms.ModelForm):
    """Profile of an organisation; municipalities served are picked from a list grouped by county."""

    municipality = BoundedMunicipalityField(
        label=_("Municipality"),
        required=False,
        empty_label=_("— not a municipality —"),
        help_text=_("Only for a municipality: the municipality the organisation is."),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    serves = BoundedMunicipalitiesField(
        label=_("Municipalities served"),
        queryset=Municipality.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every municipality where the organisation offers its support."),
    )

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {
            "description_sv": forms.Textarea(attrs={"rows": 5, "lang": "sv"}),
            "description_nb": forms.Textarea(attrs={"rows": 5, "lang": "nb"}),
            "description_en": forms.Textarea(attrs={"rows": 5, "lang": "en"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality_list = _municipalities()
        self.fields["organisation_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        if self.instance.pk:
            self.initial.setdefault("serves", [m.pk for m in self.instance.serves.all()])
            self.initial["organisation_number"] = self.instance.organisation_number_display

    def municipality_groups(self) -> list[CountryGroup]:
        """Countries > counties > municipalities, for the picker; counts what is ticked per county."""
        value = self["serves"].value() or []
        selected = {str(pk) for pk in value}
        groups: list[CountryGroup] = []
        for country, items in groupby(self.municipality_list, key=lambda m: m.country):
            group = CountryGroup(country, str(Country(country).label))
            for county, municipalities in groupby(items, key=lambda m: m.county.name):
                listed = list(municipalities)
                for m in listed:
                    m.is_selected = str(m.pk) in selected  # type: ignore[attr-defined]
                count = sum(1 for m in listed if str(m.pk) in selected)
                group.counties.append(CountyGroup(county, listed, count))
            groups.append(group)
        own = self["country"].value()
        groups.sort(key=lambda g: g.code != own)
        return groups

    def fields_changed(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ORGANISATION_FIELDS}


class OrganisationFilterForm(forms.Form):
    """The directory's search and filters (GET); invalid values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organisation.Kind.choices]
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=[("", _("All countries")), *Country.choices]
    )

    def filter(self, queryset: Any) -> Any:
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["country"]:
            queryset = queryset.filter(country=data["country"])
        return queryset.search(data["q"])


# -- members and invitations ------------------------------------------------------------------


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class AcceptInvitationForm(forms.Form):
    """Create an account to accept an invitation; the e-mail address is the invited one."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. You can also sign in with your e-mail address."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken. Choose another one."), code="unique")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password1")
        if password and data.get("password2") and password != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        elif password:
            user = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=self.email,
            )
            try:
                validate_password(password, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


# -- profile and tokens -----------------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "preferred_language"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        language = cast(forms.ChoiceField, self.fields["preferred_language"])
        language.choices = [("", _("No preference")), *settings.LANGUAGES]
        language.help_text = _("Used for e-mail and after you sign in.")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account uses this e-mail address."), code="unique")
        return email

    def validate_constraints(self) -> None:
        """The e-mail constraint is checked in clean_email with a clearer message."""


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, e.g. “Reporting script”."),
    )

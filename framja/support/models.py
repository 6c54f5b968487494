"""The support log: clients (companies and people), voluntary demographics with consent,
support efforts (insatser) and referrals between organisations ("no wrong door").

Who sees what (the querysets below hold the rules; framja.support.permissions asks them):
- A company is shared register data (name, number, municipality): one row per organisation
  number, visible to platform staff and to the casework roles of the organisations that have it
  as a client (`Company.client_of`).
- A person belongs to the organisation that recorded them; its casework roles see the person,
  and so does an organisation the person was referred to (it must be able to answer).
- Demographics (special-category data, GDPR art. 9) exist only with a recorded consent, are
  seen only by the recording organisation's administrators, and every read is audited
  (`services.demographics_read`).
- An effort stores, when it is logged, a snapshot of the client's demographics and of the
  company's leadership: later edits and withdrawals never rewrite history (the snapshot holds no
  name and no birth year, only the age band).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import CASEWORK_ROLES, Organisation, Role, User
from framja.accounts.permissions import has_role
from framja.accounts.validators import (
    clean_organisation_number,
    format_organisation_number,
    validate_organisation_number,
)
from framja.places.models import Country, Municipality, SniCode

#: The earliest founding year and birth year the log accepts.
EARLIEST_YEAR = 1800


def _casework_organisations(user: Any) -> models.QuerySet[Organisation]:
    return Organisation.objects.where_member(user, roles=CASEWORK_ROLES)


def _is_staff(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


class LegalForm(models.TextChoices):
    LIMITED_COMPANY = "limited_company", _("Limited company (AB, AS)")
    SOLE_TRADER = "sole_trader", _("Sole trader (enskild firma, ENK)")
    PARTNERSHIP = "partnership", _("Partnership (HB, KB, ANS, DA)")
    COOPERATIVE = "cooperative", _("Cooperative (ekonomisk förening, SA)")
    ASSOCIATION = "association", _("Non-profit association")
    OTHER = "other", _("Other")


class CompanyQuerySet(models.QuerySet["Company"]):
    def visible_to(self, user: Any) -> CompanyQuerySet:
        """Staff: all; otherwise companies that one of the person's organisations (casework
        roles) has as a client."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(
            pk__in=self.model.client_of.through.objects.filter(organisation__in=_casework_organisations(user)).values(
                "company_id"
            )
        )

    def clients_of(self, organisation: Organisation | int) -> CompanyQuerySet:
        return self.filter(
            pk__in=self.model.client_of.through.objects.filter(organisation=organisation).values("company_id")
        )


class Company(models.Model):
    """A client company. One row per (country, organisation number); rows without a number
    (not yet registered) may duplicate a later one and are merged (`services.company_merge`)."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.SWEDEN)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        help_text=_("Swedish: 10 digits (NNNNNN-NNNN). Norwegian: 9 digits."),
    )
    name = models.CharField(_("name"), max_length=200)
    sni_code = models.ForeignKey(
        SniCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("SNI code")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("municipality")
    )
    founding_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=[MinValueValidator(EARLIEST_YEAR)]
    )
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices, blank=True)
    client_of = models.ManyToManyField(
        Organisation, blank=True, related_name="client_companies", verbose_name=_("client of")
    )
    recorded_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("client company")
        verbose_name_plural = _("client companies")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "organisation_number"],
                name="support_company_unique_number",
                condition=~Q(organisation_number=""),
                violation_error_message=_("A company with this organisation number is already registered."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_number_display(self) -> str:
        return format_organisation_number(self.organisation_number, self.country)

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.organisation_number:
            self.organisation_number = clean_organisation_number(self.organisation_number)
            try:
                validate_organisation_number(self.organisation_number, self.country)
            except ValidationError as exc:
                errors.setdefault("organisation_number", []).append(exc)
        if self.founding_year is not None and self.founding_year > timezone.localdate().year:
            errors.setdefault("founding_year", []).append(
                ValidationError(_("The founding year lies in the future."), code="future")
            )
        municipality = self.municipality if self.municipality_id is not None else None
        if municipality is not None and municipality.country != self.country:
            errors.setdefault("municipality", []).append(
                ValidationError(_("The municipality is in another country than the company."), code="country")
            )
        if errors:
            raise ValidationError(errors)


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: Any) -> PersonQuerySet:
        """Staff: all; otherwise people recorded by, or referred to, one of the person's
        organisations (casework roles)."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        organisations = _casework_organisations(user)
        referred = Referral.objects.filter(to_organisation__in=organisations).exclude(person=None)
        return self.filter(Q(organisation__in=organisations) | Q(pk__in=referred.values("person_id")))

    def of_organisation(self, organisation: Organisation | int) -> PersonQuerySet:
        return self.filter(organisation=organisation)


class Person(models.Model):
    """A client person: planning a company, or linked to companies with a role. Recorded by one
    organisation (people are not matched across organisations: no personal identity number)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="support_people", verbose_name=_("recorded by")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("municipality")
    )
    plans_company = models.BooleanField(
        _("planning a company"), default=False, help_text=_("The person plans to start a company.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("client person")
        verbose_name_plural = _("client people")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def demographics_visible_to(self, user: Any) -> bool:
        """Only the recording organisation's administrators (and platform staff) see them."""
        return has_role(user, self.organisation_id, DEMOGRAPHICS_ROLE)  # staff too; cached per request


class CompanyRole(models.TextChoices):
    """A person's role in a company; CEO outranks board chair as the company's leader."""

    CEO = "ceo", _("CEO")
    OWNER = "owner", _("Owner")
    BOARD_CHAIR = "board_chair", _("Board chair")
    FOUNDER = "founder", _("Founder")


class PersonCompany(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles", verbose_name=_("person"))
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="people", verbose_name=_("company"))
    role = models.CharField(_("role"), max_length=20, choices=CompanyRole.choices)

    class Meta:
        verbose_name = _("role in a company")
        verbose_name_plural = _("roles in companies")
        ordering = ["company__name", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "company", "role"], name="support_person_company_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.company}"


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    NOT_SAYING = "not_saying", _("Does not want to say")


class ForeignBackground(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SAYING = "not_saying", _("Does not want to say")


class AgeBand(models.TextChoices):
    UNDER_30 = "under_30", _("Under 30")
    FROM_30_TO_49 = "30_49", _("30–49")
    FROM_50_TO_64 = "50_64", _("50–64")
    FROM_65 = "65_plus", _("65 and over")


def age_band(birth_year: int | None, on: date) -> str:
    """The age band on the day (age counted as the year's difference); "" if unknown."""
    if birth_year is None:
        return ""
    age = on.year - birth_year
    if age < 30:
        return AgeBand.UNDER_30
    if age < 50:
        return AgeBand.FROM_30_TO_49
    if age < 65:
        return AgeBand.FROM_50_TO_64
    return AgeBand.FROM_65


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at=None)


class Consent(models.Model):
    """The person's consent to record their demographics, for a stated purpose. Kept after
    withdrawal (as the record that it was withdrawn); the values themselves are deleted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person"))
    purpose = models.CharField(
        _("purpose"),
        max_length=300,
        help_text=_("What the person agreed to, e.g. follow-up of equal terms in our support."),
    )
    given_on = models.DateField(_("consent given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} ({self.given_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Demographics(models.Model):
    """Self-declared, voluntary demographics of one person, under an active consent."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="demographics", verbose_name=_("person")
    )
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="+", verbose_name=_("consent"))
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Shown only as an age band."),
    )
    foreign_background = models.CharField(
        _("foreign background"),
        max_length=20,
        choices=ForeignBackground.choices,
        blank=True,
        help_text=_(
            "Official definitions. Sweden (SCB): born abroad, or born in Sweden with both parents born "
            "abroad. Norway (SSB): innvandrere (born abroad to two foreign-born parents) and norskfødte "
            "med innvandrerforeldre (born in Norway to two immigrant parents)."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("demographics")
        verbose_name_plural = _("demographics")

    def __str__(self) -> str:
        return str(_("Demographics of %(person)s") % {"person": self.person})

    def clean(self) -> None:
        if self.birth_year is not None and self.birth_year > timezone.localdate().year:
            raise ValidationError(
                {"birth_year": ValidationError(_("The birth year lies in the future."), code="future")}
            )

    def age_band_on(self, day: date) -> str:
        return age_band(self.birth_year, day)


class LeadershipTeam(models.TextChoices):
    """The company's leading people by gender; "mixed" is its own category."""

    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    MIXED = "mixed", _("Mixed")


class EffortKind(models.TextChoices):
    ADVICE = "advice", _("Advice")
    FINANCING = "financing", _("Financing")
    TRAINING = "training", _("Training")
    REFERRAL = "referral", _("Referral")
    OTHER = "other", _("Other")


class EffortCurrency(models.TextChoices):
    SEK = "SEK", _("Swedish kronor")
    NOK = "NOK", _("Norwegian kroner")
    EUR = "EUR", _("Euro")


#: The columns the equality statistics aggregate (covered by the statistics indexes).
EQUALITY_COLUMNS = (
    "id",
    "company",
    "person",
    "hours",
    "amount",
    "currency",
    "snapshot_gender",
    "snapshot_age_band",
    "snapshot_foreign_background",
    "snapshot_leadership_team",
)


class EffortQuerySet(models.QuerySet["Effort"]):
    def visible_to(self, user: Any) -> EffortQuerySet:
        """Staff: all; otherwise efforts of the person's organisations (casework roles)."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(organisation__in=_casework_organisations(user))

    def of_organisation(self, organisation: Organisation | int) -> EffortQuerySet:
        return self.filter(organisation=organisation)

    def for_company(self, company: Company | int) -> EffortQuerySet:
        return self.filter(company=company)

    def follow_up_due(self, on: date) -> EffortQuerySet:
        """Efforts whose follow-up date has come, for clients that got no later effort from the
        same organisation since (logging the next effort is the follow-up)."""
        later = Effort.objects.filter(
            organisation=models.OuterRef("organisation"), pk__gt=models.OuterRef("pk")
        ).filter(Q(company_id=models.OuterRef("company_id")) | Q(person_id=models.OuterRef("person_id")))
        return self.filter(follow_up_on__lte=on).exclude(models.Exists(later))


class Effort(models.Model):
    """One support effort (insats) given by an organisation to a company or a person.

    The `snapshot_*` fields are written once, when the effort is logged, from the client's
    demographics and the company's leadership as they were then (`services.effort_log`)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="support_efforts", verbose_name=_("providing organisation")
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="efforts", verbose_name=_("company")
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="efforts", verbose_name=_("person")
    )
    offering = models.ForeignKey(
        "catalogue.Offering",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offering"),
    )
    adviser = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("adviser")
    )
    given_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=7, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=0, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=EffortCurrency.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EffortKind.choices)
    outcome = models.TextField(_("outcome"), blank=True, max_length=5000)
    follow_up_on = models.DateField(
        _("follow up on"),
        null=True,
        blank=True,
        help_text=_("The client appears under “To follow up” from this day until you log their next effort."),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True, max_length=5000)
    referral = models.ForeignKey(
        "Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="efforts",
        verbose_name=_("from referral"),
    )
    contact_request = models.OneToOneField(
        "catalogue.ContactRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_effort",
        verbose_name=_("from contact request"),
        help_text=_("The front-door request this first effort answered (one effort per request)."),
    )
    # The snapshot, as it was when the effort was given (never recomputed).
    snapshot_gender = models.CharField(_("gender then"), max_length=20, choices=Gender.choices, blank=True)
    snapshot_age_band = models.CharField(_("age band then"), max_length=10, choices=AgeBand.choices, blank=True)
    snapshot_foreign_background = models.CharField(
        _("foreign background then"), max_length=20, choices=ForeignBackground.choices, blank=True
    )
    snapshot_leader_gender = models.CharField(
        _("gender of the company's leader then"), max_length=20, choices=Gender.choices, blank=True
    )
    snapshot_leadership_team = models.CharField(
        _("leadership team then"), max_length=10, choices=LeadershipTeam.choices, blank=True
    )
    snapshot_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client's municipality then"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EffortQuerySet.as_manager()

    #: Fields holding special-category data: shown only in aggregates, never per effort.
    SNAPSHOT_FIELDS = (
        "snapshot_gender",
        "snapshot_age_band",
        "snapshot_foreign_background",
        "snapshot_leader_gender",
        "snapshot_leadership_team",
        "snapshot_municipality",
    )

    class Meta:
        verbose_name = _("support effort")
        verbose_name_plural = _("support efforts")
        ordering = ["-given_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-given_on"]),
            models.Index(fields=["organisation", "follow_up_on"], name="support_effort_follow_up_idx"),
            # The equal-terms statistics (framja/equality/stats.py) read an organisation's or an
            # area's efforts by date and only these columns: on PostgreSQL an index-only scan.
            models.Index(
                fields=["organisation", "given_on"],
                include=[*EQUALITY_COLUMNS],
                name="support_effort_stats_org",
            ),
            models.Index(
                fields=["snapshot_municipality", "given_on"],
                include=[*EQUALITY_COLUMNS],
                name="support_effort_stats_place",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="support_effort_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_on} ({self.organisation})"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.company_id is None and self.person_id is None:
            errors["company"] = ValidationError(_("Name the client: a company or a person."), code="required")
        if self.amount is not None and not self.currency:
            errors["currency"] = ValidationError(_("Give the currency of the amount."), code="required")
        if self.given_on is not None and self.given_on > timezone.localdate():
            errors["given_on"] = ValidationError(_("The effort lies in the future."), code="future")
        if self.follow_up_on is not None and self.given_on is not None and self.follow_up_on <= self.given_on:
            errors["follow_up_on"] = ValidationError(
                _("The follow-up comes after the effort's date."), code="before_effort"
            )
        if errors:
            raise ValidationError(errors)


def offerings_of(organisation: Organisation | int) -> models.QuerySet[Any]:
    """The organisation's catalogue offerings. The catalogue is a sibling app in the layers, so it
    is reached through the effort's foreign key instead of an import."""
    offering_model: Any = Effort._meta.get_field("offering").related_model
    return offering_model._default_manager.filter(organisation=organisation)


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: Any) -> ReferralQuerySet:
        """Staff: all; otherwise referrals sent by or to the person's organisations (casework roles)."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        organisations = _casework_organisations(user)
        return self.filter(Q(from_organisation__in=organisations) | Q(to_organisation__in=organisations))

    def to_answer(self) -> ReferralQuerySet:
        """Waiting for the receiving organisation: not yet accepted or declined."""
        return self.filter(status=ReferralStatus.SENT)

    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED])

    def received_by(self, organisation: Organisation | int) -> ReferralQuerySet:
        return self.filter(to_organisation=organisation)

    def sent_by(self, organisation: Organisation | int) -> ReferralQuerySet:
        return self.filter(from_organisation=organisation)

    def chain_for(self, *, company: Company | None = None, person: Person | None = None) -> ReferralQuerySet:
        """The client's referrals in the order they were sent: the path through the system."""
        match = Q(pk__in=[])
        if company is not None:
            match |= Q(company=company)
        if person is not None:
            match |= Q(person=person)
        return self.filter(match).order_by("sent_at", "pk")


class Referral(models.Model):
    """A client sent from one organisation to another that is better placed to help."""

    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="referrals_sent", verbose_name=_("from")
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="referrals_received", verbose_name=_("to")
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name=_("company")
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals", verbose_name=_("person")
    )
    reason = models.TextField(_("reason"), max_length=5000)
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("answered by")
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, max_length=5000)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["to_organisation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")), name="support_referral_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        client = self.company or self.person
        return f"{self.from_organisation} → {self.to_organisation}: {client or '—'}"

    @property
    def client_label(self) -> str:
        return str(self.company or self.person or "—")


#: The roles that may read and change demographics (of their own organisation's people).
DEMOGRAPHICS_ROLE = Role.ADMIN


class EffortRollup(models.Model):
    """The efforts summed per client and per statistics key, kept for the equal-terms figures.

    One row per level (the whole time, a year, a quarter or a month: `period` is its first day,
    None for the whole time), organisation, client municipality, offering, client and snapshot
    profile, with the number of efforts, their hours and their money per currency. Because the
    client is part of the key, the distinct clients of any filter on these columns are the
    distinct `client` values of its rows: exact, over far fewer rows than the efforts.

    Kept in the transaction of every write that changes an effort's key (`framja.support.rollup`,
    called from the services), repaired every night and rebuilt by `rebuild_effort_rollup`.
    Only the snapshot's aggregate categories are kept: no person, company or effort is named
    except through the client key (person * 2 + 1, company * 2, or minus the effort's id)."""

    #: The levels, coarsest first; a query reads the coarsest that its filter allows.
    LEVELS = ("all", "year", "quarter", "month")

    level = models.CharField(_("level"), max_length=7)
    period = models.DateField(_("period"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    offering = models.ForeignKey(
        "catalogue.Offering",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offering"),
    )
    client = models.BigIntegerField(_("client"))
    gender = models.CharField(_("gender"), max_length=20, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, blank=True)
    foreign_background = models.CharField(_("foreign background"), max_length=20, blank=True)
    leadership_team = models.CharField(_("leadership team"), max_length=10, blank=True)
    efforts = models.PositiveIntegerField(_("efforts"))
    hours = models.DecimalField(_("hours"), max_digits=12, decimal_places=2)
    money_SEK = models.DecimalField(_("money (SEK)"), max_digits=18, decimal_places=0, null=True, blank=True)  # noqa: N815
    money_NOK = models.DecimalField(_("money (NOK)"), max_digits=18, decimal_places=0, null=True, blank=True)  # noqa: N815
    money_EUR = models.DecimalField(_("money (EUR)"), max_digits=18, decimal_places=0, null=True, blank=True)  # noqa: N815

    #: The snapshot field of the effort each profile column copies.
    PROFILE = {
        "gender": "snapshot_gender",
        "age_band": "snapshot_age_band",
        "foreign_background": "snapshot_foreign_background",
        "leadership_team": "snapshot_leadership_team",
    }

    class Meta:
        verbose_name = _("effort rollup")
        verbose_name_plural = _("effort rollups")
        indexes = [
            # An organisation's figures and a region's (by the client's municipality), by period.
            models.Index(fields=["level", "organisation", "period"], name="support_rollup_org"),
            models.Index(fields=["level", "municipality", "period"], name="support_rollup_place"),
            models.Index(fields=["client"], name="support_rollup_client"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.period} {self.organisation_id}: {self.efforts}"

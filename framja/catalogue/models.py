"""The support catalogue: offerings (HSDS "services") and events with registration.

An offering belongs to one organisation and says whom it serves (area, company stage, sector).
An event has an organiser, optional co-organisers, a local time zone and possibly a recurrence
(RFC 5545 RRULE with EXDATE exceptions); its SEQUENCE grows on every change so that calendar
clients apply updates. Registrations hold a hashed private token for cancellation by link.
"""

from __future__ import annotations

import bisect
import hashlib
import secrets
import uuid
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from dateutil.rrule import rrule as recurrence_rule
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Count, F, FloatField, Func, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Organisation
from framja.places.models import Country, County, Municipality, SniDivision, SniSection

LANGUAGE_CODES = ("sv", "nb", "en")
#: How long an offering may go unreviewed before its owners are asked to look at it again.
REVIEW_INTERVAL = timedelta(days=365)
#: Registrations this recent count as new in the organiser's workspace.
NEW_REGISTRATION_DAYS = 7
#: Recurrences are expanded at most this far (a series without an end stays bounded).
MAX_OCCURRENCES = 500
#: Series whose expansion each process keeps (keyed by rule, times, zone and exceptions).
SERIES_CACHE_SIZE = 1024


def in_language(obj: Any, stem: str) -> str:
    """The field `stem_<language>` in the reader's language, else the first one filled."""
    language = (get_language() or "sv")[:2]
    order = [language] + [code for code in LANGUAGE_CODES if code != language]
    for code in order:
        text = getattr(obj, f"{stem}_{code}", "")
        if text:
            return str(text)
    return ""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class OfferingType(models.TextChoices):
    ADVICE = "advice", _("Advice")
    LOAN = "loan", _("Loan")
    GRANT = "grant", _("Grant")
    EQUITY = "equity", _("Equity")
    GUARANTEE = "guarantee", _("Guarantee")
    INCUBATION = "incubation", _("Incubation")
    ACCELERATOR = "accelerator", _("Accelerator")
    TEST_BED = "test_bed", _("Test bed")
    TRAINING = "training", _("Training")
    NETWORK = "network", _("Network")
    EXPORT = "export", _("Export")
    PROCUREMENT = "procurement", _("Procurement")
    OTHER = "other", _("Other")


class CompanyStage(models.TextChoices):
    IDEA = "idea", _("Idea")
    START_UP = "start_up", _("Start-up")
    GROWTH = "growth", _("Growth")
    ESTABLISHED = "established", _("Established")
    OWNERSHIP_CHANGE = "ownership_change", _("Change of ownership")


class OfferingStatus(models.TextChoices):
    """HSDS 3.0 service status, stored with HSDS's own values."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class Currency(models.TextChoices):
    SEK = "SEK", _("Swedish kronor")
    NOK = "NOK", _("Norwegian kroner")


class Cost(models.TextChoices):
    FREE = "free", _("Free of charge")
    SUBSIDISED = "subsidised", _("Partly subsidised")
    PAID = "paid", _("Paid by the company")


class ServiceLanguage(models.TextChoices):
    SWEDISH = "sv", _("Swedish")
    NORWEGIAN = "nb", _("Norwegian")
    ENGLISH = "en", _("English")
    NORTHERN_SAMI = "se", _("Northern Sami")
    SOUTHERN_SAMI = "sma", _("Southern Sami")
    FINNISH = "fi", _("Finnish")
    ARABIC = "ar", _("Arabic")


class OfferingQuerySet(models.QuerySet["Offering"]):
    def active(self) -> OfferingQuerySet:
        """Offerings a company can use now (HSDS status active, owner organisation active)."""
        return self.filter(status=OfferingStatus.ACTIVE, organisation__is_active=True)

    def published(self) -> OfferingQuerySet:
        """Shown in the public directory: everything but defunct offerings of active organisations."""
        return self.filter(organisation__is_active=True).exclude(status=OfferingStatus.DEFUNCT)

    def serving(self, municipality: Municipality) -> OfferingQuerySet:
        """Offerings whose area includes the municipality: itself, its county or its whole country.

        Subqueries, not joins: each offering comes once without a DISTINCT over every column."""
        in_municipality = Offering.area_municipalities.through.objects.filter(municipality=municipality)
        in_county = Offering.area_counties.through.objects.filter(county=municipality.county_id)
        return self.filter(
            Q(pk__in=in_municipality.values("offering_id"))
            | Q(pk__in=in_county.values("offering_id"))
            | Q(area_country=municipality.country)
        )

    def for_stage(self, stage: str) -> OfferingQuerySet:
        """Offerings serving the stage, or every stage (no stage named)."""
        return self.filter(Q(stages__contains=stage) | Q(stages=""))

    def for_sector(self, section: SniSection | None) -> OfferingQuerySet:
        """Offerings for all sectors or for the section (directly or through one of its divisions)."""
        if section is None:
            return self
        sections, divisions = _naming_sector(section)
        return self.filter(
            Q(all_sectors=True) | Q(pk__in=sections.values("offering_id")) | Q(pk__in=divisions.values("offering_id"))
        )

    def with_sector_named(self, section: SniSection) -> OfferingQuerySet:
        """Annotate `names_sector`: the offering names the section (directly or through one of
        its divisions), as the front door's score asks."""
        sections, divisions = _naming_sector(section)
        named = Q(models.Exists(sections.filter(offering_id=OuterRef("pk")))) | Q(
            models.Exists(divisions.filter(offering_id=OuterRef("pk")))
        )
        return self.annotate(names_sector=models.ExpressionWrapper(named, output_field=models.BooleanField()))

    def owned_by(self, organisations: Any) -> OfferingQuerySet:
        return self.filter(organisation__in=organisations)

    def due_for_review(self, now: datetime | None = None) -> OfferingQuerySet:
        """Not defunct and not reviewed for REVIEW_INTERVAL (the review job flags these to their owners)."""
        cutoff = ((now or timezone.now()) - REVIEW_INTERVAL).date()
        return self.exclude(status=OfferingStatus.DEFUNCT).filter(
            Q(last_reviewed_on__lte=cutoff) | Q(last_reviewed_on=None, created_at__date__lte=cutoff)
        )

    def not_flagged_this_period(self) -> OfferingQuerySet:
        """Not yet flagged to the owners since the offering was last reviewed (one flag per period)."""
        return self.filter(
            Q(review_flagged_on=None) | Q(last_reviewed_on__isnull=False, review_flagged_on__lt=F("last_reviewed_on"))
        )


def _naming_sector(section: SniSection) -> tuple[Any, Any]:
    """The links that name the section: to the section itself, and to one of its divisions."""
    return (
        Offering.sni_sections.through.objects.filter(snisection=section),
        Offering.sni_divisions.through.objects.filter(snidivision__section=section),
    )


class Offering(models.Model):
    """A support offering of one organisation: the HSDS "service"."""

    uuid = models.UUIDField(_("permanent id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="offerings", verbose_name=_("organisation")
    )
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    offering_type = models.CharField(_("type"), max_length=20, choices=OfferingType.choices)
    #: Space-separated CompanyStage values; empty means every stage.
    stages = models.CharField(_("company stages"), max_length=100, blank=True)
    all_sectors = models.BooleanField(_("all sectors"), default=True)
    sni_sections = models.ManyToManyField(SniSection, blank=True, related_name="+", verbose_name=_("SNI sections"))
    sni_divisions = models.ManyToManyField(SniDivision, blank=True, related_name="+", verbose_name=_("SNI divisions"))
    area_country = models.CharField(
        _("whole country"), max_length=2, choices=Country.choices, blank=True, help_text=_("Serves the whole country.")
    )
    area_counties = models.ManyToManyField(County, blank=True, related_name="+", verbose_name=_("counties served"))
    area_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("municipalities served")
    )
    eligibility = models.TextField(_("eligibility"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    amount_min = models.DecimalField(_("smallest amount"), max_digits=14, decimal_places=0, null=True, blank=True)
    amount_max = models.DecimalField(_("largest amount"), max_digits=14, decimal_places=0, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    cost = models.CharField(_("cost to the company"), max_length=20, choices=Cost.choices, default=Cost.FREE)
    cost_details = models.CharField(_("cost details"), max_length=300, blank=True)
    #: Space-separated ServiceLanguage values.
    languages = models.CharField(_("languages of service"), max_length=100, blank=True)
    url = models.URLField(_("web page"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=OfferingStatus.choices, default=OfferingStatus.ACTIVE)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    #: When the review job last told the owners that the offering is due for review.
    review_flagged_on = models.DateField(_("reminded to review"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["organisation__name", "name_sv", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=True)
                | Q(amount_min__lte=models.F("amount_max")),
                name="catalogue_offering_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="catalogue_offering_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue-offering-detail", args=[self.pk])

    @property
    def name(self) -> str:
        return in_language(self, "name")

    @property
    def description(self) -> str:
        return in_language(self, "description")

    @property
    def stage_list(self) -> list[str]:
        return self.stages.split()

    @property
    def stage_labels(self) -> list[str]:
        return [str(CompanyStage(s).label) for s in self.stage_list if s in CompanyStage.values]

    @property
    def language_list(self) -> list[str]:
        return self.languages.split()

    @property
    def language_labels(self) -> list[str]:
        return [str(ServiceLanguage(c).label) for c in self.language_list if c in ServiceLanguage.values]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not (self.name_sv or self.name_nb or self.name_en):
            errors["name_sv"] = ValidationError(_("Give the name in at least one language."), code="required")
        if self.amount_min is not None and self.amount_max is not None and self.amount_min > self.amount_max:
            errors["amount_max"] = ValidationError(_("The largest amount is smaller than the smallest."), code="range")
        if (self.amount_min is not None or self.amount_max is not None) and not self.currency:
            errors["currency"] = ValidationError(_("Give the currency of the amounts."), code="required")
        if self.minimum_age is not None and self.maximum_age is not None and self.minimum_age > self.maximum_age:
            errors["maximum_age"] = ValidationError(_("The maximum age is below the minimum age."), code="range")
        bad = [s for s in self.stage_list if s not in CompanyStage.values]
        if bad:
            errors["stages"] = ValidationError(_("Unknown company stage."), code="invalid")
        bad = [c for c in self.language_list if c not in ServiceLanguage.values]
        if bad:
            errors["languages"] = ValidationError(_("Unknown language."), code="invalid")
        if errors:
            raise ValidationError(errors)

    @property
    def is_due_for_review(self) -> bool:
        reviewed = self.last_reviewed_on or self.created_at.date()
        return self.status != OfferingStatus.DEFUNCT and reviewed <= (timezone.now() - REVIEW_INTERVAL).date()


class TimeZone(models.TextChoices):
    STOCKHOLM = "Europe/Stockholm", _("Swedish time (Europe/Stockholm)")
    OSLO = "Europe/Oslo", _("Norwegian time (Europe/Oslo)")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    ENTREPRENEURS = "entrepreneurs", _("People starting a business")
    COMPANIES = "companies", _("Companies")
    ADVISERS = "advisers", _("Business advisers")
    STUDENTS = "students", _("Students and researchers")


class RegistrationMode(models.TextChoices):
    NONE = "none", _("No registration")
    EXTERNAL = "external", _("Registration elsewhere (link)")
    BUILT_IN = "built_in", _("Registration here")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


@dataclass(frozen=True)
class Occurrence:
    """One concrete time of an event (the event itself, or one repetition of a series)."""

    event: Event
    start: datetime
    end: datetime

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.event.zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.event.zone)


class OccurrenceRow(NamedTuple):
    """When one occurrence starts, and its event's title, zone and status, as plain values: for
    pages that show thousands of occurrences (the month grid). Ordered as the calendar orders."""

    start: datetime
    event_id: int
    title: str
    time_zone: str
    status: str

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(zoneinfo.ZoneInfo(self.time_zone))

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED


class EpochSeconds(Func):
    """A timestamp as seconds since 1970 (float8), for PostgreSQL: psycopg reads a float in C,
    while Django's loader of aware datetimes is Python (some microseconds a row, thousands of
    rows on the month grid). float8 holds today's timestamps to the microsecond."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
    output_field = FloatField()


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class EventQuerySet(models.QuerySet["Event"]):
    def _epoch_starts(self) -> bool:
        """Read `start` as EpochSeconds (PostgreSQL) rather than as a datetime."""
        return connections[self.db].vendor == "postgresql"

    def sortable_start(self) -> tuple[EventQuerySet, str]:
        """These events with a column that sorts as `start` does and is cheap to read (on
        PostgreSQL seconds since 1970, elsewhere `start` itself), and the column's name."""
        if self._epoch_starts():
            return self.annotate(start_epoch=EpochSeconds("start")), "start_epoch"
        return self, "start"

    def published(self) -> EventQuerySet:
        """Shown publicly (cancelled ones too, marked as cancelled) while the organiser is active."""
        return self.filter(organiser__is_active=True)

    def scheduled(self) -> EventQuerySet:
        return self.filter(status=EventStatus.SCHEDULED)

    def upcoming(self, now: datetime | None = None) -> EventQuerySet:
        """Events with an occurrence that has not ended (an endless series is always upcoming)."""
        now = now or timezone.now()
        return self.filter(Q(series_end__gte=now) | Q(series_end=None))

    def between(self, start: datetime, end: datetime) -> EventQuerySet:
        """Events that may have an occurrence overlapping [start, end)."""
        return self.filter(start__lt=end).filter(Q(series_end__gt=start) | Q(series_end=None))

    def occurrence_rows(self, start: datetime, end: datetime) -> list[OccurrenceRow]:
        """The occurrences overlapping [start, end) of these events, in order of time (then
        event), the same as `Event.occurrences` gives, read as plain rows: no model instance."""
        events = self.between(start, end).order_by()  # sorted here, with the series
        columns = ("start", "pk", "title", "time_zone", "status")
        # single events in one query (overlapping the window: the same test as occurrences()),
        # series with their rule and exceptions in another
        # in order already: the sort below then only places the series' occurrences
        singles = events.filter(rrule="", end__gt=start).order_by("start", "pk")
        if self._epoch_starts():
            rows = [
                OccurrenceRow(_utc(epoch), *rest)
                for epoch, *rest in singles.annotate(start_epoch=EpochSeconds("start")).values_list(
                    "start_epoch", *columns[1:]
                )
            ]
        else:
            rows = list(map(OccurrenceRow._make, singles.values_list(*columns)))
        for first, pk, title, time_zone, status, last, rule, exdates in events.exclude(rrule="").values_list(
            *columns, "end", "rrule", "exdates"
        ):
            times = _expand_series(rule, first, last, time_zone, tuple(map(str, exdates or [])))
            rows.extend(
                OccurrenceRow(begin, pk, title, time_zone, status) for begin, _finish in _overlapping(times, start, end)
            )
        rows.sort()  # by start, then event (an event starts at most once at a time)
        return rows

    def organised_by(self, organisation: Organisation | int) -> EventQuerySet:
        return self.filter(Q(organiser=organisation) | Q(co_organisers=organisation)).distinct()

    def with_registration_counts(self, now: datetime | None = None) -> EventQuerySet:
        """Annotate `confirmed`, `waiting` and `new` (see RegistrationQuerySet.new) registrations."""
        now = now or timezone.now()
        return self.annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED), distinct=True
            ),
            waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING), distinct=True),
            new=Count(
                "registrations",
                filter=Q(registrations__created_at__gte=now - timedelta(days=NEW_REGISTRATION_DAYS))
                & ~Q(registrations__status=RegistrationStatus.CANCELLED),
                distinct=True,
            ),
        )

    def needing_reminder(self, now: datetime | None = None) -> EventQuerySet:
        """Scheduled events with built-in registration whose (first) start falls within the next day."""
        now = now or timezone.now()
        return self.scheduled().filter(
            registration_mode=RegistrationMode.BUILT_IN,
            start__gt=now,
            start__lte=now + timedelta(days=1),
        )


class Event(models.Model):
    uuid = models.UUIDField(_("permanent id"), default=uuid.uuid4, unique=True, editable=False)
    organiser = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="organised_events", verbose_name=_("organiser")
    )
    co_organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="co_organised_events", verbose_name=_("co-organisers")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=ServiceLanguage.choices, default="sv")
    time_zone = models.CharField(_("time zone"), max_length=40, choices=TimeZone.choices, default=TimeZone.STOCKHOLM)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    venue = models.CharField(_("place"), max_length=300, blank=True, help_text=_("Name and street address."))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("municipality")
    )
    online_url = models.URLField(_("online link"), blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    offerings = models.ManyToManyField(Offering, blank=True, related_name="events", verbose_name=_("offerings"))
    rrule = models.CharField(
        _("repeats"),
        max_length=300,
        blank=True,
        help_text=_("An iCalendar RRULE, e.g. FREQ=WEEKLY;COUNT=6. Empty: a single occurrence."),
    )
    #: Local start times (ISO, without zone) of the occurrences left out of the series.
    exdates = models.JSONField(_("left-out dates"), default=list, blank=True)
    #: End of the last occurrence (None: a series without end). Kept by save().
    series_end = models.DateTimeField(_("last occurrence ends"), null=True, blank=True, editable=False, db_index=True)
    registration_mode = models.CharField(
        _("registration"), max_length=20, choices=RegistrationMode.choices, default=RegistrationMode.NONE
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED)
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="catalogue_event_ends_after_start"),
        ]
        indexes = [
            # a calendar window [first, following): single events by `end > first AND start <
            # following` (both read from the index), series apart (few, each expanded in Python)
            models.Index(fields=["end", "start"], condition=Q(rrule=""), name="catalogue_event_single_window"),
            models.Index(fields=["start"], condition=~Q(rrule=""), name="catalogue_event_series_start"),
            # the front door's events in the person's county: everything the query filters, orders
            # and reads (the id too) is in the index, so PostgreSQL answers from it (an index-only
            # scan) instead of visiting a heap page for each of thousands of events
            models.Index(
                fields=["municipality", "start", "status", "series_end", "organiser", "id"],
                name="catalogue_event_place_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.series_end = self.compute_series_end()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalogue-event-detail", args=[self.pk])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.zone)

    @property
    def uid(self) -> str:
        """The iCalendar UID: stable for the life of the event."""
        return f"{self.uuid}@framja"

    def exdate_times(self) -> list[datetime]:
        """The left-out occurrences as aware local datetimes."""
        result = []
        for text in self.exdates or []:
            value = datetime.fromisoformat(str(text))
            result.append(value.replace(tzinfo=self.zone) if value.tzinfo is None else value.astimezone(self.zone))
        return result

    def _rule(self) -> recurrence_rule:
        # Expanded in local wall-clock time so that a weekly 10:00 stays 10:00 across daylight saving.
        local = self.local_start.replace(tzinfo=None)
        return rrulestr(self.rrule, dtstart=local, ignoretz=True)

    def occurrences(self, start: datetime | None = None, end: datetime | None = None) -> Iterator[Occurrence]:
        """Occurrences overlapping [start, end), in order, at most MAX_OCCURRENCES."""
        if not self.rrule:
            if (start is None or self.end > start) and (end is None or self.start < end):
                yield Occurrence(self, self.start, self.end)
            return
        for begin, finish in _overlapping(self._series(), start, end):
            yield Occurrence(self, begin, finish)

    def _series(self) -> tuple[tuple[datetime, datetime], ...]:
        """(start, end) in UTC of every occurrence of the series (at most MAX_OCCURRENCES)."""
        return _expand_series(self.rrule, self.start, self.end, self.time_zone, tuple(map(str, self.exdates or [])))

    def _expand(self) -> tuple[tuple[datetime, datetime], ...]:
        duration = self.duration
        skip = {d.replace(tzinfo=None) for d in self.exdate_times()}
        utc = zoneinfo.ZoneInfo("UTC")
        times = []
        for n, local in enumerate(self._rule()):
            if n >= MAX_OCCURRENCES:
                break
            if local in skip:
                continue
            begin = local.replace(tzinfo=self.zone).astimezone(utc)
            times.append((begin, begin + duration))
        return tuple(times)

    def compute_series_end(self) -> datetime | None:
        if not self.rrule:
            return self.end
        rule = self._rule()
        if rule._count is None and rule._until is None:
            return None
        last = None
        for last in self.occurrences():  # noqa: B007 -- only the last one is wanted
            pass
        return last.end if last is not None else self.end

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = ValidationError(_("The event must end after it starts."), code="range")
        if self.rrule:
            self.rrule = self.rrule.strip().upper().removeprefix("RRULE:")
            try:
                if self.start:
                    self._rule()
                else:
                    rrulestr(self.rrule, dtstart=datetime(2000, 1, 1))
            except (ValueError, TypeError):
                errors["rrule"] = ValidationError(_("This is not a valid repetition rule."), code="invalid")
        for text in self.exdates or []:
            try:
                datetime.fromisoformat(str(text))
            except ValueError:
                errors["exdates"] = ValidationError(_("Give left-out dates as 2026-05-04T10:00."), code="invalid")
                break
        if self.registration_mode == RegistrationMode.EXTERNAL and not self.registration_url:
            errors["registration_url"] = ValidationError(_("Give the registration link."), code="required")
        if self.registration_mode == RegistrationMode.BUILT_IN and not self.capacity:
            errors["capacity"] = ValidationError(_("Give the number of places."), code="required")
        if not self.venue and not self.online_url:
            errors["venue"] = ValidationError(_("Give a place or an online link."), code="required")
        if errors:
            raise ValidationError(errors)

    def next_occurrence(self, now: datetime | None = None) -> Occurrence | None:
        return next(self.occurrences(start=now or timezone.now()), None)


def _overlapping(
    times: tuple[tuple[datetime, datetime], ...], start: datetime | None, end: datetime | None
) -> Iterator[tuple[datetime, datetime]]:
    """The (start, end) of a series that overlap [start, end). Every occurrence lasts as long,
    so the ends are in order too: skip to the first that ends after `start` by bisection."""
    first = 0 if start is None else bisect.bisect_right(times, start, key=lambda t: t[1])
    for begin, finish in times[first:]:
        if end is not None and begin >= end:
            return
        yield begin, finish


@lru_cache(maxsize=SERIES_CACHE_SIZE)
def _expand_series(
    rrule: str, start: datetime, end: datetime, time_zone: str, exdates: tuple[str, ...]
) -> tuple[tuple[datetime, datetime], ...]:
    """The occurrences of a series, expanded once per process for the same rule, times and
    exceptions (the calendar and the feeds ask for the same series on every request)."""
    return Event(rrule=rrule, start=start, end=end, time_zone=time_zone, exdates=list(exdates))._expand()


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def new(self, now: datetime | None = None) -> RegistrationQuerySet:
        """Not cancelled, made within NEW_REGISTRATION_DAYS, for an event that has not ended yet
        (what the organiser's workspace shows as new registrations)."""
        now = now or timezone.now()
        return self.exclude(status=RegistrationStatus.CANCELLED).filter(
            created_at__gte=now - timedelta(days=NEW_REGISTRATION_DAYS), event__end__gte=now
        )

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")

    def open(self) -> RegistrationQuerySet:
        return self.exclude(status=RegistrationStatus.CANCELLED)


class Registration(models.Model):
    """A person's place (or place in the queue) at an event with built-in registration."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organisation_name = models.CharField(_("company or organisation"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    #: When the reminder the day before the event was queued (exactly once per registration).
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "event",
                models.functions.Lower("email"),
                name="catalogue_registration_one_open_per_email",
                condition=~Q(status="cancelled"),
                violation_error_message=_("This address is already registered for the event."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.event}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        raw = secrets.token_urlsafe(32)
        return raw, hash_token(raw)

    @classmethod
    def find_by_token(cls, raw: str) -> Registration | None:
        if not raw or len(raw) > 100:
            return None
        return cls.objects.select_related("event__organiser").filter(token_hash=hash_token(raw)).first()


def month_bounds(year: int, month: int, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """[first day 00:00, first day of next month 00:00) in the zone, as aware datetimes."""
    first = datetime(year, month, 1, tzinfo=zone)
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return first, following


def today_in(zone: zoneinfo.ZoneInfo) -> date:
    return timezone.now().astimezone(zone).date()


class ContactRequestQuerySet(models.QuerySet["ContactRequest"]):
    def unanswered(self) -> ContactRequestQuerySet:
        """What lands in the organisation's workspace as something to answer."""
        return self.filter(answered_at=None)

    def for_organisation(self, organisation: Organisation | int) -> ContactRequestQuerySet:
        return self.filter(organisation=organisation)


class ContactRequest(models.Model):
    """A need sent from the front door (/start) to one organisation, with the person's consent."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contact_requests", verbose_name=_("organisation")
    )
    offering = models.ForeignKey(
        Offering, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("offering")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    need = models.TextField(_("what you want to do or need"), max_length=5000)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("municipality")
    )
    stage = models.CharField(_("company stage"), max_length=20, choices=CompanyStage.choices, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    consent = models.BooleanField(_("consent"), default=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(consent=True), name="catalogue_contact_request_consent")]

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation}"

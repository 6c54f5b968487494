"""Input and output schemas of the catalogue API (and the HSDS page parameters)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticKnownError

from framja.catalogue.models import (
    Audience,
    CompanyStage,
    Cost,
    Currency,
    EventStatus,
    OfferingStatus,
    OfferingType,
    RegistrationMode,
    RegistrationStatus,
    ServiceLanguage,
    TimeZone,
)
from framja.places.models import Country
from framja.places.schemas import MUNICIPALITY_CODE_PATTERN, OPTIONAL_MUNICIPALITY_CODE_PATTERN

Text = Field("", max_length=200)


class OrganisationRef(Schema):
    id: int
    slug: str
    name: str


class OfferingOut(Schema):
    id: int
    uuid: UUID
    organisation: OrganisationRef
    name: str
    name_sv: str
    name_nb: str
    name_en: str
    description: str
    description_sv: str
    description_nb: str
    description_en: str
    offering_type: OfferingType
    stages: list[str] = Field(..., alias="stage_list")
    all_sectors: bool
    sni_sections: list[str]
    sni_divisions: list[str]
    area_country: str
    area_counties: list[str]
    area_municipalities: list[str]
    eligibility: str
    minimum_age: int | None
    maximum_age: int | None
    amount_min: Decimal | None
    amount_max: Decimal | None
    currency: str
    cost: Cost
    cost_details: str
    languages: list[str] = Field(..., alias="language_list")
    url: str
    contact_name: str
    contact_email: str
    contact_phone: str
    status: OfferingStatus
    last_reviewed_on: date | None
    updated_at: datetime

    @staticmethod
    def resolve_sni_sections(obj: Any) -> list[str]:
        return [s.code for s in obj.sni_sections.all()]

    @staticmethod
    def resolve_sni_divisions(obj: Any) -> list[str]:
        return [d.code for d in obj.sni_divisions.all()]

    @staticmethod
    def resolve_area_counties(obj: Any) -> list[str]:
        return [c.qualified_code for c in obj.area_counties.all()]

    @staticmethod
    def resolve_area_municipalities(obj: Any) -> list[str]:
        return [m.qualified_code for m in obj.area_municipalities.all()]


class OfferingIn(Schema):
    """An offering; areas as "SE-2380" (municipality), counties as "SE-23", sectors as SNI codes."""

    organisation: str = Field(..., description="Id or short name of the owning organisation.", max_length=80)
    name_sv: str = Field("", max_length=200)
    name_nb: str = Field("", max_length=200)
    name_en: str = Field("", max_length=200)
    description_sv: str = Field("", max_length=10000)
    description_nb: str = Field("", max_length=10000)
    description_en: str = Field("", max_length=10000)
    offering_type: OfferingType
    stages: list[CompanyStage] = Field(default_factory=list, max_length=10)
    all_sectors: bool = True
    sni_sections: list[str] = Field(default_factory=list, max_length=30)
    sni_divisions: list[str] = Field(default_factory=list, max_length=100)
    area_country: Country | None = None
    area_counties: list[str] = Field(default_factory=list, max_length=40)
    area_municipalities: list[str] = Field(default_factory=list, max_length=700)
    eligibility: str = Field("", max_length=5000)
    minimum_age: int | None = Field(None, ge=0, le=150)
    maximum_age: int | None = Field(None, ge=0, le=150)
    amount_min: int | None = Field(None, ge=0, le=99_999_999_999_999, description="A whole amount in `currency`.")
    amount_max: int | None = Field(None, ge=0, le=99_999_999_999_999, description="A whole amount in `currency`.")
    currency: Currency | None = None
    cost: Cost = Cost.FREE
    cost_details: str = Field("", max_length=300)
    languages: list[ServiceLanguage] = Field(default_factory=list, max_length=10)
    url: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=40)
    status: OfferingStatus = OfferingStatus.ACTIVE
    last_reviewed_on: date | None = None


class OfferingFilter(Schema):
    organisation: str | None = Field(None, max_length=80)
    municipality: str | None = Field(
        None,
        max_length=10,
        pattern=OPTIONAL_MUNICIPALITY_CODE_PATTERN,
        description="A municipality the offering serves: 2380, SE-2380",
    )
    offering_type: OfferingType | None = None
    stage: CompanyStage | None = None


class EventOut(Schema):
    id: int
    uuid: UUID
    uid: str
    organiser: OrganisationRef
    co_organisers: list[OrganisationRef]
    title: str
    description: str
    language: str
    time_zone: str
    start: datetime
    end: datetime
    venue: str
    municipality: str | None
    online_url: str
    audience: Audience
    offerings: list[int]
    rrule: str
    exdates: list[str]
    registration_mode: RegistrationMode
    registration_url: str
    capacity: int | None
    status: EventStatus
    sequence: int

    @staticmethod
    def resolve_municipality(obj: Any) -> str | None:
        return obj.municipality.qualified_code if obj.municipality_id else None

    @staticmethod
    def resolve_offerings(obj: Any) -> list[int]:
        return [o.pk for o in obj.offerings.all()]

    @staticmethod
    def resolve_co_organisers(obj: Any) -> list[Any]:
        return list(obj.co_organisers.all())

    @staticmethod
    def resolve_start(obj: Any) -> datetime:
        return obj.local_start

    @staticmethod
    def resolve_end(obj: Any) -> datetime:
        return obj.local_end


class EventIn(Schema):
    organiser: str = Field(..., max_length=80, description="Id or short name of the organising organisation.")
    co_organisers: list[str] = Field(default_factory=list, max_length=20)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=10000)
    language: ServiceLanguage = ServiceLanguage.SWEDISH
    time_zone: TimeZone = TimeZone.STOCKHOLM
    start: datetime = Field(..., description="Local time in time_zone if no offset is given.")
    end: datetime
    venue: str = Field("", max_length=300)
    municipality: str | None = Field(None, max_length=10)
    online_url: str = Field("", max_length=200)
    audience: Audience = Audience.EVERYONE
    offerings: list[int] = Field(default_factory=list, max_length=50)
    rrule: str = Field("", max_length=300)
    exdates: list[datetime] = Field(default_factory=list, max_length=200)
    registration_mode: RegistrationMode = RegistrationMode.NONE
    registration_url: str = Field("", max_length=200)
    capacity: int | None = Field(None, ge=1, le=100000)


class EventFilter(Schema):
    organisation: str | None = Field(None, max_length=80)
    start: datetime | None = None
    end: datetime | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso_8601_only(cls, value: Any) -> Any:
        """The document promises an ISO 8601 date-time: a bare number is not read as a Unix time."""
        if isinstance(value, str):
            try:
                datetime.fromisoformat(value.strip())
            except ValueError:
                raise PydanticKnownError("datetime_parsing", {"error": "not ISO 8601"}) from None
        return value


class RegistrationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., min_length=3, max_length=254, json_schema_extra={"format": "email"})
    organisation_name: str = Field("", max_length=200)


class RegistrationOut(Schema):
    id: int
    event: int = Field(..., alias="event_id")
    name: str
    email: str
    organisation_name: str
    status: RegistrationStatus
    created_at: datetime


class NewRegistrationOut(Schema):
    id: int
    status: RegistrationStatus
    cancel_token: str = Field(..., description="Shown once: the private cancellation token (also e-mailed).")


class MatchFilter(Schema):
    text: str = Field(..., min_length=1, max_length=5000, description="The need, in the person's own words.")
    municipality: str = Field(
        ..., max_length=10, pattern=MUNICIPALITY_CODE_PATTERN, description="2380, SE-2380 or NO-5001"
    )
    stage: CompanyStage | None = None
    sector: str | None = Field(
        None, max_length=1, pattern="^[A-Ua-u]?$", description="SNI section letter (A to U), e.g. J"
    )


class OfferingSummary(Schema):
    id: int
    name: str
    offering_type: OfferingType
    organisation: OrganisationRef
    url: str = Field(..., alias="get_absolute_url")


class MatchItem(Schema):
    offering: OfferingSummary
    score: int
    reasons: list[str]
    words: list[str]


class EventSummary(Schema):
    id: int
    title: str
    start: datetime
    organiser: OrganisationRef


class IdeaSummary(Schema):
    id: int
    title: str
    url: str = Field(..., description="The idea's public page")
    score: float = Field(..., ge=0, le=1, description="Similarity of the idea to the need")


class MatchOut(Schema):
    offerings: list[MatchItem]
    events: list[EventSummary]
    ideas: list[IdeaSummary]

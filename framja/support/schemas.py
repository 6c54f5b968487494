"""Input and output schemas of the support-log API (/api/v1/support/...).

No schema carries demographic values out: they are recorded through the API but read only on
the pages that audit every read, and in aggregates (the equality statistics)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from framja.places.models import Country
from framja.places.schemas import OPTIONAL_MUNICIPALITY_CODE_PATTERN
from framja.support.models import (
    CompanyRole,
    EffortCurrency,
    EffortKind,
    ForeignBackground,
    Gender,
    LegalForm,
    ReferralStatus,
)

MAX_ID = 2**63 - 1
Organisation = Field(..., description="Id or short name of the organisation.", max_length=80)
OptionalMunicipality = Field(
    "", max_length=10, pattern=OPTIONAL_MUNICIPALITY_CODE_PATTERN, description="2380, SE-2380 or NO-5001"
)


class SupportOrganisationRef(Schema):
    id: int
    slug: str
    name: str


class Ref(Schema):
    id: int
    name: str


def _code(municipality: Any) -> str:
    return municipality.qualified_code if municipality is not None else ""


class CompanyOut(Schema):
    id: int
    country: Country
    organisation_number: str
    name: str
    sni_code: str
    municipality: str
    founding_year: int | None
    legal_form: str
    updated_at: datetime

    @staticmethod
    def resolve_sni_code(obj: Any) -> str:
        return obj.sni_code.code if obj.sni_code_id else ""

    @staticmethod
    def resolve_municipality(obj: Any) -> str:
        return _code(obj.municipality)


class CompanyIn(Schema):
    organisation: str = Organisation
    country: Country = Country.SWEDEN
    organisation_number: str = Field("", max_length=20, description="Swedish NNNNNN-NNNN or Norwegian 9 digits.")
    name: str = Field(..., min_length=1, max_length=200)
    sni_code: str = Field("", max_length=6, description="An SNI 2007 code, e.g. 62010.")
    municipality: str = OptionalMunicipality
    founding_year: int | None = Field(None, ge=1800, le=2100)
    legal_form: LegalForm | None = None


class CompanyUpdateIn(Schema):
    """The company's register data, replaced as a whole (it is shared: every organisation that
    has it as a client sees the change)."""

    country: Country = Country.SWEDEN
    organisation_number: str = Field("", max_length=20, description="Swedish NNNNNN-NNNN or Norwegian 9 digits.")
    name: str = Field(..., min_length=1, max_length=200)
    sni_code: str = Field("", max_length=6, description="An SNI 2007 code, e.g. 62010.")
    municipality: str = OptionalMunicipality
    founding_year: int | None = Field(None, ge=1800, le=2100)
    legal_form: LegalForm | None = None


class CompanyMergeIn(Schema):
    organisation: str = Organisation
    duplicate: int = Field(
        ..., ge=1, le=MAX_ID, description="The duplicate company: its efforts, referrals and people move here."
    )


class CompanyFilter(Schema):
    organisation: str | None = Field(None, max_length=80, description="Clients of this organisation.")
    q: str | None = Field(None, max_length=100, description="Part of the name or the organisation number.")


class RoleOut(Schema):
    company: Ref
    role: CompanyRole


class ClientPersonOut(Schema):
    id: int
    organisation: SupportOrganisationRef
    name: str
    email: str
    phone: str
    municipality: str
    plans_company: bool
    roles: list[RoleOut]
    updated_at: datetime

    @staticmethod
    def resolve_municipality(obj: Any) -> str:
        return _code(obj.municipality)

    @staticmethod
    def resolve_roles(obj: Any) -> list[dict[str, Any]]:
        return [{"company": link.company, "role": link.role} for link in obj.roles.all()]


class PersonIn(Schema):
    organisation: str = Organisation
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    municipality: str = OptionalMunicipality
    plans_company: bool = False


class PersonUpdateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    municipality: str = OptionalMunicipality
    plans_company: bool = False


class ContactRegisterIn(Schema):
    """Optional company facts; the person and the first effort come from the contact request."""

    company_name: str = Field("", max_length=200)
    country: Country = Country.SWEDEN
    organisation_number: str = Field("", max_length=20)
    role: CompanyRole | None = None


class RegisteredOut(Schema):
    person: Ref | None
    company: Ref | None
    effort: int
    created: bool

    @staticmethod
    def resolve_effort(obj: Any) -> int:
        return int(obj.effort.pk)


class PersonFilter(Schema):
    organisation: str | None = Field(None, max_length=80)


class PersonRoleIn(Schema):
    company: int = Field(..., ge=1, le=MAX_ID)
    role: CompanyRole


class DemographicsIn(Schema):
    """Self-declared and voluntary. Without an active consent, `purpose` and `consent_given_on`
    record one."""

    gender: Gender | None = None
    birth_year: int | None = Field(None, ge=1900, le=2100)
    foreign_background: ForeignBackground | None = None
    purpose: str = Field("", max_length=300)
    consent_given_on: date | None = None


class EffortOut(Schema):
    id: int
    organisation: SupportOrganisationRef
    company: Ref | None
    person: Ref | None
    offering: int | None = Field(None, alias="offering_id")
    adviser: int | None = Field(None, alias="adviser_id")
    referral: int | None = Field(None, alias="referral_id")
    given_on: date
    hours: Decimal
    amount: Decimal | None
    currency: str
    kind: EffortKind
    outcome: str
    internal_notes: str
    follow_up_on: date | None
    updated_at: datetime


class EffortIn(Schema):
    organisation: str = Organisation
    company: int | None = Field(None, ge=1, le=MAX_ID)
    person: int | None = Field(None, ge=1, le=MAX_ID)
    referral: int | None = Field(None, ge=1, le=MAX_ID, description="Log the effort as the answer to this referral.")
    offering: int | None = Field(None, ge=1, le=MAX_ID)
    adviser: int | None = Field(None, ge=1, le=MAX_ID)
    given_on: date
    hours: float = Field(0, ge=0, le=9999, description="Hours spent, to two decimals.")
    amount: int | None = Field(None, ge=0, le=99_999_999_999_999)
    currency: EffortCurrency | None = None
    kind: EffortKind
    outcome: str = Field("", max_length=5000)
    internal_notes: str = Field("", max_length=5000)
    follow_up_on: date | None = Field(None, description="From this day the client is to be followed up.")


class EffortFilter(Schema):
    organisation: str | None = Field(None, max_length=80)
    company: int | None = Field(None, ge=1, le=MAX_ID)
    person: int | None = Field(None, ge=1, le=MAX_ID)
    follow_up_due: bool | None = Field(
        None, description="Only efforts whose follow-up date has come and that no later effort answered."
    )


class ReferralOut(Schema):
    id: int
    from_organisation: SupportOrganisationRef
    to_organisation: SupportOrganisationRef
    company: Ref | None
    person: Ref | None
    reason: str
    status: ReferralStatus
    sent_at: datetime
    accepted_at: datetime | None
    declined_at: datetime | None
    completed_at: datetime | None
    answer: str


class ReferralIn(Schema):
    from_organisation: str = Organisation
    to_organisation: str = Organisation
    company: int | None = Field(None, ge=1, le=MAX_ID)
    person: int | None = Field(None, ge=1, le=MAX_ID)
    reason: str = Field(..., max_length=5000)


class ReferralAnswerIn(Schema):
    accept: bool
    answer: str = Field("", max_length=5000)


class ReferralFilter(Schema):
    organisation: str | None = Field(None, max_length=80, description="Sent by or to this organisation.")
    status: ReferralStatus | None = None
    company: int | None = Field(None, ge=1, le=MAX_ID, description="The chain of one client company.")

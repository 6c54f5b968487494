"""Input and output shapes of the accounts API.

Text inputs are bounded and refuse NUL characters, so odd input ends as 422, never as a
database error. Municipalities are written as codes: "2380", "SE-2380" or "NO-5001".
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints
from pydantic.json_schema import WithJsonSchema

from framja.accounts.models import ClaimStatus, Membership, Organisation, Role, User
from framja.places.models import Country
from framja.places.schemas import MUNICIPALITY_CODE_PATTERN


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    return value


_NO_NUL = AfterValidator(_no_nul)
Name = Annotated[str, StringConstraints(max_length=200), _NO_NUL]
ShortText = Annotated[str, StringConstraints(max_length=40), _NO_NUL]
#: Swedish NNNNNN-NNNN (the dash optional) or Norwegian NNN NNN NNN (the spaces optional); the
#: check digit (Luhn, mod 11) is verified by the server (422), which a pattern cannot say.
OrganisationNumber = Annotated[
    str,
    StringConstraints(max_length=11, pattern=r"^(|[0-9]{6}-?[0-9]{4}|[0-9]{3} ?[0-9]{3} ?[0-9]{3})$"),
]
SearchText = Annotated[str, StringConstraints(max_length=100), _NO_NUL]
EmailText = Annotated[str, StringConstraints(max_length=254), _NO_NUL]
LongText = Annotated[str, StringConstraints(max_length=10000), _NO_NUL]
#: An e-mail address or nothing; the schema says so, so that generated addresses are real ones.
OptionalEmail = Annotated[
    str,
    StringConstraints(max_length=254),
    _NO_NUL,
    WithJsonSchema({"anyOf": [{"type": "string", "format": "email", "maxLength": 254}, {"const": ""}]}),
]
MunicipalityCode = Annotated[str, StringConstraints(max_length=20, pattern=MUNICIPALITY_CODE_PATTERN), _NO_NUL]


class OrganisationMunicipalityOut(Schema):
    code: str
    country: str
    qualified_code: str
    name: str


class OrganisationSummary(Schema):
    id: int
    slug: str
    name: str


class DescriptionOut(Schema):
    sv: str
    nb: str
    en: str


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    kind: Organisation.Kind
    kind_label: str
    country: Country
    organisation_number: str = Field(description="Digits only; see organisation_number_display.")
    organisation_number_display: str
    municipality: OrganisationMunicipalityOut | None
    serves: list[OrganisationMunicipalityOut]
    claim_status: ClaimStatus = Field(
        description="Whether kind, municipality and serves (a claim) are verified; only verified_* give powers."
    )
    verified_kind: Organisation.Kind | None = Field(description="The kind platform staff have verified, if any.")
    verified_municipality: OrganisationMunicipalityOut | None
    verified_serves: list[OrganisationMunicipalityOut]
    website: str
    email: str
    phone: str
    description: str = Field(description="In the request's language, falling back to another.")
    descriptions: DescriptionOut
    is_active: bool
    url: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_serves(obj: Organisation) -> list:
        return list(obj.serves.all())

    @staticmethod
    def resolve_verified_kind(obj: Organisation) -> str | None:
        return obj.verified_kind or None

    @staticmethod
    def resolve_verified_serves(obj: Organisation) -> list:
        return list(obj.verified_serves.all())

    @staticmethod
    def resolve_descriptions(obj: Organisation) -> dict[str, str]:
        return {"sv": obj.description_sv, "nb": obj.description_nb, "en": obj.description_en}

    @staticmethod
    def resolve_url(obj: Organisation) -> str:
        return obj.get_absolute_url()


class OrganisationFilter(Schema):
    q: SearchText | None = Field(None, description="Name, short name or organisation number.")
    kind: Organisation.Kind | None = None
    country: Country | None = None
    municipality: MunicipalityCode | None = Field(
        None, description="Only organisations serving (or being) this municipality: 2380, SE-2380, NO-5001."
    )


class OrganisationIn(Schema):
    """A new organisation. Municipalities by code; a bare code used in both countries needs its prefix."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S"), _NO_NUL]
    kind: Organisation.Kind
    country: Country
    organisation_number: OrganisationNumber = ""
    municipality: MunicipalityCode | None = None
    serves: list[MunicipalityCode] = Field(default_factory=list, max_length=1000)
    website: Name = ""
    email: OptionalEmail = ""
    phone: ShortText = ""
    description_sv: LongText = ""
    description_nb: LongText = ""
    description_en: LongText = ""


class OrganisationPatch(Schema):
    """Only the fields sent are changed; null clears an optional field."""

    name: Name | None = None
    kind: Organisation.Kind | None = None
    country: Country | None = None
    organisation_number: OrganisationNumber | None = None
    municipality: MunicipalityCode | None = None
    serves: list[MunicipalityCode] | None = Field(None, max_length=1000)
    website: Name | None = None
    email: OptionalEmail | None = None
    phone: ShortText | None = None
    description_sv: LongText | None = None
    description_nb: LongText | None = None
    description_en: LongText | None = None


class UserOut(Schema):
    id: int
    username: str
    name: str
    email: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return str(obj)


class MembershipOut(Schema):
    user: UserOut
    role: Role
    role_label: str
    joined_at: datetime = Field(alias="created_at")

    @staticmethod
    def resolve_role_label(obj: object) -> str:
        return str(obj.get_role_display())  # type: ignore[attr-defined]


class MyMembershipOut(Schema):
    organisation: OrganisationSummary
    role: Role
    role_label: str

    @staticmethod
    def resolve_role_label(obj: object) -> str:
        return str(obj.get_role_display())  # type: ignore[attr-defined]


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    name: str
    email: str
    preferred_language: str
    is_staff: bool
    memberships: list[MyMembershipOut]

    @staticmethod
    def resolve_name(obj: object) -> str:
        return str(obj)

    @staticmethod
    def resolve_memberships(obj: User) -> list:
        return list(Membership.objects.filter(user=obj).select_related("organisation").order_by("organisation__name"))


class RoleIn(Schema):
    role: Role


class InvitationIn(Schema):
    email: EmailText
    role: Role = Role.MEMBER


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    status: str
    invited_by: UserOut | None
    created_at: datetime
    expires_at: datetime

    @staticmethod
    def resolve_status(obj: object) -> str:
        return str(obj.status.value)  # type: ignore[attr-defined]


class TokenIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"\S"), _NO_NUL]


class TokenOut(Schema):
    id: int
    name: str
    starts_with: str = Field(alias="hint")
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The raw token. It is shown only in this answer; store it now.")


class ClaimRejectIn(Schema):
    note: Annotated[str, StringConstraints(max_length=500), _NO_NUL] = ""

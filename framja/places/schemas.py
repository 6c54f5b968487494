"""Input filters and output shapes of the places API."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from framja.places.models import MAX_QUERY_LENGTH, Country, Municipality, SniCode

#: What the API accepts as a municipality code, stated in the schema and enforced by it:
#: "2380", "SE-2380", "no-5001" (spaces around allowed, as people type them).
MUNICIPALITY_CODE_PATTERN = r"^ *(?:(?:[Ss][Ee]|[Nn][Oo]) *[-:]? *)?[0-9]{4} *$"
#: The same, or empty (no filter).
OPTIONAL_MUNICIPALITY_CODE_PATTERN = r"^(?: *(?:(?:[Ss][Ee]|[Nn][Oo]) *[-:]? *)?[0-9]{4} *)?$"
SNI_CODE_PATTERN = r"^ *[0-9]{2}\.?[0-9]{3} *$"


def _upper_or_none(value: Any) -> Any:
    """Accept "se" as well as "SE"; an empty parameter means no filter."""
    if isinstance(value, str):
        value = value.strip().upper()
        return value or None
    return value


class CountyRef(Schema):
    country: str
    code: str
    name: str


class CountyOut(CountyRef):
    qualified_code: str
    municipality_count: int = Field(description="Number of municipalities in the county.")


class MunicipalityOut(Schema):
    country: str = Field(description="SE or NO.")
    code: str = Field(description="Four digits, unique only within the country.")
    qualified_code: str = Field(description="Unique across the border, e.g. SE-1860.")
    name: str = Field(description="The name people use, e.g. Östersund.")
    official_name: str
    alternative_name: str = Field(description="E.g. the Sami name of a Norwegian kommune.")
    county: CountyRef

    @staticmethod
    def resolve_county(obj: Municipality) -> CountyRef:
        return CountyRef(country=obj.county.country, code=obj.county.code, name=obj.county.name)


class MunicipalityFilters(Schema):
    q: str = Field("", max_length=MAX_QUERY_LENGTH, description="Name (any spelling of å/ä/ö/ø/æ) or code prefix.")
    country: Country | None = Field(None, description="SE or NO.")
    county: str | None = Field(None, pattern=r"^(?:[0-9]{2})?$", description="County (län/fylke) code, e.g. 23.")
    limit: int = Field(20, ge=1, le=1000)

    @field_validator("country", mode="before")
    @classmethod
    def upper_country(cls, value: Any) -> Any:
        return _upper_or_none(value)

    @field_validator("county", mode="before")
    @classmethod
    def blank_county(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value


class MunicipalityLookup(Schema):
    country: Country | None = Field(None, description="Needed only for a bare code used in both countries.")

    @field_validator("country", mode="before")
    @classmethod
    def upper_country(cls, value: Any) -> Any:
        return _upper_or_none(value)


class CountyFilters(Schema):
    country: Country | None = None

    @field_validator("country", mode="before")
    @classmethod
    def upper_country(cls, value: Any) -> Any:
        return _upper_or_none(value)


class SniSectionRef(Schema):
    code: str
    name: str
    name_en: str


class SniDivisionRef(Schema):
    code: str
    name: str
    name_en: str


class SniDivisionOut(SniDivisionRef):
    section: str = Field(description="The section letter.")

    @staticmethod
    def resolve_section(obj: Any) -> str:
        return str(obj.section.code)


class SniSectionOut(SniSectionRef):
    divisions: list[SniDivisionRef]

    @staticmethod
    def resolve_divisions(obj: Any) -> list[Any]:
        return list(obj.divisions.all())


class SniCodeOut(Schema):
    code: str = Field(description="Five digits, e.g. 62010.")
    dotted_code: str = Field(description="Official notation, e.g. 62.010.")
    name: str
    division: SniDivisionRef
    section: SniSectionRef

    @staticmethod
    def resolve_section(obj: SniCode) -> Any:
        return obj.division.section


class SniFilters(Schema):
    q: str = Field("", max_length=MAX_QUERY_LENGTH, description="Code prefix (62, 62.01) or words of the name.")
    section: str | None = Field(None, pattern=r"^[A-Ua-u]?$")
    division: str | None = Field(None, pattern=r"^(?:[0-9]{2})?$")
    limit: int = Field(20, ge=1, le=1000)

    @field_validator("section", mode="before")
    @classmethod
    def upper_section(cls, value: Any) -> Any:
        return _upper_or_none(value)

    @field_validator("division", mode="before")
    @classmethod
    def blank_division(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

"""The places API (/api/v1/places): public, read-only code lists for forms and integrations.

No authentication: municipalities, counties and SNI codes are public reference data.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.errors import ValidationError

from framja.places.models import County, Municipality, SniCode, SniSection
from framja.places.schemas import (
    MUNICIPALITY_CODE_PATTERN,
    SNI_CODE_PATTERN,
    CountyFilters,
    CountyOut,
    MunicipalityFilters,
    MunicipalityLookup,
    MunicipalityOut,
    SniCodeOut,
    SniFilters,
    SniSectionOut,
)

router = Router(auth=None, tags=["places"])


def _invalid(exc: DjangoValidationError, *, path: set[str]) -> ValidationError:
    """A model's field errors as a 422 naming the path or query parameter at fault."""
    return ValidationError(
        [
            {"loc": ["path" if field in path else "query", field], "msg": " ".join(messages), "type": "value_error"}
            for field, messages in exc.message_dict.items()
        ]
    )


@router.get("/municipalities", response=list[MunicipalityOut], summary="Search municipalities")
def list_municipalities(request: HttpRequest, filters: Query[MunicipalityFilters]) -> list[Municipality]:
    """Swedish kommuner and Norwegian kommuner by name or code; names starting with `q` first.

    The name search ignores case and accents: "ostersund" finds Östersund, "tromso" Tromsø.
    """
    matches = Municipality.objects.matching(filters.q, country=filters.country, county=filters.county)
    return list(matches[: filters.limit])


@router.get("/municipalities/{code}", response=MunicipalityOut, summary="Look up a municipality by code")
def get_municipality(
    request: HttpRequest, filters: Query[MunicipalityLookup], code: str = Path(..., pattern=MUNICIPALITY_CODE_PATTERN)
) -> Municipality:
    """`code` is "2380", "SE-2380" or "NO-5001". A bare code used in both countries ("1860": Laxå and
    Vestvågøy) needs the prefix or `?country=`; otherwise the answer is 422."""
    try:
        return Municipality.objects.lookup(code, filters.country)
    except DjangoValidationError as exc:
        raise _invalid(exc, path={"code"}) from exc


@router.get("/counties", response=list[CountyOut], summary="List counties (län, fylker)")
def list_counties(request: HttpRequest, filters: Query[CountyFilters]) -> list[County]:
    counties = County.objects.annotate(municipality_count=Count("municipalities"))
    if filters.country:
        counties = counties.filter(country=filters.country)
    return list(counties)


@router.get("/sni/sections", response=list[SniSectionOut], summary="SNI 2007 sections with their divisions")
def list_sni_sections(request: HttpRequest) -> list[SniSection]:
    return list(SniSection.objects.prefetch_related("divisions"))


@router.get("/sni", response=list[SniCodeOut], summary="Search SNI 2007 codes")
def list_sni_codes(request: HttpRequest, filters: Query[SniFilters]) -> list[SniCode]:
    """Detail groups by code prefix ("62", "62.01") or by words of their Swedish name."""
    matches = SniCode.objects.matching(filters.q, section=filters.section, division=filters.division)
    return list(matches[: filters.limit])


@router.get("/sni/{code}", response=SniCodeOut, summary="Look up an SNI 2007 code")
def get_sni_code(request: HttpRequest, code: str = Path(..., pattern=SNI_CODE_PATTERN)) -> SniCode:
    """`code` is the five-digit detail group, with or without the dot: "62010" or "62.010"."""
    try:
        return SniCode.objects.lookup(code)
    except DjangoValidationError as exc:
        raise _invalid(exc, path={"code"}) from exc

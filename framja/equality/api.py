"""API of the equal-terms statistics (/api/v1/equality/...): the dashboard's figures for the
same people (an organisation's administrators and coordinators, a region's for the region and
across the border), with the same filter, the same disclosure control and the same audit entry
per request. A bad filter is a 422 with field errors; a filter that would single out fewer
than 5 clients is a 422 on `filter`."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router

from framja.equality import services, stats
from framja.equality.forms import FilterForm
from framja.equality.schemas import RepresentationOut, ResourcesOut

router = Router(tags=["equality"])


def _percent(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value) * 100, 2)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _points(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _read(request: HttpRequest, organisation: str, params: dict[str, str | None], channel: str) -> tuple[Any, Any]:
    scope = services.scope_for(request.user, organisation[:80])
    data = {key: value for key, value in params.items() if value}
    form = FilterForm(data, scope=scope)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    breakdown = form.cleaned_data.get("breakdown", "")
    result = services.statistics_read(
        scope=scope,
        criteria=form.criteria(),
        described=form.describe(),
        channel=channel,
        breakdown=breakdown,
        breakdown_dimension=form.cleaned_data["dimension"],
        column_labels=services.column_labels(scope, breakdown),
    )
    if result.refused is not None:
        raise ValidationError({"filter": ValidationError(services.refusal_message(result.refused), code="disclosure")})
    return scope, (form, result)


def _params(
    period: str | None,
    area: str | None,
    provider: str | None,
    municipality: str | None,
    offering_type: str | None,
    breakdown: str | None = None,
    dimension: str | None = None,
) -> dict[str, str | None]:
    return {
        "period": period,
        "area": area,
        "organisation": provider,
        "municipality": municipality,
        "offering_type": offering_type,
        "breakdown": breakdown,
        "dimension": dimension,
    }


PERIOD = Query(None, description='A year, quarter or month: "2026", "2026-Q2", "2026-05".', max_length=20)
AREA = Query(None, description='Regions only: "region" (default) or "border" (every verified region).', max_length=20)
PROVIDER = Query(None, description="Regions only: the providing organisation's slug.", max_length=80)
MUNICIPALITY = Query(None, description="The client's municipality (id, see /api/v1/places).", max_length=20)
OFFERING_TYPE = Query(None, description="An offering type of the catalogue.", max_length=20)


@router.get("representation", response=RepresentationOut, summary="Clients and efforts by group")
def representation(
    request: HttpRequest,
    organisation: str = Query(..., description="The organisation whose figures (slug).", max_length=80),
    period: str | None = PERIOD,
    area: str | None = AREA,
    provider: str | None = PROVIDER,
    municipality: str | None = MUNICIPALITY,
    offering_type: str | None = OFFERING_TYPE,
    breakdown: str | None = Query(
        None, description="period, organisation, municipality or offering_type.", max_length=20
    ),
    dimension: str | None = Query(None, description="The dimension broken down (default gender).", max_length=20),
) -> dict[str, Any]:
    """Shares of clients and efforts by gender, leadership team, age band and foreign
    background, each beside its reference share; optionally broken down."""
    params = _params(period, area, provider, municipality, offering_type, breakdown, dimension)
    scope, (form, result) = _read(request, organisation, params, "api.representation")
    tables = [
        {
            "dimension": table.dimension,
            "label": table.label,
            "rows": [
                {
                    "category": row.category,
                    "label": row.label,
                    "clients": row.people,
                    "clients_share": _percent(row.shares["people"]),
                    "efforts": row.values["efforts"],
                    "efforts_share": _percent(row.shares["efforts"]),
                    "reference_share": _percent(row.reference),
                    "gap_points": _points(row.gap),
                }
                for row in table.rows
            ],
        }
        for table in result.tables
    ]
    breakdown_out = None
    if result.breakdown is not None:
        columns = []
        for column in result.breakdown.columns:
            rows = column.table.rows if column.table is not None else []
            columns.append(
                {
                    "value": column.value,
                    "label": column.label,
                    "shown": column.table is not None,
                    "cells": [
                        {
                            "category": row.category,
                            "clients": row.people,
                            "clients_share": _percent(row.shares["people"]),
                            "gap_points": _points(row.gap),
                            "change_points": _points(column.change.get(row.category)),
                        }
                        for row in rows
                    ],
                }
            )
        breakdown_out = {"by": result.breakdown.by, "dimension": result.breakdown.dimension, "columns": columns}
    return {
        "organisation": scope.organisation.slug,
        "filter": form.describe(),
        "tables": tables,
        "breakdown": breakdown_out,
    }


@router.get("resources", response=ResourcesOut, summary="Hours and money by group")
def resources(
    request: HttpRequest,
    organisation: str = Query(..., description="The organisation whose figures (slug).", max_length=80),
    period: str | None = PERIOD,
    area: str | None = AREA,
    provider: str | None = PROVIDER,
    municipality: str | None = MUNICIPALITY,
    offering_type: str | None = OFFERING_TYPE,
) -> dict[str, Any]:
    """Hours and money (each currency apart, never converted) by gender, leadership team, age
    band and foreign background, with each group's share."""
    params = _params(period, area, provider, municipality, offering_type)
    scope, (form, result) = _read(request, organisation, params, "api.resources")
    tables = [
        {
            "dimension": table.dimension,
            "label": table.label,
            "rows": [
                {
                    "category": row.category,
                    "label": row.label,
                    "hours": _float(row.values["hours"]),
                    "hours_share": _percent(row.shares["hours"]),
                    "money": [
                        {
                            "currency": currency,
                            "amount": _float(row.values[f"money_{currency}"]),
                            "share": _percent(row.shares[f"money_{currency}"]),
                        }
                        for currency in stats.CURRENCIES
                    ],
                }
                for row in table.rows
            ],
        }
        for table in result.tables
    ]
    return {"organisation": scope.organisation.slug, "filter": form.describe(), "tables": tables}

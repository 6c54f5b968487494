"""The dashboard's figures as CSV (plain and for Nordic Excel) and XLSX, through the ideas
app's export helpers. Exactly the published cells: a hidden value is "–" as on the page."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from framja.disclosure import HIDDEN_MARK
from framja.equality import stats
from framja.ideas.exports import export_response as _export_response

__all__ = ["export_response", "tables"]

export_response = _export_response


def _number(value: Decimal | int | None) -> Any:
    return HIDDEN_MARK if value is None else value


def _percent(value: Fraction | None) -> Any:
    return HIDDEN_MARK if value is None else round(Decimal(float(value) * 100), 1)


def _points(value: Fraction | None) -> Any:
    return HIDDEN_MARK if value is None else round(Decimal(float(value)), 1)


def tables(result: stats.Result) -> list[tuple[str, list[str], list[list[Any]]]]:
    """One table per dimension (representation and resources side by side), and the breakdown."""
    found: list[tuple[str, list[str], list[list[Any]]]] = []
    header = [
        _("Category"),
        _("Clients"),
        _("Share of clients (%)"),
        _("Efforts"),
        _("Share of efforts (%)"),
        _("Reference share (%)"),
        _("Gap (percentage points)"),
        _("Hours"),
        _("Share of hours (%)"),
    ]
    for currency in stats.CURRENCIES:
        header += [_("Money (%(currency)s)") % {"currency": currency}, _("Share of money (%)")]
    for table in result.tables:
        rows = []
        for row in table.rows:
            line = [
                row.label,
                _number(row.people),
                _percent(row.shares["people"]),
                _number(row.values["efforts"]),
                _percent(row.shares["efforts"]),
                "" if row.reference is None else _percent(row.reference),
                _points(row.gap) if row.reference is not None else "",
                _number(row.values["hours"]),
                _percent(row.shares["hours"]),
            ]
            for currency in stats.CURRENCIES:
                line += [_number(row.values[f"money_{currency}"]), _percent(row.shares[f"money_{currency}"])]
            rows.append(line)
        found.append((table.label, header, rows))
    breakdown = result.breakdown
    if breakdown is not None:
        columns = [_("Column")]
        for _category, label in breakdown.categories:
            columns += [
                _("%(category)s: clients") % {"category": label},
                _("%(category)s: share of clients (%%)") % {"category": label},
            ]
        rows = []
        for column in breakdown.columns:
            cells: list[Any] = [column.label]
            for category, _label in breakdown.categories:
                match = None if column.table is None else next(r for r in column.table.rows if r.category == category)
                cells += [_number(match.people if match else None), _percent(match.shares["people"] if match else None)]
            rows.append(cells)
        found.append((_("Breakdown"), columns, rows))
    return found


def response(fmt: str, filename: str, result: stats.Result) -> HttpResponse | StreamingHttpResponse:
    return export_response(fmt, filename, tables(result))

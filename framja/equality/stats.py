"""The equal-terms figures: representation (clients and efforts) and resources (hours, money)
by gender, leadership team, age band and foreign background, for one filter, with breakdowns.

Every figure that leaves this module is a cell of a `framja.disclosure.PublishedTable`:

1. The filter is checked first (`check_filter`): it must select 0 or at least 5 clients, and
   so must its difference from every wider filter a reader could also ask for
   (`wider_filters`: a criterion dropped, a month made its quarter or year) and from the whole
   population of the scope. A refused filter gives `Refused`, never a table.
2. Each table (one dimension: its categories as rows, one column) is suppressed with the same
   table of every wider filter beside it (`suppress(table, wider=...)`), so no published cell
   is 1 to 4 people short of a cell of a wider filter.

"People" are distinct clients: the person an effort was given to, else its company (an effort
with neither, after an erasure, counts as a client of its own). A cell counts the distinct
clients with that snapshot value; a client whose snapshot changed within the filter (a birthday
across an age band, a new CEO) counts in both categories, so a table's total, which is the sum
of its cells as the disclosure library requires, can exceed the distinct clients of the filter
by such changes. The filter check uses the true number of distinct clients.

Each aggregate is one query, memoised per request by filter, so a wider filter shared by several
breakdown columns is counted once. It reads the effort rollup (`framja.support.rollup`: the
efforts summed per client and key, at the coarsest period level the filter allows), where the
distinct clients are the distinct `client` values, exactly as over the efforts; counting over
the efforts (`source="efforts"`) stays as the reference the tests and the benchmark compare with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear

from framja.accounts.models import Organisation
from framja.disclosure import (
    TOTAL,
    Cell,
    DisclosureRefusedError,
    Position,
    PublishedTable,
    RefusalReason,
    Table,
    check_filter,
    gap_points,
    suppress,
    wider_filters,
)
from framja.disclosure.table import Key
from framja.equality.models import CATEGORIES, SNAPSHOT_FIELD, UNKNOWN, Dimension, ReferenceShare, category_label
from framja.support.models import Effort, EffortCurrency, EffortRollup

#: Money is never converted: each currency is its own measure (SEK, NOK and EUR side by side).
CURRENCIES = tuple(EffortCurrency.values)
MEASURES = ("efforts", "hours", *(f"money_{currency}" for currency in CURRENCIES))
COLUMN = "all"  # the single column of a dimension's table

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")

#: Criteria of a filter, in the order the wider filters are listed.
CRITERIA = ("region", "period", "organisation", "municipality", "offering_type")
#: What a table can be broken down by (each column is a filter of its own).
BREAKDOWNS = ("period", "organisation", "municipality", "offering_type")


# --------------------------------------------------------------------------- periods


def parse_period(value: str) -> tuple[date, date] | None:
    """ "2026", "2026-Q2" or "2026-05" as [start, end); None if it is none of these."""
    match = PERIOD_RE.match(value or "")
    if match is None:
        return None
    year = int(match["year"])
    if year < 1900 or year > 2999:
        return None
    if match["quarter"]:
        first = (int(match["quarter"]) - 1) * 3 + 1
        return date(year, first, 1), _month_after(year, first + 2)
    if match["month"]:
        month = int(match["month"])
        return date(year, month, 1), _month_after(year, month)
    return date(year, 1, 1), date(year + 1, 1, 1)


def _month_after(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def period_level(value: str) -> str:
    """ "year", "quarter" or "month"."""
    return "quarter" if "Q" in value else "month" if "-" in value else "year"


def coarser_periods(value: str) -> list[str]:
    """The period and the periods that contain it: 2026-05 -> [2026-05, 2026-Q2, 2026]."""
    year = value[:4]
    level = period_level(value)
    if level == "month":
        return [value, f"{year}-Q{(int(value[5:7]) - 1) // 3 + 1}", year]
    if level == "quarter":
        return [value, year]
    return [value]


FINER = {None: "year", "year": "quarter", "quarter": "month", "month": None}


def period_label(day: date, level: str) -> str:
    if level == "year":
        return f"{day.year}"
    if level == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


# --------------------------------------------------------------------------- scope and filter


@dataclass(frozen=True)
class Scope:
    """Whose figures: an organisation's own efforts, or, for a region's coordinators, every
    effort for clients in the municipalities the verified regions serve (both sides of the
    border), with the region itself as a criterion (`area="region"`) or not (`area="border"`)."""

    organisation: Organisation
    regional: bool = False

    def population(self) -> QuerySet[Effort]:
        if not self.regional:
            return Effort.objects.filter(organisation=self.organisation)
        regions = Organisation.objects.filter(verified_kind=Organisation.Kind.REGION)
        served = Organisation.verified_serves.through.objects.filter(organisation__in=regions).values("municipality_id")
        return Effort.objects.filter(snapshot_municipality__in=served)

    def rollup(self) -> QuerySet[EffortRollup]:
        """The same population in the effort rollup (every level)."""
        if not self.regional:
            return EffortRollup.objects.filter(organisation=self.organisation)
        regions = Organisation.objects.filter(verified_kind=Organisation.Kind.REGION)
        served = Organisation.verified_serves.through.objects.filter(organisation__in=regions).values("municipality_id")
        return EffortRollup.objects.filter(municipality__in=served)


def _region_q(region_id: int, place: str = "snapshot_municipality") -> Q:
    """The efforts for clients in the municipalities the region is verified to serve (by the
    client's municipality at the time, whoever gave the effort)."""
    served = Organisation.verified_serves.through.objects.filter(organisation_id=region_id).values("municipality_id")
    return Q(**{f"{place}__in": served})


def criterion_q(name: str, value: Any, source: str = "efforts") -> Q:
    """The criterion on the efforts (`source="efforts"`) or on the effort rollup ("rollup")."""
    rollup = source == "rollup"
    if name == "period":
        bounds = parse_period(value)
        assert bounds is not None
        if rollup:  # a row's period is the first day of its month, quarter or year
            return Q(period__gte=bounds[0], period__lt=bounds[1])
        return Q(given_on__gte=bounds[0], given_on__lt=bounds[1])
    if name == "organisation":
        return Q(organisation_id=value)
    if name == "municipality":
        return Q(municipality_id=value) if rollup else Q(snapshot_municipality_id=value)
    if name == "offering_type":
        return Q(offering__offering_type=value)
    if name == "region":
        return _region_q(value, "municipality" if rollup else "snapshot_municipality")
    raise ValueError(f"unknown criterion {name!r}")


Filter = tuple[tuple[str, Any], ...]  # sorted (criterion, value) pairs: hashable, for the memo


def as_filter(criteria: Mapping[str, Any]) -> Filter:
    return tuple(sorted(criteria.items()))


def _client() -> Any:
    """The client an effort counts for: its person, else its company, else the effort itself
    (odd keys are people, even keys companies, negative keys clientless efforts)."""
    return Coalesce(F("person_id") * 2 + 1, F("company_id") * 2, -F("id"), Value(0), output_field=BigIntegerField())


def _measures(source: str = "efforts") -> dict[str, Any]:
    if source == "rollup":  # the rows are already summed per client: distinct clients stay exact
        found: dict[str, Any] = {
            "people": Count("client", distinct=True),
            "efforts": Sum("efforts"),
            "hours": Sum("hours"),
        }
        for currency in CURRENCIES:
            found[f"money_{currency}"] = Sum(f"money_{currency}")
        return found
    found = {
        "people": Count(_client(), distinct=True),
        "efforts": Count("id"),
        "hours": Sum("hours"),
    }
    for currency in CURRENCIES:
        found[f"money_{currency}"] = Sum("amount", filter=Q(currency=currency))
    return found


#: The column of each dimension in the effort rollup.
ROLLUP_FIELD = {
    dimension: rollup
    for rollup, snapshot in EffortRollup.PROFILE.items()
    for dimension, field_name in SNAPSHOT_FIELD.items()
    if field_name == snapshot
}


def aggregate_rows(efforts: QuerySet[Any], grouping: str | None, source: str = "efforts") -> list[dict[str, Any]]:
    """One query: for each dimension, its categories' distinct clients and measures, and the
    filter's distinct clients (dimension ""), each per `grouping` value if given; over the
    efforts or over the effort rollup (`source`), with the same result.

    PostgreSQL reads the rows once (`GROUPING SETS`, one set per dimension and the empty set
    for the total); other databases run a UNION ALL of five grouped aggregates, each with a
    single distinct count."""
    fields = ROLLUP_FIELD if source == "rollup" else SNAPSHOT_FIELD
    groupings = _ROLLUP_GROUPINGS if source == "rollup" else _GROUPINGS
    if connections[efforts.db].vendor == "postgresql":
        return _grouping_sets(efforts, grouping, source)
    keys = ["column", "dim", "cat"] if grouping else ["dim", "cat"]
    parts = []
    for dimension, field_name in [*fields.items(), ("", None)]:
        part = efforts.annotate(dim=Value(str(dimension)), cat=F(field_name) if field_name else Value(""))
        if grouping:
            part = part.annotate(column=groupings[grouping])
        parts.append(part.values(*keys).annotate(**_measures(source)).order_by())
    return list(parts[0].union(*parts[1:], all=True))


def _grouping_sets(efforts: QuerySet[Any], grouping: str | None, source: str) -> list[dict[str, Any]]:
    rollup = source == "rollup"
    by_dimension = ROLLUP_FIELD if rollup else SNAPSHOT_FIELD
    fields = list(by_dimension.values())
    inner = efforts if rollup else efforts.annotate(client=_client())
    if grouping:
        inner = inner.annotate(column=(_ROLLUP_GROUPINGS if rollup else _GROUPINGS)[grouping])
    if rollup:
        money_columns = [f"money_{currency}" for currency in CURRENCIES]
        keys = (["column"] if grouping else []) + ["client", "efforts", "hours", *money_columns, *fields]
    else:
        keys = (["column"] if grouping else []) + ["client", "hours", "amount", "currency", *fields]
    sql, params = inner.values(*keys).order_by().query.sql_with_params()
    quoted = ", ".join(f'"{name}"' for name in fields)
    sets = ", ".join(f'("{name}")' for name in fields) + ", ()"
    if rollup:
        money = ", ".join(f'SUM("money_{currency}") AS "money_{currency}"' for currency in CURRENCIES)
        counted = 'SUM("efforts")'
        money_params: list[str] = []
    else:
        money = ", ".join(
            f'SUM("amount") FILTER (WHERE "currency" = %s) AS "money_{currency}"' for currency in CURRENCIES
        )
        counted = "COUNT(*)"
        money_params = list(CURRENCIES)
    column = '"column", ' if grouping else ""
    # Only the code's own field names are interpolated; values travel as parameters.
    statement = (
        f'SELECT {column}{quoted}, COUNT(DISTINCT "client") AS "people", {counted} AS "efforts", '  # noqa: S608
        f'SUM("hours") AS "hours", {money} FROM ({sql}) AS "efforts" '
        f"GROUP BY {column}GROUPING SETS ({sets})"
    )
    rows = []
    with connections[efforts.db].cursor() as cursor:
        cursor.execute(statement, [*money_params, *params])
        names = [description[0] for description in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            dimension, category = "", ""
            for name, field_name in by_dimension.items():
                if row[field_name] is not None:
                    dimension, category = str(name), row[field_name]
            rows.append({**row, "dim": dimension, "cat": category})
    return rows


@dataclass(frozen=True)
class Counts:
    """One aggregate row: distinct clients of the filter, and each category's cell."""

    people: int
    cells: dict[str, dict[str, Cell]]  # dimension -> category -> cell

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Counts:
        cells: dict[str, dict[str, Cell]] = {str(d): {} for d in SNAPSHOT_FIELD}
        people = 0
        for row in rows:
            if not row["dim"]:
                people = row["people"] or 0
                continue
            measures: dict[str, int | Decimal] = {"efforts": row["efforts"] or 0}
            measures["hours"] = Decimal(row["hours"] or 0)
            for currency in CURRENCIES:
                measures[f"money_{currency}"] = Decimal(row[f"money_{currency}"] or 0)
            cells[row["dim"]][row["cat"] or UNKNOWN] = Cell(row["people"] or 0, measures)
        return cls(people, cells)

    @classmethod
    def empty(cls) -> Counts:
        return cls.from_rows([])

    def cell(self, dimension: str, category: str) -> Cell:
        return self.cells[dimension].get(category) or Cell(0, dict.fromkeys(MEASURES, 0))

    def table(self, dimension: str) -> Table:
        rows = [*CATEGORIES[dimension].values, UNKNOWN]
        return Table(rows, [COLUMN], {(row, COLUMN): self.cell(dimension, row) for row in rows})


_GROUPINGS = {
    "year": TruncYear("given_on"),
    "quarter": TruncQuarter("given_on"),
    "month": TruncMonth("given_on"),
    "organisation": F("organisation_id"),
    "municipality": F("snapshot_municipality_id"),
    "offering_type": F("offering__offering_type"),
}
_ROLLUP_GROUPINGS = {
    "year": TruncYear("period"),
    "quarter": TruncQuarter("period"),
    "month": TruncMonth("period"),
    "organisation": F("organisation_id"),
    "municipality": F("municipality_id"),
    "offering_type": F("offering__offering_type"),
}
#: The rollup levels, coarsest first (`EffortRollup.LEVELS`).
LEVEL_RANK = {level: rank for rank, level in enumerate(EffortRollup.LEVELS)}


def rollup_level(criteria: Filter, grouping: str | None) -> str:
    """The coarsest rollup level that answers the filter and grouping exactly: the finer of the
    period criterion's level and a period grouping, else the whole time."""
    levels = ["all"]
    for name, value in criteria:
        if name == "period":
            levels.append(period_level(value))
    if grouping in ("year", "quarter", "month"):
        levels.append(grouping)
    return max(levels, key=LEVEL_RANK.__getitem__)


class Aggregator:
    """The aggregate queries of one request, memoised: (filter, grouping) -> counts.

    `source="rollup"` (the default) counts over the effort rollup (`EffortRollup`, one row per
    client and key at the coarsest level the filter allows); `source="efforts"` counts over the
    efforts themselves, as before the rollup: the benchmark's baseline, and the reference the
    tests compare the rollup with."""

    def __init__(self, scope: Scope, source: str = "rollup") -> None:
        assert source in ("rollup", "efforts")
        self.scope = scope
        self.source = source
        self.population = scope.population()
        self._memo: dict[tuple[Filter, str | None], dict[Any, Counts]] = {}
        self.queries = 0

    def _queryset(self, criteria: Filter, grouping: str | None = None) -> QuerySet[Any]:
        if self.source == "rollup":
            rows: QuerySet[Any] = self.scope.rollup().filter(level=rollup_level(criteria, grouping))
        else:
            rows = self.population
        for name, value in criteria:
            rows = rows.filter(criterion_q(name, value, self.source))
        return rows.order_by()

    def counted(self) -> list[tuple[Filter, str | None]]:
        return list(self._memo)

    def counts(self, criteria: Filter) -> Counts:
        key = (criteria, None)
        if key not in self._memo:
            self.queries += 1
            self._memo[key] = {None: Counts.from_rows(aggregate_rows(self._queryset(criteria), None, self.source))}
        return self._memo[key][None]

    def grouped(self, criteria: Filter, grouping: str) -> dict[Any, Counts]:
        """Counts of `criteria` plus each value of `grouping` (a period level: its label)."""
        key = (criteria, grouping)
        if key not in self._memo:
            self.queries += 1
            by_column: dict[Any, list[dict[str, Any]]] = {}
            for row in aggregate_rows(self._queryset(criteria, grouping), grouping, self.source):
                column = row["column"]
                if column is None:
                    continue  # no municipality or offering: not a column (still in the totals)
                if grouping in ("year", "quarter", "month"):
                    day = column if type(column) is date else column.date()
                    column = period_label(day, grouping)
                by_column.setdefault(column, []).append(row)
            self._memo[key] = {column: Counts.from_rows(rows) for column, rows in by_column.items()}
        return self._memo[key]

    def counts_with(self, criteria: Mapping[str, Any], column: tuple[str, Any] | None = None) -> Counts:
        """The counts of `criteria`, where `column` (criterion, value), if given, is looked up in a
        grouped query over the other criteria, so that all columns of a breakdown cost one query."""
        if column is None:
            return self.counts(as_filter(criteria))
        name, value = column
        grouping = period_level(value) if name == "period" else name
        return self.grouped(as_filter(criteria), grouping).get(value) or Counts.empty()


# --------------------------------------------------------------------------- publication


@dataclass
class Refused:
    reason: RefusalReason


@dataclass
class Row:
    """One category as published: every value None when hidden."""

    category: str
    label: str
    people: int | None
    values: dict[str, Decimal | int | None]  # the measures
    shares: dict[str, Fraction | None]  # "people" and each measure, of the total
    reference: Fraction | None = None  # the reference share (0..1)
    gap: Fraction | None = None  # share of people minus reference, in percentage points
    is_total: bool = False


@dataclass
class DimensionTable:
    dimension: str
    label: str
    rows: list[Row]
    published: PublishedTable = field(repr=False)

    @property
    def total(self) -> Row:
        return self.rows[-1]


def publish(
    dimension: str,
    table: Table,
    wider: Iterable[Table],
    references: Mapping[tuple[str, str], ReferenceShare],
    total_label: str,
) -> DimensionTable:
    published = suppress(table, wider=list(wider))
    rows = []
    categories: list[Key] = [*table.rows, TOTAL]
    for category in categories:
        position: Position = (category, COLUMN)
        cell = published[position]
        shares = {measure: published.column_share(category, COLUMN, measure) for measure in ("people", *MEASURES)}
        reference_share = references.get((dimension, category)) if isinstance(category, str) else None
        reference = Fraction(reference_share.share) / 100 if reference_share is not None else None
        rows.append(
            Row(
                category=category if isinstance(category, str) else "total",
                label=category_label(dimension, category) if isinstance(category, str) else total_label,
                people=cell.people,
                values={measure: cell.value(measure) for measure in MEASURES},
                shares=shares,
                reference=reference,
                gap=gap_points(shares["people"], reference),
                is_total=category is TOTAL,
            )
        )
    return DimensionTable(dimension, str(Dimension(dimension).label), rows, published)


def _criteria_levels(criteria: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {
        name: coarser_periods(value) if name == "period" else [value]
        for name, value in criteria.items()
        if name in CRITERIA
    }


def check(aggregator: Aggregator, criteria: Mapping[str, Any], column: tuple[str, Any] | None = None) -> list[Counts]:
    """Raise DisclosureRefusedError unless the filter (with the breakdown `column`) may be
    shown; return the counts of its wider filters (for `suppress(..., wider=...)`)."""
    levels = _criteria_levels(criteria)
    if column is not None:
        name, value = column
        levels[name] = coarser_periods(value) if name == "period" else [value]
    selected = _counts_for(aggregator, {name: values[0] for name, values in levels.items()}, column)
    if not levels:
        return []
    wider = []
    for candidate in wider_filters(levels):
        keeps_column = column is not None and candidate.get(column[0]) == column[1]
        wider.append(_counts_for(aggregator, candidate, column if keeps_column else None))
    population = aggregator.counts(())
    check_filter(selected.people, population.people, wider=[counts.people for counts in wider])
    return wider


def _counts_for(aggregator: Aggregator, criteria: Mapping[str, Any], column: tuple[str, Any] | None) -> Counts:
    if column is None:
        return aggregator.counts(as_filter(criteria))
    rest = {name: value for name, value in criteria.items() if name != column[0]}
    return aggregator.counts_with(rest, column)


# --------------------------------------------------------------------------- the dashboard


@dataclass
class BreakdownColumn:
    value: str
    label: str
    refused: RefusalReason | None = None
    table: DimensionTable | None = None
    change: dict[str, Fraction | None] = field(default_factory=dict)  # vs the previous column, points


@dataclass
class Breakdown:
    by: str
    dimension: str
    categories: list[tuple[str, str]]
    columns: list[BreakdownColumn]


@dataclass
class Result:
    refused: RefusalReason | None = None
    tables: list[DimensionTable] = field(default_factory=list)
    breakdown: Breakdown | None = None
    queries: int = 0
    #: The (filter, grouping) pairs counted, for the benchmark's baseline to count the same.
    counted: list[tuple[Filter, str | None]] = field(default_factory=list, repr=False)


def dashboard(
    scope: Scope,
    criteria: Mapping[str, Any],
    *,
    breakdown: str = "",
    breakdown_dimension: str = Dimension.GENDER,
    column_labels: Mapping[str, Mapping[Any, str]] | None = None,
    total_label: str = "Total",
    source: str = "rollup",
) -> Result:
    """Every figure of the dashboard for one filter: the four dimension tables and, if asked,
    one dimension broken down by period, organisation, municipality or offering type
    (`source`: see `Aggregator`)."""
    aggregator = Aggregator(scope, source)
    references = ReferenceShare.objects.reference_map(scope.organisation)
    try:
        wider = check(aggregator, criteria)
    except DisclosureRefusedError as refusal:
        return Result(refused=refusal.reason, queries=aggregator.queries, counted=aggregator.counted())
    selected = aggregator.counts(as_filter(criteria))
    tables = [
        publish(dimension, selected.table(dimension), [w.table(dimension) for w in wider], references, total_label)
        for dimension in Dimension.values
    ]
    result = Result(tables=tables)
    if breakdown:
        result.breakdown = _breakdown(
            aggregator, criteria, breakdown, breakdown_dimension, references, column_labels or {}, total_label
        )
    result.queries = aggregator.queries
    result.counted = aggregator.counted()
    return result


def breakdown_columns(aggregator: Aggregator, criteria: Mapping[str, Any], by: str) -> tuple[str, list[Any]] | None:
    """The criterion each column sets and its values in order; None if nothing to break down."""
    rest = {name: value for name, value in criteria.items() if name != by}
    if by == "period":
        level = FINER[period_level(criteria["period"]) if criteria.get("period") else None]
        if level is None:
            return None
        values = sorted(aggregator.grouped(as_filter(rest), level))
        if criteria.get("period"):
            values = [value for value in values if criteria["period"] in coarser_periods(value)]
        return "period", values
    if by in criteria:
        return None
    return by, sorted(aggregator.grouped(as_filter(rest), by), key=str)


def _breakdown(
    aggregator: Aggregator,
    criteria: Mapping[str, Any],
    by: str,
    dimension: str,
    references: Mapping[tuple[str, str], ReferenceShare],
    labels: Mapping[str, Mapping[Any, str]],
    total_label: str,
) -> Breakdown | None:
    found = breakdown_columns(aggregator, criteria, by)
    if found is None:
        return None
    name, values = found
    rest = {key: value for key, value in criteria.items() if key != name}
    columns = []
    previous: DimensionTable | None = None
    for value in values:
        label = labels.get(by, {}).get(value, str(value))
        try:
            wider = check(aggregator, rest, (name, value))
        except DisclosureRefusedError as refusal:
            columns.append(BreakdownColumn(str(value), label, refused=refusal.reason))
            previous = None
            continue
        counts = aggregator.counts_with(rest, (name, value))
        table = publish(
            dimension, counts.table(dimension), [w.table(dimension) for w in wider], references, total_label
        )
        column = BreakdownColumn(str(value), label, table=table)
        if by == "period" and previous is not None:
            for now, before in zip(table.rows, previous.rows, strict=True):
                shares = (now.shares["people"], before.shares["people"])
                column.change[now.category] = None if None in shares else (shares[0] - shares[1]) * 100  # type: ignore[operator]
        columns.append(column)
        previous = table
    categories = [
        (category, category_label(dimension, category)) for category in (*CATEGORIES[dimension].values, UNKNOWN)
    ]
    return Breakdown(by, dimension, categories, columns)

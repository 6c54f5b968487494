"""Pipeline statistics for the dashboard page, its exports and the API: each figure is computed
once, here, from one query over the ideas in scope (an organisation's inbox or a region)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from framja.ideas.models import GateDecision, Idea, Stage, StageVisit


def _stage_label(kind: str | None, name: str | None) -> str:
    if kind is None:
        return str(_("No stage"))
    if kind == Stage.Kind.CUSTOM and name:
        return name
    return str(Stage.Kind(kind).label)


@dataclass
class StageCount:
    stage: str
    count: int


@dataclass
class MunicipalityRow:
    municipality: str
    counts: list[int]
    total: int


@dataclass
class StageTime:
    stage: str
    visits: int
    mean_days: float
    median_days: float


@dataclass
class MonthRow:
    month: str
    counts: dict[str, int]
    total: int

    @property
    def values_in_order(self) -> list[int]:
        """Counts in the order of GateDecision.Outcome (the table's columns)."""
        return [self.counts.get(value, 0) for value in GateDecision.Outcome.values]


@dataclass
class MonthCount:
    month: str
    count: int


@dataclass
class Dashboard:
    stages: list[str] = field(default_factory=list)
    per_stage: list[StageCount] = field(default_factory=list)
    per_municipality: list[MunicipalityRow] = field(default_factory=list)
    time_in_stage: list[StageTime] = field(default_factory=list)
    outcomes: list[tuple[str, str]] = field(default_factory=list)
    decisions_per_month: list[MonthRow] = field(default_factory=list)
    intake_per_month: list[MonthCount] = field(default_factory=list)
    total: int = 0

    @property
    def max_per_stage(self) -> int:
        return max((row.count for row in self.per_stage), default=0)

    @property
    def max_mean_days(self) -> float:
        return max((row.mean_days for row in self.time_in_stage), default=0.0)

    @property
    def max_per_month(self) -> int:
        return max((row.total for row in self.decisions_per_month), default=0)

    @property
    def max_intake(self) -> int:
        return max((row.count for row in self.intake_per_month), default=0)


def ideas_per_stage_and_municipality(
    ideas: QuerySet[Idea],
) -> tuple[list[str], list[StageCount], list[MunicipalityRow]]:
    """One grouped count (municipality × stage); stage totals and the cross table come from it."""
    rows = (
        ideas.order_by()
        .values("municipality__name", "municipality__country", "stage__kind", "stage__name", "stage__position")
        .annotate(n=Count("id"))
    )
    stage_order: dict[str, int] = {}
    cells: dict[tuple[str, str], int] = {}
    for row in rows:
        stage = _stage_label(row["stage__kind"], row["stage__name"])
        position = row["stage__position"] if row["stage__position"] is not None else 999
        stage_order[stage] = min(stage_order.get(stage, position), position)
        place = f"{row['municipality__name']} ({row['municipality__country']})"
        cells[(place, stage)] = cells.get((place, stage), 0) + row["n"]
    stages = sorted(stage_order, key=lambda s: (stage_order[s], s))
    per_stage = [StageCount(s, sum(n for (_p, st), n in cells.items() if st == s)) for s in stages]
    places = sorted({p for p, _s in cells})
    per_municipality = []
    for place in places:
        counts = [cells.get((place, s), 0) for s in stages]
        per_municipality.append(MunicipalityRow(place, counts, sum(counts)))
    return stages, per_stage, per_municipality


def time_in_stage(ideas: QuerySet[Idea], now: datetime | None = None) -> list[StageTime]:
    """Days spent per stage visit (open visits count until now): mean and median per stage.
    One query; the median is computed here because SQL has no portable median."""
    now = now or timezone.now()
    visits = (
        StageVisit.objects.filter(idea__in=ideas.order_by().values("pk"))
        .values_list("stage__kind", "stage__name", "stage__position", "entered_at", "left_at")
        .order_by()
    )
    days: dict[str, list[float]] = {}
    order: dict[str, int] = {}
    for kind, name, position, entered, left in visits:
        label = _stage_label(kind, name)
        order[label] = min(order.get(label, position), position)
        days.setdefault(label, []).append(((left or now) - entered).total_seconds() / 86400)
    return [
        StageTime(label, len(values), round(statistics.fmean(values), 1), round(statistics.median(values), 1))
        for label, values in sorted(days.items(), key=lambda item: (order[item[0]], item[0]))
    ]


@dataclass(frozen=True)
class Period:
    """Calendar months from `start` to `end` inclusive (first days of months); None is open."""

    start: date | None = None
    end: date | None = None

    def end_exclusive(self) -> date | None:
        return _next_month(self.end) if self.end else None


def _month_start(value: date) -> date:
    return date(value.year, value.month, 1)


def _next_month(value: date) -> date:
    return date(value.year + value.month // 12, value.month % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """Every month from `first` to `last` inclusive, as first days: the series has no gaps."""
    months: list[date] = []
    month = _month_start(first)
    while month <= last and len(months) < MAX_MONTHS:
        months.append(month)
        month = _next_month(month)
    return months


#: A series never has more months than this (50 years), whatever the data or the filter say.
MAX_MONTHS = 600


def _series_months(seen: list[date], period: Period) -> list[date]:
    """The months a series shows: from the period's start (else the first month with data) to
    its end (else the last month with data), every month in between included."""
    first = period.start or (min(seen) if seen else None)
    last = period.end or (max(seen) if seen else None)
    if first is None or last is None or first > last:
        return []
    return month_range(first, last)


def _in_period(queryset: QuerySet[Any], field: str, period: Period) -> QuerySet[Any]:
    tz = timezone.get_current_timezone()
    if period.start:
        queryset = queryset.filter(**{f"{field}__gte": datetime.combine(period.start, time.min, tzinfo=tz)})
    if end := period.end_exclusive():
        queryset = queryset.filter(**{f"{field}__lt": datetime.combine(end, time.min, tzinfo=tz)})
    return queryset


def decisions_per_month(
    ideas: QuerySet[Idea], period: Period | None = None
) -> tuple[list[tuple[str, str]], list[MonthRow]]:
    """Gate decisions per calendar month and outcome (one grouped count); months without
    decisions are in the series with zeros."""
    period = period or Period()
    rows = (
        _in_period(GateDecision.objects.filter(idea__in=ideas.order_by().values("pk")), "decided_at", period)
        .annotate(month=TruncMonth("decided_at"))
        .values("month", "outcome")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    months: dict[date, dict[str, int]] = {}
    for row in rows:
        key = _as_month(row["month"])
        months.setdefault(key, {})[row["outcome"]] = months.get(key, {}).get(row["outcome"], 0) + row["n"]
    outcomes = [(value, str(label)) for value, label in GateDecision.Outcome.choices]
    result = []
    for month in _series_months(list(months), period):
        counts = months.get(month, {})
        result.append(
            MonthRow(month.strftime("%Y-%m"), {o: counts.get(o, 0) for o, _l in outcomes}, sum(counts.values()))
        )
    return outcomes, result


def intake_per_month(ideas: QuerySet[Idea], period: Period | None = None) -> list[MonthCount]:
    """Ideas received per calendar month (one grouped count), months without ideas as zeros."""
    period = period or Period()
    rows = (
        _in_period(ideas.order_by(), "created_at", period)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    counts: dict[date, int] = {}
    for row in rows:
        key = _as_month(row["month"])
        counts[key] = counts.get(key, 0) + row["n"]
    return [MonthCount(m.strftime("%Y-%m"), counts.get(m, 0)) for m in _series_months(list(counts), period)]


def _as_month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return _month_start(value)


def dashboard(ideas: QuerySet[Idea], period: Period | None = None) -> Dashboard:
    """Figures of the ideas in scope. `period` narrows the monthly series (intake by submission
    date, decisions by decision date); the stage figures are the pipeline as it stands today."""
    stages, per_stage, per_municipality = ideas_per_stage_and_municipality(ideas)
    outcomes, months = decisions_per_month(ideas, period)
    return Dashboard(
        stages=stages,
        per_stage=per_stage,
        per_municipality=per_municipality,
        time_in_stage=time_in_stage(ideas),
        outcomes=outcomes,
        decisions_per_month=months,
        intake_per_month=intake_per_month(ideas, period),
        total=sum(row.count for row in per_stage),
    )


def dashboard_tables(data: Dashboard) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The dashboard as (title, header, rows) tables, for CSV and XLSX export."""
    return [
        (
            str(_("Ideas per stage and municipality")),
            [str(_("Municipality")), *data.stages, str(_("Total"))],
            [[row.municipality, *row.counts, row.total] for row in data.per_municipality],
        ),
        (
            str(_("Time in each stage (days)")),
            [str(_("Stage")), str(_("Visits")), str(_("Mean days")), str(_("Median days"))],
            [[row.stage, row.visits, row.mean_days, row.median_days] for row in data.time_in_stage],
        ),
        (
            str(_("Ideas received per month")),
            [str(_("Month")), str(_("Ideas received"))],
            [[row.month, row.count] for row in data.intake_per_month],
        ),
        (
            str(_("Decisions per month")),
            [str(_("Month")), *[label for _v, label in data.outcomes], str(_("Total"))],
            [[row.month, *row.values_in_order, row.total] for row in data.decisions_per_month],
        ),
    ]


# --------------------------------------------------------------------------- shared sluices


@dataclass
class MemberRow:
    member: str
    triage: int
    counts: list[int]
    outcomes: list[int]
    total: int


@dataclass
class MemberSplit:
    """A shared sluice's ideas split by member (the receiving organisation): per stage, how many
    still wait for local triage, and gate decisions per outcome."""

    stages: list[str] = field(default_factory=list)
    outcomes: list[tuple[str, str]] = field(default_factory=list)
    rows: list[MemberRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def max_total(self) -> int:
        return max((row.total for row in self.rows), default=0)


def per_member(ideas: QuerySet[Idea], members: list[str], period: Period | None = None) -> MemberSplit:
    """Two grouped counts over the sluice's ideas (member × stage, member × decision outcome);
    `members` names every member to show, also those without ideas yet, in order. `period`
    keeps the ideas received in it (where they stand today) and the decisions taken in it."""
    period = period or Period()
    ideas = ideas.filter(withdrawn_at=None)
    all_ideas = ideas
    ideas = _in_period(ideas, "created_at", period)
    rows = (
        ideas.order_by()
        .values("receiving_organisation__name", "stage__kind", "stage__name", "stage__position", "shared_at")
        .annotate(n=Count("id"))
    )
    stage_order: dict[str, int] = {}
    cells: dict[tuple[str, str], int] = {}
    triage: dict[str, int] = {}
    names = list(members)
    for row in rows:
        member = row["receiving_organisation__name"] or str(_("No receiving organisation"))
        if member not in names:
            names.append(member)
        stage = _stage_label(row["stage__kind"], row["stage__name"])
        position = row["stage__position"] if row["stage__position"] is not None else 999
        stage_order[stage] = min(stage_order.get(stage, position), position)
        cells[(member, stage)] = cells.get((member, stage), 0) + row["n"]
        if row["shared_at"] is None:
            triage[member] = triage.get(member, 0) + row["n"]
    stages = sorted(stage_order, key=lambda s: (stage_order[s], s))
    decided = (
        _in_period(GateDecision.objects.filter(idea__in=all_ideas.values("pk")), "decided_at", period)
        .order_by()
        .values("idea__receiving_organisation__name", "outcome")
        .annotate(n=Count("id"))
    )
    outcome_cells = {(row["idea__receiving_organisation__name"], row["outcome"]): row["n"] for row in decided}
    outcomes = [(value, str(label)) for value, label in GateDecision.Outcome.choices]
    split = MemberSplit(stages=stages, outcomes=outcomes)
    for member in names:
        counts = [cells.get((member, s), 0) for s in stages]
        split.rows.append(
            MemberRow(
                member=member,
                triage=triage.get(member, 0),
                counts=counts,
                outcomes=[outcome_cells.get((member, value), 0) for value, _label in outcomes],
                total=sum(counts),
            )
        )
    return split


def per_member_tables(split: MemberSplit) -> list[tuple[str, list[str], list[list[Any]]]]:
    return [
        (
            str(_("Ideas per member and stage")),
            [str(_("Member")), str(_("In local triage")), *split.stages, str(_("Total"))],
            [[row.member, row.triage, *row.counts, row.total] for row in split.rows],
        ),
        (
            str(_("Gate decisions per member and outcome")),
            [str(_("Member")), *[label for _v, label in split.outcomes]],
            [[row.member, *row.outcomes] for row in split.rows],
        ),
    ]

"""Pipeline statistics for the dashboard page, its exports and the API: each figure is computed
once, here, from one query over the ideas in scope (an organisation's inbox or a region)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
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
class Dashboard:
    stages: list[str] = field(default_factory=list)
    per_stage: list[StageCount] = field(default_factory=list)
    per_municipality: list[MunicipalityRow] = field(default_factory=list)
    time_in_stage: list[StageTime] = field(default_factory=list)
    outcomes: list[tuple[str, str]] = field(default_factory=list)
    decisions_per_month: list[MonthRow] = field(default_factory=list)
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


def decisions_per_month(ideas: QuerySet[Idea]) -> tuple[list[tuple[str, str]], list[MonthRow]]:
    """Gate decisions per calendar month and outcome (one grouped count)."""
    rows = (
        GateDecision.objects.filter(idea__in=ideas.order_by().values("pk"))
        .annotate(month=TruncMonth("decided_at"))
        .values("month", "outcome")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    months: dict[str, dict[str, int]] = {}
    for row in rows:
        key = row["month"].strftime("%Y-%m")
        months.setdefault(key, {})[row["outcome"]] = months.get(key, {}).get(row["outcome"], 0) + row["n"]
    outcomes = [(value, str(label)) for value, label in GateDecision.Outcome.choices]
    return outcomes, [
        MonthRow(month, {o: counts.get(o, 0) for o, _l in outcomes}, sum(counts.values()))
        for month, counts in sorted(months.items())
    ]


def dashboard(ideas: QuerySet[Idea]) -> Dashboard:
    stages, per_stage, per_municipality = ideas_per_stage_and_municipality(ideas)
    outcomes, months = decisions_per_month(ideas)
    return Dashboard(
        stages=stages,
        per_stage=per_stage,
        per_municipality=per_municipality,
        time_in_stage=time_in_stage(ideas),
        outcomes=outcomes,
        decisions_per_month=months,
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
            str(_("Decisions per month")),
            [str(_("Month")), *[label for _v, label in data.outcomes], str(_("Total"))],
            [[row.month, *row.values_in_order, row.total] for row in data.decisions_per_month],
        ),
    ]

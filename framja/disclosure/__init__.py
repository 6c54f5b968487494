"""Disclosure control for published statistics: pure Python, no Django import anywhere here.

One rule for pages, the API and exports (see docs/disclosure-control.md):

- `Table(rows, columns, {(row, column): Cell(people, measures)})`: a cross-classification of
  distinct people with additive measures (efforts, hours, money); margins are computed.
- `suppress(table, threshold=THRESHOLD, wider=[...])` -> `PublishedTable`: cells of
  1..threshold-1 people hidden (primary), and those 1..threshold-1 short of a wider filter's
  table, then complementary cells until no hidden cell's feasible range, given everything
  published, spans fewer than `threshold` people. Hidden cells carry no values.
- `PublishedTable.share`/`row_share`/`column_share`, `gap_points`: derived values, None when
  any input is hidden; `display(value)` shows None as `HIDDEN_MARK` ("–").
- `check_filter(selected, population, wider=...)` / `check_filter_sets(...)`: the differencing
  guard, raising `DisclosureRefusedError` with a `RefusalReason` code; `wider_filters(criteria)`
  lists the wider filters to count.
- `feasible_range`/`feasible_ranges`: what an attacker can infer about hidden cells (the audit);
  `protected(...)`: whether that range spans the threshold, computed only as far as needed.
"""

from framja.disclosure.audit import Range, feasible_range, feasible_ranges, protected
from framja.disclosure.guard import (
    DisclosureRefusedError,
    RefusalReason,
    check_filter,
    check_filter_sets,
    wider_filters,
)
from framja.disclosure.published import HIDDEN_MARK, PublishedCell, PublishedTable, Status, display, gap_points
from framja.disclosure.suppression import THRESHOLD, suppress
from framja.disclosure.table import TOTAL, Cell, Margin, Number, Position, Table

__all__ = [
    "HIDDEN_MARK",
    "THRESHOLD",
    "TOTAL",
    "Cell",
    "DisclosureRefusedError",
    "Margin",
    "Number",
    "Position",
    "PublishedCell",
    "PublishedTable",
    "Range",
    "RefusalReason",
    "Status",
    "Table",
    "check_filter",
    "check_filter_sets",
    "display",
    "feasible_range",
    "feasible_ranges",
    "gap_points",
    "protected",
    "suppress",
    "wider_filters",
]

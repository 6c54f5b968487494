"""A table as it may be shown: hidden cells carry no values at all, only that they are hidden.

Pages, the API and exports all render a `PublishedTable` and nothing else, so the one rule
holds everywhere: a hidden cell's people, measures and everything derived from them (shares,
gaps in percentage points) are `None`, which a page shows as `HIDDEN_MARK` ("–") and the API
as `null`. The true values of hidden cells never leave `suppress()`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final, TypeVar

from framja.disclosure.table import TOTAL, Key, Number, Position

HIDDEN_MARK: Final = "\u2013"  # en dash, the mark SCB and SSB tables use for a value not shown

_V = TypeVar("_V")


class Status(enum.Enum):
    """Why a cell is hidden. For audits and tests only: a reader who knew which dashes are
    primary (1..threshold-1 people) could narrow the others, so no page, API or export says."""

    PUBLISHED = "published"
    PRIMARY = "primary"  # based on 1..threshold-1 people
    DIFFERENCE = "difference"  # 1..threshold-1 people short of the same cell of a wider table
    COMPLEMENTARY = "complementary"  # hidden so that a primary cell cannot be recomputed


@dataclass(frozen=True)
class PublishedCell:
    """A cell as anyone may see it: safe to serialise whole (`dataclasses.asdict`)."""

    hidden: bool
    people: int | None
    measures: Mapping[str, Number | None]

    def value(self, measure: str = "people") -> Number | None:
        """`people` or one of the measures; None when the cell is hidden."""
        return self.people if measure == "people" else self.measures[measure]


@dataclass(frozen=True)
class PublishedTable:
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    threshold: int
    cells: Mapping[Position, PublishedCell]
    reasons: Mapping[Position, Status] = field(default_factory=dict, repr=False)

    def reason(self, position: Position) -> Status:
        """Why the cell is hidden (or `Status.PUBLISHED`): for audits and tests, never shown."""
        return self.reasons.get(position, Status.PUBLISHED)

    def __getitem__(self, position: Position) -> PublishedCell:
        return self.cells[position]

    @property
    def row_keys(self) -> tuple[Key, ...]:
        return (*self.rows, TOTAL)

    @property
    def column_keys(self) -> tuple[Key, ...]:
        return (*self.columns, TOTAL)

    def hidden(self) -> list[Position]:
        """The hidden cells, margins included, row by row."""
        return [(row, column) for row in self.row_keys for column in self.column_keys if self.cells[row, column].hidden]

    def share(self, part: Position, whole: Position, measure: str = "people") -> Fraction | None:
        """`part` as a share of `whole` (e.g. a cell of its row total); None if either is hidden
        or the whole is 0."""
        numerator = self.cells[part].value(measure)
        denominator = self.cells[whole].value(measure)
        if numerator is None or denominator is None or denominator == 0:
            return None
        return Fraction(numerator) / Fraction(denominator)

    def row_share(self, row: Key, column: Key, measure: str = "people") -> Fraction | None:
        """The cell's share of its row total."""
        return self.share((row, column), (row, TOTAL), measure)

    def column_share(self, row: Key, column: Key, measure: str = "people") -> Fraction | None:
        """The cell's share of its column total."""
        return self.share((row, column), (TOTAL, column), measure)


def gap_points(share: Fraction | None, reference: Fraction | None) -> Fraction | None:
    """The gap between two shares in percentage points; None if either is not shown."""
    if share is None or reference is None:
        return None
    return (share - reference) * 100


def display(value: _V | None, render: Callable[[_V], str] = str) -> str:
    """`value` rendered, or `HIDDEN_MARK` when it is not shown. Pages translate and localise
    numbers in `render`; this library only decides what is hidden."""
    return HIDDEN_MARK if value is None else render(value)

"""The table model: rows x columns of cells, each counting distinct people, with its margins.

A table is a cross-classification: every person counts in exactly one cell (gender x age band,
foreign background x leadership team ...). That is what makes the margins sums of the cells,
and it is the attacker's model too: a published row total minus the published cells of the row
is exactly the sum of the hidden cells of the row. Categories a person can belong to several
of at once (offering type, organisation, municipality of an effort) are filters, not table
dimensions: each filter gives its own table, and the differencing guard (`guard.py`) decides
whether that filter may be shown at all.

Besides people, a cell carries additive measures (efforts, hours, money) under names the
caller chooses; their margins are sums too. Shares and gaps are derived at publication time
(`published.py`), never stored, so a hidden cell cannot leak through them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, TypeAlias

Number: TypeAlias = int | Decimal


class Margin(enum.Enum):
    """The key of the total row and the total column."""

    TOTAL = "total"


TOTAL: Final = Margin.TOTAL
Key: TypeAlias = str | Margin
Position: TypeAlias = tuple[Key, Key]


@dataclass(frozen=True)
class Cell:
    """One cell before publication: the distinct people it is based on and its measures."""

    people: int
    measures: Mapping[str, Number] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.people, bool) or not isinstance(self.people, int) or self.people < 0:
            raise ValueError(f"people must be a whole number >= 0, not {self.people!r}")
        for name, value in self.measures.items():
            if isinstance(value, bool) or not isinstance(value, int | Decimal) or not _finite(value) or value < 0:
                raise ValueError(f"measure {name!r} must be a finite number >= 0, not {value!r}")
        if self.people == 0 and any(self.measures.values()):
            raise ValueError("a cell with no people cannot have measures other than 0")


EMPTY: Final = Cell(0)


def _finite(value: Number) -> bool:
    return not isinstance(value, Decimal) or value.is_finite()


class Table:
    """Interior cells by (row, column) key; every margin is computed here as a sum.

    `cells` may leave out empty cells. `rows` and `columns` give the order of the categories,
    which is also the order in which ties are broken: the same table always gets the same
    suppression pattern.
    """

    def __init__(
        self,
        rows: Sequence[str],
        columns: Sequence[str],
        cells: Mapping[tuple[str, str], Cell],
    ) -> None:
        self.rows: tuple[str, ...] = tuple(rows)
        self.columns: tuple[str, ...] = tuple(columns)
        for what, keys in (("rows", self.rows), ("columns", self.columns)):
            if not keys:
                raise ValueError(f"a table needs at least one of its {what}")
            if len(set(keys)) != len(keys):
                raise ValueError(f"{what} repeat a key")
            if not all(isinstance(key, str) for key in keys):
                raise ValueError(f"{what} keys must be strings")
        unknown = [key for key in cells if key[0] not in self.rows or key[1] not in self.columns]
        if unknown:
            raise ValueError(f"cells outside the rows and columns: {unknown[:3]}")
        self.measure_names: tuple[str, ...] = tuple(sorted({name for cell in cells.values() for name in cell.measures}))
        grid: dict[Position, Cell] = {}
        for row in self.rows:
            for column in self.columns:
                grid[row, column] = self._complete(cells.get((row, column), EMPTY))
        for row in self.rows:
            grid[row, TOTAL] = self._sum(grid[row, column] for column in self.columns)
        for key in self.column_keys:
            grid[TOTAL, key] = self._sum(grid[row, key] for row in self.rows)
        self._grid = grid

    def _complete(self, cell: Cell) -> Cell:
        return Cell(cell.people, {name: cell.measures.get(name, 0) for name in self.measure_names})

    def _sum(self, cells: Iterator[Cell]) -> Cell:
        people = 0
        measures: dict[str, Number] = dict.fromkeys(self.measure_names, 0)
        for cell in cells:
            people += cell.people
            for name in self.measure_names:
                measures[name] += cell.measures[name]
        return Cell(people, measures)

    def __getitem__(self, position: Position) -> Cell:
        return self._grid[position]

    @property
    def row_keys(self) -> tuple[Key, ...]:
        """The rows with the total row last."""
        return (*self.rows, TOTAL)

    @property
    def column_keys(self) -> tuple[Key, ...]:
        """The columns with the total column last."""
        return (*self.columns, TOTAL)

    def positions(self) -> list[Position]:
        """Every cell, margins included, row by row: the order of every tie-break."""
        return [(row, column) for row in self.row_keys for column in self.column_keys]

    def lines(self) -> list[tuple[Position, ...]]:
        """Each row and each column of the table with its margin last: the cells before the
        last one sum to the last one. Every cell, margins included, lies on exactly two lines."""
        found = [tuple((row, column) for column in self.column_keys) for row in self.row_keys]
        found += [tuple((row, column) for row in self.row_keys) for column in self.column_keys]
        return found

    def measure(self, position: Position, name: str) -> Number:
        """`people` or one of the measures of a cell."""
        cell = self._grid[position]
        return cell.people if name == "people" else cell.measures[name]

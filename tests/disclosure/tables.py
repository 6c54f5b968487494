"""Small helpers: a table from a grid of people, and a published table as the grid a reader sees."""

from __future__ import annotations

from framja.disclosure import Cell, PublishedTable, Table, display


def grid(values: list[list[int]]) -> Table:
    rows = [f"r{i}" for i in range(len(values))]
    columns = [f"c{j}" for j in range(len(values[0]))]
    return Table(
        rows,
        columns,
        {(row, column): Cell(values[i][j]) for i, row in enumerate(rows) for j, column in enumerate(columns)},
    )


def seen(published: PublishedTable) -> list[list[str]]:
    """What a reader sees, margins included: the last row and column are the totals."""
    return [[display(published[row, column].people) for column in published.column_keys] for row in published.row_keys]

"""Cell suppression: primary cells (1..threshold-1 people) and complementary cells.

The rule (docs/disclosure-control.md explains it for readers):

1. Primary: a cell based on 1 to `threshold - 1` distinct people is hidden; margins are cells
   like any other. A cell of 0 people is published as 0: nobody is described by it, and a
   hidden cell is therefore known to hold at least 1 person. With `wider` tables (the same
   breakdown for filters that contain this one), a cell 1 to `threshold - 1` people short of
   the same cell there is hidden too, so the two cannot be subtracted.
2. Protection: a hidden cell is protected when the values it can take, given everything
   published, span at least `threshold` (computed exactly in `audit.py`). Each hidden cell
   that is not gets company: the cheapest rectangle of cells (fewest people newly hidden)
   that protects it together with what is hidden already; failing that, the cheapest open
   cell of its row or column with, in every line left with a single hidden cell, the
   smallest partner. Newly hidden cells are checked in turn.
3. Hiding a cell only widens the ranges of the others, so a protected cell stays protected,
   and the loop ends (at the latest when every non-empty cell is hidden, which leaves every
   range unbounded).

The result is deterministic: it depends only on the values and the order of the categories.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from framja.disclosure.audit import HiddenCells
from framja.disclosure.published import PublishedCell, PublishedTable, Status
from framja.disclosure.table import TOTAL, Key, Position, Table

THRESHOLD = 5
_RECTANGLES_TRIED = 40  # the cheapest rectangles checked exactly before the wider search


def _sign(key: Key) -> int:
    """-1 for the total row or column: in a line the parts count +1 and the margin -1."""
    return -1 if key is TOTAL else 1


def suppress(table: Table, threshold: int = THRESHOLD, *, wider: Iterable[Table] = ()) -> PublishedTable:
    """The table as it may be published: see the module docstring for the rule.

    `wider`: the same table (same rows and columns) for filters that contain this one and are
    published too; each of their cells must count at least as many people as this one's.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold must be a whole number >= 1, not {threshold!r}")
    order = {position: index for index, position in enumerate(table.positions())}
    status = {position: Status.PRIMARY for position in order if 0 < table[position].people < threshold}
    for containing in wider:
        if (containing.rows, containing.columns) != (table.rows, table.columns):
            raise ValueError("a wider table must have the same rows and columns")
        for position in order:
            difference = containing[position].people - table[position].people
            if difference < 0:
                raise ValueError(f"a wider table must contain this one's people: {position} has fewer")
            if 0 < difference < threshold and table[position].people and position not in status:
                status[position] = Status.DIFFERENCE
    lines = table.lines()
    lines_of: dict[Position, list[int]] = {position: [] for position in order}
    for index, line in enumerate(lines):
        for position in line:
            lines_of[position].append(index)

    def open_cells(positions: list[Position]) -> list[Position]:
        return [position for position in positions if position not in status and table[position].people > 0]

    def with_partners(hidden: dict[Position, Status]) -> dict[Position, Status]:
        """`hidden` plus a second hidden cell, the smallest, in every line with only one."""
        hidden = dict(hidden)
        count = [0] * len(lines)
        for position in hidden:
            for index in lines_of[position]:
                count[index] += 1
        alone = sorted(index for index, n in enumerate(count) if n == 1)
        while alone:
            index = alone.pop(0)
            if count[index] != 1:
                continue
            # The one hidden cell is non-empty, so the line has another non-empty cell.
            partner = min(
                (position for position in lines[index] if position not in hidden and table[position].people > 0),
                key=lambda position: (table[position].people, order[position]),
            )
            hidden[partner] = Status.COMPLEMENTARY
            for other in lines_of[partner]:
                count[other] += 1
                if count[other] == 1:
                    alone.append(other)
        return hidden

    def cost(hidden: dict[Position, Status]) -> tuple[int, int]:
        added = [position for position in hidden if position not in status]
        return sum(table[position].people for position in added), min(order[position] for position in added)

    def rectangles(position: Position) -> list[list[Position]]:
        """The ways to close a rectangle of hidden cells with `position`, cheapest first, each
        as its cells still open; one wide enough to protect `position` on its own ends the list.

        Moving people around a rectangle of hidden cells (+d, -d in one row, -d, +d in the
        other, signs turned where a cell is a margin) keeps every published sum, so the
        hidden cell can move as far as the least of its own group minus 1 down, and the
        least of the other group minus 1 up (without limit if all four move together).
        """
        row, column = position
        found: list[tuple[tuple[int, int, int], bool, list[Position]]] = []
        for other_row in table.row_keys:
            for other_column in table.column_keys:
                if other_row == row or other_column == column:
                    continue
                corners = [(row, other_column), (other_row, column), (other_row, other_column)]
                if any(corner not in status and table[corner].people == 0 for corner in corners):
                    continue  # a true zero is published: nobody can move out of it
                sign = _sign(row) * _sign(column)
                same = [table[position].people]  # the cells that move with `position`
                opposite: list[int] = []
                for corner, turned in zip(corners, (-1, -1, 1), strict=True):
                    moves_with = turned * _sign(corner[0]) * _sign(corner[1]) == sign
                    (same if moves_with else opposite).append(table[corner].people)
                alone = not opposite or min(same) - 1 + min(opposite) - 1 >= threshold
                new = [corner for corner in corners if corner not in status]
                key = (sum(table[corner].people for corner in new), len(new), order[other_row, other_column])
                found.append((key, alone, new))
        found.sort(key=lambda item: item[0])
        cheapest = []
        for _, alone, new in found:
            cheapest.append(new)
            if alone:
                break
        return cheapest

    network = HiddenCells(table)
    for position in status:
        network.add(position)

    def protects(trial: dict[Position, Status], position: Position) -> bool:
        new = [other for other in trial if other not in status]
        for other in new:
            network.add(other)
        try:
            return network.protected(position, threshold)
        finally:
            for other in new:
                network.remove(other)

    queue = deque(sorted(status, key=order.__getitem__))
    while queue:
        position = queue[0]
        if network.protected(position, threshold):
            queue.popleft()
            continue
        # The cheapest rectangle that protects it, together with what is hidden already.
        chosen = next(
            (
                trial
                for trial in (
                    {**status, **dict.fromkeys(new, Status.COMPLEMENTARY)}
                    for new in rectangles(position)[:_RECTANGLES_TRIED]
                )
                if protects(trial, position)
            ),
            None,
        )
        if chosen is None:
            # None does: try each open cell on its lines (any open cell if none is left there)
            # with the partners it needs in turn, and take the cheapest trial that protects
            # it, else the cheapest trial, and look again.
            on_lines = [other for index in lines_of[position] for other in lines[index]]
            near = open_cells(on_lines) or open_cells(list(order))
            trials = [with_partners({**status, candidate: Status.COMPLEMENTARY}) for candidate in near]
            protecting = [trial for trial in trials if protects(trial, position)]
            chosen = min(protecting or trials, key=cost)
        new = sorted((other for other in chosen if other not in status), key=order.__getitem__)
        for other in new:
            network.add(other)
        queue.extend(new)
        status = chosen

    cells = {}
    for position in order:
        cell = table[position]
        if position in status:
            cells[position] = PublishedCell(True, None, dict.fromkeys(cell.measures))
        else:
            cells[position] = PublishedCell(False, cell.people, dict(cell.measures))
    reasons = {position: status[position] for position in order if position in status}
    return PublishedTable(table.rows, table.columns, threshold, cells, reasons)

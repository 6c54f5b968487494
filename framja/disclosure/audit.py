"""What an attacker can learn about each hidden cell: the range of values it can still take.

The attacker knows every published cell, that each line's cells sum to its margin, that a
hidden cell is at least `lower` (1 for people: a true zero is always published, so a hidden
cell is never empty; 0 for the measures) and nothing else. The values the hidden cells can
take together form a polytope; the smallest and largest value of one hidden cell over it is
its *feasible range*. Because of the margins, the table is a circulation on a small graph:

    source --row total--> row --cell--> column --column total--> sink --grand total--> source

so a published cell is a fixed flow and a hidden cell an arc with flow >= `lower` and no upper
bound. Starting from the true values (a feasible point), a hidden arc u -> v can grow by as
much as can flow back from v to u through the other hidden arcs (forwards without limit,
backwards down to their lower bound), and shrink by as much as can flow from u to v. Those
are two max-flow problems. Network matrices are totally unimodular, so the integer range
equals this linear one: the attacker gains nothing from knowing that people are whole.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from fractions import Fraction

from framja.disclosure.table import TOTAL, Position, Table

_Node = Hashable
_Amount = int | Fraction  # people are whole: int arithmetic is much faster than Fraction
_SOURCE = ("source",)
_SINK = ("sink",)


@dataclass(frozen=True)
class Range:
    """The values a hidden cell can take given what is published; `high` None: no upper bound."""

    low: Fraction
    high: Fraction | None

    @property
    def width(self) -> Fraction | None:
        return None if self.high is None else self.high - self.low

    def at_least(self, width: int) -> bool:
        """Whether the range spans at least `width` (an unbounded range always does)."""
        return self.high is None or self.high - self.low >= width


def _arc(position: Position) -> tuple[_Node, _Node]:
    row, column = position
    if row is TOTAL and column is TOTAL:
        return _SINK, _SOURCE
    if column is TOTAL:
        return _SOURCE, ("row", row)
    if row is TOTAL:
        return ("column", column), _SINK
    return ("row", row), ("column", column)


class HiddenCells:
    """The hidden cells of one table as arcs of the residual graph, kept up to date as cells
    are hidden (and, for a trial, shown again), so each check costs a few searches of the
    graph instead of building it anew.

    Every hidden arc u -> v of value f gives a residual arc u -> v without limit (the cell
    can grow) and v -> u of f - lower (it can shrink to `lower`).
    """

    def __init__(self, table: Table, *, measure: str = "people") -> None:
        self.table = table
        self.measure = measure
        self.lower: _Amount = 1 if measure == "people" else 0
        self.cells: set[Position] = set()
        self.forward: dict[_Node, dict[_Node, int]] = {}  # unlimited arcs, counted
        self.backward: dict[_Node, dict[_Node, _Amount]] = {}  # limited arcs: their capacity

    def amount(self, position: Position) -> _Amount:
        value = self.table.measure(position, self.measure)
        return value if isinstance(value, int) else Fraction(value)

    def _change(self, position: Position, sign: int) -> None:
        tail, head = _arc(position)
        for node in (tail, head):
            self.forward.setdefault(node, {})
            self.backward.setdefault(node, {})
        self.forward[tail][head] = self.forward[tail].get(head, 0) + sign
        if not self.forward[tail][head]:
            del self.forward[tail][head]
        spare = self.amount(position) - self.lower
        if spare:
            self.backward[head][tail] = self.backward[head].get(tail, 0) + sign * spare
            if not self.backward[head][tail]:
                del self.backward[head][tail]

    def add(self, position: Position) -> None:
        if position in self.cells:
            return
        if self.measure == "people" and self.table[position].people == 0:
            raise ValueError("a cell with no people is never hidden: a true zero is published")
        self.cells.add(position)
        self._change(position, +1)

    def remove(self, position: Position) -> None:
        if position in self.cells:
            self.cells.remove(position)
            self._change(position, -1)

    def _unlimited_path(self, start: _Node, goal: _Node) -> bool:
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for head in self.forward.get(node, ()):
                if head not in seen:
                    seen.add(head)
                    queue.append(head)
        return False

    def _max_flow(self, start: _Node, goal: _Node, limit: _Amount | None) -> _Amount:
        """Edmonds-Karp from start to goal up to `limit`; without a limit, only when no path of
        unlimited arcs joins them. Flow pushed is kept apart (`pushed`), so the graph itself
        is not copied."""
        pushed: dict[tuple[_Node, _Node], _Amount] = {}
        touched: dict[_Node, set[_Node]] = {}  # the heads of `pushed` by tail

        def residual(tail: _Node, head: _Node) -> _Amount | None:
            """None: unlimited."""
            if head in self.forward.get(tail, ()):
                return None
            return self.backward.get(tail, {}).get(head, 0) - pushed.get((tail, head), 0)

        total: _Amount = 0
        while limit is None or total < limit:
            parent: dict[_Node, _Node] = {start: start}
            queue = deque([start])
            while queue and goal not in parent:
                node = queue.popleft()
                neighbours = (self.forward.get(node, ()), self.backward.get(node, ()), touched.get(node, ()))
                for head in itertools.chain(*neighbours):
                    capacity = residual(node, head)
                    if head not in parent and (capacity is None or capacity > 0):
                        parent[head] = node
                        queue.append(head)
            if goal not in parent:
                break
            path = []
            node = goal
            while node != start:
                path.append((parent[node], node))
                node = parent[node]
            finite = [capacity for tail, head in path if (capacity := residual(tail, head)) is not None]
            if limit is not None:
                finite.append(limit - total)
            push = min(finite)  # without a limit, a path of unlimited arcs only was ruled out
            for tail, head in path:
                if residual(tail, head) is not None:
                    pushed[tail, head] = pushed.get((tail, head), 0) + push
                # Flow on u -> v can be sent back: it frees capacity on v -> u.
                pushed[head, tail] = pushed.get((head, tail), 0) - push
                touched.setdefault(head, set()).add(tail)
            total += push
        return total

    def _without(self, position: Position) -> tuple[_Node, _Node, _Amount]:
        if position not in self.cells:
            raise ValueError(f"{position} is not hidden")
        self._change(position, -1)
        tail, head = _arc(position)
        return tail, head, self.amount(position)

    def range(self, position: Position) -> Range:
        """The feasible range of the hidden cell at `position`."""
        tail, head, value = self._without(position)
        try:
            high = None if self._unlimited_path(head, tail) else value + self._max_flow(head, tail, None)
            low = value - self._max_flow(tail, head, value - self.lower)
        finally:
            self._change(position, +1)
        return Range(Fraction(low), None if high is None else Fraction(high))

    def protected(self, position: Position, threshold: int) -> bool:
        """`range(position).at_least(threshold)`, stopping as soon as the answer is certain:
        at most `threshold` augmenting paths each way instead of a full max-flow."""
        tail, head, value = self._without(position)
        try:
            if self._unlimited_path(head, tail):
                return True
            up = self._max_flow(head, tail, threshold)
            if up >= threshold:
                return True
            return up + self._max_flow(tail, head, min(value - self.lower, threshold - up)) >= threshold
        finally:
            self._change(position, +1)


def _hidden_cells(table: Table, hidden: Collection[Position], measure: str) -> HiddenCells:
    network = HiddenCells(table, measure=measure)
    for position in hidden:
        network.add(position)
    return network


def feasible_range(table: Table, hidden: Collection[Position], position: Position, *, measure: str = "people") -> Range:
    """The range of `measure` in the hidden cell at `position` given everything else published."""
    if position not in hidden:
        shown = Fraction(table.measure(position, measure))
        return Range(shown, shown)
    return _hidden_cells(table, hidden, measure).range(position)


def protected(table: Table, hidden: Collection[Position], position: Position, threshold: int) -> bool:
    """`feasible_range(table, hidden, position).at_least(threshold)`, computed only as far as needed."""
    if position not in hidden:
        return False  # a published cell is known exactly
    return _hidden_cells(table, hidden, "people").protected(position, threshold)


def feasible_ranges(table: Table, hidden: Collection[Position], *, measure: str = "people") -> dict[Position, Range]:
    """`feasible_range` of every hidden cell, in the table's order."""
    network = _hidden_cells(table, hidden, measure)
    return {position: network.range(position) for position in table.positions() if position in hidden}

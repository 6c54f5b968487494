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


class _Residual:
    """The residual graph of the hidden arcs other than the one being measured."""

    def __init__(self, arcs: list[tuple[_Node, _Node, _Amount]], lower: _Amount) -> None:
        self.unbounded: dict[_Node, set[_Node]] = {}
        self.capacity: dict[_Node, dict[_Node, _Amount]] = {}
        infinite = sum(value - lower for _, _, value in arcs) + 1
        for tail, head, value in arcs:
            self.unbounded.setdefault(tail, set()).add(head)
            self._add(tail, head, infinite)
            if value > lower:
                self._add(head, tail, value - lower)

    def _add(self, tail: _Node, head: _Node, capacity: _Amount) -> None:
        out = self.capacity.setdefault(tail, {})
        out[head] = out.get(head, 0) + capacity
        self.capacity.setdefault(head, {})

    def reachable_without_limit(self, start: _Node, goal: _Node) -> bool:
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for head in self.unbounded.get(node, ()):
                if head not in seen:
                    seen.add(head)
                    queue.append(head)
        return False

    def max_flow(self, start: _Node, goal: _Node, limit: _Amount | None = None) -> _Amount:
        """Edmonds-Karp on a copy of the capacities, stopping at `limit`; only called when
        the flow is bounded (no path of unlimited arcs)."""
        if start not in self.capacity or goal not in self.capacity or start == goal:
            return 0
        residual = {node: dict(out) for node, out in self.capacity.items()}
        total: _Amount = 0
        while limit is None or total < limit:
            parent: dict[_Node, _Node] = {start: start}
            queue = deque([start])
            while queue and goal not in parent:
                node = queue.popleft()
                for head, capacity in residual[node].items():
                    if capacity > 0 and head not in parent:
                        parent[head] = node
                        queue.append(head)
            if goal not in parent:
                break
            path = []
            node = goal
            while node != start:
                path.append((parent[node], node))
                node = parent[node]
            push = min(residual[tail][head] for tail, head in path)
            if limit is not None:
                push = min(push, limit - total)
            for tail, head in path:
                residual[tail][head] -= push
                residual[head][tail] = residual[head].get(tail, 0) + push
            total += push
        return total


def _measured(
    table: Table, hidden: Collection[Position], position: Position, measure: str
) -> tuple[_Residual, _Node, _Node, _Amount, _Amount]:
    def amount(at: Position) -> _Amount:
        value = table.measure(at, measure)
        return value if isinstance(value, int) else Fraction(value)

    if measure == "people" and any(table[other].people == 0 for other in hidden):
        raise ValueError("a cell with no people is never hidden: a true zero is published")
    lower = 1 if measure == "people" else 0
    arcs = [(*_arc(other), amount(other)) for other in hidden if other != position]
    tail, head = _arc(position)
    return _Residual(arcs, lower), tail, head, amount(position), lower


def feasible_range(table: Table, hidden: Collection[Position], position: Position, *, measure: str = "people") -> Range:
    """The range of `measure` in the hidden cell at `position` given everything else published."""
    if position not in hidden:
        shown = Fraction(table.measure(position, measure))
        return Range(shown, shown)
    residual, tail, head, value, lower = _measured(table, hidden, position, measure)
    high = None if residual.reachable_without_limit(head, tail) else value + residual.max_flow(head, tail)
    low = value - min(value - lower, residual.max_flow(tail, head))
    return Range(Fraction(low), None if high is None else Fraction(high))


def protected(table: Table, hidden: Collection[Position], position: Position, threshold: int) -> bool:
    """`feasible_range(table, hidden, position).at_least(threshold)`, stopping as soon as the
    answer is certain: at most `threshold` augmenting paths instead of a full max-flow."""
    residual, tail, head, value, lower = _measured(table, hidden, position, "people")
    if residual.reachable_without_limit(head, tail):
        return True
    up = residual.max_flow(head, tail, limit=threshold)
    if up >= threshold:
        return True
    return up + min(value - lower, residual.max_flow(tail, head, limit=threshold - up)) >= threshold


def feasible_ranges(table: Table, hidden: Collection[Position], *, measure: str = "people") -> dict[Position, Range]:
    """`feasible_range` of every hidden cell, in the table's order."""
    return {
        position: feasible_range(table, hidden, position, measure=measure)
        for position in table.positions()
        if position in hidden
    }

"""An attacker that sees only a published table and recomputes what it can of the hidden cells.

It is written apart from the library's audit (no max-flow): every line of the table is an
equation (the cells sum to the margin), the published cells are constants, the hidden cells
unknowns that are whole numbers >= 1 (a true zero is always published). It solves the
equations by Gaussian elimination and then tries every value of the free unknowns in a box,
so it finds the exact smallest and largest value each hidden cell can take.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from framja.disclosure import TOTAL, Position, PublishedTable


class TooManySolutionsError(Exception):
    """Too many solutions to list: a table this attacker cannot afford (the test skips it)."""


@dataclass(frozen=True)
class Attack:
    """The smallest and largest value of each hidden cell over every solution. When the grand
    total is hidden the attacker searches up to `cap` only, so the ranges can only be narrower
    than the truth: a width found here is a width the real attacker has at least."""

    low: dict[Position, int]
    high: dict[Position, int]
    capped: bool

    def width(self, position: Position) -> int:
        return self.high[position] - self.low[position]


def equations(published: PublishedTable) -> list[tuple[list[Position], Position]]:
    found: list[tuple[list[Position], Position]] = [
        ([(row, column) for column in published.columns], (row, TOTAL)) for row in published.row_keys
    ]
    found += [([(row, column) for row in published.rows], (TOTAL, column)) for column in published.column_keys]
    return found


def attack(published: PublishedTable, *, cap: int, max_points: int = 400_000) -> Attack:
    hidden = published.hidden()
    if not hidden:
        return Attack({}, {}, False)
    index = {position: i for i, position in enumerate(hidden)}
    matrix: list[list[Fraction]] = []
    for parts, margin in equations(published):
        coefficients = [Fraction(0)] * len(hidden)
        constant = Fraction(0)  # sum(coefficient * unknown) = constant
        for position, sign in [*((part, 1) for part in parts), (margin, -1)]:
            value = published[position].people
            if value is None:
                coefficients[index[position]] += sign
            else:
                constant -= sign * value
        matrix.append([*coefficients, constant])
    pivots: list[int] = []
    row = 0
    for column in range(len(hidden)):
        found = next((r for r in range(row, len(matrix)) if matrix[r][column] != 0), None)
        if found is None:
            continue
        matrix[row], matrix[found] = matrix[found], matrix[row]
        pivot = matrix[row][column]
        matrix[row] = [value / pivot for value in matrix[row]]
        for r in range(len(matrix)):
            if r != row and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[row], strict=True)]
        pivots.append(column)
        row += 1
    assert all(any(value != 0 for value in line[:-1]) or line[-1] == 0 for line in matrix), "inconsistent table"
    free = [column for column in range(len(hidden)) if column not in pivots]
    # Every cell is part of the grand total, so it bounds them all; if it is hidden, the cap does.
    grand = published[TOTAL, TOTAL].people
    low, high = tighten(published, hidden, cap if grand is None else grand)
    bounds = [range(low[hidden[column]], high[hidden[column]] + 1) for column in free]
    if np.prod([float(len(b)) for b in bounds]) > max_points:
        raise TooManySolutionsError(f"{len(free)} free unknowns, bounds {bounds}")
    grid = np.array(list(itertools.product(*bounds)), dtype=float).reshape(-1, len(free)) if free else np.zeros((1, 0))
    values = np.zeros((grid.shape[0], len(hidden)))
    for k, column in enumerate(free):
        values[:, column] = grid[:, k]
    for r, column in enumerate(pivots):
        line = matrix[r]
        values[:, column] = float(line[-1]) - sum(
            (float(line[f]) * grid[:, k] for k, f in enumerate(free) if line[f] != 0), np.zeros(grid.shape[0])
        )
    whole = np.all(np.abs(values - np.round(values)) < 1e-9, axis=1)
    feasible = values[whole & np.all(values >= 1 - 1e-9, axis=1)]
    assert len(feasible), "the true table must be a solution"
    return Attack(
        {position: round(feasible[:, index[position]].min()) for position in hidden},
        {position: round(feasible[:, index[position]].max()) for position in hidden},
        grand is None,
    )


def tighten(published: PublishedTable, hidden: list[Position], bound: int) -> tuple[dict, dict]:
    """Interval reasoning on each line: a hidden cell lies between its line's known sum minus
    the most, and minus the least, the line's other hidden cells can hold. Repeated until
    nothing moves; every solution stays inside."""
    low = dict.fromkeys(hidden, 1)
    high = dict.fromkeys(hidden, bound)
    changed = True
    while changed:
        changed = False
        for parts, margin in equations(published):
            terms = [(p, 1) for p in parts] + [(margin, -1)]
            known = sum(sign * (published[p].people or 0) for p, sign in terms)
            unknown = [(p, sign) for p, sign in terms if published[p].people is None]
            for position, sign in unknown:
                # sign * x = -known - sum(other signed unknowns)
                rest_low = sum(s * (low[p] if s > 0 else high[p]) for p, s in unknown if p != position)
                rest_high = sum(s * (high[p] if s > 0 else low[p]) for p, s in unknown if p != position)
                lo, hi = -known - rest_high, -known - rest_low
                if sign < 0:
                    lo, hi = -hi, -lo
                if lo > low[position]:
                    low[position], changed = lo, True
                if hi < high[position]:
                    high[position], changed = hi, True
    return low, high

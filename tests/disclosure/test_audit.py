"""The audit's ranges on tables small enough to check by hand."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from framja.disclosure import TOTAL, Cell, Position, Range, Table, feasible_range, protected
from framja.disclosure.audit import HiddenCells
from tests.disclosure.tables import grid

TABLE = grid([[2, 30], [20, 40]])  # margins: rows 32, 60; columns 22, 70; total 92
RECTANGLE = {("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")}


def test_a_published_cell_is_known_exactly():
    assert feasible_range(TABLE, set(), ("r0", "c0")) == Range(Fraction(2), Fraction(2))
    assert not protected(TABLE, set(), ("r0", "c0"), 1)


def test_a_lone_hidden_cell_is_its_margin_minus_the_rest():
    assert feasible_range(TABLE, {("r0", "c0")}, ("r0", "c0")) == Range(Fraction(2), Fraction(2))
    assert not protected(TABLE, {("r0", "c0")}, ("r0", "c0"), 1)


def test_a_hidden_rectangle_moves_as_far_as_its_smallest_cells_allow():
    # r0c0 = t, r0c1 = 32 - t, r1c0 = 22 - t, r1c1 = 38 + t, each at least 1: t in 1..21.
    assert feasible_range(TABLE, RECTANGLE, ("r0", "c0")) == Range(Fraction(1), Fraction(21))
    assert feasible_range(TABLE, RECTANGLE, ("r1", "c1")) == Range(Fraction(39), Fraction(59))
    assert protected(TABLE, RECTANGLE, ("r0", "c0"), 20)
    assert not protected(TABLE, RECTANGLE, ("r0", "c0"), 21)


def test_a_cell_whose_totals_are_all_hidden_has_no_upper_bound():
    hidden: set[Position] = {("r0", "c0"), ("r0", TOTAL), (TOTAL, "c0"), (TOTAL, TOTAL)}
    assert feasible_range(TABLE, hidden, ("r0", "c0")) == Range(Fraction(1), None)
    assert Range(Fraction(1), None).at_least(10**9)


def test_measures_may_be_zero_in_a_hidden_cell():
    table = Table(
        ["a", "b"],
        ["x", "y"],
        {
            ("a", "x"): Cell(2, {"hours": Decimal("1.5")}),
            ("a", "y"): Cell(3, {"hours": Decimal(0)}),
            ("b", "x"): Cell(4, {"hours": Decimal(2)}),
            ("b", "y"): Cell(5, {"hours": Decimal(1)}),
        },
    )
    hidden = {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}
    # hours: ax = t, ay = 1.5 - t, bx = 3.5 - t, by = t - 0.5, each at least 0: t in 0.5..1.5
    found = feasible_range(table, hidden, ("a", "x"), measure="hours")
    assert found == Range(Fraction(1, 2), Fraction(3, 2))


def test_a_true_zero_cannot_be_hidden():
    network = HiddenCells(grid([[0, 5]]))
    with pytest.raises(ValueError, match="true zero"):
        network.add(("r0", "c0"))
    with pytest.raises(ValueError, match="not hidden"):
        network.protected(("r0", "c1"), 5)

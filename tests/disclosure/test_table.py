"""The table model: margins are sums of the cells, and bad input is refused early."""

from __future__ import annotations

from decimal import Decimal

import pytest

from framja.disclosure import TOTAL, Cell, Table


def test_margins_are_sums_of_people_and_measures():
    table = Table(
        ["women", "men"],
        ["advice", "loan"],
        {
            ("women", "advice"): Cell(3, {"hours": Decimal("2.5"), "money": 0}),
            ("women", "loan"): Cell(7, {"money": 1000}),
            ("men", "loan"): Cell(9, {"hours": Decimal(4), "money": 500}),
        },
    )
    assert table["women", TOTAL].people == 10
    assert table[TOTAL, "loan"].people == 16
    assert table[TOTAL, TOTAL].people == 19
    assert table["men", "advice"] == Cell(0, {"hours": 0, "money": 0})
    assert table["women", TOTAL].measures == {"hours": Decimal("2.5"), "money": 1000}
    assert table[TOTAL, TOTAL].measures == {"hours": Decimal("6.5"), "money": 1500}
    assert table.measure((TOTAL, "loan"), "money") == 1500


def test_every_cell_lies_on_two_lines_whose_parts_sum_to_the_margin():
    table = Table(["a", "b"], ["x", "y", "z"], {("a", "x"): Cell(4), ("b", "z"): Cell(6)})
    lines = table.lines()
    assert len(lines) == 3 + 4
    for position in table.positions():
        assert sum(position in line for line in lines) == 2
    for line in lines:
        assert sum(table[p].people for p in line[:-1]) == table[line[-1]].people


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Cell(-1), "people"),
        (lambda: Cell(True), "people"),
        (lambda: Cell(2, {"hours": Decimal("NaN")}), "hours"),
        (lambda: Cell(2, {"money": -5}), "money"),
        (lambda: Cell(0, {"hours": Decimal(1)}), "no people"),
        (lambda: Table([], ["x"], {}), "at least one"),
        (lambda: Table(["a", "a"], ["x"], {}), "repeat"),
        (lambda: Table(["a"], ["x"], {("a", "y"): Cell(1)}), "outside"),
    ],
)
def test_bad_input_is_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()

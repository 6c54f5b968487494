"""What a hidden cell looks like to a page, the API and an export: nothing but the dash."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from fractions import Fraction

from framja.disclosure import HIDDEN_MARK, TOTAL, Cell, Table, display, gap_points, suppress
from tests.disclosure.tables import grid


def test_the_hidden_mark_is_an_en_dash():
    assert HIDDEN_MARK == "–" == "\u2013"
    assert display(None) == "–"
    assert display(0) == "0"
    assert display(Decimal("2.50"), lambda value: f"{value:.1f} h") == "2.5 h"


def test_shares_of_published_cells_are_shown():
    published = suppress(grid([[10, 30], [20, 40]]))
    assert published.row_share("r0", "c0") == Fraction(1, 4)
    assert published.column_share("r0", "c0") == Fraction(1, 3)
    assert published.share((TOTAL, "c1"), (TOTAL, TOTAL)) == Fraction(70, 100)


def test_a_share_with_a_hidden_part_or_whole_is_hidden():
    published = suppress(grid([[2, 30, 9], [20, 40, 50]]))
    assert published["r0", "c0"].hidden
    assert published.row_share("r0", "c0") is None
    assert published.column_share("r0", "c0") is None
    hidden_total = suppress(grid([[1, 0], [2, 0]]))
    assert hidden_total.share(("r0", "c1"), ("r0", TOTAL)) is None  # 0 is shown, its row total is not


def test_a_share_of_an_empty_whole_is_not_a_number():
    assert suppress(grid([[0, 0], [5, 5]])).row_share("r0", "c0") is None


def test_a_gap_in_percentage_points_needs_both_shares():
    assert gap_points(Fraction(1, 4), Fraction(1, 2)) == -25
    assert gap_points(None, Fraction(1, 2)) is None
    assert gap_points(Fraction(1, 2), None) is None


def test_hours_and_money_shares_follow_the_cells():
    table = Table(
        ["women", "men"],
        ["advice"],
        {
            ("women", "advice"): Cell(10, {"hours": Decimal(30)}),
            ("men", "advice"): Cell(12, {"hours": Decimal(90)}),
        },
    )
    published = suppress(table)
    assert published.column_share("women", "advice", "hours") == Fraction(1, 4)


def test_a_hidden_cell_says_only_that_it_is_hidden():
    # Which dashes are primary (1-4 people) would narrow the others: a cell does not carry it.
    published = suppress(grid([[2, 30, 9], [20, 40, 50]]))
    assert asdict(published["r0", "c0"]) == {"hidden": True, "people": None, "measures": {}}
    assert asdict(published["r0", "c2"]) == {"hidden": True, "people": None, "measures": {}}
    assert "PRIMARY" not in repr(published)

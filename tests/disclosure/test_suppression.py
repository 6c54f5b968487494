"""suppress(): primary cells, complementary cells in rows, columns and margins, edge cases."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from framja.disclosure import HIDDEN_MARK, TOTAL, Cell, Status, Table, feasible_ranges, suppress
from tests.disclosure.tables import grid, seen

H = HIDDEN_MARK


def hidden_per_line(published):
    return [sum(published[row, column].hidden for column in published.column_keys) for row in published.row_keys] + [
        sum(published[row, column].hidden for row in published.row_keys) for column in published.column_keys
    ]


def test_nothing_is_hidden_when_every_cell_has_five_or_more_people():
    assert seen(suppress(grid([[5, 9], [12, 30]]))) == [["5", "9", "14"], ["12", "30", "42"], ["17", "39", "56"]]


@pytest.mark.parametrize("people", [1, 2, 3, 4])
def test_a_cell_of_fewer_than_five_people_is_hidden_as_primary(people):
    published = suppress(grid([[people, 20], [30, 40]]))
    assert published.reason(("r0", "c0")) is Status.PRIMARY
    assert published["r0", "c0"].people is None


def test_a_true_zero_is_published_and_never_used_to_protect_another_cell():
    published = suppress(grid([[2, 0, 30], [20, 0, 40]]))
    assert published["r0", "c1"].people == 0
    assert published["r1", "c1"].people == 0
    assert not published[TOTAL, "c1"].hidden


def test_a_hidden_cell_gets_a_partner_in_its_row_and_its_column():
    # 2 would be 32 - 30 from its row and 22 - 20 from its column.
    assert seen(suppress(grid([[2, 30], [20, 40]]))) == [[H, H, "32"], [H, H, "60"], ["22", "70", "92"]]


def test_the_partner_is_the_smallest_cell_of_the_line():
    published = suppress(grid([[3, 50, 9, 70], [40, 60, 80, 90]]))
    assert published.reason(("r0", "c2")) is Status.COMPLEMENTARY  # 9, not 50 or 70
    assert not published["r0", "c1"].hidden
    assert not published["r0", "c3"].hidden


def test_complementary_suppression_in_rows_and_columns_together():
    published = suppress(grid([[2, 30, 12], [40, 8, 3], [1, 0, 6]]))
    assert all(count != 1 for count in hidden_per_line(published))
    assert {published.reason(p) for p in [("r0", "c0"), ("r1", "c2"), ("r2", "c0")]} == {Status.PRIMARY}


def test_two_small_cells_in_one_row_do_not_protect_each_other():
    # Hiding only 1 and 1 would tell that they sum to 2: each is at most 1 from the row total.
    published = suppress(grid([[1, 1, 20], [30, 30, 30]]))
    assert published["r0", "c2"].hidden
    assert published.hidden().__len__() >= 6


def test_a_small_row_total_is_hidden_with_a_second_row_total():
    published = suppress(grid([[2, 1, 0], [30, 40, 50], [20, 25, 60]]))
    assert published.reason(("r0", TOTAL)) is Status.PRIMARY
    assert sum(published[row, TOTAL].hidden for row in published.rows) >= 2
    assert all(count != 1 for count in hidden_per_line(published))


def test_a_one_column_table_hides_a_second_category():
    table = Table(["women", "men", "other"], ["people"], {("women", "people"): Cell(2), ("men", "people"): Cell(40)})
    assert seen(suppress(table)) == [[H, H], [H, H], ["0", "0"], ["42", "42"]]


def test_a_single_row_table():
    assert seen(suppress(grid([[3, 8, 9]]))) == [[H, H, "9", "20"], [H, H, "9", "20"]]


def test_a_table_of_fewer_than_five_people_shows_only_its_zeros():
    assert seen(suppress(grid([[1, 0], [2, 1]]))) == [[H, "0", H], [H, H, H], [H, H, H]]


def test_a_table_with_only_small_cells_hides_all_but_what_protects_nothing():
    # Publishing 10 in all would pin row r0 (3) from 10 - 7: either the grand total or both
    # 7 and 6 must go, and 10 people is the cheaper loss.
    assert seen(suppress(grid([[1, 2], [3, 4]]))) == [[H, H, H], [H, H, "7"], [H, H, H]]


def test_small_cells_in_a_large_table_leave_the_grand_total_shown():
    published = suppress(grid([[1, 2, 30], [3, 4, 40], [20, 25, 60]]))
    assert published[TOTAL, TOTAL].people == 185
    assert all(published[p].hidden for p in [("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")])


def test_an_empty_table_shows_its_zeros():
    assert seen(suppress(grid([[0, 0], [0, 0]]))) == [["0"] * 3] * 3


def test_measures_of_a_hidden_cell_are_hidden_too():
    table = Table(
        ["women", "men"],
        ["advice", "loan"],
        {
            ("women", "advice"): Cell(2, {"hours": Decimal(3), "money": 100}),
            ("women", "loan"): Cell(30, {"hours": Decimal(50), "money": 9000}),
            ("men", "advice"): Cell(20, {"hours": Decimal(10), "money": 800}),
            ("men", "loan"): Cell(40, {"hours": Decimal(70), "money": 12000}),
        },
    )
    published = suppress(table)
    assert published["women", "advice"].measures == {"hours": None, "money": None}
    assert published["women", "advice"].value("hours") is None
    assert published["women", TOTAL].measures == {"hours": Decimal(53), "money": 9100}


def test_the_pattern_does_not_depend_on_how_the_cells_were_given():
    rng = random.Random(7)
    values = [[rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40]) for _ in range(5)] for _ in range(4)]
    first = seen(suppress(grid(values)))
    table = grid(values)
    items = [((r, c), table[r, c]) for r in table.rows for c in table.columns]
    rng.shuffle(items)
    shuffled = Table(table.rows, table.columns, dict(items))
    assert seen(suppress(shuffled)) == first
    assert seen(suppress(grid(values))) == first


def test_the_threshold_can_be_raised():
    assert suppress(grid([[7, 30], [20, 40]]), threshold=10).reason(("r0", "c0")) is Status.PRIMARY
    assert not suppress(grid([[7, 30], [20, 40]]))["r0", "c0"].hidden


@pytest.mark.parametrize("threshold", [0, -1, True, 2.5])
def test_a_threshold_below_one_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        suppress(grid([[1]]), threshold=threshold)


def test_the_worked_example_of_the_documentation():
    # docs/disclosure-control.md, "A worked example": keep the two in step.
    ages = ["under 30", "30-49", "50 and over"]
    people = {"women": [2, 30, 12], "men": [40, 8, 3], "not stated": [1, 0, 6]}
    table = Table(
        list(people), ages, {(g, a): Cell(n) for g, row in people.items() for a, n in zip(ages, row, strict=True)}
    )
    published = suppress(table)
    assert seen(published) == [
        [H, "30", H, "44"],
        [H, "8", H, "51"],
        [H, "0", H, "7"],
        ["43", "38", "21", "102"],
    ]
    primary = [p for p in published.hidden() if published.reason(p) is Status.PRIMARY]
    assert primary == [("women", "under 30"), ("men", "50 and over"), ("not stated", "under 30")]
    ranges = {p: (int(r.low), r.high and int(r.high)) for p, r in feasible_ranges(table, published.hidden()).items()}
    assert ranges == {
        ("women", "under 30"): (1, 13),
        ("women", "50 and over"): (1, 13),
        ("men", "under 30"): (24, 41),
        ("men", "50 and over"): (2, 19),
        ("not stated", "under 30"): (1, 6),
        ("not stated", "50 and over"): (1, 6),
    }

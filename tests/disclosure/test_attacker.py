"""The attacker's test: take the published table, solve its equations for every hidden cell,
and check that none can be pinned to a range narrower than the threshold.

The attacker (`attacker.py`) shares no code with the library's audit: it enumerates the
solutions of the line equations, so it also checks the audit's max-flow ranges.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from framja.disclosure import (
    TOTAL,
    Cell,
    PublishedCell,
    PublishedTable,
    Table,
    feasible_ranges,
    protected,
    suppress,
)
from tests.disclosure.attacker import TooManySolutionsError, attack
from tests.disclosure.tables import grid

THRESHOLD = 5


def assert_protected(table: Table, threshold: int = THRESHOLD) -> None:
    published = suppress(table, threshold)
    cap = table[TOTAL, TOTAL].people + 2 * threshold
    found = attack(published, cap=cap)
    ranges = feasible_ranges(table, published.hidden())
    for position in published.hidden():
        truth = table[position].people
        assert found.low[position] <= truth <= found.high[position]
        assert found.width(position) >= threshold, (position, found.low[position], found.high[position])
        # The library's audit finds what the attacker finds (at least, if the attacker had to cap).
        audit = ranges[position]
        assert audit.low <= found.low[position]
        assert audit.high is None or audit.high >= found.high[position]
        if not found.capped:
            assert (audit.low, audit.high) == (found.low[position], found.high[position])
        assert protected(table, published.hidden(), position, threshold)


def primaries_only(table: Table, threshold: int = THRESHOLD) -> PublishedTable:
    """The naive publication: small cells hidden, nothing else."""
    cells = {}
    for position in table.positions():
        people = table[position].people
        if 0 < people < threshold:
            cells[position] = PublishedCell(True, None, {})
        else:
            cells[position] = PublishedCell(False, people, {})
    return PublishedTable(table.rows, table.columns, threshold, cells)


def test_the_attacker_recovers_a_cell_hidden_without_complementary_suppression():
    table = grid([[2, 30, 12], [40, 8, 3], [1, 0, 6]])
    naive = primaries_only(table)
    found = attack(naive, cap=500)
    assert found.low["r0", "c0"] == found.high["r0", "c0"] == 2
    assert found.low["r1", "c2"] == found.high["r1", "c2"] == 3
    assert not protected(table, naive.hidden(), ("r0", "c0"), THRESHOLD)


def test_the_attacker_pins_two_small_cells_that_only_hide_each_other():
    table = grid([[1, 1, 20], [30, 30, 30]])
    hidden = {("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")}  # a rectangle: two per line
    cells = {
        p: PublishedCell(True, None, {}) if p in hidden else PublishedCell(False, table[p].people, {})
        for p in table.positions()
    }
    found = attack(PublishedTable(table.rows, table.columns, THRESHOLD, cells), cap=500)
    # Row r0 has 2 people in its hidden cells, and a hidden cell is never empty: 1 and 1.
    assert found.low["r0", "c0"] == found.high["r0", "c0"] == 1


@pytest.mark.parametrize(
    "values",
    [
        [[2, 30], [20, 40]],
        [[2, 30, 12], [40, 8, 3], [1, 0, 6]],
        [[1, 1, 20], [30, 30, 30]],
        [[2, 1, 0], [30, 40, 50], [20, 25, 60]],
        [[3, 8, 9]],
        [[1], [4], [9]],
        [[1, 2], [3, 4]],
        [[1, 0], [2, 1]],
        [[4, 4, 4], [4, 4, 4], [4, 4, 40]],
        [[0, 0, 3], [0, 7, 0], [6, 0, 0]],
        [[12, 3, 18, 4], [0, 7, 1, 25], [9, 9, 2, 11]],
    ],
)
def test_no_hidden_cell_can_be_recomputed(values):
    assert_protected(grid(values))


def test_seeded_random_tables_are_protected():
    rng = random.Random(2026)
    for _ in range(60):
        rows, columns = rng.randint(1, 3), rng.randint(1, 4)
        values = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 11, 14]) for _ in range(columns)] for _ in range(rows)]
        assert_protected(grid(values))


small_people = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 14))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    st.integers(1, 3).flatmap(
        lambda rows: st.integers(1, 4).flatmap(
            lambda columns: st.lists(
                st.lists(small_people, min_size=columns, max_size=columns), min_size=rows, max_size=rows
            )
        )
    ),
    st.sampled_from([3, 5]),
)
def test_property_no_hidden_cell_can_be_pinned_within_the_threshold(values, threshold):
    try:
        assert_protected(grid(values), threshold)
    except TooManySolutionsError:
        assume(False)  # too many solutions to list: a table the attacker cannot afford


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=4, max_size=4), min_size=3, max_size=3))
def test_property_every_line_with_a_hidden_cell_has_two(values):
    published = suppress(grid(values))
    lines = [[(row, column) for column in published.column_keys] for row in published.row_keys]
    lines += [[(row, column) for row in published.row_keys] for column in published.column_keys]
    for line in lines:
        assert sum(published[p].hidden for p in line) != 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=3, max_size=3), st.data())
def test_property_hours_of_hidden_cells_cannot_be_recomputed(values, data):
    # Everyone supported has some hours, so a cell's hours are > 0 exactly when it has people.
    cells = {}
    for i, row in enumerate(values):
        for j, people in enumerate(row):
            hours = Decimal(data.draw(st.integers(people, 10 * people))) / 2 if people else Decimal(0)
            cells[f"r{i}", f"c{j}"] = Cell(people, {"hours": hours})
    table = Table(["r0", "r1", "r2"], ["c0", "c1", "c2"], cells)
    published = suppress(table)
    for position, found in feasible_ranges(table, published.hidden(), measure="hours").items():
        assert found.high is None or found.high > found.low, position


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=3, max_size=3), st.data())
def test_property_the_quick_protection_check_agrees_with_the_full_range(values, data):
    table = grid(values)
    non_empty = [p for p in table.positions() if table[p].people > 0]
    assume(non_empty)
    hidden = data.draw(st.sets(st.sampled_from(non_empty), min_size=1))
    for position in hidden:
        for threshold in (1, 3, 5):
            assert protected(table, hidden, position, threshold) == feasible_ranges(table, hidden)[position].at_least(
                threshold
            )

"""The differencing guard: filters that would single out fewer than five people are refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framja.disclosure import (
    TOTAL,
    Cell,
    DisclosureRefusedError,
    RefusalReason,
    Status,
    Table,
    check_filter,
    check_filter_sets,
    feasible_ranges,
    suppress,
    wider_filters,
)
from tests.disclosure.tables import grid


@pytest.mark.parametrize("selected", [1, 2, 3, 4])
def test_a_filter_of_fewer_than_five_people_is_refused(selected):
    with pytest.raises(DisclosureRefusedError) as refused:
        check_filter(selected, 100)
    assert refused.value.reason is RefusalReason.TOO_FEW
    assert refused.value.threshold == 5


@pytest.mark.parametrize("selected", [0, 5, 50, 100])
def test_an_empty_filter_or_one_of_five_or_more_people_is_allowed(selected):
    check_filter(selected, 100)


@pytest.mark.parametrize("selected", [96, 97, 98, 99])
def test_a_filter_of_all_but_a_few_people_is_refused(selected):
    # The whole population is published too: 100 minus the filter would be 1..4 people.
    with pytest.raises(DisclosureRefusedError) as refused:
        check_filter(selected, 100)
    assert refused.value.reason is RefusalReason.COMPLEMENT_TOO_FEW


def test_two_overlapping_filters_whose_difference_is_small_are_refused():
    municipality = set(range(0, 40))  # the people supported in one municipality
    organisation = set(range(37, 90))  # the people one organisation supported
    both = municipality & organisation  # 3 people: 37, 38, 39
    everyone = set(range(200))
    check_filter_sets(municipality, everyone)
    check_filter_sets(organisation, everyone)
    with pytest.raises(DisclosureRefusedError) as refused:
        check_filter_sets(both, everyone, wider=[municipality, organisation])
    assert refused.value.reason is RefusalReason.TOO_FEW

    # Now the overlap is large, but the municipality has only 3 people the organisation did not support.
    organisation = set(range(3, 90))
    both = municipality & organisation
    assert len(both) == 37
    with pytest.raises(DisclosureRefusedError) as refused:
        check_filter_sets(both, everyone, wider=[municipality, organisation])
    assert refused.value.reason is RefusalReason.DIFFERENCE_TOO_FEW


def test_the_refused_difference_is_what_two_published_tables_would_reveal():
    # Without the guard: both tables have every cell >= 5, yet their difference is 3 women.
    def table(women, men):
        return Table(["women", "men"], ["people"], {("women", "people"): Cell(women), ("men", "people"): Cell(men)})

    municipality, with_organisation = suppress(table(20, 20)), suppress(table(17, 20))
    assert municipality.hidden() == with_organisation.hidden() == []
    assert municipality["women", TOTAL].people == 20
    assert with_organisation["women", TOTAL].people == 17  # 3 women are in the municipality only
    with pytest.raises(DisclosureRefusedError):
        check_filter(37, 400, wider=[40, 60])


def test_a_difference_of_zero_or_five_is_allowed():
    check_filter(40, 400, wider=[40, 45, 400])


def test_wider_filters_drop_or_coarsen_every_criterion():
    found = wider_filters({"period": ["2025-Q2", "2025"], "municipality": ["0180"]})
    assert found == [
        {"period": "2025-Q2"},
        {"period": "2025", "municipality": "0180"},
        {"period": "2025"},
        {"municipality": "0180"},
        {},
    ]
    assert len(wider_filters({"a": [1], "b": [2], "c": [3]})) == 2**3 - 1
    assert wider_filters({}) == []


def test_the_reason_codes_are_stable_strings_for_translation():
    assert [reason.value for reason in RefusalReason] == ["too_few", "complement_too_few", "difference_too_few"]
    assert str(DisclosureRefusedError(RefusalReason.TOO_FEW, 5)).startswith("too_few:")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: check_filter(-1, 10), "selected"),
        (lambda: check_filter(5, 4), "population"),
        (lambda: check_filter(5, 10, wider=[4]), "wider"),
        (lambda: check_filter(5, 10, threshold=0), "threshold"),
        (lambda: check_filter_sets({1, 2}, {1}), "contain"),
        (lambda: check_filter_sets({1, 2}, {1, 2, 3}, wider=[{2, 3}]), "contain"),
        (lambda: wider_filters({"period": []}), "no value"),
    ],
)
def test_inconsistent_counts_are_a_programming_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def published_differences(selected, wider, threshold=5):
    """What a reader computes from the two published tables: wider minus selected, cell by cell."""
    found = {}
    for position in selected.cells:
        if not selected[position].hidden and not wider[position].hidden:
            found[position] = wider[position].people - selected[position].people
    return found


def test_cells_that_a_wider_table_would_give_away_by_subtraction_are_hidden():
    municipality = grid([[20, 30], [25, 40]])
    with_organisation = grid([[17, 30], [25, 33]])  # 3 people of row r0, column c0 are not Y's
    naive = published_differences(suppress(with_organisation), suppress(municipality))
    assert naive["r0", "c0"] == 3

    published = suppress(with_organisation, wider=[municipality])
    assert published.reason(("r0", "c0")) is Status.DIFFERENCE
    differences = published_differences(published, suppress(municipality))
    assert all(d == 0 or d >= 5 for d in differences.values()), differences
    # What the reader can still say about the hidden difference: as wide as the hidden cell.
    for position, found in feasible_ranges(with_organisation, published.hidden()).items():
        assert found.at_least(5), position


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 30), min_size=3, max_size=3), min_size=2, max_size=3),
    st.data(),
)
def test_property_no_published_difference_to_a_wider_table_is_small(values, data):
    apart = [[data.draw(st.integers(0, min(v, 8))) for v in row] for row in values]
    wider = grid(values)
    selected = grid([[v - d for v, d in zip(row, gap, strict=True)] for row, gap in zip(values, apart, strict=True)])
    published = suppress(selected, wider=[wider])
    differences = published_differences(published, suppress(wider))
    assert all(d == 0 or d >= 5 for d in differences.values()), differences


@pytest.mark.parametrize(
    ("wider", "message"),
    [(grid([[5, 5, 5]]), "same rows"), (grid([[5, 5], [1, 5]]), "contain")],
)
def test_a_wider_table_must_match_and_contain_the_selected_one(wider, message):
    with pytest.raises(ValueError, match=message):
        suppress(grid([[5, 5], [5, 5]]), wider=[wider])

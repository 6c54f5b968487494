"""The differencing guard: a filter whose people, or whose difference to a wider published
filter, number 1..threshold-1 is refused before any table is built for it.

Cell suppression protects one table. Filters make many tables of overlapping groups, and two
of them can be subtracted: "municipality X" minus "municipality X and organisation Y" is the
people of X that Y did not support. If that difference is 3 people, the two tables together
describe those 3 people even when every cell of both has 5 or more. So a filter is checked
against every wider filter a user could also ask for: the filter with any of its criteria
dropped or made coarser (a quarter -> its year, a municipality -> its county), down to no
filter at all (the whole population). `wider_filters()` lists them; the caller counts the
distinct people of each (one aggregate query) and calls `check_filter()`.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TypeVar

from framja.disclosure.suppression import THRESHOLD

_V = TypeVar("_V")


class RefusalReason(enum.StrEnum):
    """Why a filter was refused; the caller translates the code for the person who asked."""

    TOO_FEW = "too_few"  # the filter selects 1..threshold-1 people
    COMPLEMENT_TOO_FEW = "complement_too_few"  # all but 1..threshold-1 people of the population
    DIFFERENCE_TOO_FEW = "difference_too_few"  # 1..threshold-1 people from a wider filter


class DisclosureRefusedError(Exception):
    """The filter would let a reader single out fewer than `threshold` people."""

    def __init__(self, reason: RefusalReason, threshold: int) -> None:
        super().__init__(f"{reason.value}: fewer than {threshold} people would be singled out")
        self.reason = reason
        self.threshold = threshold


def check_filter(
    selected: int,
    population: int,
    *,
    wider: Iterable[int] = (),
    threshold: int = THRESHOLD,
) -> None:
    """Raise `DisclosureRefusedError` if showing a filter of `selected` distinct people would single
    out fewer than `threshold` people.

    `population` is the number of people with no filter at all (the published whole); `wider`
    the numbers of people of every other wider filter a user could also see (`wider_filters`).
    Each must contain the selected people. A filter of 0 people is allowed (it describes
    nobody), and so is a difference of 0 (the same people).
    """
    for name, value in (("selected", selected), ("population", population), ("threshold", threshold)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if 0 < selected < threshold:
        raise DisclosureRefusedError(RefusalReason.TOO_FEW, threshold)
    if population < selected:
        raise ValueError("the population must contain the selected people")
    if 0 < population - selected < threshold:
        raise DisclosureRefusedError(RefusalReason.COMPLEMENT_TOO_FEW, threshold)
    for count in wider:
        if isinstance(count, bool) or not isinstance(count, int) or count < selected:
            raise ValueError(f"a wider filter must contain the selected people: {count!r} < {selected}")
        if 0 < count - selected < threshold:
            raise DisclosureRefusedError(RefusalReason.DIFFERENCE_TOO_FEW, threshold)


def check_filter_sets(
    selected: Collection[object],
    population: Collection[object],
    *,
    wider: Iterable[Collection[object]] = (),
    threshold: int = THRESHOLD,
) -> None:
    """`check_filter` for a caller that holds the people themselves (ids) rather than counts."""
    chosen = set(selected)
    groups = [set(group) for group in wider]
    everyone = set(population)
    if not chosen <= everyone or not all(chosen <= group for group in groups):
        raise ValueError("every wider filter must contain the selected people")
    check_filter(len(chosen), len(everyone), wider=[len(group) for group in groups], threshold=threshold)


def wider_filters(criteria: Mapping[str, Sequence[_V]]) -> list[dict[str, _V]]:
    """Every filter wider than the one given, each as {criterion: value} (a dropped criterion
    is absent; the empty dict is the whole population).

    `criteria` maps each criterion of the filter to its chosen value followed by the coarser
    values that contain it, e.g. {"period": ["2025-Q2", "2025"], "municipality": ["0180",
    "01"]}. A filter with k criteria of one value each has 2**k - 1 wider filters.
    """
    names = list(criteria)
    for name in names:
        if not criteria[name]:
            raise ValueError(f"criterion {name!r} has no value")
    # For each criterion: the index of the value kept, or None when the criterion is dropped.
    levels = [[*range(len(criteria[name])), None] for name in names]
    found = []
    for combination in itertools.product(*levels):
        if all(level == 0 for level in combination):
            continue  # the filter itself
        found.append(
            {name: criteria[name][level] for name, level in zip(names, combination, strict=True) if level is not None}
        )
    return found

"""The show rule (`relevance.py`) and the suggestion benchmark (`suggestions.py`), with the rates
pinned on a committed slice of the development sets (tests/similarity/data/SOURCE.md)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from framja.similarity import SimilarityIndex, relevance, suggestions
from framja.similarity.benchmark import read_lines, read_pairs

DATA = Path(__file__).parent / "data"
OPEN_DATA_SV = (
    "Öppna data om lediga lokaler för företag\n"
    "Publicera kommunens lista över lediga affärs- och kontorslokaler som öppna data så att nya företag och "
    "fastighetsägare hittar varandra på ett ställe."
)
OPEN_DATA_NB = (
    "Åpne data om ledige næringslokaler\n"
    "Gjør oversikten over ledige næringslokaler tilgjengelig som åpne data, slik at gründere og "
    "eiendomsaktører kan finne og vise fram lokaler på ett sted."
)


def test_background_is_the_tenth_score_or_zero():
    assert relevance.background([0.9] * 9) == 0.0
    assert relevance.background([0.9] * 9 + [0.2, 0.1]) == 0.2


def test_hit_must_stand_out_from_the_background():
    flat = [0.40, 0.38, 0.37, 0.36, 0.35, 0.34, 0.33, 0.32, 0.31, 0.30]
    assert relevance.shown_count(flat) == 0
    standout = [0.62, 0.30] + [0.25] * 8
    assert relevance.shown_count(standout) == 1
    assert relevance.shown_count([0.14]) == 0  # below the floor, even with no background
    assert relevance.shown_count([0.16]) == 1


def test_several_correct_matches_any_counts_as_hit():
    # the query's two versions are both correct; the second ranked first is no miss
    row = suggestions.QueryHits([0.8, 0.7, 0.1], [True, True, False])
    assert suggestions.rates([row], suggestions.old_rule) == {"present": 1.0, "absent": 1.0}
    rows = suggestions.query_hits(
        [("cykelbana längs ån", "cykelväg längs ån"), ("cykelbana längs ån", "en cykelbana vid ån")],
        ["kommunen bygger en ny skola", "fler laddstolpar i byn"],
    )
    assert len(rows) == 1
    assert rows[0].correct[:2] == [True, True]


def test_open_data_twins_across_the_border_are_shown():
    index = SimilarityIndex()
    index.add("nb", OPEN_DATA_NB)
    hits = index.query(OPEN_DATA_SV, 10)
    assert [key for key, _ in hits] == ["nb"]
    assert relevance.shown_count([score for _, score in hits]) == 1


# Measured with framja.similarity.relevance's defaults on the slices (present, absent); a change
# of the engine or the rule that loses more than two points on either fails here.
PINNED = {
    "tatoeba_dan_swe_slice": (0.8446, 0.2073),
    "nb_nn_slice": (0.99, 0.025),
}


@pytest.fixture(scope="module")
def slice_rows():
    distractors = read_lines(DATA / "tatoeba_swe_distractors.txt")
    return {name: suggestions.query_hits(read_pairs(DATA / f"{name}.tsv"), distractors) for name in PINNED}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_suggestion_rates_on_dev_slice_do_not_regress(slice_rows, name):
    present, absent = PINNED[name]
    figures = suggestions.rates(
        slice_rows[name], suggestions.background_rule(relevance.SHOW_FLOOR, relevance.SHOW_RATIO)
    )
    assert figures["present"] >= present - 0.02
    assert figures["absent"] <= absent + 0.02


def test_old_rule_suggested_something_for_nearly_every_query(slice_rows):
    # the baseline the benchmark prints beside the current rule
    assert suggestions.rates(slice_rows["nb_nn_slice"], suggestions.old_rule)["absent"] > 0.9


def test_benchmark_prints_every_set_both_ways_and_the_held_out_choice():
    out = io.StringIO()
    result = suggestions.run(
        [DATA / "nb_nn_slice.tsv", DATA / "tatoeba_dan_swe_slice.tsv"],
        read_lines(DATA / "tatoeba_swe_distractors.txt")[:200],
        out,
    )
    assert set(result["sets"]) == {
        "nb_nn_slice",
        "nb_nn_slice (reversed)",
        "tatoeba_dan_swe_slice",
        "tatoeba_dan_swe_slice (reversed)",
    }
    assert set(result["rule"]["held_out_choices"]) == {"nb_nn_slice", "tatoeba_dan_swe_slice"}
    assert "held-out" in out.getvalue()

"""The Decidim baseline reproduces pg_trgm's similarity()."""

from __future__ import annotations

import pytest

from framja.similarity.trigram import TrigramBaseline, similarity, trigrams


def test_trigrams_are_padded_per_word_like_pg_trgm():
    # SELECT show_trgm('cat') -> {"  c"," ca","at ","cat"}
    assert trigrams("Cat") == {"  c", " ca", "cat", "at "}


def test_similarity_matches_the_postgresql_documentation():
    # SELECT similarity('word', 'two words') -> 0.363636
    assert similarity("word", "two words") == pytest.approx(0.363636, abs=1e-6)


def test_baseline_scans_all_rows_and_ranks_by_similarity():
    baseline = TrigramBaseline()
    baseline.build(["cykelbana i centrum", "lekplats i parken", "", "cykelbanor i centrum"])
    hits = baseline.query("cykelbana i centrum", k=3)
    assert hits[0] == (0, pytest.approx(1.0))
    assert hits[1][0] == 3
    assert baseline.scores("x")[2] == 0.0

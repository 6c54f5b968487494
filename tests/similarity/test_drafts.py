"""The draft score: what a person has typed so far (the first words of an idea) must find the
stored idea it begins to repeat, without suggesting unrelated ideas (docs/similarity.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from framja.similarity import SimilarityIndex, relevance
from framja.similarity.benchmark import read_lines, read_pairs
from framja.similarity.index import draft_score

DATA = Path(__file__).parent / "data"
SENTENCES_PER_IDEA = 8


def _ideas() -> tuple[list[str], list[str], list[str]]:
    """Idea-length texts from the committed slices: nynorsk ideas (each 8 consecutive rows),
    their bokmål rewrites (the same rows' other side, in reverse order after the first), and
    Swedish ideas as the rest of the corpus."""
    pairs = read_pairs(DATA / "nb_nn_slice.tsv")
    stored, rewrites = [], []
    for start in range(0, len(pairs) - SENTENCES_PER_IDEA + 1, SENTENCES_PER_IDEA):
        chunk = pairs[start : start + SENTENCES_PER_IDEA]
        stored.append(chunk[0][1] + "\n" + " ".join(match for _, match in chunk[1:]))
        rewrites.append(chunk[0][0] + "\n" + " ".join(query for query, _ in reversed(chunk[1:])))
    swedish = read_lines(DATA / "tatoeba_swe_distractors.txt")
    others = [" ".join(swedish[i : i + 12]) for i in range(0, len(swedish), 12)]
    return stored, rewrites, others


@pytest.fixture(scope="module")
def corpus() -> tuple[SimilarityIndex, list[str]]:
    stored, rewrites, others = _ideas()
    index = SimilarityIndex()
    index.add_many([(("idea", i), text) for i, text in enumerate(stored)])
    index.add_many([(("other", i), text) for i, text in enumerate(others)])
    return index, rewrites


def _shown(index: SimilarityIndex, text: str, *, draft: bool) -> list[object]:
    hits = index.query(text, relevance.BACKGROUND_RANK, draft=draft)
    return [key for key, _ in hits[: min(relevance.shown_count([s for _, s in hits]), 5)]]


def _first_words(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


def test_draft_score_is_on_the_jaccard_scale():
    found = np.array([10.0, 5.0, 2.0, 0.0])
    chance = np.array([0.0, 0.0, 2.0, 0.0])
    # all of the draft found: as equal texts (1.0); half: as two equal texts sharing half
    # (weighted Jaccard 1/3); no more than chance: nothing
    assert draft_score(found, 10.0, chance).tolist() == pytest.approx([1.0, 1 / 3, 0.0, 0.0])


def test_twelve_words_of_an_idea_suggest_it(corpus):
    index, rewrites = corpus
    drafts = [_first_words(text, 12) for text in rewrites]
    found_now = sum(("idea", i) in _shown(index, text, draft=True) for i, text in enumerate(drafts))
    found_before = sum(("idea", i) in _shown(index, text, draft=False) for i, text in enumerate(drafts))
    assert found_now >= 0.8 * len(drafts)
    assert found_now > found_before


def test_draft_score_lifts_a_prefix_not_a_whole_text(corpus):
    index, rewrites = corpus
    draft = _first_words(rewrites[0], 12)
    symmetric = index.scores_for(draft, [("idea", 0)])[("idea", 0)]
    drafted = index.scores_for(draft, [("idea", 0)], draft=True)[("idea", 0)]
    assert drafted > symmetric
    # a text at least as heavy as the stored one is scored as before
    whole = rewrites[0] + " " + rewrites[1]
    keys = [("idea", 0), ("idea", 1), ("other", 3)]
    assert index.scores_for(whole, keys, draft=True) == pytest.approx(index.scores_for(whole, keys))


@pytest.mark.parametrize(
    "text",
    [
        "Fler papperskorgar och bänkar i stadsparken",
        "Bygg en ny konstgräsplan vid skolan så att barnen kan spela fotboll",
        "Gratis busskort för alla pensionärer i kommunen",
    ],
)
def test_an_unrelated_short_draft_gets_no_suggestion(corpus, text):
    index, _ = corpus
    assert _shown(index, text, draft=True) == []

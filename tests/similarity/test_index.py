"""The lexical index: its API, what a score means, incremental updates and snapshots."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framja.similarity import (
    LIKELY_DUPLICATE,
    POSSIBLY_RELATED,
    SimilarityIndex,
    load_index,
    make_index,
    similarity_level,
)
from framja.similarity.features import text_features

IDEAS = {
    1: "Cykelbana längs ån mellan centrum och stationen",
    2: "Fler laddstolpar för elbilar vid kommunhuset",
    3: "Lånecyklar för turister i hamnen under sommaren",
    4: "Ny lekplats i stadsparken med gungor och klätterställning",
    5: "Digital tjänst för att boka kommunens lokaler",
}


@pytest.fixture
def index() -> SimilarityIndex:
    index = SimilarityIndex()
    for doc_id, text in IDEAS.items():
        index.add(doc_id, text, {"country": "SE", "status": "open" if doc_id % 2 else "pilot"})
    return index


def test_identical_text_scores_one(index):
    assert index.query(IDEAS[2], k=1) == [(2, pytest.approx(1.0))]


def test_scores_are_sorted_and_in_unit_interval(index):
    hits = index.query("cyklar och cykelbanor i centrum", k=5)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < score <= 1.0 for score in scores)
    assert hits[0][0] in (1, 3)


def test_danish_query_finds_the_swedish_twin():
    index = SimilarityIndex()
    index.add("se", "Öppna aldrig dörren på en bil i farten.")
    index.add("other", "Stäng fönstret när det regnar ute.")
    assert index.query("Åbn aldrig døren på en bil der er i bevægelse.", k=1)[0][0] == "se"


def test_norwegian_query_finds_the_swedish_twin_above_related():
    index = SimilarityIndex()
    index.add(7, "Kommunen behöver fler cykelvägar och bättre belysning vid skolorna")
    index.add(8, "Biblioteket får nya öppettider under sommaren")
    (best, score), *_ = index.query("Kommunen trenger flere sykkelveier og bedre belysning ved skolene", k=2)
    assert best == 7
    assert score >= 0.2


def test_filter_by_one_value_and_by_a_collection(index):
    index.add(6, "Cykelbana längs ån i Tromsø", {"country": "NO", "status": "open"})
    assert {i for i, _ in index.query("cykelbana längs ån", filter={"country": "NO"})} == {6}
    statuses = {i for i, _ in index.query("cykelbana", k=10, filter={"status": ["pilot", "closed"]})}
    assert statuses <= {2, 4}
    assert index.query("cykelbana", filter={"municipality": "0180"}) == []


def test_remove_update_and_membership(index):
    assert 3 in index
    assert len(index) == 5
    index.remove(3)
    assert 3 not in index
    assert len(index) == 4
    assert all(doc_id != 3 for doc_id, _ in index.query(IDEAS[3]))
    index.update(1, "Ny lekplats i stadsparken med gungor")
    assert index.query(IDEAS[4], k=2)[1][0] == 1
    index.discard(42)
    with pytest.raises(KeyError):
        index.remove(42)
    with pytest.raises(KeyError):
        index.add(2, "again")


def test_compact_changes_no_result(index):
    before = index.query("lekplats i parken", k=5)
    index.remove(5)
    index.add(9, "Lekplats i parken vid skolan")
    mixed = index.query("lekplats i parken", k=5)
    index.compact()
    assert index.query("lekplats i parken", k=5) == mixed
    assert before != mixed


def test_snapshot_round_trip(index, tmp_path):
    index.add(10, "Solceller på skolans tak", {"country": "SE"})  # still in the delta segment
    path = tmp_path / "index.npz"
    index.save(path)
    loaded = SimilarityIndex.load(path)
    assert len(loaded) == len(index)
    for text in [*IDEAS.values(), "solceller"]:
        assert loaded.query(text, k=3) == index.query(text, k=3)
    assert loaded.query("solceller", filter={"country": "SE"})[0][0] == 10
    loaded.add(11, "Solceller på förskolans tak")
    assert load_index(path).query("solceller", k=5) == index.query("solceller", k=5)
    assert not list(tmp_path.glob("*.tmp"))


def test_make_index_without_model_is_lexical():
    assert isinstance(make_index(embedding_model=None), SimilarityIndex)


def test_levels():
    assert similarity_level(LIKELY_DUPLICATE) == "likely duplicate"
    assert similarity_level(POSSIBLY_RELATED) == "related"
    assert similarity_level(0.0) == "weak"
    assert 0 < POSSIBLY_RELATED < LIKELY_DUPLICATE < 1


def test_empty_and_symbol_only_texts_match_nothing(index):
    index.add(20, "")
    index.add(21, "🙂🙂 !!! …")
    assert index.query("") == []
    assert index.query("🙂🙂") == []
    assert all(doc_id not in (20, 21) for doc_id, _ in index.query(IDEAS[1]))


def test_huge_text_is_bounded(index):
    huge = "Cykelbana längs ån mellan centrum och stationen. " * 21_000  # about 1 MB
    started = time.perf_counter()
    index.add(30, huge)
    hits = index.query(huge, k=2)
    assert time.perf_counter() - started < 3.0
    assert hits[0][0] in (1, 30)


def test_long_texts_are_sampled_consistently():
    body = " ".join(f"ord{i} mening nummer {i} om kommunens cykelvägar" for i in range(200))
    index = SimilarityIndex(sketch_size=64)
    index.add("long", body)
    index.add("other", "Helt annan text om biblioteket")
    (best, score), *_ = index.query(body, k=1)
    assert best == "long"
    assert score == pytest.approx(1.0)


def test_bulk_build_in_processes_equals_one_by_one():
    texts = [f"Idé nummer {i}: {IDEAS[1 + i % 5]} och {IDEAS[1 + (i * 7) % 5]} {i % 13}" for i in range(6_000)]
    parallel = SimilarityIndex()
    parallel.add_many(enumerate(texts), workers=2)
    serial = SimilarityIndex()
    serial.add_many(enumerate(texts))
    for text in texts[:20]:
        assert parallel.query(text, k=5) == serial.query(text, k=5)


def _weighted_jaccard(index: SimilarityIndex, a: str, b: str) -> float:
    """The documented score, computed directly from the two feature sets."""
    from framja.similarity.index import _distinct_sorted, _hashed

    ids_a = set(_distinct_sorted([_hashed(text_features(a))]).tolist())
    ids_b = set(_distinct_sorted([_hashed(text_features(b))]).tolist())
    weight = lambda ids: float(index._weights(__import__("numpy").array(sorted(ids), dtype="int32")).sum())  # noqa: E731
    union = weight(ids_a | ids_b)
    return weight(ids_a & ids_b) / union if union else 0.0


short_texts = st.lists(
    st.sampled_from(["cykel", "bana", "lekplats", "park", "skola", "dörren", "døren", "bil", "ikke", "inte", "æble"]),
    min_size=1,
    max_size=8,
).map(" ".join)


@given(st.lists(short_texts, min_size=1, max_size=12), short_texts)
@settings(max_examples=60, deadline=None)
def test_scores_are_the_documented_weighted_jaccard(texts, query):
    index = SimilarityIndex()
    index.add_many(enumerate(texts))
    for doc_id, score in index.query(query, k=len(texts)):
        assert score == pytest.approx(_weighted_jaccard(index, query, texts[doc_id]), abs=1e-6)


operations = st.lists(
    st.tuples(st.sampled_from(["add", "update", "remove", "compact"]), st.integers(0, 6), st.text(max_size=200)),
    max_size=30,
)


@given(operations, st.text(max_size=300))
@settings(max_examples=80, deadline=None)
def test_any_sequence_of_operations_keeps_the_index_consistent(ops, query):
    index = SimilarityIndex(compact_every=4)
    present: dict[int, str] = {}
    for op, doc_id, text in ops:
        if op == "add" and doc_id not in present:
            index.add(doc_id, text, {"n": str(doc_id % 2)})
            present[doc_id] = text
        elif op == "update":
            index.update(doc_id, text)
            present[doc_id] = text
        elif op == "remove" and doc_id in present:
            index.remove(doc_id)
            del present[doc_id]
        elif op == "compact":
            index.compact()
    assert len(index) == len(present)
    hits = index.query(query, k=10)
    assert {doc_id for doc_id, _ in hits} <= set(present)
    assert all(0.0 <= score <= 1.0 + 1e-9 for _, score in hits)
    assert index.query(query, k=10, filter={"n": "1"}) is not None

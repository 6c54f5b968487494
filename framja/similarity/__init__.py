"""Pure-Python text similarity for the idea sluice: no Django import anywhere in this package.

Public API (see docs/similarity.md):

- `SimilarityIndex`: the lexical engine (the default; needs no model). `add`, `add_many`,
  `update`, `remove`, `discard`, `query`, `query_many`, `scores_for`, `compact`, `save`, `load`.
- `make_index(embedding_model=None)`: the engine for a configuration; with a model name or
  path, a `FusedIndex` (sentence-transformers, loaded lazily and offline).
- `load_index(path)`: load a snapshot of either engine.
- `save_index_dir(index, path)` / `load_index_dir(path)`: a snapshot as a directory of `.npy`
  files written atomically, opened memory-mapped (copy on write) so processes share it.
- `build_index_dir(items, path)`: the same lexical snapshot directory built from a stream of
  items, without holding the items or the index in memory (the rebuild from the database).
- `LIKELY_DUPLICATE`, `POSSIBLY_RELATED` and `similarity_level(score)`: what a score means.
- `detect_language(text)` and `normalise_text(text)`.
"""

from framja.similarity.dense import FusedIndex, load_index, load_index_dir, make_index, save_index_dir
from framja.similarity.index import (
    LIKELY_DUPLICATE,
    POSSIBLY_RELATED,
    SimilarityIndex,
    build_index_dir,
    similarity_level,
)
from framja.similarity.language import detect_language
from framja.similarity.normalise import words


def normalise_text(text: str) -> str:
    """The text as the engine compares it: cleaned, folded words joined by spaces."""
    return " ".join(words(text))


__all__ = [
    "LIKELY_DUPLICATE",
    "POSSIBLY_RELATED",
    "FusedIndex",
    "SimilarityIndex",
    "build_index_dir",
    "detect_language",
    "load_index",
    "load_index_dir",
    "make_index",
    "normalise_text",
    "save_index_dir",
    "similarity_level",
]

"""The corpora the similarity service serves. An app registers its corpus from its own module
(`AppConfig.ready()`); this app never imports the apps above it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

#: (key, text, attributes) of one live document. Attribute values are strings.
Document = tuple[int, str, dict[str, str]]


@dataclass(frozen=True)
class Corpus:
    """One corpus: where its documents come from and which attributes it can be filtered by.

    `documents(None)` streams every live document (use `.iterator()`: a rebuild reads it once);
    `documents(keys)` returns the live documents among `keys` (the others were removed).
    `count()` is the number of live documents (for progress bars).
    """

    name: str
    documents: Callable[[Collection[int] | None], Iterable[Document]]
    count: Callable[[], int]
    filters: tuple[str, ...] = ()
    embedding_model: Callable[[], str | None] = field(default=lambda: None)


_corpora: dict[str, Corpus] = {}


def register(corpus: Corpus) -> Corpus:
    """Declare a corpus (idempotent for the same name: the last registration wins)."""
    _corpora[corpus.name] = corpus
    return corpus


def get(name: str) -> Corpus:
    """The registered corpus `name`; KeyError if none."""
    return _corpora[name]


def corpora() -> list[Corpus]:
    """Every registered corpus, by name."""
    return [_corpora[name] for name in sorted(_corpora)]

"""The ideas corpus of the similarity service, and the functions the rest of Främja uses.

- The corpus "ideas" is registered with `framja.indexes` (`register_corpus`, from
  `IdeasConfig.ready()`): its text is title + description of every non-withdrawn idea; its
  attributes (country, municipality code, receiving organisation, stage kind) are stored once,
  inside the index, where filters read them.
- Every create/edit/withdraw/delete writes an `IndexChange` row ("ideas", idea id) in the same
  transaction (model signals here; casework code that uses `QuerySet.update()` calls
  `record_change()`).
- Queries go to this process's reader (`framja.indexes.services.reader("ideas")`): the newest
  snapshot, memory-mapped and shared by every process on the host, plus the change log's tail
  applied in memory. No request builds the index: the writer job publishes snapshots
  (`framja index_rebuild`, `index_publish`); without one, suggestions are empty.

The text engine is `framja.similarity` (pure Python, no Django).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_init, post_save
from django.utils.translation import gettext_lazy as _

from framja import similarity
from framja.ideas.models import Idea
from framja.indexes import registry
from framja.indexes import services as indexes
from framja.indexes.models import IndexChange
from framja.similarity import relevance

logger = logging.getLogger(__name__)

#: The corpus name in the change log and the snapshot store.
CORPUS = "ideas"
#: Fields whose change alters what the index holds.
INDEXED_FIELDS = ("title", "description", "withdrawn_at", "municipality_id", "receiving_organisation_id", "stage_id")


# --- levels in plain words ------------------------------------------------------------------

LIKELY_DUPLICATE = float(similarity.LIKELY_DUPLICATE)
POSSIBLY_RELATED = float(similarity.POSSIBLY_RELATED)
#: No suggestion below this score. Ideas in other languages than the query's score low (the
#: demo's Norwegian and Swedish "open data" twins 0.17), so the floor is low; what keeps
#: unrelated ideas out is the background rule (`framja.similarity.relevance`): a suggestion
#: must score SHOW_RATIO times the query's 10th best hit, measured by `bench/suggestions.py`.
SHOW_FROM = float(getattr(settings, "FRAMJA_IDEAS_SUGGEST_FROM", relevance.SHOW_FLOOR))
SHOW_RATIO = relevance.SHOW_RATIO

LEVEL_LABELS = {
    "likely_duplicate": _("Very likely the same idea"),
    "similar": _("Similar"),
    "related": _("Possibly related"),
    "unrelated": _("Hardly related"),
}


def level(score: float) -> str:
    """The plain-words level of a score: likely_duplicate, similar, related or unrelated."""
    if score >= LIKELY_DUPLICATE:
        return "likely_duplicate"
    if score >= POSSIBLY_RELATED:
        return "similar"
    if score >= SHOW_FROM:
        return "related"
    return "unrelated"


def level_label(score: float) -> str:
    return str(LEVEL_LABELS[level(score)])


# --- the corpus ---------------------------------------------------------------------------------

_VALUES = (
    "pk",
    "title",
    "description",
    "municipality__code",
    "municipality__country",
    "receiving_organisation_id",
    "stage__kind",
)


def _document(row: dict[str, Any]) -> registry.Document:
    attrs = {
        "country": row["municipality__country"],
        "municipality": row["municipality__code"],
        "organisation": str(row["receiving_organisation_id"] or ""),
        "stage": row["stage__kind"] or "received",
    }
    return row["pk"], f"{row['title']}\n{row['description']}", attrs


def _documents(keys: Collection[int] | None) -> Iterable[registry.Document]:
    """Every public idea streamed in one pass (keys None), or the public ones among `keys`."""
    rows = Idea.objects.public()
    if keys is None:
        return (_document(row) for row in rows.order_by("pk").values(*_VALUES).iterator(chunk_size=2_000))
    return [_document(row) for row in rows.filter(pk__in=list(keys)).values(*_VALUES)]


def _embedding_model() -> str | None:
    return getattr(settings, "FRAMJA_EMBEDDING_MODEL", "") or None


def register_corpus() -> None:
    registry.register(
        registry.Corpus(
            name=CORPUS,
            documents=_documents,
            count=lambda: Idea.objects.public().count(),
            filters=("country", "municipality", "organisation", "stage"),
            embedding_model=_embedding_model,
        )
    )


@dataclass
class Match:
    idea_id: int
    score: float


def reset() -> None:
    """Forget this process's readers (tests; after restoring a database)."""
    indexes.reset_readers()


# --- the functions the rest of Främja uses ----------------------------------------------------


def similar(
    text: str,
    *,
    k: int = 5,
    exclude: Sequence[int] = (),
    municipality: str | None = None,
    country: str | None = None,
    min_score: float | None = None,
    ratio: float | None = None,
    draft: bool = False,
) -> list[Match]:
    """The ideas related to `text`, best first, at most `k`: from all municipalities unless
    `municipality` (a code) or `country` narrows them. Related = at least `min_score` (default
    `SHOW_FROM`) and at least `ratio` (default `SHOW_RATIO`) times the score of the query's
    10th best idea, the background of unrelated ideas (`relevance.py`); ratio 0 turns that off.
    `draft`: `text` is what a person has written so far (the submit page, the API's as-you-type
    check): scored with the draft score, which does not mark a short text down for being short
    (docs/similarity.md). Duplicate checks between stored ideas keep the symmetric score."""

    where = {}
    if municipality is not None:
        where["municipality"] = municipality
    if country is not None:
        where["country"] = country
    floor = SHOW_FROM if min_score is None else min_score
    times = SHOW_RATIO if ratio is None else ratio
    depth = max(k, relevance.BACKGROUND_RANK)
    hits = indexes.reader(CORPUS).query(text, k=depth, exclude=exclude, where=where, draft=draft)
    scores = [hit.score for hit in hits]
    return [
        Match(hit.key, hit.score) for hit in hits if relevance.is_related(hit.score, scores, floor=floor, ratio=times)
    ][:k]


def similar_to_idea(idea: Idea, k: int = 10, *, min_score: float = 0.0, ratio: float = 0.0) -> list[tuple[int, float]]:
    """(idea id, score) of the ideas most similar to `idea` (itself excluded), for duplicate
    checks; by default every neighbour, else those passing `min_score` and `ratio` as in `similar`."""
    text = f"{idea.title}\n{idea.description}"
    return [(m.idea_id, m.score) for m in similar(text, k=k, exclude=[idea.pk], min_score=min_score, ratio=ratio)]


def record_change(idea_id: int, op: str = IndexChange.Op.UPSERT) -> None:
    """Note that the idea's indexed data changed (call inside the transaction of the change when
    saving through `QuerySet.update()`, which sends no signals)."""
    indexes.record_change(CORPUS, idea_id, op)


# --- signals: every save and delete of an idea, from anywhere, reaches the log -----------------


def _remember_state(sender: type[Idea], instance: Idea, **kwargs: Any) -> None:
    deferred = instance.get_deferred_fields()
    if any(field in deferred for field in INDEXED_FIELDS):
        instance._index_state = None  # type: ignore[attr-defined]
    else:
        instance._index_state = tuple(getattr(instance, f) for f in INDEXED_FIELDS)  # type: ignore[attr-defined]


def _on_save(sender: type[Idea], instance: Idea, created: bool, **kwargs: Any) -> None:
    state = tuple(getattr(instance, f) for f in INDEXED_FIELDS)
    before = getattr(instance, "_index_state", None)
    if created or before is None or before != state:
        op = IndexChange.Op.REMOVE if instance.withdrawn_at is not None else IndexChange.Op.UPSERT
        record_change(instance.pk, op)
    instance._index_state = state  # type: ignore[attr-defined]


def _on_delete(sender: type[Idea], instance: Idea, **kwargs: Any) -> None:
    record_change(instance.pk, IndexChange.Op.REMOVE)


def connect_signals() -> None:
    post_init.connect(_remember_state, sender=Idea, dispatch_uid="ideas-matching-init")
    post_save.connect(_on_save, sender=Idea, dispatch_uid="ideas-matching-save")
    post_delete.connect(_on_delete, sender=Idea, dispatch_uid="ideas-matching-delete")


__all__ = [
    "LEVEL_LABELS",
    "Match",
    "SimilarIdea",
    "connect_signals",
    "level",
    "level_label",
    "record_change",
    "register_corpus",
    "reset",
    "similar",
    "similar_ideas",
    "similar_to_idea",
]


@dataclass
class SimilarIdea:
    """A suggestion as pages and the API show it: the idea (municipality and stage loaded) and its score."""

    idea: Idea
    score: float

    @property
    def level(self) -> str:
        return level(self.score)

    @property
    def level_label(self) -> str:
        return level_label(self.score)


def similar_ideas(
    text: str,
    *,
    k: int = 5,
    exclude: Sequence[int] = (),
    municipality: str | None = None,
    country: str | None = None,
) -> list[SimilarIdea]:
    """`similar()` of a draft (what a person writes) with the ideas loaded in one query
    (public ideas only), best first."""
    matches = similar(text, k=k, exclude=exclude, municipality=municipality, country=country, draft=True)
    if not matches:
        return []
    ideas = Idea.objects.public().select_related("municipality", "stage").in_bulk([m.idea_id for m in matches])
    return [SimilarIdea(ideas[m.idea_id], m.score) for m in matches if m.idea_id in ideas]

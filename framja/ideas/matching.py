"""The similarity index of ideas, shared by every request of one process and kept consistent
across processes.

- One index per process, built lazily and guarded by a lock. Its text is title + description of
  every non-withdrawn idea of every municipality; attributes (country, municipality code,
  receiving organisation, stage kind) are kept beside it for filtering.
- Every create/edit/withdraw/delete writes an `IndexChange` row in the same transaction (model
  signals here; casework code that uses `QuerySet.update()` writes the row itself or calls
  `record_change()`).
- Before a query a process applies change rows newer than it has seen (one indexed query, at
  most every `SYNC_INTERVAL` seconds), so an idea saved through one worker is found through
  another within a second. Ids skipped by the sequence (transactions still open, or rolled
  back) are re-checked for a while, so a late commit is not missed.
- A snapshot (`DATA_DIR/similarity/`) records which change it includes: a restarted process
  loads it and applies only newer changes instead of rebuilding. `framja similarity_rebuild`
  rebuilds from scratch and saves a fresh snapshot.

The text engine is `framja.similarity` (pure Python, no Django).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max, Q
from django.db.models.signals import post_delete, post_init, post_save
from django.utils.translation import gettext_lazy as _

from framja import similarity
from framja.ideas.models import Idea, IndexChange

logger = logging.getLogger(__name__)

#: A process applies other processes' changes at most this often (seconds).
SYNC_INTERVAL = 0.2
#: How long a skipped change id is re-checked before it is taken as rolled back (seconds).
GAP_PATIENCE = 120.0
#: Save a fresh snapshot after this many applied changes.
SAVE_EVERY = 500
#: A process idle for longer than this reloads the snapshot (old change rows may be pruned).
STALE_AFTER = 12 * 60 * 60
#: Change rows older than this (and included in a snapshot) are pruned by the rebuild command.
KEEP_CHANGES_SECONDS = 2 * 24 * 60 * 60
#: Fields whose change alters what the index holds.
INDEXED_FIELDS = ("title", "description", "withdrawn_at", "municipality_id", "receiving_organisation_id", "stage_id")


# --- levels in plain words ------------------------------------------------------------------

LIKELY_DUPLICATE = float(getattr(similarity, "LIKELY_DUPLICATE", 0.5))
POSSIBLY_RELATED = float(getattr(similarity, "POSSIBLY_RELATED", 0.3))
#: Suggestions start here, well below the library's "related": the same idea written in
#: Norwegian and in Swedish shares far fewer letter sequences than two Swedish versions do, and
#: only the few best are shown anyway, each labelled with its level.
SHOW_FROM = float(getattr(settings, "FRAMJA_IDEAS_SUGGEST_FROM", 0.1))

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


# --- the engine ---------------------------------------------------------------------------


def _embedding_model() -> str | None:
    return getattr(settings, "FRAMJA_EMBEDDING_MODEL", "") or None


def _make_engine() -> Any:
    """A fresh, empty index: lexical, or fused with an embedding model when one is configured."""
    model = _embedding_model()
    factory: Callable[..., Any] | None = getattr(similarity, "make_index", None)
    if factory is not None:
        return factory(embedding_model=model)
    if model:
        from framja.similarity.dense import make_index  # type: ignore[import-not-found,unused-ignore]

        return make_index(embedding_model=model)
    return similarity.SimilarityIndex()


def _load_engine(path: Path) -> Any:
    loader: Callable[..., Any] | None = getattr(similarity, "load_index", None)
    if loader is not None:
        return loader(str(path))
    if _embedding_model() is None or getattr(similarity, "make_index", None) is None:
        return similarity.SimilarityIndex.load(str(path))
    return type(_make_engine()).load(str(path))


# --- what goes into the index -----------------------------------------------------------------

_VALUES = (
    "pk",
    "title",
    "description",
    "withdrawn_at",
    "municipality__code",
    "municipality__country",
    "receiving_organisation_id",
    "stage__kind",
)


def _text(row: dict[str, Any]) -> str:
    return f"{row['title']}\n{row['description']}"


def _attrs(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "country": row["municipality__country"],
        "municipality": row["municipality__code"],
        "organisation": str(row["receiving_organisation_id"] or ""),
        "stage": row["stage__kind"] or "received",
    }


@dataclass
class Match:
    idea_id: int
    score: float


class IdeaIndex:
    """The process-wide index and its bookkeeping (see the module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lock = threading.RLock()
        self.engine: Any = None
        self.attrs: dict[int, dict[str, Any]] = {}
        self.applied_through = 0
        self.gaps: dict[int, float] = {}
        self.last_sync = 0.0
        self.unsaved = 0

    # loading and saving

    @property
    def meta_path(self) -> Path:
        return self.directory / "meta.json"

    def _ensure_loaded(self) -> None:
        if self.engine is not None and time.monotonic() - self.last_sync < STALE_AFTER:
            return
        if not self._load_snapshot():
            self.rebuild()

    def _load_snapshot(self) -> bool:
        try:
            meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
            engine = _load_engine(self.directory / meta["index"])
            attrs = {int(k): v for k, v in meta["attrs"].items()}
            applied_through = int(meta["applied_through"])
        except FileNotFoundError:
            return False
        except Exception:
            logger.exception("Similarity snapshot in %s is unusable; rebuilding", self.directory)
            return False
        self.engine, self.attrs, self.applied_through = engine, attrs, applied_through
        self.gaps, self.unsaved, self.last_sync = {}, 0, 0.0
        self._sync()
        return True

    def save_snapshot(self) -> None:
        """Write the index and the change it includes; atomic, so readers never see half a file."""
        with self.lock:
            if self.engine is None:
                return
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"index-{os.getpid()}-{time.time_ns()}.snapshot"
            self.engine.save(str(self.directory / name))
            safe_through = min(self.gaps) - 1 if self.gaps else self.applied_through
            meta = {
                "index": name,
                "applied_through": safe_through,
                "model": getattr(settings, "FRAMJA_EMBEDDING_MODEL", ""),
                "attrs": {str(k): v for k, v in self.attrs.items()},
            }
            tmp = self.directory / f"meta-{os.getpid()}-{time.time_ns()}.tmp"
            tmp.write_text(json.dumps(meta), encoding="utf-8")
            tmp.replace(self.meta_path)
            self.unsaved = 0
            for old in self.directory.glob("index-*.snapshot"):
                if old.name != name and time.time() - old.stat().st_mtime > 60:
                    _remove_path(old)

    def rebuild(self, progress: Callable[[int], None] | None = None, chunk_size: int = 500) -> int:
        """Build the index from every idea, then save a snapshot. Returns the number indexed."""
        with self.lock:
            through = IndexChange.objects.aggregate(m=Max("id"))["m"] or 0  # read before the ideas
            engine = _make_engine()
            attrs: dict[int, dict[str, Any]] = {}
            rows = Idea.objects.public().order_by("pk").values(*_VALUES)
            bulk = getattr(engine, "add_many", None)
            batch: list[tuple[int, str, dict[str, Any]]] = []
            for row in rows.iterator(chunk_size=chunk_size):
                attrs[row["pk"]] = _attrs(row)
                batch.append((row["pk"], _text(row), attrs[row["pk"]]))
                if len(batch) >= chunk_size:
                    self._add_batch(engine, bulk, batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            if batch:
                self._add_batch(engine, bulk, batch)
                if progress:
                    progress(len(batch))
            self.engine, self.attrs, self.applied_through = engine, attrs, through
            self.gaps, self.last_sync = {}, 0.0
            self._sync()
            self.save_snapshot()
            return len(self.attrs)

    @staticmethod
    def _add_batch(engine: Any, bulk: Any, batch: list[tuple[int, str, dict[str, Any]]]) -> None:
        if bulk is not None:
            bulk(batch)
            return
        for key, text, attrs in batch:
            engine.add(key, text, attrs)

    # keeping up with other processes

    def sync(self, force: bool = False) -> None:
        with self.lock:
            self._ensure_loaded()
            if force or time.monotonic() - self.last_sync >= SYNC_INTERVAL:
                self._sync()

    def _sync(self) -> None:
        self.last_sync = time.monotonic()
        condition = Q(id__gt=self.applied_through)
        if self.gaps:
            condition |= Q(id__in=list(self.gaps))
        changes = list(IndexChange.objects.filter(condition).order_by("id").values_list("id", "idea_id")[:20000])
        if not changes:
            self._expire_gaps()
            return
        now = time.monotonic()
        seen = {change_id for change_id, _ in changes}
        for change_id in seen:
            self.gaps.pop(change_id, None)
        newest = max(seen)
        for missing in range(self.applied_through + 1, newest):
            if missing not in seen and newest - missing < 10000:
                self.gaps.setdefault(missing, now)
        self.applied_through = max(self.applied_through, newest)
        self._apply({idea_id for _, idea_id in changes})
        self._expire_gaps()
        if self.unsaved >= SAVE_EVERY:
            try:
                self.save_snapshot()
            except OSError:
                logger.exception("Could not save the similarity snapshot")

    def _expire_gaps(self) -> None:
        cutoff = time.monotonic() - GAP_PATIENCE
        for change_id in [c for c, first_seen in self.gaps.items() if first_seen < cutoff]:
            del self.gaps[change_id]

    def _apply(self, idea_ids: Iterable[int]) -> None:
        ids = set(idea_ids)
        rows = {row["pk"]: row for row in Idea.objects.filter(pk__in=ids).values(*_VALUES)}
        for idea_id in ids:
            row = rows.get(idea_id)
            if row is None or row["withdrawn_at"] is not None:
                self.engine.discard(idea_id)
                self.attrs.pop(idea_id, None)
            else:
                attrs = _attrs(row)
                self.engine.update(idea_id, _text(row), attrs)
                self.attrs[idea_id] = attrs
            self.unsaved += 1

    # asking

    def query(
        self,
        text: str,
        *,
        k: int = 5,
        exclude: Sequence[int] = (),
        where: dict[str, str] | None = None,
    ) -> list[Match]:
        text = (text or "").strip()
        if not text or k <= 0:
            return []
        self.sync()
        with self.lock:
            excluded = set(exclude)
            hits = self.engine.query(text, k + len(excluded), where or None)
            found = [
                Match(int(key), max(0.0, min(1.0, float(score))))
                for key, score in hits
                if int(key) in self.attrs and int(key) not in excluded
            ]
            return found[:k]


def _remove_path(path: Path) -> None:
    try:
        if path.is_dir():
            import shutil

            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


_index: IdeaIndex | None = None
_index_lock = threading.Lock()


def get_index() -> IdeaIndex:
    """The process-wide index (created on first use; loaded from the snapshot on first query)."""
    global _index
    with _index_lock:
        directory = Path(settings.DATA_DIR) / "similarity"
        if _index is None or _index.directory != directory:
            _index = IdeaIndex(directory)
        return _index


def reset() -> None:
    """Forget the process's index (tests; after restoring a database)."""
    global _index
    with _index_lock:
        _index = None


# --- the functions the rest of Främja uses ----------------------------------------------------


def similar(
    text: str,
    *,
    k: int = 5,
    exclude: Sequence[int] = (),
    municipality: str | None = None,
    country: str | None = None,
    min_score: float | None = None,
) -> list[Match]:
    """The ideas most similar to `text`, from all municipalities unless `municipality` (a code)
    or `country` narrows them; only scores of at least `min_score` (default `SHOW_FROM`)."""

    where = {}
    if municipality is not None:
        where["municipality"] = municipality
    if country is not None:
        where["country"] = country
    floor = SHOW_FROM if min_score is None else min_score
    matches = get_index().query(text, k=k, exclude=exclude, where=where)
    return [m for m in matches if m.score >= floor]


def similar_to_idea(idea: Idea, k: int = 10) -> list[tuple[int, float]]:
    """(idea id, score) of the ideas most similar to `idea` (itself excluded), for duplicate checks."""
    return [
        (m.idea_id, m.score)
        for m in similar(f"{idea.title}\n{idea.description}", k=k, exclude=[idea.pk], min_score=0.0)
    ]


def record_change(idea_id: int, op: str = IndexChange.Op.UPSERT) -> None:
    """Note that the idea's indexed data changed (call inside the transaction of the change when
    saving through `QuerySet.update()`, which sends no signals)."""
    IndexChange.objects.create(idea_id=idea_id, op=op)


def prune_changes() -> int:
    """Delete change rows that the saved snapshot includes and that are old enough that no
    running process still needs them. Returns the number deleted."""
    from datetime import timedelta

    from django.utils import timezone

    try:
        meta = json.loads(get_index().meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    cutoff = timezone.now() - timedelta(seconds=KEEP_CHANGES_SECONDS)
    deleted, _ = IndexChange.objects.filter(id__lte=int(meta["applied_through"]), created_at__lt=cutoff).delete()
    return deleted


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
    "get_index",
    "level",
    "level_label",
    "prune_changes",
    "record_change",
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
    """`similar()` with the ideas loaded in one query (public ideas only), best first."""
    matches = similar(text, k=k, exclude=exclude, municipality=municipality, country=country)
    if not matches:
        return []
    ideas = Idea.objects.public().select_related("municipality", "stage").in_bulk([m.idea_id for m in matches])
    return [SimilarIdea(ideas[m.idea_id], m.score) for m in matches if m.idea_id in ideas]

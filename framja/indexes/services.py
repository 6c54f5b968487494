"""The similarity service: record changes, read (every process), write (the writer job only).

Readers (`reader(name)`, one per corpus and process) open the newest snapshot memory-mapped
and apply the change log's tail in memory: a small overlay on top of the shared arrays. They
never build an index: without a snapshot they answer nothing, log a warning and `/readyz` says
why. The writer (`publish`, `rebuild`, `prune`, run by the jobs in `tasks.py` or the commands)
folds the tail into a new snapshot, rebuilds from the database on a schedule and prunes the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from framja import similarity
from framja.indexes import registry
from framja.indexes.models import IndexChange
from framja.indexes.store import Snapshot, SnapshotStore

logger = logging.getLogger(__name__)

#: A reader looks for changes and for a newer snapshot at most this often (seconds).
SYNC_INTERVAL = 0.2
#: How long a skipped change id is re-checked before it is taken as rolled back (seconds).
GAP_PATIENCE = 120.0
#: Change rows read per query when applying the tail.
TAIL_BATCH = 20_000
#: The writer publishes when the tail has this many rows ...
PUBLISH_AFTER_CHANGES = 1_000
#: ... or when its oldest row is older than this (seconds).
PUBLISH_AFTER_SECONDS = 5 * 60
#: Rows included in the current snapshot are pruned once older than this (seconds): a reader
#: that read CURRENT just before a publish still finds its tail.
PRUNE_GRACE_SECONDS = 5 * 60
#: Warn about a missing snapshot at most this often per corpus and process (seconds).
WARN_EVERY = 60.0


def record_change(corpus: str, key: int, op: str = IndexChange.Op.UPSERT) -> None:
    """Note that document `key` of `corpus` changed (inside the transaction of the change)."""
    IndexChange.objects.create(corpus=corpus, key=key, op=op)


# --- applying the log (shared by readers and the writer) ------------------------------------


@dataclass
class Position:
    """How far an engine has applied the log: every id <= through, except the gaps (each with
    the wall-clock time it was first missed: snapshots carry them between processes)."""

    through: int
    gaps: dict[int, float]

    def condition(self) -> Q:
        condition = Q(id__gt=self.through)
        if self.gaps:
            condition |= Q(id__in=list(self.gaps))
        return condition

    def safe_through(self) -> int:
        """The highest id below which nothing is missing (what a snapshot may claim)."""
        return min(self.gaps) - 1 if self.gaps else self.through


def _apply_tail(corpus: registry.Corpus, engine: Any, position: Position) -> int:
    """Apply the changes after `position` to `engine` (re-reading each changed document from
    the database, so applying a change twice is harmless). Returns the number of documents."""
    applied = 0
    while True:
        changes = list(
            IndexChange.objects.filter(position.condition(), corpus=corpus.name)
            .order_by("id")
            .values_list("id", "key")[:TAIL_BATCH]
        )
        now = time.time()
        if changes:
            seen = {change_id for change_id, _ in changes}
            for change_id in seen:
                position.gaps.pop(change_id, None)
            newest = max(seen)
            # ids between are other corpora's rows or changes not yet committed: check
            # only ids we cannot account for (not in another corpus)
            missing = set(range(position.through + 1, newest)) - seen if newest - position.through < 10_000 else set()
            if missing:
                other = set(IndexChange.objects.filter(id__in=missing).values_list("id", flat=True))
                for change_id in missing - other:
                    position.gaps.setdefault(change_id, now)
            position.through = max(position.through, newest)
            keys = {key for _, key in changes}
            _apply_keys(corpus, engine, keys)
            applied += len(keys)
        for change_id in [c for c, first in position.gaps.items() if first < now - GAP_PATIENCE]:
            del position.gaps[change_id]
        if len(changes) < TAIL_BATCH:
            return applied


def _apply_keys(corpus: registry.Corpus, engine: Any, keys: Collection[int]) -> None:
    live = {key: (text, attrs) for key, text, attrs in corpus.documents(keys)}
    for key in keys:
        if key in live:
            engine.update(key, *live[key])
        else:
            engine.discard(key)


def _new_engine(corpus: registry.Corpus) -> Any:
    return similarity.make_index(embedding_model=corpus.embedding_model())


# --- readers: one per corpus and process ------------------------------------------------------


@dataclass
class Hit:
    key: int
    score: float


class Reader:
    """A corpus as one process sees it: the current snapshot (mapped) plus the tail."""

    def __init__(self, corpus: registry.Corpus, store: SnapshotStore | None = None) -> None:
        self.corpus = corpus
        self.store = store or SnapshotStore(corpus.name)
        self.lock = threading.RLock()
        self.engine: Any = None
        self.snapshot: Snapshot | None = None
        self.position = Position(0, {})
        self.overlay = 0  # documents applied on top of the snapshot
        self.last_sync = 0.0
        self.last_warning = -WARN_EVERY
        self.opened_at = 0.0

    def sync(self, force: bool = False) -> None:
        """Move to a newer snapshot if one was published, then apply the tail."""
        with self.lock:
            if not force and time.monotonic() - self.last_sync < SYNC_INTERVAL:
                return
            self.last_sync = time.monotonic()
            current = self.store.current()
            if current is None:
                self.engine, self.snapshot = None, None
                if time.monotonic() - self.last_warning >= WARN_EVERY:
                    self.last_warning = time.monotonic()
                    logger.warning(
                        "No snapshot of the %s similarity index in %s: suggestions are empty until "
                        "the writer publishes one (framja index_rebuild)",
                        self.corpus.name,
                        self.store.directory,
                    )
                return
            if self.snapshot is None or current.name != self.snapshot.name:
                started = time.monotonic()
                self.engine = self.store.open(current)
                self.snapshot = current
                self.position = Position(current.through, dict(current.gaps))
                self.overlay = 0
                self.opened_at = time.monotonic() - started
            self.overlay += _apply_tail(self.corpus, self.engine, self.position)

    def query(
        self,
        text: str,
        *,
        k: int = 5,
        exclude: Sequence[int] = (),
        where: dict[str, Any] | None = None,
        draft: bool = False,
    ) -> list[Hit]:
        """The `k` documents most similar to `text` (scores in [0, 1], best first); `draft`:
        `text` may be the beginning of a longer text, as typed (framja.similarity's draft score)."""
        text = (text or "").strip()
        if not text or k <= 0:
            return []
        self.sync()
        with self.lock:
            if self.engine is None:
                return []
            excluded = set(exclude)
            hits = self.engine.query(text, k + len(excluded), where or None, draft=draft)
            found = [Hit(int(key), max(0.0, min(1.0, float(score)))) for key, score in hits if int(key) not in excluded]
            return found[:k]

    def status(self) -> dict[str, Any]:
        """For /readyz: loaded or not (and why), the snapshot, and how far it lags the log."""
        self.sync(force=True)
        with self.lock:
            if self.engine is None or self.snapshot is None:
                return {"ready": False, "reason": "no snapshot: run `framja index_rebuild`", "documents": 0}
            pending = IndexChange.objects.filter(self.position.condition(), corpus=self.corpus.name).count()
            behind_snapshot = IndexChange.objects.filter(
                Position(self.snapshot.through, dict(self.snapshot.gaps)).condition(), corpus=self.corpus.name
            ).count()
            return {
                "ready": True,
                "snapshot": self.snapshot.name,
                "snapshot_age_seconds": round(time.time() - self.snapshot.written_at, 1),
                "rebuilt_age_seconds": round(time.time() - self.snapshot.rebuilt_at, 1),
                "documents": len(self.engine),
                "overlay_documents": self.overlay,
                "changes_after_snapshot": behind_snapshot,
                "changes_not_applied": pending,
            }


_readers: dict[str, Reader] = {}
_readers_lock = threading.Lock()


def reader(name: str) -> Reader:
    """This process's reader of corpus `name` (opened on first use, never built here)."""
    with _readers_lock:
        corpus = registry.get(name)
        current = _readers.get(name)
        if current is None or current.store.directory != SnapshotStore(name).directory:
            current = _readers[name] = Reader(corpus)
        return current


def reset_readers() -> None:
    """Forget this process's readers (tests; after restoring a database)."""
    with _readers_lock:
        _readers.clear()


# --- the writer ---------------------------------------------------------------------------------


def rebuild(name: str, *, progress: Callable[[int], None] | None = None, chunk_size: int = 2_000) -> Snapshot:
    """Build corpus `name` from the database in one pass and publish it.

    Linear: the documents are streamed once (`.iterator()` in the corpus). The lexical engine
    is built straight into the snapshot's files (`SnapshotStore.build`): memory grows with the
    number of documents by ~100 bytes each, not with their text or postings, so a million
    ideas build within 2 GB. Changes committed during the build stay in the log's tail, which
    readers apply on top (the snapshot claims only the log position read before the
    documents). A fused (embedding) engine is built in memory and the tail folded in.
    Corrects the idf drift that removals leave behind.
    """
    corpus = registry.get(name)
    store = SnapshotStore(name)
    # Read the log position before the documents: a change committed meanwhile is applied
    # again by the readers, which is harmless; one not yet committed is a gap.
    through = IndexChange.objects.aggregate(m=Max("id"))["m"] or 0
    recent = set(IndexChange.objects.filter(id__gt=through - 1_000, id__lte=through).values_list("id", flat=True))
    now = time.time()
    gaps = {i: now for i in range(max(through - 1_000, 0) + 1, through + 1) if i not in recent}

    def stream() -> Any:
        batch = 0
        for document in corpus.documents(None):
            yield document
            batch += 1
            if progress and batch >= chunk_size:
                progress(batch)
                batch = 0
        if progress and batch:
            progress(batch)

    if not corpus.embedding_model():
        snapshot = store.build(stream(), through=through, gaps=gaps, rebuilt_at=now)
        logger.info("Rebuilt the %s similarity index: %d documents", name, snapshot.documents)
        return snapshot
    engine = _new_engine(corpus)
    engine.add_many(stream())
    position = Position(through, gaps)
    _apply_tail(corpus, engine, position)
    snapshot = store.publish(engine, through=position.safe_through(), gaps=position.gaps, rebuilt_at=time.time())
    logger.info("Rebuilt the %s similarity index: %d documents", name, len(engine))
    return snapshot


def publish(name: str, *, force: bool = False) -> Snapshot | None:
    """Fold the tail into a new snapshot when it is long or old enough (or `force`).

    Without any snapshot, rebuilds. Returns the new snapshot, or None when nothing was due.
    """
    corpus = registry.get(name)
    store = SnapshotStore(name)
    current = store.current()
    if current is None:
        return rebuild(name)
    position = Position(current.through, dict(current.gaps))
    tail = IndexChange.objects.filter(position.condition(), corpus=name)
    oldest = tail.order_by("id").values_list("created_at", flat=True).first()
    due = force or tail.count() >= PUBLISH_AFTER_CHANGES
    due = due or (oldest is not None and oldest < timezone.now() - timedelta(seconds=PUBLISH_AFTER_SECONDS))
    if not due:
        return None
    engine = store.open(current)
    _apply_tail(corpus, engine, position)
    return store.publish(engine, through=position.safe_through(), gaps=position.gaps)


def prune(name: str) -> int:
    """Delete change rows the current snapshot includes (after a grace). Returns the count."""
    current = SnapshotStore(name).current()
    if current is None:
        return 0
    cutoff = timezone.now() - timedelta(seconds=PRUNE_GRACE_SECONDS)
    with transaction.atomic():
        deleted, _ = (
            IndexChange.objects.filter(corpus=name, id__lte=current.through, created_at__lt=cutoff)
            .exclude(id__in=list(current.gaps))
            .delete()
        )
    return deleted

"""Snapshots on disk: one directory per corpus, one sub-directory per snapshot, a `CURRENT`
pointer file. Written by the writer only; read (memory-mapped) by every process.

    DATA_DIR/indexes/<corpus>/CURRENT                     {"name": ..., "through": ..., ...}
    DATA_DIR/indexes/<corpus>/snap-000000001234-<ns>/     .npy arrays + meta.pickle

A snapshot is written to a temporary directory, fsynced and renamed; then CURRENT is replaced
atomically. The previous snapshot is kept for `KEEP_PREVIOUS_SECONDS` so readers that have not
yet moved on can finish (an unlinked file stays readable while it is mapped anyway).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from framja import similarity

#: Older snapshots than the current and the previous one are deleted after this long.
KEEP_PREVIOUS_SECONDS = 10 * 60


@dataclass(frozen=True)
class Snapshot:
    """What CURRENT says: the snapshot directory and the change log position it includes.

    Every change with id <= `through` is in it, except the ids in `gaps` (ids that were not
    visible when it was written: transactions still open, or rolled back), each with the time
    it was first missed.
    """

    name: str
    through: int
    gaps: dict[int, float] = field(default_factory=dict)
    documents: int = 0
    written_at: float = 0.0
    rebuilt_at: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "through": self.through,
            "gaps": {str(k): v for k, v in self.gaps.items()},
            "documents": self.documents,
            "written_at": self.written_at,
            "rebuilt_at": self.rebuilt_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        return cls(
            name=str(data["name"]),
            through=int(data["through"]),
            gaps={int(k): float(v) for k, v in data.get("gaps", {}).items()},
            documents=int(data.get("documents", 0)),
            written_at=float(data.get("written_at", 0.0)),
            rebuilt_at=float(data.get("rebuilt_at", 0.0)),
        )


class SnapshotStore:
    """The snapshots of one corpus."""

    def __init__(self, corpus: str, root: Path | None = None) -> None:
        self.corpus = corpus
        self.directory = (root or Path(settings.DATA_DIR) / "indexes") / corpus

    @property
    def pointer(self) -> Path:
        return self.directory / "CURRENT"

    def current(self) -> Snapshot | None:
        """The published snapshot, or None when there is none (or it is unreadable)."""
        try:
            snapshot = Snapshot.from_json(json.loads(self.pointer.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return snapshot if (self.directory / snapshot.name).is_dir() else None

    def open(self, snapshot: Snapshot) -> Any:
        """The engine of `snapshot`, memory-mapped copy-on-write (pages shared until written)."""
        return similarity.load_index_dir(self.directory / snapshot.name, mmap_mode="c")

    def publish(
        self, engine: Any, *, through: int, gaps: dict[int, float], rebuilt_at: float | None = None
    ) -> Snapshot:
        """Write `engine` as a new snapshot and make it current."""

        def write(path: Path) -> int:
            similarity.save_index_dir(engine, path)
            return len(engine)

        return self._publish(write, through=through, gaps=gaps, rebuilt_at=rebuilt_at)

    def build(
        self,
        documents: Iterable[tuple[int, str, dict[str, str]]],
        *,
        through: int,
        gaps: dict[int, float],
        rebuilt_at: float | None = None,
    ) -> Snapshot:
        """Build a lexical snapshot straight from `documents` (streamed once, never all held in
        memory: `similarity.build_index_dir`) and make it current."""
        return self._publish(
            lambda path: similarity.build_index_dir(documents, path), through=through, gaps=gaps, rebuilt_at=rebuilt_at
        )

    def _publish(
        self, write: Callable[[Path], int], *, through: int, gaps: dict[int, float], rebuilt_at: float | None
    ) -> Snapshot:
        """Write a new snapshot directory with `write` (returns its document count), make it current."""
        self.directory.mkdir(parents=True, exist_ok=True)
        previous = self.current()
        now = time.time()
        name = f"snap-{through:012d}-{time.time_ns()}"
        documents = write(self.directory / name)
        snapshot = Snapshot(
            name=name,
            through=through,
            gaps=dict(gaps),
            documents=documents,
            written_at=now,
            rebuilt_at=rebuilt_at if rebuilt_at is not None else (previous.rebuilt_at if previous else now),
        )
        fd, tmp = tempfile.mkstemp(prefix=".CURRENT.", dir=self.directory)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(snapshot.as_json(), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.pointer)
        self.clean(keep={name, previous.name if previous else name})
        return snapshot

    def clean(self, keep: set[str]) -> None:
        """Delete old snapshots (not in `keep`) and temporary leftovers older than the grace."""
        cutoff = time.time() - KEEP_PREVIOUS_SECONDS
        for path in self.directory.iterdir():
            if path.name in keep or path.name == "CURRENT":
                continue
            try:
                if path.stat().st_mtime > cutoff:
                    continue
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            except OSError:
                continue

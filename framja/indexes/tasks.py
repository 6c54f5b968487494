"""The writer's periodic jobs (retried, visible `Job`s). `SCHEDULE` is read by the project's scheduler;
each job is also a management command (`index_publish`, `index_prune`, `index_rebuild`).

Only the writer runs these: web processes only read snapshots.
"""

from __future__ import annotations

from framja.indexes import registry, services
from framja.jobs.services import job


@job(max_attempts=3)
def publish_indexes() -> dict[str, str | None]:
    """Fold each corpus's change log tail into a new snapshot when it is due."""
    result = {}
    for corpus in registry.corpora():
        snapshot = services.publish(corpus.name)
        result[corpus.name] = snapshot.name if snapshot else None
    return result


@job(max_attempts=3)
def prune_index_changes() -> dict[str, int]:
    """Delete change rows that the current snapshots include."""
    return {corpus.name: services.prune(corpus.name) for corpus in registry.corpora()}


@job(max_attempts=3)
def rebuild_indexes() -> dict[str, int]:
    """Rebuild every corpus from the database (nightly: corrects idf drift after removals)."""
    return {corpus.name: services.rebuild(corpus.name).documents for corpus in registry.corpora()}


#: (unique name, task, interval in seconds) for the project's scheduler.
SCHEDULE = [
    ("indexes-publish", publish_indexes, 30),
    ("indexes-prune", prune_index_changes, 60 * 60),
    ("indexes-rebuild", rebuild_indexes, 24 * 60 * 60),
]

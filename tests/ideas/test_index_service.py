"""The writer and the readers of the similarity service (ideas as the example corpus)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from framja import similarity
from framja.ideas import matching
from framja.indexes import registry, services
from framja.indexes.models import IndexChange
from framja.indexes.store import Snapshot, SnapshotStore
from framja.indexes.tasks import SCHEDULE, prune_index_changes, publish_indexes, rebuild_indexes
from framja.jobs.services import run_now

#: These tests count change-log rows and gaps exactly, so the log starts without gaps: on
#: PostgreSQL the id sequence has moved past rows that earlier tests rolled back.
GAPLESS_LOG = pytest.mark.usefixtures("change_log_without_gaps")

pytestmark = pytest.mark.usefixtures("public_side")

BIKES = "Cykelparkering med tak vid resecentrum"


def _current() -> Snapshot:
    snapshot = SnapshotStore("ideas").current()
    assert snapshot is not None
    return snapshot


def _bikes(make_idea, n: int = 1):
    return [
        make_idea(title=f"Cykelparkering vid resecentrum {i}", description="Tak över cykelställen för pendlare.")
        for i in range(n)
    ]


def test_readers_map_the_snapshot_instead_of_copying_it(make_idea):
    _bikes(make_idea, 2)
    services.rebuild("ideas")
    matching.reset()
    assert len(matching.similar(BIKES)) == 2
    engine = services.reader("ideas").engine
    # Shared, read-only pages: the big arrays are views of the files, not private copies.
    for array in (engine._inv_rows, engine._inv_ptr, engine._fwd_feat, engine._df):
        base = array
        while not isinstance(base, np.memmap) and getattr(base, "base", None) is not None:
            base = base.base
        assert isinstance(base, np.memmap)


@GAPLESS_LOG
def test_publish_folds_the_tail_into_a_new_snapshot_that_readers_move_to(make_idea):
    (first,) = _bikes(make_idea)
    services.rebuild("ideas")
    assert services.publish("ideas") is None  # nothing due
    (second,) = _bikes(make_idea)
    old = services.reader("ideas")
    assert {m.idea_id for m in matching.similar(BIKES)} == {first.pk, second.pk}
    assert old.overlay == 1

    snapshot = services.publish("ideas", force=True)
    assert snapshot is not None
    assert snapshot.documents == 2
    assert {m.idea_id for m in matching.similar(BIKES)} == {first.pk, second.pk}
    assert old.snapshot is not None
    assert old.snapshot.name == snapshot.name
    assert old.overlay == 0  # nothing left to apply on top


def test_a_long_tail_is_published_without_force(make_idea, monkeypatch):
    services.rebuild("ideas")
    monkeypatch.setattr(services, "PUBLISH_AFTER_CHANGES", 2)
    _bikes(make_idea, 2)
    assert run_now(publish_indexes)["ideas"] == _current().name


@GAPLESS_LOG
def test_prune_deletes_only_rows_the_snapshot_includes_after_a_grace(make_idea):
    _bikes(make_idea, 2)
    services.rebuild("ideas")
    included = list(IndexChange.objects.filter(corpus="ideas").values_list("id", flat=True))
    assert services.prune("ideas") == 0  # too recent: a reader may still need them
    IndexChange.objects.update(created_at=timezone.now() - timedelta(hours=1))
    (later,) = _bikes(make_idea)
    IndexChange.objects.filter(key=later.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert run_now(prune_index_changes)["ideas"] == len(included)
    assert list(IndexChange.objects.values_list("key", flat=True)) == [later.pk]  # the tail stays
    assert later.pk in {m.idea_id for m in matching.similar(BIKES)}


def test_rebuild_from_the_database_corrects_removals(make_idea):
    ideas = _bikes(make_idea, 3)
    services.rebuild("ideas")
    ideas[0].withdrawn_at = timezone.now()
    ideas[0].save()
    published = services.publish("ideas", force=True)
    assert published is not None
    assert published.documents == 2
    assert run_now(rebuild_indexes)["ideas"] == 2
    assert _current().rebuilt_at >= published.written_at


def test_the_schedule_names_each_writer_job_once():
    names = [name for name, _task, _interval in SCHEDULE]
    assert len(names) == len(set(names)) == 3
    assert all(interval > 0 for _name, _task, interval in SCHEDULE)


def test_ideas_register_their_corpus_with_its_filters():
    corpus = registry.get("ideas")
    assert set(corpus.filters) == {"country", "municipality", "organisation", "stage"}


def test_commands_publish_and_prune(make_idea, capsys):
    _bikes(make_idea)
    SnapshotStore("ideas").pointer.unlink()
    call_command("index_publish")  # no snapshot yet: the writer builds one
    call_command("index_publish")
    call_command("index_prune")
    out = capsys.readouterr().out
    assert "ideas: published snap-" in out
    assert "ideas: nothing due" in out
    assert "ideas: pruned 0 changes" in out


def test_an_idea_saved_during_a_rebuild_is_suggested_after_it(make_idea, monkeypatch):
    """The streamed build publishes the log position read before the documents; what is saved
    while they stream stays in the tail, which every reader applies."""
    _bikes(make_idea, 3)
    corpus = registry.get("ideas")
    saved: list[Any] = []

    def documents_saving_one_midway(keys):
        for n, document in enumerate(corpus.documents(keys)):
            if n == 1 and not saved:
                saved.extend(_bikes(make_idea))
            yield document

    monkeypatch.setattr(
        registry, "_corpora", {**registry._corpora, "ideas": replace(corpus, documents=documents_saving_one_midway)}
    )
    snapshot = services.rebuild("ideas")
    matching.reset()
    assert saved[0].pk in {m.idea_id for m in matching.similar(BIKES, k=10)}
    assert len({m.idea_id for m in matching.similar(BIKES, k=10)}) == 4
    assert services.reader("ideas").overlay == 1  # the saved idea, on top of the snapshot
    assert snapshot.documents in (3, 4)  # streamed before or after the save: both are right


def test_a_rebuild_reads_the_documents_as_a_stream_without_listing_them(make_idea, monkeypatch):
    _bikes(make_idea, 5)
    corpus = registry.get("ideas")
    pulled = []

    def counted(keys):
        for document in corpus.documents(keys):
            pulled.append(document[0])
            yield document

    monkeypatch.setattr(registry, "_corpora", {**registry._corpora, "ideas": replace(corpus, documents=counted)})
    monkeypatch.setattr(similarity.index, "BUILD_CHUNK", 2)
    seen_by_chunk = []
    analyse = similarity.index._analyse_chunk

    def spy(index, texts):
        seen_by_chunk.append(len(pulled))
        return analyse(index, texts)

    monkeypatch.setattr(similarity.index, "_analyse_chunk", spy)
    assert services.rebuild("ideas").documents == 5
    assert seen_by_chunk == [2, 4, 5]  # each chunk analysed before the next is read

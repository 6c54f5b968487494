"""The ideas corpus of the similarity service: kept up to date on create/edit/withdraw/delete
through the change log, read from a published snapshot plus the tail, never built inside a
request, rebuilt by a command."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from framja.ideas import matching
from framja.ideas.models import Idea
from framja.indexes import services as index_services
from framja.indexes.models import IndexChange
from framja.indexes.store import Snapshot, SnapshotStore

#: These tests count change-log rows and gaps exactly, so the log starts without gaps: on
#: PostgreSQL the id sequence has moved past rows that earlier tests rolled back.
GAPLESS_LOG = pytest.mark.usefixtures("change_log_without_gaps")

pytestmark = pytest.mark.usefixtures("public_side")

BIKES = "Cykelparkering med tak vid resecentrum för pendlare som tar tåget"


def _current() -> Snapshot:
    snapshot = SnapshotStore("ideas").current()
    assert snapshot is not None
    return snapshot


def _ids(text: str = BIKES) -> list[int]:
    return [m.idea_id for m in matching.similar(text, k=10)]


def test_new_edited_withdrawn_and_deleted_ideas_are_reflected(make_idea):
    assert _ids() == []
    idea = make_idea(title="Cykelparkering vid resecentrum", description="Tak över cykelställen för pendlare.")
    assert _ids() == [idea.pk]

    idea.title, idea.description = "Fler bänkar i parken", "Sittplatser för äldre längs promenadstråket."
    idea.save()
    assert _ids() == []
    assert _ids("bänkar i parken för äldre") == [idea.pk]

    idea.withdrawn_at = idea.created_at
    idea.save()
    assert _ids("bänkar i parken för äldre") == []

    Idea.objects.filter(pk=idea.pk).update(withdrawn_at=None)
    matching.record_change(idea.pk)  # what QuerySet.update() callers do
    assert _ids("bänkar i parken för äldre") == [idea.pk]

    idea.delete()
    assert _ids("bänkar i parken för äldre") == []


def test_saving_without_indexed_changes_writes_no_change_row(idea):
    before = IndexChange.objects.count()
    idea.budget = 1000
    idea.save()
    assert IndexChange.objects.count() == before
    Idea.objects.get(pk=idea.pk).save()
    assert IndexChange.objects.count() == before


@GAPLESS_LOG
def test_restart_opens_the_snapshot_and_applies_only_newer_changes(make_idea, monkeypatch):
    old = make_idea(title="Cykelparkering vid resecentrum", description="Tak över cykelställen för pendlare.")
    snapshot = index_services.rebuild("ideas")  # the writer
    assert snapshot.documents == 1
    matching.reset()  # a restarted process

    def no_build(*args, **kwargs):
        raise AssertionError("a reader must not build the index")

    monkeypatch.setattr(index_services, "rebuild", no_build)
    monkeypatch.setattr(index_services, "_new_engine", no_build)
    new = make_idea(title="Cykelparkering vid stationen", description="Cykelställ med tak för pendlare vid tåget.")
    assert set(_ids()) == {old.pk, new.pk}
    reader = index_services.reader("ideas")
    assert reader.snapshot is not None
    assert reader.snapshot.name == snapshot.name
    assert reader.overlay == 1  # only the newer idea was applied on top of the snapshot


def test_without_a_snapshot_suggestions_are_empty_and_a_warning_is_logged(make_idea, monkeypatch, caplog):
    make_idea(title="Cykelparkering vid resecentrum", description="Tak över cykelställen för pendlare.")
    SnapshotStore("ideas").pointer.unlink()
    matching.reset()
    monkeypatch.setattr(index_services, "_new_engine", lambda corpus: pytest.fail("built inside a request"))
    with caplog.at_level(logging.WARNING, logger="framja.indexes.services"):
        assert _ids() == []
    assert "No snapshot of the ideas similarity index" in caplog.text


@GAPLESS_LOG
def test_late_commit_of_an_earlier_change_is_not_missed(make_idea):
    first = make_idea(title="Cykelparkering vid resecentrum", description="Tak över cykelställen för pendlare.")
    second = make_idea(title="Cykelparkering vid stationen", description="Cykelställ med tak för pendlare vid tåget.")
    _ids()
    reader = index_services.reader("ideas")
    top = IndexChange.objects.latest("id").id
    # Another transaction took id top+1 but commits later; id top+2 is already visible.
    Idea.objects.filter(pk=second.pk).update(title="Något helt annat", description="Simhall i centrum.")
    IndexChange.objects.create(id=top + 2, corpus="ideas", key=first.pk, op="upsert")
    _ids()
    assert reader.position.through == top + 2
    assert top + 1 in reader.position.gaps
    IndexChange.objects.create(id=top + 1, corpus="ideas", key=second.pk, op="upsert")  # the late commit
    assert second.pk not in _ids()
    assert _ids("simhall i centrum") == [second.pk]
    assert not reader.position.gaps


def test_similar_to_idea_excludes_itself(make_idea):
    a = make_idea(title="Cykelparkering vid resecentrum", description="Tak över cykelställen för pendlare.")
    b = make_idea(title="Cykelparkering vid stationen", description="Cykelställ med tak för pendlare vid tåget.")
    found = matching.similar_to_idea(a, 5)
    assert [idea_id for idea_id, _score in found] == [b.pk]
    assert 0 < found[0][1] <= 1


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.9, "likely_duplicate"),
        (matching.LIKELY_DUPLICATE, "likely_duplicate"),
        (0.35, "similar"),
        (0.15, "related"),
        (0.01, "unrelated"),
    ],
)
def test_levels_in_plain_words(score, level):
    assert matching.level(score) == level
    assert matching.level_label(score)


def test_index_rebuild_command_shows_progress_and_publishes(make_idea, capsys):
    for n in range(3):
        make_idea(title=f"Cykelparkering {n}", description="Tak över cykelställen för pendlare.")
    call_command("index_rebuild", "ideas", "--chunk-size", "2")
    captured = capsys.readouterr()
    assert "ideas: indexed 3 documents" in captured.out
    assert "3/3" in captured.err  # the progress bar
    assert _current().documents == 3
    call_command("index_rebuild", "--no-progress")  # re-runnable, every corpus
    assert len(_ids()) == 3


CROSS_PROCESS_SETUP = textwrap.dedent(
    """
    import django, os, sys, time
    django.setup()
    from framja.ideas import matching
    from framja.places.models import County, Municipality
    """
)
READER = CROSS_PROCESS_SETUP + textwrap.dedent(
    """
    assert matching.similar("cykelparkering", k=5) == []
    print("ready", flush=True)
    marker = sys.argv[1]
    while not os.path.exists(marker):
        time.sleep(0.005)
    while True:
        if matching.similar("Cykelparkering med tak vid resecentrum", k=5):
            break
        time.sleep(0.01)
    found_at = time.time()
    saved_at = float(open(marker).read())
    print(f"{found_at - saved_at:.3f}", flush=True)
    """
)
WRITER = CROSS_PROCESS_SETUP + textwrap.dedent(
    """
    from framja.ideas.services.public import idea_submit
    county = County.objects.create(country="SE", code="23", name="Jämtlands län")
    place = Municipality.objects.create(country="SE", code="2380", name="Östersund", county=county)
    idea_submit(title="Cykelparkering vid resecentrum", description="Tak över cykelställen för pendlare.",
                municipality=place, email="a@example.org", consent=True)
    saved_at = time.time()
    tmp = sys.argv[1] + ".tmp"
    open(tmp, "w").write(repr(saved_at))
    os.replace(tmp, sys.argv[1])
    """
)


def test_an_idea_saved_through_one_process_is_found_through_another_within_a_second(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "framja.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "FRAMJA_DATA_DIR": str(tmp_path / "data"),
        "FRAMJA_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    python = sys.executable
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [python, "-m", "framja.manage", "migrate", "--no-input", "-v", "0"], env=env, cwd=root, check=True, timeout=300
    )
    subprocess.run(  # the writer publishes a snapshot; readers never build one
        [python, "-m", "framja.manage", "index_rebuild", "--no-progress"], env=env, cwd=root, check=True, timeout=300
    )
    marker = tmp_path / "saved"
    reader = subprocess.Popen([python, "-c", READER, str(marker)], env=env, cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "ready"
        subprocess.run([python, "-c", WRITER, str(marker)], env=env, cwd=root, check=True, timeout=120)
        started = time.monotonic()
        delay = float(reader.stdout.readline().strip())
        reader.wait(timeout=30)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert time.monotonic() - started < 10
    assert delay < 1.0, f"found after {delay:.3f} s"

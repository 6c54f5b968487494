"""/healthz (liveness) and /readyz (readiness) answer JSON for load balancers."""

from __future__ import annotations

import pytest

from framja.indexes import readiness, services
from framja.indexes.store import SnapshotStore


@pytest.mark.django_db
def test_healthz_answers_json_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_is_503_json_when_the_database_cannot_be_reached(client):
    # No django_db mark: any database access in this test raises, as with the database down.
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["checks"]["database"]["ok"] is False
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_503_json_when_the_database_cannot_be_reached(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False


@pytest.mark.django_db
def test_readyz_is_200_with_every_corpus_loaded(client, similarity_snapshot):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["migrations"] == {"ok": True}
    assert checks["jobs"] == {"ok": True, "queued": 0}
    ideas = checks["indexes"]["corpora"]["ideas"]
    assert ideas["ready"] is True
    assert ideas["changes_after_snapshot"] == 0


@pytest.mark.django_db
def test_readyz_reports_the_lag_behind_the_change_log(client, similarity_snapshot):
    services.record_change("ideas", 12345)  # a removed idea: nothing to add
    ideas = client.get("/readyz").json()["checks"]["indexes"]["corpora"]["ideas"]
    assert ideas["changes_after_snapshot"] == 1
    assert ideas["changes_not_applied"] == 0


@pytest.mark.django_db
def test_readyz_is_503_and_says_why_without_a_snapshot(client, similarity_snapshot):
    SnapshotStore("ideas").pointer.unlink()
    services.reset_readers()
    response = client.get("/readyz")
    assert response.status_code == 503
    ideas = response.json()["checks"]["indexes"]["corpora"]["ideas"]
    assert ideas["ready"] is False
    assert "index_rebuild" in ideas["reason"]


@pytest.mark.django_db
def test_readyz_is_503_with_unapplied_migrations(client, similarity_snapshot, monkeypatch):
    monkeypatch.setattr(readiness, "_migrations_applied", False)
    monkeypatch.setattr(readiness.MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "unapplied": 1}

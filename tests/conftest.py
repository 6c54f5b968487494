"""Shared fixtures. The personas every view test uses:

- owner: admin of `organisation`
- member: plain member of the same organisation
- outsider: admin of another organisation
- anonymous: not signed in (the default `client`)
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings

from framja.accounts.models import Organisation, Role, User
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

# Browser fixtures (browser, page, visit, assert_accessible, login) for any test directory;
# page_parameters: the data that fills the URLs of the site-wide page checks.
pytest_plugins = ["tests.browser.fixtures", "tests.fixtures_pages"]


def _uses_redis() -> bool:
    return "redis" in django_settings.CACHES["default"]["BACKEND"].lower()


@pytest.fixture(scope="session", autouse=True)
def _own_cache_keys() -> Iterator[str]:
    """With Redis as the cache (FRAMJA_REDIS_URL), each test process writes under its own key
    prefix, so parallel workers and parallel runs on one Redis never see each other's counters."""
    if not _uses_redis():
        yield ""
        return
    global _REDIS_URL  # the session's Redis, whatever a test does to settings.CACHES
    _REDIS_URL = django_settings.CACHES["default"]["LOCATION"]
    prefix = f"framja-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    with override_settings(CACHES={"default": {**django_settings.CACHES["default"], "KEY_PREFIX": prefix}}):
        yield prefix
        _delete_redis_keys(prefix)


_REDIS_URL = ""


def _delete_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(_REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture(autouse=True)
def _rate_limits_start_empty(_own_cache_keys: str) -> Iterator[None]:
    """No test sees another's rate-limit counters. The database cache is rolled back (or flushed)
    with each test's data; Redis keys of this process are deleted after each test."""
    yield
    if _own_cache_keys:
        _delete_redis_keys(_own_cache_keys)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Jobs run in this process when the test's transaction "commits" (django-tasks' immediate
    # backend, enqueued on commit), so tests see what a worker would do; tests/jobs/ run the
    # database backend and real worker processes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"  # similarity snapshots and other data of this test only
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def _empty_snapshot(tmp_path_factory) -> Path:
    """An empty snapshot of every corpus, written once per session (a snapshot holds ~64 MB of
    fixed tables; writing one per test would cost more than the test)."""
    from framja import similarity
    from framja.indexes import registry

    root = tmp_path_factory.mktemp("snapshots")
    for corpus in registry.corpora():
        similarity.save_index_dir(similarity.make_index(), root / f"{corpus.name}-empty")
    return root


@pytest.fixture
def similarity_snapshot(_empty_snapshot, settings, monkeypatch):
    """Publish an (empty) snapshot of every corpus explicitly, as the writer job would: every
    document the test creates reaches the readers through the change log's tail, which they
    apply on every query (no sync interval in tests). Requests never build an index."""
    from framja.indexes import registry
    from framja.indexes import services as index_services
    from framja.indexes.store import Snapshot, SnapshotStore

    monkeypatch.setattr(index_services, "SYNC_INTERVAL", 0.0)
    index_services.reset_readers()
    for corpus in registry.corpora():
        store = SnapshotStore(corpus.name)
        store.directory.mkdir(parents=True, exist_ok=True)
        name = f"{corpus.name}-empty"
        os.symlink(_empty_snapshot / name, store.directory / name)
        store.pointer.write_text(json.dumps(Snapshot(name=name, through=0).as_json()), encoding="utf-8")
    yield
    index_services.reset_readers()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def organisation(db) -> Organisation:
    return OrganisationFactory.create(name="Almi Mitt", organisation_number="5565945689")


@pytest.fixture
def other_organisation(db) -> Organisation:
    return OrganisationFactory.create(name="Innovasjon Trøndelag", country="NO", organisation_number="974760673")


@pytest.fixture
def owner(organisation) -> User:
    user = UserFactory.create(username="owner")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.ADMIN)
    return user


@pytest.fixture
def member(organisation) -> User:
    user = UserFactory.create(username="member")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.MEMBER)
    return user


@pytest.fixture
def outsider(other_organisation) -> User:
    user = UserFactory.create(username="outsider")
    MembershipFactory.create(user=user, organisation=other_organisation, role=Role.ADMIN)
    return user


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner) -> Client:
    return _client_for(owner)


@pytest.fixture
def member_client(member) -> Client:
    return _client_for(member)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return _client_for(outsider)


@pytest.fixture
def change_log_without_gaps(db) -> None:
    """Start the similarity change log's ids right after its last row.

    SQLite reuses the ids of rolled-back rows; a PostgreSQL sequence does not, so after earlier
    tests the log would start with a run of ids that look like changes not yet committed (gaps).
    Production handles those (they expire after GAP_PATIENCE); tests that count gaps need none.
    """
    from django.db import connection

    from framja.indexes.models import IndexChange

    if connection.vendor != "postgresql":
        return
    table = IndexChange._meta.db_table
    with connection.cursor() as cursor:
        # The table name is the model's own, quoted; not input.
        sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {connection.ops.quote_name(table)}"  # noqa: S608, E501
        cursor.execute(sql, [table])

"""The readiness report behind `/readyz`: may this process take traffic?

Database reachable, migrations applied, every similarity corpus loaded (and how far it lags
the change log), the job queue's depth. Every check catches its own errors: the report is
always a JSON-able dict, never an exception.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from framja.indexes import registry, services

logger = logging.getLogger(__name__)

_migrations_applied = False


def database() -> dict[str, Any]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any driver error means "not reachable"
        with contextlib.suppress(Exception):  # closing a broken connection may fail as well
            connections[DEFAULT_DB_ALIAS].close()  # reconnect on the next request
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def migrations() -> dict[str, Any]:
    global _migrations_applied
    if _migrations_applied:  # they do not un-apply under a running process
        return {"ok": True}
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return {"ok": False, "unapplied": len(plan)}
    _migrations_applied = True
    return {"ok": True}


def corpora() -> dict[str, Any]:
    return {corpus.name: services.reader(corpus.name).status() for corpus in registry.corpora()}


def jobs() -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    return {"ok": True, "queued": DBTaskResult.objects.ready().count()}


def report() -> tuple[bool, dict[str, Any]]:
    """(ready, details). Later checks are skipped when the database is not reachable."""
    checks: dict[str, Any] = {"database": database()}
    if checks["database"]["ok"]:
        for name, check in (("migrations", migrations), ("indexes", corpora), ("jobs", jobs)):
            try:
                checks[name] = check()
            except DatabaseError as error:
                checks[name] = {"ok": False, "error": type(error).__name__}
            except Exception as error:
                logger.exception("Readiness check %s failed", name)
                checks[name] = {"ok": False, "error": type(error).__name__}
    indexes = checks.get("indexes", {})
    if isinstance(indexes, dict) and "ok" not in indexes:
        checks["indexes"] = {"ok": all(c.get("ready") for c in indexes.values()), "corpora": indexes}
    ready = all(check.get("ok") for check in checks.values()) and "migrations" in checks
    return ready, checks

"""Schemathesis over the whole API document: every operation, all checks, as an anonymous
caller and as a signed-in persona (Bearer token), plus a bounded stateful run. New endpoints
are covered without editing this file: the tests are parametrised from /api/v1/openapi.json.

The demo region is seeded once per module inside a transaction that is rolled back at the
end; each request runs in a savepoint, so one failed statement cannot poison the rest on
PostgreSQL. Hypothesis is bounded (FUZZ_EXAMPLES, default 2 per operation and persona) so the
whole module stays well under three minutes per database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, close_old_connections, transaction
from hypothesis import HealthCheck, settings

from framja.accounts import services
from framja.accounts.models import User
from tests.fuzz_hooks import KEEP_TOKEN_METHOD, KEEP_TOKEN_PATH, map_case

#: pytest-django creates the test database only for the aliases its collected tests ask for; without
#: this mark a run of this module alone would seed (and on PostgreSQL fail in) the real database.
#: Each test also runs in its own savepoint inside the module's transaction, so it leaves nothing.
pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
PERSONA = "karin.ekstrom"
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _savepoint_per_request(app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """Run each request in a savepoint: kept when the database is still usable, else rolled back."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if not transaction.get_connection().in_atomic_block:
            # Loading the document at import: no test transaction yet, and on PostgreSQL asking
            # for a savepoint would open a connection that pytest-django forbids at collection.
            return list(app(environ, start_response))
        savepoint = transaction.savepoint()
        result = app(environ, start_response)
        try:
            body = list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        try:
            transaction.savepoint_commit(savepoint)
        except DatabaseError:
            transaction.savepoint_rollback(savepoint)
        return body

    return wrapped


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker) -> Iterator[dict[str, str]]:
    """The seeded demo region and a token of one of its administrators, rolled back afterwards."""
    with django_db_blocker.unblock():
        # The WSGI handler would close the connection (and the open transaction) after each request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--force", stdout=StringIO())
            user = User.objects.get(username=PERSONA)
            _token, raw = services.api_token_create(user=user, name="fuzz")
            yield {"token": raw}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


#: Loading the document touches no database; the requests of the tests do.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _savepoint_per_request(get_wsgi_application()))
# A NUL character is refused with 422 in every input by one middleware (tests/test_nul_bytes.py
# holds it); JSON Schema cannot say "no U+0000" for every string short of a pattern on each.
schema.config.generation.update(allow_x00=False)
schema.hook(map_case)


@schema.parametrize()
@SETTINGS
def test_every_operation_holds_anonymous(case, demo_world):
    case.call_and_validate()


@schema.parametrize()
@SETTINGS
def test_every_operation_holds_signed_in(case, demo_world):
    case.call_and_validate(headers={"Authorization": f"Bearer {demo_world['token']}"})


#: The stateful phase: schemathesis links operations by what their answers produce (an id from
#: POST /ideas used by GET /ideas/{idea_id}, ...) and runs short sequences of calls as the persona.
#: Its own schema object, so that the persona's token is schemathesis' own auth (its auth checks
#: then probe without it and with a wrong one) without touching the anonymous tests above.
_stateful_base = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _savepoint_per_request(get_wsgi_application()))
_stateful_base.config.generation.update(allow_x00=False)
_stateful_base.hook(map_case)
stateful_schema = _stateful_base.exclude(method=KEEP_TOKEN_METHOD, path=KEEP_TOKEN_PATH)
_PERSONA_TOKEN: dict[str, str] = {}


@stateful_schema.auth()
class PersonaToken:
    def get(self, case: Any, context: Any) -> str:
        return _PERSONA_TOKEN["token"]

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


STATEFUL = settings(
    max_examples=int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "6")),
    stateful_step_count=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_sequences_of_operations_hold_signed_in(demo_world):
    _PERSONA_TOKEN["token"] = demo_world["token"]
    stateful_schema.as_state_machine().run(settings=STATEFUL)

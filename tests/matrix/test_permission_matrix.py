"""The permission matrix: every URL pattern of the URLconf and every operation of the OpenAPI
document, asked by eight personas, against the decisions in tests/matrix/permission_matrix.csv.

A new view or API operation has no row there, so CI fails until someone writes down who may use
it ("add a permission decision for ..."); a changed answer fails as a difference. To propose the
table from what the code does now, run

    FRAMJA_MATRIX_WRITE=1 .venv/bin/pytest tests/matrix -p no:cacheprovider

and review the diff row by row (CI never writes it; the `note` column is kept). Cells hold the
status code; a redirect names its target: `302→login` (the sign-in page), `302→admin-login`, or
`302→<url name>`.

How each request is made:
- pages (default language): GET, and POST with an empty form (the test client does not enforce
  CSRF, as if the token were sent); the admin site only GET, its gate is one wrapper for all its
  views. Signed-in personas use a session.
- API: each method of each path, with the smallest body its schema accepts (required fields
  only), and the query parameters it needs; signed-in personas send their own API token (Bearer),
  so CSRF is not in play.
- Every request runs in a transaction that is rolled back, with the cookies and the cache reset,
  so no request changes what the next one sees (a removed member, a revoked token, a sign-out).
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import translation

from framja.accounts.models import Organisation
from tests.matrix.world import PERSONAS, World, build_world

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

TABLE = Path(__file__).with_name("permission_matrix.csv")
HEADER = ["request", *PERSONAS, "note"]
OPENAPI = "/api/v1/openapi.json"
REDIRECTS = {301, 302, 303, 307, 308}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
#: The model whose standard admin views (list, add, change, delete, history) stand for all models':
#: Django's admin puts one gate (`admin_site.admin_view`) in front of them. Custom admin views are
#: all asked.
ADMIN_MODEL = ("accounts", "organisation")
#: Pages whose address is a secret handed to one person (the submitter's private status link, an
#: invitation, a password-reset link): whoever holds it is that person, and reads their own data.
CAPABILITY_URLS = {
    *(f"{method} {name}" for method in ("GET", "POST") for name in (
        "ideas-status", "ideas-status-information", "ideas-status-withdraw", "ideas-status-anonymise",
        "accounts-invitation-accept", "accounts-password-reset-confirm", "catalogue-registration-cancel",
    )),
    "GET /api/v1/ideas/status/{token}", "POST /api/v1/ideas/status/{token}/information",
    "POST /api/v1/ideas/status/{token}/withdraw", "POST /api/v1/ideas/status/{token}/anonymise",
}  # fmt: skip

#: Requests whose 503 is their answer, not a failure: the readiness probe says "not ready" while
#: the similarity index has no snapshot, as in the test world.
UNAVAILABLE_BY_DESIGN = {"GET readyz"}

# -- what there is to ask -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: `key` names it in the table (the URL name, `namespace:name`, or the route
    of an unnamed pattern)."""

    key: str
    reverse_name: str | None
    route: str
    parameters: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            parameters = tuple(a or b for a, b in PARAMETER.findall(route)) or tuple(pattern.pattern.regex.groupindex)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            key = name or f"{namespace}:{route}" if namespace else name or route
            yield Route(key, name, route, parameters)


def _openapi_route(route: str) -> str:
    """`api/v1/ideas/<int:idea_id>` as the OpenAPI document writes it: `/api/v1/ideas/{idea_id}`."""
    return "/" + PARAMETER.sub(lambda m: "{" + (m.group(1) or m.group(2)) + "}", route)


def _standard_admin_view(route: Route) -> bool:
    """One of the five views Django's admin makes for every registered model (or the redirect
    of a bare object address) for a model other than the one the matrix asks about."""
    standard = re.fullmatch(r"admin/(\w+)/(\w+)/(add/|<path:object_id>/(history/|delete/|change/)?)?", route.route)
    return standard is not None and route.route.split("/")[1:3] != list(ADMIN_MODEL)


def url_routes(openapi_paths: set[str]) -> list[Route]:
    """Every URL pattern once, except the API operations (they are asked per method, below) and
    the admin's standard views of models other than ADMIN_MODEL (one gate for all of them)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns, "", None):
        if route.key.startswith("api:") and _openapi_route(route.route) in openapi_paths:
            continue
        if route.key.startswith("admin:") and _standard_admin_view(route):
            continue
        seen.setdefault(route.key, route)
    return list(seen.values())


def _resolve_ref(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def minimal(schema: dict[str, Any], document: dict[str, Any], name: str = "") -> Any:
    """The smallest value the schema accepts: required properties only, first enum value."""
    schema = _resolve_ref(schema, document)
    for combinator in ("allOf", "anyOf", "oneOf"):
        if combinator in schema:
            options = [_resolve_ref(s, document) for s in schema[combinator]]
            options = [s for s in options if s.get("type") != "null"] or options
            return minimal(options[0], document, name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {key: minimal(properties[key], document, key) for key in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if schema.get("format") == "email" or "email" in name:
        return "matrix@example.org"
    if schema.get("format") == "date":
        return "2026-01-15"
    return "Matrisprov"


@dataclass(frozen=True)
class Operation:
    key: str
    method: str
    path: str
    body: Any
    content_type: str | None
    required_query: tuple[str, ...]


def api_operations(document: dict[str, Any]) -> list[Operation]:
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body, content_type = None, None
            content = operation.get("requestBody", {}).get("content", {})
            if content:
                content_type, media = next(iter(content.items()))
                body = minimal(media.get("schema", {}), document)
            required = tuple(
                p["name"] for p in operation.get("parameters", []) if p["in"] == "query" and p.get("required")
            )
            operations.append(Operation(f"{method.upper()} {path}", method.upper(), path, body, content_type, required))
    return operations


# -- asking ---------------------------------------------------------------------------------------


def describe(response: HttpResponseBase) -> str:
    """The cell: the status code, and for a redirect where it goes."""
    code = response.status_code
    if code not in REDIRECTS:
        return str(code)
    location = urlsplit(response["Location"])
    if location.netloc and location.netloc != "testserver":
        return f"{code}→external"
    for language, _name in settings.LANGUAGES:  # /en/accounts/login/ resolves in English only
        with translation.override(language):
            try:
                name = resolve(location.path).view_name
                break
            except Resolver404:
                continue
    else:
        return f"{code}→{location.path}"
    return f"{code}→" + {"accounts-login": "login", "admin:login": "admin-login"}.get(name, name)


class Observer:
    """Asks, and notes where a persona reads one of the world's secrets not meant for it."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cells: dict[str, dict[str, str]] = {}
        self.leaks: list[str] = []

    def ask(self, key: str, persona: str, client: Client, method: str, url: str, body: Any = None) -> None:
        """`body`: a form (dict) for pages, JSON text for the API, or None."""
        response = isolated(client, method, url, body)
        self.cells.setdefault(key, {})[persona] = describe(response)
        streamed_text = getattr(response, "streaming", False) and response.get("Content-Type", "").startswith("text/")
        if key in CAPABILITY_URLS or (getattr(response, "streaming", False) and not streamed_text):
            return  # files (attachments) are not searched; streamed text (CSV exports) is
        body = response.getvalue().decode("utf-8", errors="replace")
        if body and response.get("Content-Type", "").startswith("application/json"):
            body = json.dumps(json.loads(body), ensure_ascii=False)  # "\u00e4" is "ä" to a reader
        self.leaks += [
            f"{key}: {persona} reads {secret!r}"
            for secret, kept_from in self.world.secrets.items()
            if persona in kept_from and secret in body
        ]


def isolated(client: Client, method: str, url: str, body: Any) -> _MonkeyPatchedWSGIResponse:
    """One request whose effects are undone: its transaction rolled back, cookies and cache reset."""
    cookies = copy.deepcopy(client.cookies)
    cache.clear()
    with transaction.atomic():
        if isinstance(body, str):
            response = client.generic(method, url, body, content_type="application/json")
        elif isinstance(body, dict):
            response = client.post(url, body)
        else:
            response = client.generic(method, url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def _admin_values(route: Route, world: World) -> dict[str, Any]:
    """An existing object for the admin's object pages: the world's own, else the first one."""
    found = re.match(r"admin/(\w+)/(\w+)/", route.route)
    if route.key == "admin:app_list":
        return {"app_label": "accounts"}
    if "url" in route.parameters:  # the catch-all: an address the admin does not know
        return {"url": "nowhere/"}
    if route.key == "admin:view_on_site":
        organisation = ContentType.objects.get_for_model(Organisation)
        return {"content_type_id": organisation.pk, "object_id": world.admin_objects["accounts.organisation"]}
    if not found or not route.parameters:
        return {}
    label = f"{found.group(1)}.{found.group(2)}"
    pk = world.admin_objects.get(label)
    if pk is None:
        first = apps.get_model(label).objects.order_by("pk").first()
        pk = first.pk if first is not None else 0
    return dict.fromkeys(route.parameters, pk)


def page_url(route: Route, world: World) -> str:
    values = {**world.pages.values, **world.pages.routes.get(route.key, {})}
    if route.key.startswith("admin:"):
        values.update(_admin_values(route, world))
    missing = [name for name in route.parameters if name not in values]
    assert not missing, f"{route.key}: give URL parameter(s) {', '.join(missing)} a value in tests/matrix/world.py"
    kwargs = {name: values[name] for name in route.parameters}
    with translation.override(settings.LANGUAGE_CODE):
        if route.reverse_name:
            url = reverse(route.reverse_name, kwargs=kwargs)
        else:
            url = "/" + PARAMETER.sub(lambda m: str(kwargs[m.group(1) or m.group(2)]), route.route).strip("^$")
    query = world.pages.queries.get(route.key)
    return f"{url}?{query}" if query else url


def api_url(operation: Operation, world: World) -> str:
    """The path with its parameters filled, and its query: the world's, else a placeholder for
    each required parameter (so a new operation is asked, if not yet well)."""
    values = {**world.api_values, **world.api_routes.get(operation.path, {})}
    missing = [name for name in re.findall(r"{(\w+)}", operation.path) if name not in values]
    assert not missing, f"{operation.key}: give {', '.join(missing)} a value in tests/matrix/world.py"
    url = re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), operation.path)
    query = world.api_queries.get(operation.path) or "&".join(f"{n}=Matrisprov" for n in operation.required_query)
    return f"{url}?{query}" if query else url


def observe(world: World) -> Observer:
    """Every request of every persona: `cells` is {request key: {persona: cell}}."""
    document = Client().get(OPENAPI).json()
    page_clients: dict[str, Client] = {}
    api_clients: dict[str, Client] = {}
    for persona in PERSONAS:
        page_clients[persona] = Client(raise_request_exception=False)
        user = world.users[persona]
        if user is not None:
            page_clients[persona].force_login(user)
        headers = {"Authorization": f"Bearer {world.tokens[persona]}"} if persona in world.tokens else {}
        api_clients[persona] = Client(raise_request_exception=False, headers=headers)

    observer = Observer(world)
    for route in url_routes(set(document["paths"])):
        url = page_url(route, world)
        methods = ("GET",) if route.key.startswith("admin:") else ("GET", "POST")
        for method in methods:
            form = world.page_posts.get(route.key, {}) if method == "POST" else None
            for persona, client in page_clients.items():
                observer.ask(f"{method} {route.key}", persona, client, method, url, form)

    for operation in api_operations(document):
        url = api_url(operation, world)
        body = world.api_bodies.get(operation.key, operation.body)
        if body is not None and operation.content_type == "application/json":
            body = json.dumps(body)
        for persona, client in api_clients.items():
            observer.ask(operation.key, persona, client, operation.method, url, body)
    return observer


# -- the table ------------------------------------------------------------------------------------


def read_table() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """The expected cells and the notes, by request key."""
    if not TABLE.exists():
        return {}, {}
    with TABLE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = {row["request"]: {p: row[p] for p in PERSONAS} for row in rows}
    notes = {row["request"]: row.get("note") or "" for row in rows}
    return expected, notes


def write_table(observed: dict[str, dict[str, str]], notes: dict[str, str]) -> None:
    with TABLE.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for key, cells in observed.items():
            writer.writerow([key, *(cells[p] for p in PERSONAS), notes.get(key, "")])


def differences(observed: dict[str, dict[str, str]], expected: dict[str, dict[str, str]]) -> list[str]:
    problems = []
    for key, cells in observed.items():
        if key not in expected:
            seen = ", ".join(f"{p}={cells[p]}" for p in PERSONAS)
            problems.append(f"add a permission decision for {key} (today: {seen})")
            continue
        problems += [
            f"{key}: {persona} expected {expected[key][persona]}, got {cells[persona]}"
            for persona in PERSONAS
            if cells[persona] != expected[key][persona]
        ]
    problems += [f"{key}: in the table but no longer asked; remove the row" for key in expected if key not in observed]
    problems += [
        f"{key}: {persona} got a server error"
        for key, cells in observed.items()
        for persona in PERSONAS
        if cells[persona].startswith("5") and key not in UNAVAILABLE_BY_DESIGN
    ]
    return problems


@pytest.fixture
def world(settings, django_capture_on_commit_callbacks) -> World:
    # A cache of its own, cleared before every request: rate limits must not decide a cell.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "matrix"}}
    return build_world(django_capture_on_commit_callbacks)


def test_every_url_and_operation_answers_every_persona_as_the_table_says(world: World) -> None:
    observer = observe(world)
    observed = observer.cells
    expected, notes = read_table()
    if os.environ.get("FRAMJA_MATRIX_WRITE") == "1" and not os.environ.get("CI"):
        write_table(observed, notes)
        pytest.skip(f"wrote {TABLE.name} from what was observed: review the diff")
    problems = differences(observed, expected) + observer.leaks
    assert not problems, (
        f"{len(problems)} difference(s) from {TABLE.name} "
        "(FRAMJA_MATRIX_WRITE=1 rewrites it for review):\n" + "\n".join(problems)
    )

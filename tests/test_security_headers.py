"""Headers every answer carries (OWASP ASVS L2): a Content-Security-Policy that allows no inline
script, pages free of inline scripts, event handlers and styles, and `Cache-Control: no-store` on
everything a signed-in person or a private link gets, while public pages and static files stay
cacheable."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from framja.accounts.models import ApiToken
from tests.pages import PageParameters, PageRoute, expected_statuses, page_routes, parse_html

pytestmark = pytest.mark.django_db

ROUTES = page_routes()
#: Anonymous pages reached through a private token (or showing one): never stored.
PRIVATE_ANONYMOUS = {
    "ideas-status",
    "ideas-status-information",
    "ideas-status-withdraw",
    "ideas-status-anonymise",
    "ideas-receipt",
    "ideas-support-confirm",
    "accounts-invitation-accept",
    "accounts-password-reset-confirm",
}
#: Public pages Django itself marks never_cache (the sign-in form).
DJANGO_NEVER_CACHE = {"accounts-login"}
#: Script types that are data, not code (the API docs' settings block).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def inline_code(html: str) -> list[str]:
    """Inline scripts, event-handler attributes, javascript: links and inline styles in a page."""
    found: list[str] = []
    for el in parse_html(html).iter():
        if el.tag == "script" and "src" not in el.attrs and el.attrs.get("type") not in DATA_SCRIPT_TYPES:
            found.append("an inline <script>")
        if el.tag == "style":
            found.append("a <style> element")
        for name, value in el.attrs.items():
            if name.startswith("on"):
                found.append(f"<{el.tag} {name}=...>")
            if name == "style":
                found.append(f'<{el.tag} style="{value[:40]}">')
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith("javascript:"):
                found.append(f"<{el.tag} {name}=javascript:...>")
    return found


def _csp(response: Any) -> str:
    return str(response.get("Content-Security-Policy", ""))


def _html(response: Any) -> str | None:
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode()


def _visit_all(client: Client, parameters: PageParameters, *, signed_in: bool) -> list[tuple[PageRoute, Any]]:
    """Every page, answered as the page walks expect (tests/pages.py): a page the test data no
    longer reaches (no URL parameter, or a 404) fails here instead of leaving its headers unchecked."""
    visited = []
    for route in ROUTES:
        try:
            url = parameters.landing_url(client, route)
        except pytest.skip.Exception as exc:
            pytest.fail(f"{route.name} is not reached: {exc}")
        response = client.get(url)
        expected = expected_statuses(route.name, signed_in=signed_in)
        assert response.status_code in expected, f"{url} answered {response.status_code}, expected {expected}"
        visited.append((route, response))
    return visited


def test_inline_code_finder_catches_the_usual_forms():
    html = (
        '<script>alert(1)</script><script src="/s.js"></script><script type="application/json">{}</script>'
        '<button onclick="x()">b</button><a href="javascript:void(0)">a</a><p style="color:red">p</p><style></style>'
    )
    assert len(inline_code(html)) == 5


def test_policy_allows_no_inline_script_or_style(client):
    policy = _csp(client.get("/"))
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_htmx_is_configured_for_the_policy(client):
    html = client.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html


def test_every_page_for_a_signed_in_person_is_no_store_with_the_policy_and_no_inline_code(
    owner_client, page_parameters
):
    problems = []
    visited = _visit_all(owner_client, page_parameters, signed_in=True)
    assert len(visited) > 20
    for route, response in visited:
        if "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{route.name}: Cache-Control {response.get('Cache-Control')!r}")
        html = _html(response)
        if html is None:
            continue
        if "script-src 'self'" not in _csp(response):
            problems.append(f"{route.name}: no Content-Security-Policy")
        problems += [f"{route.name}: {what}" for what in inline_code(html)]
    assert not problems, "\n".join(problems)


def test_anonymous_pages_are_cacheable_unless_behind_a_private_link(client, page_parameters):
    problems = []
    private_seen = set()
    for route, response in _visit_all(client, page_parameters, signed_in=False):
        no_store = "no-store" in response.get("Cache-Control", "")
        if route.name in PRIVATE_ANONYMOUS and response.status_code == 200:
            private_seen.add(route.name)
            if not no_store:
                problems.append(f"{route.name} (private link) may be stored")
        elif route.name not in PRIVATE_ANONYMOUS | DJANGO_NEVER_CACHE and response.status_code == 200 and no_store:
            problems.append(f"{route.name} (public) is no-store")
        html = _html(response)
        if html is not None:
            problems += [f"{route.name}: {what}" for what in inline_code(html)]
            if "script-src 'self'" not in _csp(response):
                problems.append(f"{route.name}: no Content-Security-Policy")
    assert not problems, "\n".join(problems)
    assert {"ideas-status", "accounts-invitation-accept", "accounts-password-reset-confirm"} <= private_seen


def test_api_answers_to_a_signed_in_person_are_no_store(owner, owner_client):
    assert "no-store" in owner_client.get("/api/v1/me")["Cache-Control"]
    _token, raw = ApiToken.issue(user=owner, name="test")
    with_token = Client(headers={"Authorization": f"Bearer {raw}"})
    response = with_token.get("/api/v1/me")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in with_token.get("/api/v1/organisations")["Cache-Control"]


def test_public_api_answers_to_anonymous_visitors_stay_cacheable(client, organisation):
    response = client.get("/api/v1/organisations")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_api_docs_run_under_the_policy(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in _csp(response)
    assert inline_code(response.content.decode()) == []


def test_static_files_stay_cacheable(owner, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    signed_in = Client()
    signed_in.force_login(owner)
    response = signed_in.get("/static/css/framja.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")

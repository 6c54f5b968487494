"""Every page of the site, as an anonymous visitor and as an organisation's administrator:
never a server error, few database queries, and the structure assistive technology relies on
(one h1, landmarks, skip link, labelled fields, captioned tables, unique ids).

axe-core in a real browser (tests/browser) checks contrast and the rest on the main journeys;
these checks are cheap enough to run on every page in every test run.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.pages import Element, PageRoute, page_routes, parse_html

pytestmark = pytest.mark.django_db

ROUTES = page_routes()
# "A handful": session + user + the page's own few queries. Pages that need more are N+1 bugs.
MAX_QUERIES = 12
FIELD_TAGS = ("input", "select", "textarea")
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


@pytest.fixture
def route_parameters(organisation, owner, member) -> dict[str, Any]:
    """Values for URL parameters, from the personas' data. Extend when a page needs more."""
    return {"slug": organisation.slug, "organisation_slug": organisation.slug, "user_id": member.pk, "fmt": "csv"}


def build_url(route: PageRoute, parameters: dict[str, Any]) -> str:
    missing = [name for name in route.parameters if name not in parameters]
    if missing:
        pytest.skip(f"{route.name}: no test value for URL parameter(s) {', '.join(missing)}")
    with translation.override(settings.LANGUAGE_CODE):  # earlier requests leave their language active
        return reverse(route.name, kwargs={name: parameters[name] for name in route.parameters})


def structure_problems(root: Element, language: str) -> list[str]:
    """What a screen-reader or keyboard user would trip over, as readable sentences."""
    problems: list[str] = []
    html = root.find_all("html")
    if not html or html[0].attrs.get("lang") != language:
        problems.append(f'<html lang="{language}"> is missing')
    h1s = root.find_all("h1")
    if len(h1s) != 1:
        problems.append(f"expected exactly one <h1>, found {len(h1s)}")
    mains = root.find_all("main")
    if len(mains) != 1 or mains[0].attrs.get("id") != "main":
        problems.append('expected one <main id="main">')
    links = root.find_all("a")
    if not links or links[0].attrs.get("href") != "#main":
        problems.append("the first link must be the skip link to #main")
    for landmark in ("header", "footer"):
        if not root.find_all(landmark):
            problems.append(f"<{landmark}> landmark is missing")
    navs = root.find_all("nav")
    if len(navs) > 1:
        problems += [f"<nav> without aria-label: {nav.text()[:60]!r}" for nav in navs if not _has_name_attr(nav)]

    ids = [el.attrs["id"] for el in root.iter() if el.attrs.get("id")]
    problems += [f'duplicate id="{i}"' for i in sorted({i for i in ids if ids.count(i) > 1})]
    known_ids = set(ids)
    for el in root.iter():
        for attr in ("aria-describedby", "aria-labelledby"):
            problems += [
                f'{attr}="{ref}" on <{el.tag}> points to no element'
                for ref in el.attrs.get(attr, "").split()
                if ref not in known_ids
            ]

    labelled = {label.attrs["for"] for label in root.find_all("label") if label.attrs.get("for")}
    for el in root.find_all(*FIELD_TAGS):
        if el.tag == "input" and el.attrs.get("type", "text") in UNLABELLED_INPUT_TYPES:
            continue
        has_label = (
            el.attrs.get("id") in labelled
            or _has_name_attr(el)
            or el.attrs.get("title")
            or any(a.tag == "label" for a in el.ancestors())
        )
        if not has_label:
            problems.append(f"<{el.tag} name={el.attrs.get('name')!r}> has no label")

    for img in root.find_all("img"):
        if "alt" not in img.attrs:
            problems.append(f"<img src={img.attrs.get('src')!r}> has no alt attribute")
    for table in root.find_all("table"):
        if not (table.find_all("caption") or _has_name_attr(table)):
            problems.append("a <table> has no <caption>")
        problems += [
            f"<th> without scope: {th.text()[:40]!r}" for th in table.find_all("th") if "scope" not in th.attrs
        ]
    for el in root.find_all("a", "button"):
        if el.tag == "a" and "href" not in el.attrs:
            continue
        if not (el.text() or _has_name_attr(el) or el.attrs.get("title") or _img_alt(el)):
            problems.append(f"<{el.tag}> without an accessible name: {el.attrs}")

    previous = 0
    for heading in (el for el in root.iter() if el.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}):
        level = int(heading.tag[1])
        if previous and level > previous + 1:
            problems.append(f"heading level jumps from h{previous} to h{level}: {heading.text()[:50]!r}")
        previous = level
    return problems


def _has_name_attr(el: Element) -> bool:
    return bool(el.attrs.get("aria-label") or el.attrs.get("aria-labelledby"))


def _img_alt(el: Element) -> bool:
    return any(img.attrs.get("alt") for img in el.find_all("img"))


def _check_page(client: Client, route: PageRoute, parameters: dict[str, Any], django_assert_max_num_queries) -> None:
    url = build_url(route, parameters)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    if "<html" not in html[:1000].lower():
        return  # an HTMX fragment: checked as part of the page that includes it
    problems = structure_problems(parse_html(html), settings.LANGUAGE_CODE)
    assert not problems, f"{url} ({route.name}):\n- " + "\n- ".join(problems)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_page_as_anonymous_visitor(client, route, route_parameters, django_assert_max_num_queries):
    _check_page(client, route, route_parameters, django_assert_max_num_queries)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_page_as_organisation_admin(owner_client, route, route_parameters, django_assert_max_num_queries):
    _check_page(owner_client, route, route_parameters, django_assert_max_num_queries)


def test_the_page_list_is_not_empty():
    """The checks above are only worth something if they find the site's pages."""
    names = {route.name for route in ROUTES}
    assert {"home", "accounts-login", "accounts-organisation-list"} <= names


def test_structure_checks_catch_the_usual_mistakes():
    html = """<html><body><a href="/x">x</a><main><h1>A</h1><h1>B</h1><h3>C</h3>
      <input name="q" id="q"><input name="q2" id="q"><img src="x.png">
      <table><tr><th>Head</th></tr></table><button></button>
      <p aria-describedby="nowhere">t</p></main></body></html>"""
    problems = "\n".join(structure_problems(parse_html(html), "sv"))
    for expected in (
        '<html lang="sv"> is missing',
        "exactly one <h1>, found 2",
        "skip link",
        "<header> landmark",
        'duplicate id="q"',
        "<input name='q'> has no label",
        "has no alt attribute",
        "has no <caption>",
        "<th> without scope",
        "<button> without an accessible name",
        'aria-describedby="nowhere"',
        "jumps from h1 to h3",
    ):
        assert expected in problems, expected

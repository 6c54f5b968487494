"""Every page of the site, as an anonymous visitor and as an organisation's administrator:
never a server error, few database queries, and the structure assistive technology relies on
(one h1, landmarks, skip link, labelled fields, captioned tables, unique ids).

axe-core in a real browser (tests/browser) checks contrast and the rest on the main journeys;
these checks are cheap enough to run on every page in every test run.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve

from tests.fixtures_pages import SitePages
from tests.pages import (
    ADMIN_STATUSES,
    ANONYMOUS_REDIRECTS,
    ANONYMOUS_STATUSES,
    Element,
    PageParameters,
    PageRoute,
    page_routes,
    parse_html,
)

pytestmark = pytest.mark.django_db

ROUTES = page_routes()
# "A handful": session + user + the page's own few queries. Pages that need more are N+1 bugs.
MAX_QUERIES = 12
FIELD_TAGS = ("input", "select", "textarea")
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
# Pages whose constant cost is above MAX_QUERIES (more rows add no queries). The casework page
# of an idea holds five forms (assign, note, answer, gate decision with criteria, invitation) and
# seven lists (participants, duplicates, tags, attachments, timeline, decisions with scores),
# here also the results of a search for the original; and, as on every page of a person who
# decides, the main menu's two: their memberships and the sluices they may configure.
QUERY_BUDGET = {
    "ideas-casework-detail": 18,
    "catalogue-offering-edit": 16,  # the offering form: 4 choice lists
    "catalogue-organisation-detail": 14,  # offerings and events, each with their prefetched lists
    # The front door scores offerings from a few columns, then loads the shown ones (3), finds events
    # in the area's municipalities (3), and fills the municipality and sector choices (2); the
    # count does not grow with rows (tests/test_query_baselines.py). The first visit after a change
    # of the code lists writes the cached municipality options (see ideas-submit below): 7 more.
    "catalogue-start": 21,
    # idem: the calendar's cached organiser options, written on the first visit after a change
    "catalogue-calendar": 16,
    # An administrator's read of a person's demographics writes its audit entry (a savepoint, the
    # insert and its release) on every view.
    "support-person-detail": 14,
    # One count per workspace item (ideas to triage, in local triage of a shared sluice,
    # assigned, co-development and shared-sluice invitations, duplicates, clients to follow up),
    # each one aggregate query over all the person's organisations.
    "workspace": 15,
    # The first visit after a change of the code lists or categories writes the cached municipality
    # options, category checkboxes and the fragment of all fields around them (with the database
    # cache each write is a savepoint, a count for culling, a read and an insert); later visits
    # read one fragment instead (tests/ideas/test_submit_page_cache.py).
    "ideas-submit": 24,
    "accounts-organisation-create": 14,  # idem: its municipality picker
    "accounts-organisation-edit": 16,  # idem
    # The person's own data export: the person and each kind of their data once, and the audit entry.
    "support-person-export": 16,
}


# The page data and the administrator are built once for the module (tests/fixtures_pages.py).
@pytest.fixture
def page_parameters(site_pages: SitePages, settings) -> PageParameters:
    settings.MEDIA_ROOT = site_pages.media_root  # where the idea's attachment was saved
    return site_pages.parameters


@pytest.fixture
def owner_client(site_pages: SitePages) -> Client:
    client = Client()
    client.force_login(site_pages.owner)
    return client


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


def _check_page(client: Client, route: PageRoute, parameters: PageParameters, django_assert_max_num_queries) -> Any:
    url = parameters.landing_url(client, route)
    with django_assert_max_num_queries(QUERY_BUDGET.get(route.name, MAX_QUERIES)):
        response = client.get(url)
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return response
    html = response.content.decode()
    if "<html" not in html[:1000].lower():
        return response  # an HTMX fragment: checked as part of the page that includes it
    problems = structure_problems(parse_html(html), settings.LANGUAGE_CODE)
    assert not problems, f"{url} ({route.name}):\n- " + "\n- ".join(problems)
    return response


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_page_as_anonymous_visitor(client, route, page_parameters, django_assert_max_num_queries):
    response = _check_page(client, route, page_parameters, django_assert_max_num_queries)
    assert response.status_code in ANONYMOUS_STATUSES, f"{route.name} answered {response.status_code}"
    if response.status_code == 302:
        target = resolve(urlsplit(response["Location"]).path).url_name
        assert target == ANONYMOUS_REDIRECTS.get(route.name, "accounts-login"), f"{route.name} sent to {target}"


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_page_as_organisation_admin(owner_client, route, page_parameters, django_assert_max_num_queries):
    """The test data reaches every page: the administrator gets the page itself (200), a file, or
    405 from a form's POST-only target, never a 404 that would leave the page unchecked."""
    response = _check_page(owner_client, route, page_parameters, django_assert_max_num_queries)
    expected = ADMIN_STATUSES.get(route.name, 200)
    assert response.status_code == expected, f"{route.name} answered {response.status_code}, expected {expected}"


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

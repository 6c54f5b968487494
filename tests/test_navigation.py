"""The main menu, the casework tabs and the workspace, walked for every demo persona: every link
a person is shown answers 200 to that person, and people do not see what they may not open."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from framja.accounts.demo import DEMO_USERS, STAFF_EMAIL
from framja.accounts.models import User
from framja.ideas.services import duplicates
from framja.indexes import services as index_services

HREF = re.compile(r'href="([^"#]+)"')
ANONYMOUS = "anonymous"
PERSONAS = [ANONYMOUS, STAFF_EMAIL, *(spec.email for spec in DEMO_USERS)]


@pytest.fixture(scope="module")
def demo_region(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """The demo region, seeded once for the module and rolled back after it. Duplicate candidates
    come from the similarity index, which answers nothing until the writer has published a
    snapshot: the fixture publishes one (as the `indexes-rebuild` job would) before finding them."""
    data = tmp_path_factory.mktemp("demo-data")
    with django_db_blocker.unblock(), override_settings(DATA_DIR=data), transaction.atomic():
        call_command("seed_demo", "--force", verbosity=0)
        index_services.rebuild("ideas")
        index_services.reset_readers()
        duplicates.refresh_candidates()  # seed_demo does this after commit, which never comes here
        index_services.reset_readers()
        yield
        transaction.set_rollback(True)


def _client(persona: str) -> Client:
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(User.objects.get(email=persona))
    return client


def _section(html: str, start: str, end: str) -> str:
    if start not in html:
        return ""
    rest = html[html.index(start) :]
    return rest[: rest.index(end)]


def _menu_links(html: str) -> list[str]:
    return HREF.findall(_section(html, '<nav class="site-nav"', "</nav>"))


def _tab_links(html: str) -> list[str]:
    return HREF.findall(_section(html, '<nav class="casework-nav"', "</nav>"))


def _workspace_links(html: str) -> list[str]:
    return HREF.findall(_section(html, '<main id="main"', "</main>"))


def _home(client: Client, persona: str) -> str:
    response = client.get(reverse("home") if persona == ANONYMOUS else reverse("workspace"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _walk(client: Client, persona: str) -> dict[str, str]:
    """Every menu entry, workspace link and casework tab this person is shown -> its page."""
    start = _home(client, persona)
    to_visit = set(_menu_links(start)) | (set() if persona == ANONYMOUS else set(_workspace_links(start)))
    pages: dict[str, str] = {}
    while to_visit:
        url = to_visit.pop()
        if url in pages or not url.startswith("/") or url.startswith("/static/"):
            continue
        response = client.get(url, follow=True)  # a workspace link may lead on to where the work is
        assert response.status_code == 200, f"{persona}: {url} answered {response.status_code}"
        assert all(hop.startswith("/") for hop, _status in response.redirect_chain), f"{persona}: {url} left the site"
        pages[url] = response.content.decode() if "text/html" in response["Content-Type"] else ""
        to_visit |= set(_tab_links(pages[url])) - set(pages)
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_entry_workspace_link_and_tab_answers_200(demo_region, persona):
    pages = _walk(_client(persona), persona)
    assert pages, f"{persona} was shown no links at all"


def _paths(persona: str) -> set[str]:
    client = _client(persona)
    html = _home(client, persona)
    links = set(_menu_links(html)) | set(_workspace_links(html))
    return {urlsplit(link).path for link in links}


@pytest.mark.django_db
def test_who_sees_which_casework_entries(demo_region):
    inbox, regional = reverse("ideas-inbox"), reverse("ideas-regional")
    audit_ostersund = reverse("audit-organisation-log", args=["ostersunds-kommun"])
    coordinator = _paths("johan.lindqvist@example.org")
    assert inbox in coordinator
    assert reverse("ideas-dashboard") in coordinator
    assert any(path.startswith("/ideas/sluices/") for path in coordinator)  # his sluice's settings
    assert regional not in coordinator
    assert audit_ostersund not in coordinator
    adviser = _paths("sara.nilsson@example.org")
    assert inbox in adviser
    assert not any(path.startswith("/ideas/sluices/") for path in adviser)
    member = _paths("erik.olofsson@example.org")
    assert inbox not in member
    assert reverse("ideas-dashboard") not in member
    assert reverse("accounts-member-list", args=["ostersunds-kommun"]) in member
    assert regional in _paths("anders.persson@example.org")  # the regional coordinator
    assert audit_ostersund in _paths("karin.ekstrom@example.org")  # the administrator
    anonymous = _paths(ANONYMOUS)
    assert reverse("ideas-submit") in anonymous
    assert inbox not in anonymous
    assert reverse("workspace") not in anonymous


@pytest.mark.django_db
def test_casework_tabs_show_only_pages_the_person_may_open(demo_region):
    html = _client("sara.nilsson@example.org").get(reverse("ideas-inbox")).content.decode()
    tabs = {urlsplit(link).path for link in _tab_links(html)}
    assert reverse("ideas-inbox") in tabs
    assert reverse("ideas-dashboard") in tabs
    assert reverse("ideas-regional") not in tabs
    assert reverse("ideas-sluice-list") not in tabs


@pytest.mark.django_db
def test_regional_coordinator_workspace_counts_duplicates_to_judge(demo_region):
    html = _client("anders.persson@example.org").get(reverse("workspace")).content.decode()
    row = re.search(r'href="/ideas/regional/\?organisation=[^"]+">[^<]+</a> <span class="workspace-count">(\d+)', html)
    assert row is not None
    assert int(row.group(1)) > 0


def test_person_without_organisation_is_told_how_to_get_one(client, db):
    user = User.objects.create_user(username="nobody", email="nobody@example.org", password="x" * 12)
    client.force_login(user)
    html = client.get(reverse("workspace")).content.decode()
    assert reverse("accounts-organisation-create") in html
    assert reverse("ideas-inbox") not in html


def test_signing_in_lands_on_the_workspace(client, owner, password):
    response = client.post(reverse("accounts-login"), {"username": owner.username, "password": password})
    assert response.status_code == 302
    assert response.url == reverse("workspace")


@pytest.mark.django_db
def test_who_sees_which_catalogue_entries(demo_region):
    from framja.accounts.models import Organisation

    almi = Organisation.objects.get(name__startswith="Almi").slug
    staff_pages = {
        reverse("catalogue-manage", args=[almi]),
        reverse("catalogue-manage-events", args=[almi]),
        reverse("catalogue-contact-requests", args=[almi]),
    }
    public = {reverse("catalogue-directory"), reverse("catalogue-calendar"), reverse("catalogue-start")}
    assert public <= _paths(ANONYMOUS)
    assert public | staff_pages <= _paths("lena.hakansson@example.org")  # Almi's adviser
    assert staff_pages <= _paths("per.sandberg@example.org")  # Almi's administrator
    member = _paths("erik.olofsson@example.org")
    assert public <= member
    assert not any(path.startswith("/catalogue/manage/") for path in member)
    assert not staff_pages & _paths("sara.nilsson@example.org")  # an adviser elsewhere


def _workspace_count(persona: str, url: str) -> int | None:
    html = _client(persona).get(reverse("workspace")).content.decode()
    row = re.search(re.escape(f'href="{url}">') + r'[^<]+</a> <span class="workspace-count">(\d+)', html)
    return int(row.group(1)) if row else None


@pytest.mark.django_db
def test_catalogue_workspace_counts_what_the_organisation_has_to_do(demo_region):
    from datetime import timedelta

    from django.utils import timezone

    from framja.accounts.models import Organisation
    from framja.catalogue import services as catalogue_services
    from framja.catalogue.models import Event, Offering

    almi = Organisation.objects.get(name__startswith="Almi")
    adviser = "lena.hakansson@example.org"
    requests_url = reverse("catalogue-contact-requests", args=[almi.slug])
    review_url = reverse("catalogue-manage", args=[almi.slug])
    events_url = reverse("catalogue-manage-events", args=[almi.slug])
    before = {url: _workspace_count(adviser, url) or 0 for url in (requests_url, review_url, events_url)}

    catalogue_services.contact_request_send(
        organisation=almi, name="Eva Ek", email="eva@example.org", need="Finansiering av en ny maskin", consent=True
    )
    offering = Offering.objects.filter(organisation=almi).first()
    assert offering is not None, "the demo has an Almi offering"
    Offering.objects.filter(pk=offering.pk).update(last_reviewed_on=timezone.localdate() - timedelta(days=400))
    event = Event.objects.filter(organiser=almi, registration_mode="built_in", start__gt=timezone.now()).first()
    assert event is not None, "the demo has an upcoming Almi event with registration"
    catalogue_services.register(event=event, name="Olle Berg", email="olle@example.org")

    assert _workspace_count(adviser, requests_url) == before[requests_url] + 1
    assert _workspace_count(adviser, review_url) == before[review_url] + 1
    assert _workspace_count(adviser, events_url) == before[events_url] + 1
    assert _workspace_count("sara.nilsson@example.org", requests_url) is None  # not her organisation

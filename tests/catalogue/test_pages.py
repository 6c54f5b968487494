"""Public pages (directory, offering, organisation, event, calendar) and the staff pages."""

import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from framja.catalogue import services
from framja.catalogue.models import Event, Offering
from tests.catalogue.conftest import make_event, make_offering

pytestmark = pytest.mark.django_db


def _jsonld(response):
    found = re.search(rb'<script type="application/ld\+json">(.*?)</script>', response.content, re.S)
    assert found, "the page carries JSON-LD"
    return json.loads(found.group(1))


def test_offering_page_has_government_service_json_ld(client, offering):
    response = client.get(offering.get_absolute_url())
    assert response.status_code == 200
    data = _jsonld(response)
    assert data["@type"] == "GovernmentService"
    assert data["provider"]["name"] == offering.organisation.name
    assert data["areaServed"] == [{"@type": "AdministrativeArea", "name": "Östersund"}]


def test_offering_name_in_the_readers_language(offering):
    from django.test import Client

    path = f"/catalogue/offerings/{offering.pk}/"
    assert "Rådgivning för nya företag" in Client().get(path).content.decode()
    assert "Advice for new businesses" in Client().get("/en" + path).content.decode()
    assert "Rådgivning for nye bedrifter" in Client().get("/nb" + path).content.decode()


def test_json_ld_cannot_close_its_script_element(client, organisation):
    offering = make_offering(organisation, name_sv="</script><script>alert(1)</script>")
    content = client.get(offering.get_absolute_url()).content
    assert b"</script><script>alert(1)" not in content


def test_organisation_and_event_pages_have_json_ld(client, organisation, event):
    org = _jsonld(client.get(reverse("catalogue-organisation-detail", args=[organisation.slug])))
    assert org["@type"] == "Organization"
    data = _jsonld(client.get(event.get_absolute_url()))
    assert data["@type"] == "Event"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["@type"] == "Place"


def test_defunct_offering_is_not_shown(client, organisation):
    gone = make_offering(organisation, status="defunct")
    assert client.get(gone.get_absolute_url()).status_code == 404


def test_directory_filters_by_municipality(client, organisation, other_organisation, municipality, offering):
    make_offering(other_organisation, name_sv="Norskt stöd", area_country="NO")
    response = client.get(reverse("catalogue-directory"), {"municipality": municipality.pk})
    content = response.content.decode()
    assert offering.name_sv in content
    assert "Norskt stöd" not in content


def test_calendar_list_and_month(client, organisation, other_organisation, event):
    make_event(other_organisation, title="Gründerkveld i Stjørdal", time_zone="Europe/Oslo")
    listing = client.get(reverse("catalogue-calendar"))
    assert event.title in listing.content.decode()
    assert "Gründerkveld i Stjørdal" in listing.content.decode()
    filtered = client.get(reverse("catalogue-calendar"), {"organisation": organisation.slug})
    assert "Gründerkveld" not in filtered.content.decode()
    month = event.local_start.strftime("%Y-%m")
    grid = client.get(reverse("catalogue-calendar"), {"view": "month", "month": month})
    assert grid.status_code == 200
    assert event.title in grid.content.decode()
    assert b"<caption" in grid.content


def test_calendar_ignores_nonsense_filters(client, event):
    response = client.get(reverse("catalogue-calendar"), {"view": "month", "month": "99999-77", "start": "x"})
    assert response.status_code == 200


def _count_queries(client, url, django_assert_num_queries, n):
    with django_assert_num_queries(n) as captured:
        assert client.get(url).status_code == 200
    return captured


@pytest.mark.parametrize("url_name", ["catalogue-directory", "catalogue-calendar"])
def test_list_pages_cost_the_same_with_one_or_five_rows(client, organisation, municipality, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        return len(ctx.captured_queries)

    make_offering(organisation, area_country="SE")
    make_event(organisation)
    one = count()
    for n in range(4):
        make_offering(organisation, name_sv=f"Erbjudande {n}", area_country="SE")
        make_event(organisation, title=f"Evenemang {n}")
    assert count() == one


# --- staff pages: owner (admin) and adviser keep them; member and outsider get 404 ------------


def test_manage_page_personas(client, owner_client, adviser_client, member_client, outsider_client, organisation):
    url = reverse("catalogue-manage", args=[organisation.slug])
    assert owner_client.get(url).status_code == 200
    assert adviser_client.get(url).status_code == 200
    assert member_client.get(url).status_code == 404
    assert outsider_client.get(url).status_code == 404
    assert client.get(url).status_code == 302  # to sign in


def test_adviser_creates_an_offering(adviser_client, organisation, municipality):
    url = reverse("catalogue-offering-create", args=[organisation.slug])
    response = adviser_client.post(
        url,
        {
            "name_sv": "Exportrådgivning",
            "offering_type": "export",
            "stage_choices": ["growth", "established"],
            "language_choices": ["sv", "en"],
            "all_sectors": "on",
            "area_municipalities": [municipality.pk],
            "cost": "free",
            "status": "active",
        },
    )
    assert response.status_code == 302
    offering = Offering.objects.get(name_sv="Exportrådgivning")
    assert offering.stage_list == ["growth", "established"]
    assert list(offering.area_municipalities.all()) == [municipality]


def test_offering_form_shows_field_errors(owner_client, organisation):
    url = reverse("catalogue-offering-create", args=[organisation.slug])
    response = owner_client.post(
        url, {"offering_type": "loan", "amount_min": "900", "amount_max": "100", "cost": "free", "status": "active"}
    )
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert not Offering.objects.exists()


def test_outsider_cannot_edit_anothers_offering(outsider_client, offering):
    url = reverse("catalogue-offering-edit", args=[offering.organisation.slug, offering.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"name_sv": "Kapad"}).status_code == 404


def test_owner_creates_a_recurring_event_in_oslo_time(owner_client, organisation):
    url = reverse("catalogue-event-create", args=[organisation.slug])
    response = owner_client.post(
        url,
        {
            "title": "Gründerlunsj",
            "language": "nb",
            "time_zone": "Europe/Oslo",
            "start": "2026-06-01T11:00",
            "end": "2026-06-01T12:00",
            "venue": "Stjørdal rådhus",
            "audience": "entrepreneurs",
            "rrule": "FREQ=WEEKLY;COUNT=3",
            "exdates_text": "2026-06-08T11:00",
            "registration_mode": "none",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(title="Gründerlunsj")
    assert [o.local_start.day for o in event.occurrences()] == [1, 15]
    assert event.local_start.hour == 11


def test_cancel_event_is_post_only_and_notifies(owner_client, member_client, small_event, organisation):
    services.register(event=small_event, name="Anna", email="anna@example.org")
    url = reverse("catalogue-event-cancel", args=[organisation.slug, small_event.pk])
    assert owner_client.get(url).status_code == 405
    assert member_client.post(url).status_code == 404
    assert owner_client.post(url).status_code == 302
    small_event.refresh_from_db()
    assert small_event.is_cancelled


def test_participant_list_and_exports(owner_client, member_client, small_event, organisation):
    services.register(event=small_event, name="Anna Berg", email="anna@example.org", organisation_name="Berg AB")
    url = reverse("catalogue-participants", args=[organisation.slug, small_event.pk])
    assert member_client.get(url).status_code == 404
    assert "Anna Berg" in owner_client.get(url).content.decode()
    csv = owner_client.get(url, {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "Anna Berg,anna@example.org,Berg AB" in csv.content.decode("utf-8-sig")
    xlsx = owner_client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][:3] == ["Anna Berg", "anna@example.org", "Berg AB"]

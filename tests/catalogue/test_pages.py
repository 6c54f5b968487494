"""Public pages (directory, offering, organisation, event, calendar) and the staff pages."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from framja.catalogue import services
from framja.catalogue.models import Event, Offering
from tests.catalogue.conftest import STOCKHOLM, local, make_event, make_offering

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
    count()  # the first request fills the cached option lists (forms.QuickSelect)
    one = count()
    for n in range(4):
        make_offering(organisation, name_sv=f"Erbjudande {n}", area_country="SE")
        make_event(organisation, title=f"Evenemang {n}")
    assert count() == one


def test_month_grid_shows_each_occurrence_with_time_title_and_cancellation(client, organisation, other_organisation):
    series = make_event(
        organisation,
        title="Fika & företag",
        start=local(2026, 3, 5, 10),
        end=local(2026, 3, 5, 11),
        rrule="FREQ=WEEKLY;COUNT=5",
        exdates=["2026-03-19T10:00"],
    )
    cancelled = make_event(organisation, title="Kurs <i>avbruten</i>", start=local(2026, 3, 31, 23, 30))
    services.event_cancel(event=cancelled)
    make_event(organisation, title="Aprilmöte", start=local(2026, 4, 1, 9))
    grid = client.get(reverse("catalogue-calendar"), {"view": "month", "month": "2026-03"}).content.decode()
    series_link = f'<a class="month-event" href="{reverse("catalogue-event-detail", args=[series.pk])}">'
    # 5, 12 and 26 March; the 19th is left out and the fifth time is in April
    assert grid.count(f"{series_link}10:00 Fika &amp; företag</a>") == 3
    cancelled_url = reverse("catalogue-event-detail", args=[cancelled.pk])
    assert f'<a class="month-event" href="{cancelled_url}">23:30 Kurs &lt;i&gt;avbruten&lt;/i&gt; (avbokad)</a>' in grid
    assert "Aprilmöte" not in grid
    days = re.findall(r'<span class="day">(\d+)</span>\s*((?:<a class="month-event"[^>]*>[^<]*</a>)*)', grid)
    assert [int(day) for day, links in days if "Fika" in links] == [5, 12, 26]
    # filtered by organiser: a co-organised series counts once per occurrence, others not at all
    series.co_organisers.add(other_organisation)
    params = {"view": "month", "month": "2026-03", "organisation": other_organisation.slug}
    theirs = client.get(reverse("catalogue-calendar"), params).content.decode()
    assert theirs.count("Fika &amp; företag</a>") == 3
    assert "avbruten" not in theirs


def test_month_grid_lists_the_same_occurrences_as_the_event(organisation):
    """The month grid reads plain rows; they must be exactly the event's own occurrences."""
    make_event(organisation, title="Över månadsskiftet", start=local(2026, 2, 28, 22), end=local(2026, 3, 1, 2))
    make_event(organisation, start=local(2026, 2, 5, 18), end=local(2026, 2, 5, 20), rrule="FREQ=WEEKLY", exdates=[])
    make_event(
        organisation,
        start=local(2026, 3, 20, 10),
        end=local(2026, 3, 20, 11),
        rrule="FREQ=DAILY;COUNT=20",
        exdates=["2026-03-29T10:00"],
    )
    make_event(organisation, title="I april", start=local(2026, 4, 2, 10))
    first, following = local(2026, 3, 1), local(2026, 4, 1)
    expected = sorted(
        (o.start, o.event.pk, o.event.title) for e in Event.objects.all() for o in e.occurrences(first, following)
    )
    rows = Event.objects.all().occurrence_rows(first, following)
    assert [(r.start, r.event_id, r.title) for r in rows] == expected
    assert len(rows) == 1 + 4 + 11  # the night of 28 February, four Thursdays, 20-31 March but the 29th


def test_changing_a_series_changes_its_occurrences(organisation):
    event = make_event(organisation, start=local(2026, 5, 4, 9), end=local(2026, 5, 4, 10), rrule="FREQ=WEEKLY;COUNT=3")
    assert [o.local_start.day for o in event.occurrences()] == [4, 11, 18]
    event.exdates = ["2026-05-11T09:00"]
    event.save()
    assert [o.local_start.day for o in event.occurrences()] == [4, 18]
    event.rrule = "FREQ=WEEKLY;COUNT=4"
    event.save()
    assert [o.local_start.day for o in Event.objects.get(pk=event.pk).occurrences()] == [4, 18, 25]
    assert event.series_end == local(2026, 5, 25, 10)


def test_calendar_list_shows_the_earliest_occurrences_first(client, organisation, monkeypatch):
    from framja.catalogue import views

    monkeypatch.setattr(views, "LIST_LENGTH", 3)
    soon = timezone.now().astimezone(STOCKHOLM).replace(hour=10, minute=0, second=0, microsecond=0)
    series = make_event(
        organisation,
        title="Veckoträff",
        start=soon + timedelta(days=1),
        end=soon + timedelta(days=1, hours=1),
        rrule="FREQ=WEEKLY;COUNT=4",
    )
    singles = [
        make_event(
            organisation, title=f"Möte {n}", start=soon + timedelta(days=n), end=soon + timedelta(days=n, hours=1)
        )
        for n in (4, 2, 3)
    ]
    response = client.get(reverse("catalogue-calendar"))
    assert [o.event for o in response.context["occurrences"]] == [series, singles[1], singles[2]]


def test_month_grid_costs_the_same_with_one_or_five_events(client, organisation, other_organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("catalogue-calendar"), {"view": "month", "month": "2026-03"})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode().count('class="month-event"')

    make_event(organisation, start=local(2026, 3, 2, 10), end=local(2026, 3, 2, 11))
    count()  # the first request fills the cached option lists (forms.QuickSelect)
    one, shown = count()
    assert shown == 1
    make_event(
        other_organisation,
        title="Serie",
        start=local(2026, 3, 3, 10),
        end=local(2026, 3, 3, 11),
        rrule="FREQ=WEEKLY;COUNT=2",
    )
    for day in (4, 5, 6):
        make_event(organisation, title=f"Möte {day}", start=local(2026, 3, day, 10), end=local(2026, 3, day, 11))
    five, shown = count()
    assert shown == 6
    assert five == one


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


def test_calendar_organiser_list_follows_a_renamed_organisation(client, organisation):
    """The organiser filter's options are cached; a saved organisation makes them stale."""
    client.get(reverse("catalogue-calendar"))
    organisation.name = "Almi <Nord> & Co"
    organisation.save()
    page = client.get(reverse("catalogue-calendar"), {"organisation": organisation.slug}).content.decode()
    assert f'<option value="{organisation.slug}" selected>Almi &lt;Nord&gt; &amp; Co</option>' in page

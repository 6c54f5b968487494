"""The iCalendar feeds, read back with icalendar and expanded with recurring_ical_events
(an implementation independent of ours)."""

from datetime import datetime

import icalendar
import pytest
import recurring_ical_events
from django.urls import reverse

from framja.catalogue import services
from tests.catalogue.conftest import STOCKHOLM, local, make_event

pytestmark = pytest.mark.django_db


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_event_feed_has_uid_dtstamp_timezone_and_sequence(client, event, organisation):
    services.event_save(organiser=organisation, event=event, title="Ändrad titel")
    cal = _feed(client, reverse("catalogue-event-ics", args=[event.pk]))
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"{event.uuid}@framja"
    assert "DTSTAMP" in vevent
    assert int(vevent["SEQUENCE"]) == 1
    assert str(vevent["SUMMARY"]) == "Ändrad titel"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Stockholm"]


def test_uid_is_stable_and_cancellation_is_published(client, event):
    url = reverse("catalogue-event-ics", args=[event.pk])
    before = _feed(client, url).walk("VEVENT")[0]
    services.event_cancel(event=event)
    after = _feed(client, url).walk("VEVENT")[0]
    assert before["UID"] == after["UID"]
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_recurrence_expansion_agrees_with_recurring_ical_events(client, organisation):
    event = make_event(
        organisation,
        title="Företagarfika",
        start=local(2026, 3, 2, 8, 30),
        end=local(2026, 3, 2, 9, 30),
        rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=10",
        exdates=["2026-03-16T08:30", "2026-04-06T08:30"],
        time_zone="Europe/Stockholm",
    )
    oslo = make_event(
        organisation,
        title="Gründerlunsj",
        start=local(2026, 3, 5, 11),
        end=local(2026, 3, 5, 12),
        rrule="FREQ=MONTHLY;BYMONTHDAY=5;UNTIL=20260905T235959",
        time_zone="Europe/Oslo",
    )
    cal = _feed(client, reverse("catalogue-calendar-ics"))
    window = (datetime(2026, 1, 1, tzinfo=STOCKHOLM), datetime(2027, 1, 1, tzinfo=STOCKHOLM))
    theirs: dict[str, list[datetime]] = {}
    for component in recurring_ical_events.of(cal).between(*window):
        theirs.setdefault(str(component["SUMMARY"]), []).append(component["DTSTART"].dt)
    for ours in (event, oslo):
        expected = [o.start for o in ours.occurrences(*window)]
        assert sorted(theirs[ours.title]) == expected
    assert len(theirs["Företagarfika"]) == 8  # ten Mondays less two left out (one across daylight saving)
    assert all(d.hour == 8 and d.minute == 30 for d in theirs["Företagarfika"])


def test_feed_per_organisation(client, organisation, other_organisation):
    make_event(organisation, title="Vårt")
    make_event(other_organisation, title="Deras")
    cal = _feed(client, reverse("catalogue-calendar-ics") + f"?organisation={organisation.slug}")
    assert [str(v["SUMMARY"]) for v in cal.walk("VEVENT")] == ["Vårt"]
    everything = _feed(client, reverse("catalogue-calendar-ics"))
    assert {str(v["SUMMARY"]) for v in everything.walk("VEVENT")} == {"Vårt", "Deras"}


def test_unknown_event_feed_is_404(client):
    assert client.get("/catalogue/events/999999.ics").status_code == 404

"""iCalendar (RFC 5545) feeds of events, built with the `icalendar` package.

One VEVENT per event (a series is one VEVENT with RRULE/EXDATE), with a stable UID, DTSTAMP,
SEQUENCE (raised on every change) and STATUS:CANCELLED, so that calendar clients apply updates
and cancellations. Times are local with TZID and the VTIMEZONE components are included.
"""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone

from framja.catalogue.models import Event


def _vevent(event: Event) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", timezone.now())
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", event.description)
    vevent.add("dtstart", event.local_start)
    vevent.add("dtend", event.local_end)
    location = ", ".join(part for part in (event.venue, event.online_url) if part)
    if location:
        vevent.add("location", location)
    vevent.add("url", settings.SITE_URL.rstrip("/") + event.get_absolute_url())
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    vevent.add(
        "organizer",
        f"mailto:{event.organiser.email or 'noreply@framja.invalid'}",
        parameters={"cn": event.organiser.name},
    )
    if event.rrule:
        vevent.add("rrule", icalendar.vRecur.from_ical(event.rrule))
        exdates = event.exdate_times()
        if exdates:
            vevent.add("exdate", exdates)
    return vevent


def calendar(events: Iterable[Event], *, name: str) -> bytes:
    """A VCALENDAR with the events and the VTIMEZONEs they use."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Främja//Support catalogue//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()

"""schema.org JSON-LD for the public pages (GovernmentService, Organization, Event).

Rendered as `<script type="application/ld+json">`: data, not code, so a CSP without inline
scripts allows it. `<`, `>` and `&` are escaped as in Django's json_script, so no text can
close the element.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from framja.accounts.models import Organisation
from framja.catalogue.models import Event, Offering

_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def script(data: dict[str, Any]) -> SafeString:
    text = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


def organization(org: Organisation, request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": org.name,
        "url": request.build_absolute_uri(org.get_absolute_url()),
    }
    if org.description:
        data["description"] = org.description
    if org.organisation_number:
        data["identifier"] = org.organisation_number
    if org.email:
        data["email"] = org.email
    if org.website:
        data["sameAs"] = org.website
    return data


def government_service(offering: Offering, request: HttpRequest) -> dict[str, Any]:
    areas = [c.name for c in offering.area_counties.all()] + [m.name for m in offering.area_municipalities.all()]
    if offering.area_country:
        areas.append(str(offering.get_area_country_display()))
    return {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": offering.name,
        "description": offering.description,
        "serviceType": str(offering.get_offering_type_display()),
        "provider": {"@type": "Organization", "name": offering.organisation.name},
        "areaServed": [{"@type": "AdministrativeArea", "name": name} for name in areas],
        "audience": {"@type": "BusinessAudience", "audienceType": ", ".join(offering.stage_labels)},
        "url": request.build_absolute_uri(offering.get_absolute_url()),
    }


def event(event: Event, request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description,
        "startDate": event.local_start.isoformat(),
        "endDate": event.local_end.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
        "organizer": [{"@type": "Organization", "name": o.name} for o in [event.organiser, *event.co_organisers.all()]],
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "inLanguage": event.language,
    }
    locations: list[dict[str, Any]] = []
    if event.venue:
        locations.append({"@type": "Place", "name": event.venue, "address": event.venue})
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    data["location"] = locations[0] if len(locations) == 1 else locations
    data["eventAttendanceMode"] = (
        "https://schema.org/MixedEventAttendanceMode"
        if len(locations) == 2
        else "https://schema.org/OnlineEventAttendanceMode"
        if event.online_url
        else "https://schema.org/OfflineEventAttendanceMode"
    )
    return data

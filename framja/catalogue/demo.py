"""The catalogue's part of the Jämtland–Trøndelag demo region (`framja seed_demo`).

Offerings from every demo organisation (Almi, Coompanion, Nyföretagarcentrum, the incubator,
Innovasjon Norge, Etablerertjenesten, the hub, the regions and the municipalities), and a month
of events on both sides of the border: one weekly series with a left-out date, one full event
with a waiting list. Idempotent: an offering whose Swedish name exists for its organisation,
and an event whose title exists for its organiser, are skipped. Needs the demo organisations.

No e-mail is sent: registrations of the demo are written directly.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from framja.catalogue.models import Event, Offering, Registration, RegistrationStatus
from framja.places.models import County, Municipality

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")

#: (organisation key, type, sv, nb, en, description sv, area, stages, extra fields)
OFFERINGS: tuple[tuple[str, str, str, str, str, str, str, str, dict[str, Any]], ...] = (
    (
        "almi-mitt",
        "loan",
        "Mikrolån",
        "Mikrolån",
        "Microloan",
        "Lån för dig som startar eller driver ett litet företag och behöver finansiering som banken inte ger.",
        "county:SE-23",
        "start_up growth",
        {"amount_min": 50000, "amount_max": 500000, "currency": "SEK", "cost": "paid"},
    ),
    (
        "almi-mitt",
        "loan",
        "Företagslån",
        "Bedriftslån",
        "Business loan",
        "Kompletterande lån till företag som vill växa, investera eller exportera.",
        "county:SE-23",
        "growth established",
        {"amount_min": 100000, "amount_max": 5000000, "currency": "SEK", "cost": "paid"},
    ),
    (
        "almi-mitt",
        "advice",
        "Affärsutveckling",
        "Forretningsutvikling",
        "Business development",
        "Rådgivning om affärsmodell, marknad och finansiering för företag med tillväxtambitioner.",
        "county:SE-23",
        "growth",
        {"cost": "subsidised"},
    ),
    (
        "coompanion",
        "advice",
        "Starta kooperativ",
        "Start samvirkeforetak",
        "Start a cooperative",
        "Kostnadsfri rådgivning för dig som vill starta ett kooperativ eller socialt företag tillsammans med andra.",
        "county:SE-23",
        "idea start_up",
        {},
    ),
    (
        "nyforetagarcentrum",
        "advice",
        "Starta eget-rådgivning",
        "Oppstartsrådgivning",
        "Start-up advice",
        "Kostnadsfri och konfidentiell rådgivning om affärsplan, budget och vilka tillstånd som behövs.",
        "county:SE-23",
        "idea start_up",
        {"languages": "sv en ar"},
    ),
    (
        "inkubatorn",
        "incubation",
        "Inkubatorprogrammet",
        "Inkubatorprogrammet",
        "Incubator programme",
        "Tolv till tjugofyra månaders coachning för kunskapsintensiva och skalbara idéer, "
        "med kontakter mot investerare.",
        "county:SE-23",
        "idea start_up",
        {"all_sectors": True},
    ),
    (
        "region-jh",
        "grant",
        "Företagsstöd för investeringar",
        "Bedriftsstøtte til investeringer",
        "Business investment grant",
        "Regionalt investeringsstöd till små och medelstora företag i Jämtlands län.",
        "county:SE-23",
        "growth established",
        {"amount_min": 50000, "amount_max": 2000000, "currency": "SEK", "eligibility": "Små och medelstora företag."},
    ),
    (
        "innovasjon-norge",
        "grant",
        "Oppstartstilskudd",
        "Oppstartstilskudd",
        "Start-up grant",
        "Tilskott till innovativa nystartade företag med potential för tillväxt utanför den egna regionen.",
        "country:NO",
        "start_up",
        {"amount_min": 100000, "amount_max": 1000000, "currency": "NOK"},
    ),
    (
        "innovasjon-norge",
        "export",
        "Eksportprogrammet",
        "Eksportprogrammet",
        "Export programme",
        "Rådgivning och kompetensprogram för företag som vill börja exportera.",
        "country:NO",
        "growth established",
        {"cost": "subsidised"},
    ),
    (
        "etablerertjenesten",
        "advice",
        "Veiledning for gründere",
        "Veiledning for gründere",
        "Guidance for founders",
        "Kostnadsfri vägledning om företagsform, skatt och budget för dig som startar i Trøndelag.",
        "county:NO-50",
        "idea start_up",
        {"languages": "nb en"},
    ),
    (
        "innovasjonshuset",
        "incubation",
        "Inkubator Innherred",
        "Inkubator Innherred",
        "Innherred incubator",
        "Kontorsplats, mentorer och nätverk för nya företag i Innherred.",
        "municipality:NO-5037 municipality:NO-5038",
        "start_up growth",
        {"cost": "subsidised"},
    ),
    (
        "trondelag-fk",
        "grant",
        "Regionalt utviklingstilskudd",
        "Regionalt utviklingstilskudd",
        "Regional development grant",
        "Tilskott till utvecklingsprojekt som stärker näringslivet i Trøndelag.",
        "county:NO-50",
        "",
        {"currency": "NOK", "amount_max": 1500000},
    ),
)

#: The municipalities' own offering (one each), made from the municipality's name.
MUNICIPAL_OFFERING = (
    "advice",
    "Näringslivsrådgivning i {name}",
    "Næringsrådgivning i {name}",
    "Business advice in {name}",
    "Första kontakten för företagare: etablering, tillstånd, lokaler och vägen vidare till rätt stöd.",
)


def _area(offering: Offering, spec: str) -> None:
    for part in spec.split():
        kind, _sep, code = part.partition(":")
        country, _sep, local = code.partition("-")
        if kind == "country":
            offering.area_country = code
            offering.save(update_fields=["area_country"])
        elif kind == "county":
            offering.area_counties.add(County.objects.get(country=country, code=local))
        elif kind == "municipality":
            offering.area_municipalities.add(Municipality.objects.get(country=country, code=local))


def _offering(demo: Any, organisation: Any, values: dict[str, Any], area: str) -> Offering | None:
    if Offering.objects.filter(organisation=organisation, name_sv=values["name_sv"]).exists():
        return Offering.objects.filter(organisation=organisation, name_sv=values["name_sv"]).first()
    offering = Offering(organisation=organisation, last_reviewed_on=timezone.now().date(), **values)
    offering.full_clean()
    offering.save()
    _area(offering, area)
    demo.created["offerings"] += 1
    return offering


def seed_offerings(demo: Any) -> dict[str, Offering]:
    by_key: dict[str, Offering] = {}
    for key, kind, sv, nb, en, description, area, stages, extra in OFFERINGS:
        organisation = demo.organisations.get(key)
        if organisation is None:
            continue
        values = {"offering_type": kind, "name_sv": sv, "name_nb": nb, "name_en": en, "description_sv": description}
        values.update({"stages": stages, "languages": "sv nb en" if organisation.country == "SE" else "nb sv en"})
        values.update(extra)
        offering = _offering(demo, organisation, values, area)
        if offering is not None:
            by_key.setdefault(key, offering)
    for key, organisation in demo.organisations.items():
        if organisation.kind != "municipality" or organisation.municipality is None:
            continue
        municipality = organisation.municipality
        kind, sv, nb, en, description = MUNICIPAL_OFFERING
        values = {
            "offering_type": kind,
            "name_sv": sv.format(name=municipality.name),
            "name_nb": nb.format(name=municipality.name),
            "name_en": en.format(name=municipality.name),
            "description_sv": description,
            "stages": "",
            "languages": "sv en" if municipality.country == "SE" else "nb en",
        }
        offering = _offering(demo, organisation, values, f"municipality:{municipality.qualified_code}")
        if offering is not None:
            by_key.setdefault(key, offering)
    return by_key


def _at(days: int, hour: int, zone: zoneinfo.ZoneInfo, minute: int = 0) -> datetime:
    day = (timezone.now() + timedelta(days=days)).astimezone(zone).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


#: (organiser key, co-organiser keys, title, days from today, hour, hours long, zone, venue, municipality, extra)
EVENTS: tuple[tuple[str, tuple[str, ...], str, int, int, int, str, str, str, dict[str, Any]], ...] = (
    (
        "almi-mitt",
        ("inkubatorn",),
        "Finansieringsdag för nya företag",
        4,
        9,
        3,
        "Europe/Stockholm",
        "Mittuniversitetet, Kunskapens väg 8, Östersund",
        "SE-2380",
        {"registration_mode": "built_in", "capacity": 60},
    ),
    (
        "nyforetagarcentrum",
        (),
        "Starta eget – grundkurs",
        7,
        17,
        3,
        "Europe/Stockholm",
        "Stadsbiblioteket, Rådhusgatan 25, Östersund",
        "SE-2380",
        {"registration_mode": "built_in", "capacity": 3, "full": True},
    ),
    (
        "coompanion",
        ("SE-2321",),
        "Kooperativt företagande på landsbygden",
        10,
        13,
        2,
        "Europe/Stockholm",
        "Åre kommunhus, Åre",
        "SE-2321",
        {"online_url": "https://meet.example.org/kooperativ"},
    ),
    (
        "innovasjon-norge",
        ("trondelag-fk",),
        "Eksportfrokost Trøndelag",
        12,
        8,
        2,
        "Europe/Oslo",
        "Kunnskapsparken, Stjørdal",
        "NO-5035",
        {"registration_mode": "external", "registration_url": "https://example.org/eksportfrokost"},
    ),
    (
        "etablerertjenesten",
        (),
        "Gründerkurs på nett",
        14,
        18,
        2,
        "Europe/Oslo",
        "",
        "",
        {"online_url": "https://meet.example.org/grunderkurs", "language": "nb"},
    ),
    (
        "innovasjonshuset",
        ("NO-5037",),
        "Gründerkveld i Levanger",
        18,
        18,
        3,
        "Europe/Oslo",
        "Innovasjonshuset, Levanger",
        "NO-5037",
        {"registration_mode": "built_in", "capacity": 40, "language": "nb"},
    ),
    (
        "region-jh",
        ("trondelag-fk",),
        "Gränslöst näringsliv – konferens",
        24,
        9,
        7,
        "Europe/Stockholm",
        "Storlien Högfjällshotell, Storlien",
        "SE-2321",
        {"registration_mode": "built_in", "capacity": 120},
    ),
    (
        "SE-2380",
        ("almi-mitt", "nyforetagarcentrum"),
        "Företagarfika i Östersund",
        2,
        8,
        1,
        "Europe/Stockholm",
        "Café Törners, Storgatan 24, Östersund",
        "SE-2380",
        {"rrule": "FREQ=WEEKLY;COUNT=5", "skip_week": 2},
    ),
)

WAITING_NAMES = (
    ("Anna Berg", "anna.berg@example.org"),
    ("Johan Ek", "johan.ek@example.org"),
    ("Maja Sund", "maja.sund@example.org"),
    ("Ola Nordmann", "ola.nordmann@example.no"),
    ("Leila Haddad", "leila.haddad@example.org"),
)


def seed_events(demo: Any, offerings: dict[str, Offering]) -> None:
    for key, co_keys, title, days, hour, hours, zone_name, venue, place, extra in EVENTS:
        organiser = demo.organisations.get(key)
        if organiser is None or Event.objects.filter(organiser=organiser, title=title).exists():
            continue
        extra = dict(extra)
        full = extra.pop("full", False)
        skip_week = extra.pop("skip_week", None)
        zone = zoneinfo.ZoneInfo(zone_name)
        start = _at(days, hour, zone)
        event = Event(
            organiser=organiser,
            title=title,
            description=f"{title}. Välkommen!" if zone_name == "Europe/Stockholm" else f"{title}. Velkommen!",
            time_zone=zone_name,
            start=start,
            end=start + timedelta(hours=hours),
            venue=venue,
            **{"language": "sv" if zone_name == "Europe/Stockholm" else "nb", **extra},
        )
        if place:
            country, _sep, code = place.partition("-")
            event.municipality = Municipality.objects.filter(country=country, code=code).first()
        if skip_week is not None:
            event.exdates = [(start + timedelta(weeks=skip_week)).replace(tzinfo=None).isoformat(timespec="minutes")]
        event.full_clean()
        event.save()
        event.co_organisers.set([demo.organisations[k] for k in co_keys if k in demo.organisations])
        if key in offerings:
            event.offerings.add(offerings[key])
        demo.created["events"] += 1
        if full:
            for n, (name, email) in enumerate(WAITING_NAMES):
                _raw, token_hash = Registration.new_token()
                Registration.objects.create(
                    event=event,
                    name=name,
                    email=email,
                    language="sv",
                    status=RegistrationStatus.CONFIRMED if n < (event.capacity or 0) else RegistrationStatus.WAITING,
                    token_hash=token_hash,
                )
                demo.created["registrations"] += 1


def seed_catalogue(demo: Any) -> None:
    """Offerings and a month of events for the demo region (called by seed_demo)."""
    seed_events(demo, seed_offerings(demo))


#: This app's part of the demo region, run by the project's `framja seed_demo` after accounts and ideas.
SECTIONS = [seed_catalogue]

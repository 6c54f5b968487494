"""The front door's answers are those of the straightforward implementation it replaced (issue
11, speed): `_rank_before` and `_events_before` below are the code before the speed work, kept
as the reference. On a varied fixture (areas, stages, sectors, equal names, several
organisations, needs in three languages), every ranking, score, reason and event list agrees."""

from __future__ import annotations

import heapq
import random
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from framja.catalogue import matching
from framja.catalogue.corpora import EVENTS, OFFERINGS
from framja.catalogue.matching import (
    CANDIDATES,
    EVENT_HITS,
    MAX_WORD_POINTS,
    OFFERING_HITS,
    TEXT_FIELDS,
    WORD_CANDIDATES,
    _Candidate,
    _language_order,
    _match,
    similar,
    words_in_common,
)
from framja.catalogue.models import LANGUAGE_CODES, Event, EventStatus, Offering, OfferingStatus
from framja.places.models import County, Municipality, SniDivision, SniSection
from tests.catalogue.conftest import make_event, make_offering
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("similarity_snapshot")]

NAMES = [
    ("Exportrådgivning", "Eksportrådgivning", "Export advice"),
    ("Mikrolån", "Mikrolån", "Microloan"),
    ("Affärsutveckling", "", "Business development"),
    ("", "Oppstartstilskudd", "Start-up grant"),
    ("", "", "Mentoring"),
    ("Rådgivning", "Rådgivning", ""),  # the same name many times: the order of equals counts
    ("0000", "", ""),  # with no description: close to no need at all
]
SENTENCES = [
    "Hjälp att sälja till utländska kunder och hitta nya marknader utomlands.",
    "Lån för dig som startar eller driver ett litet företag och behöver finansiering.",
    "Kostnadsfri rådgivning om affärsplan, budget och tillstånd.",
    "Tilskudd til innovative bedrifter med potensial for vekst og eksport.",
    "Coachning och mentorer för skalbara idéer, med kontakter mot investerare.",
    "Stöd vid generationsskifte: värdering, avtal och finansiering.",
    "Vi hjälper livsmedelsföretag med tillstånd och hållbar produktion.",
    "",
]
NEEDS = [
    "Vi vill sälja till kunder i utlandet och behöver hjälp med export",
    "Jeg trenger finansiering til maskiner for min nye bedrift",
    "We need advice on a business plan and funding for growth",
    "tillstånd för livsmedel och ett lån",
    "xyzzy",  # no word in common: the service's scores, the base scores and the directory decide
]


@pytest.fixture
def world(municipality):
    rng = random.Random(11)
    county = municipality.county
    other_county = County.objects.create(country="SE", code="22", name="Västernorrlands län")
    neighbour = Municipality.objects.create(country="SE", code="2361", name="Härjedalen", county=county)
    section = SniSection.objects.create(code="C", name="Tillverkning")
    division = SniDivision.objects.create(code="10", name="Livsmedel", section=section)
    other_section = SniSection.objects.create(code="J", name="Information")
    organisations = [OrganisationFactory.create(name=name) for name in ("Almi", "Coompanion", "Almi Nord", "Öst")]
    for n in range(60):
        sv, nb, en = rng.choice(NAMES)
        offering = make_offering(
            rng.choice(organisations),
            name_sv=sv,
            name_nb=nb,
            name_en=en or ("" if sv or nb else f"Offer {n}"),
            description_sv="" if sv == "0000" else " ".join(rng.sample(SENTENCES, 2)),
            description_nb=rng.choice(SENTENCES) if n % 3 == 0 else "",
            stages=rng.choice(["", "idea", "start_up growth", "growth", "idea start_up"]),
            area_country=rng.choice(["SE", "", "", "NO"]),
            all_sectors=n % 4 != 0,
            status=OfferingStatus.ACTIVE if n % 9 else OfferingStatus.INACTIVE,
        )
        if not offering.area_country:
            rng.choice(
                [
                    lambda o: o.area_counties.add(county),
                    lambda o: o.area_counties.add(other_county),
                    lambda o: o.area_municipalities.add(municipality),
                    lambda o: o.area_municipalities.add(neighbour),
                ]
            )(offering)
        if n % 4 == 0:
            rng.choice([lambda o: o.sni_sections.add(section), lambda o: o.sni_divisions.add(division)])(offering)
        elif n % 5 == 0:
            offering.sni_sections.add(other_section)
    offerings = list(Offering.objects.all())
    now = timezone.now()
    for n in range(40):
        start = now + timedelta(days=rng.randint(-5, 40), hours=rng.randint(0, 10))
        event = make_event(
            rng.choice(organisations),
            title=rng.choice(["Exportfrukost", "Finansieringskväll", "Gründerkveld", "Frukostmöte"]),
            description=rng.choice(SENTENCES),
            start=start,
            end=start + timedelta(hours=2),
            municipality=rng.choice([municipality, neighbour, None]),
            rrule="FREQ=WEEKLY;COUNT=4" if n % 7 == 0 else "",
            status=EventStatus.CANCELLED if n % 11 == 0 else EventStatus.SCHEDULED,
        )
        event.offerings.add(*rng.sample(offerings, rng.randint(0, 2)))
    return {"municipality": municipality, "neighbour": neighbour, "section": section, "other": other_section}


def _rank_before(*, need, municipality, stage="", sector=None, limit=10):
    """matching.rank before the speed work (680f0d2), verbatim but for the imports."""
    serving = Offering.objects.active().serving(municipality).for_sector(sector)
    columns = ["pk", "stages", "name_sv", "name_nb", "name_en"]
    if sector is not None:
        serving = serving.with_sector_named(sector)
        columns.append("names_sector")
    rows = list(serving.values_list(*columns))  # in the directory's order
    if stage:
        rows = [row for row in rows if not row[1].split() or stage in row[1].split()]
    close = similar(OFFERINGS, need, k=OFFERING_HITS, where={"status": OfferingStatus.ACTIVE.value})
    nearest = sorted(rows, key=lambda row: -close.get(row[0], 0.0))[:WORD_CANDIDATES]
    texts = Offering.objects.filter(pk__in=[row[0] for row in nearest]).values_list("pk", *TEXT_FIELDS)
    common = words_in_common(need, {pk: " ".join(parts) for pk, *parts in texts})
    language = (translation.get_language() or "sv")[:2]
    first, second, third = (2 + LANGUAGE_CODES.index(code) for code in _language_order(language))
    scored = []
    for position, row in enumerate(rows):
        score = 3
        if stage:
            score += 2 if row[1].split() else 1
        if sector is not None:
            score += 2 if row[5] else 1
        similarity = close.get(row[0], 0.0)
        points = max(len(common.get(row[0], [])[:MAX_WORD_POINTS]), round(MAX_WORD_POINTS * similarity))
        score += min(points, MAX_WORD_POINTS)
        scored.append((-score, -similarity, row[first] or row[second] or row[third], position))
    shown = [
        _Candidate(
            pk=rows[position][0],
            stages=rows[position][1],
            names_sector=sector is not None and bool(rows[position][5]),
            score=-negative_score,
            similarity=-negative_similarity,
            words=common.get(rows[position][0], [])[:MAX_WORD_POINTS],
        )
        for negative_score, negative_similarity, _name, position in heapq.nsmallest(limit, scored)
    ]
    offerings = Offering.objects.select_related("organisation").in_bulk([c.pk for c in shown])
    return [_match(c, offerings[c.pk], municipality, stage, sector) for c in shown]


def _events_before(matches, municipality, need="", limit=5):
    """matching.upcoming_events before the speed work (680f0d2)."""
    ids = [m.offering.pk for m in matches]
    upcoming = Event.objects.published().scheduled().upcoming().order_by()
    columns = ("pk", "start", "municipality_id")
    tagged = upcoming.filter(pk__in=Event.offerings.through.objects.filter(offering_id__in=ids).values("event_id"))
    places = list(Municipality.objects.filter(county=municipality.county_id).order_by().values_list("pk", flat=True))
    in_county = upcoming.filter(municipality__in=places)
    candidates = list(
        tagged.values_list(*columns).union(in_county.values_list(*columns)).order_by("start", "pk")[:CANDIDATES]
    )
    close = {}
    if need and candidates:
        areas = sorted({str(place or "") for _pk, _start, place in candidates})
        close = similar(EVENTS, need, k=EVENT_HITS, where={"area": areas, "status": EventStatus.SCHEDULED.value})
    candidates.sort(key=lambda c: (-round(close.get(c[0], 0.0), 1), c[1]))
    return [pk for pk, _start, _place in candidates[:limit]]


def _answer(matches):
    return [(m.offering.pk, m.score, m.reasons, m.words, round(m.similarity, 12)) for m in matches]


@pytest.mark.parametrize(("language", "needs"), [("sv", NEEDS), ("en", NEEDS[2:3])])
def test_rankings_and_events_are_those_of_the_code_before(world, language, needs):
    compared = 0
    with translation.override(language):
        for need in needs:
            for place in (world["municipality"], world["neighbour"]):
                for stage, sector in (("", None), ("idea", world["section"]), ("growth", world["other"])):
                    for limit in (3, 60):
                        ours = matching.rank(need=need, municipality=place, stage=stage, sector=sector, limit=limit)
                        before = _rank_before(need=need, municipality=place, stage=stage, sector=sector, limit=limit)
                        assert _answer(ours) == _answer(before), (need, place, stage, sector, limit)
                        compared += 1
                    events = matching.upcoming_events(ours, place, need=need)
                    assert [e.pk for e in events] == _events_before(ours, place, need=need)
    assert compared == len(needs) * 2 * 3 * 2


def test_the_fixture_exercises_ties_words_and_similarity(world):
    """The comparison above would prove little if nothing were close, tied or in common."""
    matches = matching.rank(need=NEEDS[0], municipality=world["municipality"], limit=60)
    assert any(m.words for m in matches)
    assert any(m.similarity > 0 for m in matches)
    assert any(not m.words and m.similarity == 0 for m in matches)  # scored by area, stage, sector only
    names = [m.offering.name for m in matches]
    assert len(names) > len(set(names))  # equal names, ordered by the directory
    assert not any(m.words for m in matching.rank(need=NEEDS[-1], municipality=world["municipality"]))

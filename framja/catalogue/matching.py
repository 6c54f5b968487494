"""The front door's ranking: active offerings that serve the person's area, stage and sector,
ordered by a simple, explainable score, each with the reasons it matched.

Score = 3 for the area (always true: only offerings serving the municipality are ranked)
      + 2 if the offering names the person's stage (1 if it serves every stage)
      + 2 if it names the person's sector (1 if it serves all sectors)
      + up to 5 for how close the offering's text is to the need in the shared similarity
        service (the `offerings` corpus; sv/nb/en bridged), at least 1 per word in common.

Events come from the `events` corpus, similar ideas from the `ideas` corpus: both through the
indexes registry, so the catalogue never imports the ideas app. Nothing outside the person's
area is offered: the service only orders candidates the database already chose by area.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from framja.catalogue.corpora import EVENTS, OFFERINGS
from framja.catalogue.models import LANGUAGE_CODES, Event, EventStatus, Offering, OfferingStatus
from framja.indexes import registry
from framja.indexes import services as indexes
from framja.places.models import Municipality, SniSection
from framja.similarity.normalise import sound_key, words

IDEAS = "ideas"
#: A service score from which an offering is "close to what you describe" without shared words.
CLOSE = 0.2
#: A service score from which an idea of the sluice is shown as similar.
SIMILAR_IDEA = 0.2
CANDIDATES = 500
#: Offerings the service scores (the closest to the need in the whole corpus); the others
#: serving the area score as not close.
OFFERING_HITS = 200
#: Offerings in which words in common are looked for: the closest to the need first.
WORD_CANDIDATES = 100
#: Events the service scores among the candidates' places: the closest of them come first.
EVENT_HITS = 100

MAX_WORD_POINTS = 5
#: Words too common in this field to explain a match.
COMMON = frozenset(
    [
        "att",
        "och",
        "det",
        "som",
        "för",
        "med",
        "till",
        "har",
        "inte",
        "eller",
        "vill",
        "kan",
        "ett",
        "en",
        "den",
        "dem",
        "där",
        "här",
        "från",
        "om",
        "på",
        "av",
        "og",
        "det",
        "som",
        "for",
        "med",
        "til",
        "har",
        "ikke",
        "eller",
        "vil",
        "kan",
        "et",
        "en",
        "den",
        "dem",
        "der",
        "her",
        "fra",
        "om",
        "på",
        "av",
        "the",
        "and",
        "for",
        "with",
        "have",
        "want",
        "can",
        "from",
        "about",
        "into",
        "that",
        "this",
    ]
)


@dataclass
class Match:
    offering: Offering
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    similarity: float = 0.0


@dataclass
class IdeaMatch:
    id: int
    title: str
    url: str
    score: float


def similar(corpus: str, need: str, *, k: int, where: dict[str, Any] | None = None) -> dict[int, float]:
    """Key -> score of the documents of `corpus` closest to the need (empty without a snapshot)."""
    try:
        reader = indexes.reader(corpus)
    except KeyError:  # the corpus is not registered in this deployment
        return {}
    return {hit.key: hit.score for hit in reader.query(need, k=k, where=where)}


def _meaningful(text: str) -> set[str]:
    return {w for w in words(text) if len(w) >= 4 and w not in COMMON}


#: sound_key of a word, computed once per process: a corpus repeats its vocabulary.
_sound_key = lru_cache(maxsize=100_000)(sound_key)


def words_in_common(need: str, texts: dict[int, str]) -> dict[int, list[str]]:
    """Per candidate id, the candidate's meaningful words that the need also has, spelling
    differences between Swedish, Norwegian and Danish ignored ("selge" meets "sälja")."""
    wanted = {_sound_key(w) for w in _meaningful(need)}
    if not wanted:
        return {}
    return {pk: sorted({w for w in _meaningful(text) if _sound_key(w) in wanted}) for pk, text in texts.items()}


TEXT_FIELDS = tuple(f"{stem}_{code}" for stem in ("name", "description") for code in LANGUAGE_CODES)


@dataclass
class _Candidate:
    """An offering chosen to be shown, as much of it as the reasons need."""

    pk: int
    stages: str
    names_sector: bool
    score: int
    similarity: float
    words: list[str]


def rank(
    *,
    need: str,
    municipality: Municipality,
    stage: str = "",
    sector: SniSection | None = None,
    limit: int = 10,
) -> list[Match]:
    """The `limit` best offerings for the need, best first, each with the reasons it matched.

    Every offering serving the area, stage and sector is scored from a few columns; words in
    common are looked for in the WORD_CANDIDATES closest to the need (the service's order, then
    the directory's), and only the offerings shown are loaded whole.
    """
    serving = Offering.objects.active().serving(municipality).for_sector(sector)
    columns = ["pk", "stages", "name_sv", "name_nb", "name_en"]
    if sector is not None:
        serving = serving.with_sector_named(sector)
        columns.append("names_sector")
    rows = list(serving.values_list(*columns))  # in the directory's order
    if stage:
        rows = [row for row in rows if not row[1].split() or stage in row[1].split()]
    close = similar(OFFERINGS, need, k=OFFERING_HITS, where={"status": OfferingStatus.ACTIVE.value})
    # the WORD_CANDIDATES nearest: those the service finds close, closest first (the directory's
    # order among equals), then the others in the directory's order
    position_of = {row[0]: position for position, row in enumerate(rows)}
    nearest = sorted(
        (pk for pk, score in close.items() if score > 0 and pk in position_of),
        key=lambda pk: (-close[pk], position_of[pk]),
    )[:WORD_CANDIDATES]
    if len(nearest) < WORD_CANDIDATES:
        others = (row[0] for row in rows if close.get(row[0], 0.0) <= 0)
        nearest += islice(others, WORD_CANDIDATES - len(nearest))
    texts = Offering.objects.filter(pk__in=nearest).values_list("pk", *TEXT_FIELDS)
    common = words_in_common(need, {pk: " ".join(parts) for pk, *parts in texts})
    # the name in the reader's language, else the first one given (Offering.name), by column
    language = (get_language() or "sv")[:2]
    first, second, third = (2 + LANGUAGE_CODES.index(code) for code in _language_order(language))

    def base(row: tuple[Any, ...]) -> int:
        """3 for the area, plus the stage's and the sector's points."""
        score = 3
        if stage:
            score += 2 if row[1].split() else 1
        if sector is not None:
            score += 2 if row[5] else 1
        return score

    # sort keys (-score, -similarity, name, position): the position keeps the directory's order
    # among equals, as a stable sort would. Keys are made for the offerings with text points; the
    # others (most of them) score their base only, so only the first `limit` of each base by
    # (name, position) can be shown.
    scored = []
    with_points = {pk for pk, score in close.items() if score > 0} | {pk for pk, found in common.items() if found}
    plain: dict[int, list[int]] = {}
    fixed = 3 if not stage and sector is None else None  # the base of every offering
    for position, row in enumerate(rows):
        if row[0] in with_points:
            similarity = close.get(row[0], 0.0)
            found = common.get(row[0])
            points = max(len(found[:MAX_WORD_POINTS]) if found else 0, round(MAX_WORD_POINTS * similarity))
            score = base(row) + min(points, MAX_WORD_POINTS)
            scored.append((-score, -similarity, row[first] or row[second] or row[third], position))
        else:
            plain.setdefault(fixed or base(row), []).append(position)
    for score, positions in plain.items():
        best = heapq.nsmallest(limit, ((rows[p][first] or rows[p][second] or rows[p][third], p) for p in positions))
        scored.extend((-score, -0.0, name, position) for name, position in best)
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


def _language_order(language: str) -> list[str]:
    return [code for code in dict.fromkeys((language, *LANGUAGE_CODES)) if code in LANGUAGE_CODES]


def _match(
    candidate: _Candidate, offering: Offering, municipality: Municipality, stage: str, sector: SniSection | None
) -> Match:
    match = Match(offering, score=candidate.score, reasons=[_("serves %(place)s") % {"place": municipality.name}])
    if stage and candidate.stages.split():
        match.reasons.append(_("for companies at your stage"))
    if sector is not None and candidate.names_sector:
        match.reasons.append(_("for your sector"))
    match.words = candidate.words
    match.similarity = candidate.similarity
    if match.words:
        match.reasons.append(_("words in common: %(words)s") % {"words": ", ".join(match.words)})
    elif match.similarity >= CLOSE:
        match.reasons.append(_("close to what you describe"))
    return match


def upcoming_events(
    matches: Iterable[Match], municipality: Municipality, need: str = "", limit: int = 5
) -> list[Event]:
    """Upcoming events tagged with a matched offering or held in the person's county; those
    closest to the need (the `events` corpus) first, then by date."""
    ids = [m.offering.pk for m in matches]
    upcoming, start = Event.objects.published().scheduled().upcoming().order_by().sortable_start()
    columns = ("pk", start, "municipality_id")  # the start only orders: seconds on PostgreSQL
    # a union of two index lookups: an OR of the two would read every event
    tagged = upcoming.filter(pk__in=Event.offerings.through.objects.filter(offering_id__in=ids).values("event_id"))
    # the county's places as a list: PostgreSQL then reads the events by their place's index
    places = list(Municipality.objects.filter(county=municipality.county_id).order_by().values_list("pk", flat=True))
    in_county = upcoming.filter(municipality__in=places)
    candidates = list(
        tagged.values_list(*columns).union(in_county.values_list(*columns)).order_by(start, "pk")[:CANDIDATES]
    )
    close: dict[int, float] = {}
    if need and candidates:
        # only the candidates' places (the `area` attribute) and scheduled events compete
        areas = sorted({str(place or "") for _pk, _start, place in candidates})
        close = similar(EVENTS, need, k=EVENT_HITS, where={"area": areas, "status": EventStatus.SCHEDULED.value})
    candidates.sort(key=lambda c: (-round(close.get(c[0], 0.0), 1), c[1]))
    chosen = [pk for pk, _start, _place in candidates[:limit]]
    events = Event.objects.select_related("organiser").in_bulk(chosen)
    return [events[pk] for pk in chosen]


def similar_ideas(need: str, municipality: Municipality, limit: int = 3) -> list[IdeaMatch]:
    """Public ideas of the idea sluice in the person's municipality that resemble the need, read
    through the indexes registry (the `ideas` corpus): the catalogue does not import the ideas app."""
    where = {"country": municipality.country, "municipality": municipality.code}
    close = {k: s for k, s in similar(IDEAS, need, k=limit, where=where).items() if s >= SIMILAR_IDEA}
    if not close:
        return []
    titles = {key: text.split("\n", 1)[0] for key, text, _attrs in registry.get(IDEAS).documents(list(close))}
    return [
        IdeaMatch(key, titles[key], reverse("ideas-public-detail", args=[key]), score)
        for key, score in sorted(close.items(), key=lambda item: -item[1])
        if key in titles
    ]

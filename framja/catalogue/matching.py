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

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from framja.catalogue.corpora import EVENTS, OFFERINGS
from framja.catalogue.models import Event, Offering, OfferingStatus
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


def words_in_common(need: str, texts: dict[int, str]) -> dict[int, list[str]]:
    """Per candidate id, the candidate's meaningful words that the need also has, spelling
    differences between Swedish, Norwegian and Danish ignored ("selge" meets "sälja")."""
    wanted = {sound_key(w) for w in _meaningful(need)}
    if not wanted:
        return {}
    return {pk: sorted({w for w in _meaningful(text) if sound_key(w) in wanted}) for pk, text in texts.items()}


def _text(offering: Offering) -> str:
    return " ".join(
        getattr(offering, f"{stem}_{code}") for stem in ("name", "description") for code in ("sv", "nb", "en")
    )


def rank(
    *,
    need: str,
    municipality: Municipality,
    stage: str = "",
    sector: SniSection | None = None,
    limit: int = 10,
) -> list[Match]:
    offerings = list(
        Offering.objects.active()
        .serving(municipality)
        .for_sector(sector)
        .select_related("organisation")
        .prefetch_related("sni_sections", "sni_divisions")[:500]
    )
    if stage:
        offerings = [o for o in offerings if not o.stage_list or stage in o.stage_list]
    common = words_in_common(need, {o.pk: _text(o) for o in offerings})
    close = similar(OFFERINGS, need, k=CANDIDATES, where={"status": OfferingStatus.ACTIVE.value})
    matches = []
    for offering in offerings:
        match = Match(offering, score=3, reasons=[_("serves %(place)s") % {"place": municipality.name}])
        if stage:
            match.score += 2 if offering.stage_list else 1
            if offering.stage_list:
                match.reasons.append(_("for companies at your stage"))
        if sector is not None:
            named = any(s.pk == sector.pk for s in offering.sni_sections.all()) or any(
                d.section_id == sector.pk for d in offering.sni_divisions.all()
            )
            match.score += 2 if named else 1
            if named:
                match.reasons.append(_("for your sector"))
        match.words = common.get(offering.pk, [])[:MAX_WORD_POINTS]
        match.similarity = close.get(offering.pk, 0.0)
        points = max(len(match.words), round(MAX_WORD_POINTS * match.similarity))
        match.score += min(points, MAX_WORD_POINTS)
        if match.words:
            match.reasons.append(_("words in common: %(words)s") % {"words": ", ".join(match.words)})
        elif match.similarity >= CLOSE:
            match.reasons.append(_("close to what you describe"))
        matches.append(match)
    matches.sort(key=lambda m: (-m.score, -m.similarity, m.offering.name))
    return matches[:limit]


def upcoming_events(
    matches: Iterable[Match], municipality: Municipality, need: str = "", limit: int = 5
) -> list[Event]:
    """Upcoming events tagged with a matched offering or held in the person's county; those
    closest to the need (the `events` corpus) first, then by date."""
    ids = [m.offering.pk for m in matches]
    events = list(
        Event.objects.published()
        .scheduled()
        .upcoming()
        .filter(Q(offerings__in=ids) | Q(municipality__county=municipality.county_id))
        .distinct()
        .select_related("organiser")
        .order_by("start")[:CANDIDATES]
    )
    close = similar(EVENTS, need, k=CANDIDATES) if need else {}
    events.sort(key=lambda e: (-round(close.get(e.pk, 0.0), 1), e.start))
    return events[:limit]


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

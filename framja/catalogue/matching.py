"""The front door's ranking: active offerings that serve the person's area, stage and sector,
ordered by a simple, explainable score, each with the reasons it matched.

Score = 3 for the area (always true: only offerings serving the municipality are ranked)
      + 2 if the offering names the person's stage (1 if it serves every stage)
      + 2 if it names the person's sector (1 if it serves all sectors)
      + 1 per word in common with the need (at most 5).

`words_in_common()` is the seam where the shared similarity service (issue 8) plugs in later:
it receives the need and the candidate texts and answers, per candidate, a score and the words
that explain it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from framja.catalogue.models import Event, Offering
from framja.places.models import Municipality, SniSection
from framja.similarity.normalise import words

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


def _meaningful(text: str) -> set[str]:
    return {w for w in words(text) if len(w) >= 4 and w not in COMMON}


def words_in_common(need: str, texts: dict[int, str]) -> dict[int, list[str]]:
    """Per candidate id, the meaningful words it shares with the need (the similarity seam)."""
    wanted = _meaningful(need)
    if not wanted:
        return {}
    return {pk: sorted(wanted & _meaningful(text)) for pk, text in texts.items()}


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
        if match.words:
            match.score += len(match.words)
            match.reasons.append(_("words in common: %(words)s") % {"words": ", ".join(match.words)})
        matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.offering.name))
    return matches[:limit]


def upcoming_events(matches: Iterable[Match], municipality: Municipality, limit: int = 5) -> list[Event]:
    """Upcoming events tagged with a matched offering or held in the person's county."""
    ids = [m.offering.pk for m in matches]
    events = (
        Event.objects.published()
        .scheduled()
        .upcoming()
        .filter(Q(offerings__in=ids) | Q(municipality__county=municipality.county_id))
        .distinct()
    )
    return list(events.select_related("organiser").order_by("start")[:limit])

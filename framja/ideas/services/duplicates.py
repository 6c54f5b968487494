"""Candidate duplicate pairs across municipalities and the border: which pairs score high enough
for a regional coordinator to judge, and their refresh from the similarity index (a job after
each submission and every hour, `framja.ideas.tasks`). Imports neither the public side nor
casework, so the jobs that call it close no import cycle."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from framja.ideas import matching
from framja.ideas.models import DuplicateCandidate, DuplicateLink, Idea


def duplicate_threshold() -> float:
    """Pairs scoring at least this (and standing out from the background, `DUPLICATE_RATIO`)
    are candidate duplicates for the regional view: by default where the similarity engine
    starts suggesting ideas to submitters (`matching.SHOW_FROM`);
    FRAMJA_IDEAS_DUPLICATE_THRESHOLD overrides."""
    return float(getattr(settings, "FRAMJA_IDEAS_DUPLICATE_THRESHOLD", matching.SHOW_FROM))


#: A candidate pair scores at least this many times the idea's 10th best neighbour. Looser than
#: the submit page's `matching.SHOW_RATIO`: a coordinator reviews candidates, so a missed twin
#: costs more than a pair to dismiss (bench/suggestions.py: at 1.5 the twin passes for 88-99 %
#: of queries, an unrelated text for 12-47 %). The demo's open-data twins stand 1.8x above it.
DUPLICATE_RATIO = 1.5


#: How many neighbours of each idea the candidate refresh looks at.
CANDIDATES_PER_IDEA = 10


def refresh_candidates(*, idea_ids: Iterable[int] | None = None, threshold: float | None = None) -> int:
    """Recompute candidate duplicate pairs for these ideas (all public ideas when None) from the
    similarity index. Safe to re-run: pairs are upserted, judgements are kept, pending pairs that
    no longer score high enough are dropped. Returns the number of pairs stored or updated."""
    threshold = duplicate_threshold() if threshold is None else threshold
    ideas = Idea.objects.public().select_related("municipality")
    if idea_ids is not None:
        ideas = ideas.filter(pk__in=list(idea_ids))
    linked = set(DuplicateLink.objects.filter(removed_at=None).values_list("duplicate_id", "original_id"))
    stored = 0
    for idea in ideas.iterator(chunk_size=200):
        found: dict[tuple[int, int], float] = {}
        for other_id, score in matching.similar_to_idea(
            idea, CANDIDATES_PER_IDEA, min_score=threshold, ratio=DUPLICATE_RATIO
        ):
            if other_id == idea.pk:
                continue
            pair = (min(idea.pk, other_id), max(idea.pk, other_id))
            if pair in linked or (pair[1], pair[0]) in linked:
                continue
            found[pair] = max(found.get(pair, 0.0), float(score))
        with transaction.atomic():
            live = set(Idea.objects.public().filter(pk__in={i for p in found for i in p}).values_list("pk", flat=True))
            for (a, b), score in found.items():
                if a not in live or b not in live:
                    continue
                DuplicateCandidate.objects.update_or_create(idea_a_id=a, idea_b_id=b, defaults={"score": score})
                stored += 1
            stale = DuplicateCandidate.objects.filter(
                Q(idea_a=idea) | Q(idea_b=idea), judgement=DuplicateCandidate.Judgement.PENDING
            )
            for a, b in found:
                stale = stale.exclude(idea_a_id=a, idea_b_id=b)
            stale.delete()
    return stored

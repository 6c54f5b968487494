"""Which hits of a query a person would call related: a score alone is not enough.

A weighted-Jaccard score means different things for different queries: short sentences on
one topic share many trigrams with each other, long texts share many common words with every
other long text, and a query in Norwegian meets Norwegian texts at a higher background than
Swedish ones. So a hit is *shown* only when it stands clearly above the background of the
query's own unrelated hits:

    shown(hit) = score >= SHOW_FLOOR  and  score >= SHOW_RATIO * background,
    background = the score of the query's BACKGROUND_RANK-th best hit (0 with fewer hits).

The 10th hit is far enough down that a few correct matches (several versions of one idea)
do not lift it, and close enough to the top to be a sample of the query's unrelated
neighbours. SHOW_FLOOR and SHOW_RATIO were chosen on a grid by leave-one-set-out
cross-validation over the three development sets (`bench/suggestions.py`; figures in
docs/similarity.md), so they are not fitted to one file.
"""

from __future__ import annotations

from collections.abc import Sequence

#: The hit whose score is the query's background (1-based rank). Query at least this many.
BACKGROUND_RANK = 10
#: No hit below this score is shown, however far above its background.
SHOW_FLOOR = 0.15
#: A shown hit scores at least this many times the background.
SHOW_RATIO = 2.0


def background(scores: Sequence[float], rank: int = BACKGROUND_RANK) -> float:
    """The score at `rank` of the scores (best first), 0.0 when there are fewer."""
    return float(scores[rank - 1]) if len(scores) >= rank else 0.0


def shown_count(
    scores: Sequence[float],
    *,
    floor: float = SHOW_FLOOR,
    ratio: float = SHOW_RATIO,
    rank: int = BACKGROUND_RANK,
) -> int:
    """How many of the leading hits (scores best first) are shown as related."""
    limit = max(floor, ratio * background(scores, rank))
    return sum(1 for s in scores if s >= limit)


def is_related(
    score: float,
    scores: Sequence[float],
    *,
    floor: float = SHOW_FLOOR,
    ratio: float = SHOW_RATIO,
    rank: int = BACKGROUND_RANK,
) -> bool:
    """Whether a hit with `score` is related, given the query's scores (best first)."""
    return score >= max(floor, ratio * background(scores, rank))

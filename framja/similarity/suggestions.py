"""Benchmark of what the submit page shows: would a person see the twin, and only the twin?

For every query of a pairs set (corpus = every match of the set + the distractors):

* **present**: the index holds the query's correct matches; a hit counts when *any* correct
  match is among the shown suggestions (top 5 that pass the show rule). A query has several
  correct matches when the pairs link several texts to it, directly or through one another
  (the connected group of the pair graph): another correct match ranked first is no miss.
* **absent**: the query's correct matches are removed; the figure is the share of queries
  that still get *any* suggestion (a false alarm). Removing after ranking equals removing
  from the index up to the idf of the removed texts (a few hundredths of a score).

Sets are read in both directions (Danish → Swedish and Swedish → Danish, bokmål → nynorsk and
back) for the cross-language figures. Rules are compared in the same run: Främja's earlier
"score ≥ 0.1" and the background rule of `relevance.py`, whose floor and ratio are chosen on a
grid by leave-one-source-out cross-validation (held-out figures are for the source file left
out of the choice) and checked again on even/odd rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from framja.similarity import relevance
from framja.similarity.index import SimilarityIndex

#: The submit page shows at most this many suggestions.
SHOWN = 5
#: Hits fetched per query: enough for the background rank and for correct matches further down.
DEPTH = 40
#: The rule before this benchmark: any of the top 5 with a score of at least 0.1.
OLD_SHOW_FROM = 0.1
#: Targets of issue 9.11.
TARGET_PRESENT = 0.90
TARGET_ABSENT = 0.10

FLOORS = (0.1, 0.15, 0.2, 0.25, 0.3)
RATIOS = (1.0, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0)

Rule = Callable[[Sequence[float]], int]


@dataclass
class QueryHits:
    """One query's hits, best first: their scores and whether each is a correct match."""

    scores: list[float]
    correct: list[bool]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def query_hits(
    pairs: Sequence[tuple[str, str]], distractors: Sequence[str], depth: int = DEPTH, *, draft: bool = False
) -> list[QueryHits]:
    """Index every match and distractor; rank each distinct query (with the draft score when
    `draft`, as the submit page queries); mark its correct matches."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        parent[x] = root
        return root

    for query, match in pairs:
        parent[find(_key(query))] = find(_key(match))
    corpus = list(dict.fromkeys([m for _, m in pairs] + list(distractors)))
    index = SimilarityIndex()
    index.add_many(enumerate(corpus))
    rows = []
    for query in dict.fromkeys(q for q, _ in pairs):
        group = find(_key(query))
        hits = [(int(i), s) for i, s in index.query(query, depth + 1, draft=draft) if corpus[int(i)] != query][:depth]  # type: ignore[call-overload]
        rows.append(QueryHits([s for _, s in hits], [find(_key(corpus[i])) == group for i, _ in hits]))
    return rows


def rates(rows: Sequence[QueryHits], rule: Rule) -> dict[str, float]:
    """present: share of queries whose shown suggestions hold a correct match; absent: share of
    queries that get any suggestion once their correct matches are removed."""
    present = absent = 0
    for row in rows:
        shown = min(rule(row.scores), SHOWN)
        present += any(row.correct[:shown])
        rest = [s for s, ok in zip(row.scores, row.correct, strict=True) if not ok]
        absent += min(rule(rest), SHOWN) > 0
    n = max(len(rows), 1)
    return {"present": round(present / n, 4), "absent": round(absent / n, 4)}


def old_rule(scores: Sequence[float]) -> int:
    return sum(1 for s in scores[:SHOWN] if s >= OLD_SHOW_FROM)


def background_rule(floor: float, ratio: float) -> Rule:
    return lambda scores: relevance.shown_count(scores, floor=floor, ratio=ratio)


def shortfall(figures: dict[str, float]) -> float:
    """Distance from the targets: how far present is below 90 % plus how far absent is above 10 %."""
    return max(0.0, TARGET_PRESENT - figures["present"]) + max(0.0, figures["absent"] - TARGET_ABSENT)


def choose(sets: Sequence[Sequence[QueryHits]]) -> tuple[float, float]:
    """The (floor, ratio) of the grid with the least mean shortfall over `sets` (ties: the
    stricter rule, i.e. the higher ratio, then the higher floor)."""
    best: tuple[float, float, float] | None = None
    for floor in FLOORS:
        for ratio in RATIOS:
            rule = background_rule(floor, ratio)
            loss = sum(shortfall(rates(rows, rule)) for rows in sets) / max(len(sets), 1)
            if best is None or (loss, -ratio, -floor) < (best[0], -best[2], -best[1]):
                best = (loss, floor, ratio)
    assert best is not None
    return best[1], best[2]


def run(pair_files: Sequence[Path], distractors: Sequence[str], out: TextIO) -> dict[str, Any]:
    from framja.similarity.benchmark import read_pairs

    started = time.perf_counter()
    by_source: dict[str, dict[str, list[QueryHits]]] = {}
    drafted: dict[str, list[QueryHits]] = {}  # the same queries scored as drafts (submit page)
    for path in pair_files:
        pairs = read_pairs(path)
        name = path.name.removesuffix(".tsv")
        by_source[name] = {
            f"{name}": query_hits(pairs, distractors),
            f"{name} (reversed)": query_hits([(m, q) for q, m in pairs], distractors),
        }
        drafted[name] = query_hits(pairs, distractors, draft=True)
        drafted[f"{name} (reversed)"] = query_hits([(m, q) for q, m in pairs], distractors, draft=True)
    sets = {label: rows for views in by_source.values() for label, rows in views.items()}
    current = (relevance.SHOW_FLOOR, relevance.SHOW_RATIO)
    chosen = choose(list(sets.values()))
    held_out: dict[str, dict[str, float]] = {}
    held_params: dict[str, tuple[float, float]] = {}
    for source, views in by_source.items():
        train = [rows for other, v in by_source.items() if other != source for rows in v.values()]
        params = choose(train)
        held_params[source] = params
        for label, rows in views.items():
            held_out[label] = rates(rows, background_rule(*params))
    halves: dict[str, dict[str, dict[str, float]]] = {}
    even = [rows[0::2] for rows in sets.values()]
    odd = [rows[1::2] for rows in sets.values()]
    params_even, params_odd = choose(even), choose(odd)
    for label, rows in sets.items():
        halves[label] = {
            "odd_with_even_choice": rates(rows[1::2], background_rule(*params_even)),
            "even_with_odd_choice": rates(rows[0::2], background_rule(*params_odd)),
        }
    result: dict[str, Any] = {
        "rule": {
            "current": current,
            "chosen_on_all": chosen,
            "held_out_choices": held_params,
            "even_choice": params_even,
            "odd_choice": params_odd,
        },
        "sets": {},
    }
    out.write(
        f"Suggestions: twin present → shown in top {SHOWN} (target ≥ {TARGET_PRESENT:.0%}); "
        f"twin absent → any suggestion (target ≤ {TARGET_ABSENT:.0%})\n"
        f"rules: old = score ≥ {OLD_SHOW_FROM}; current = floor {current[0]}, ratio {current[1]} × "
        f"score of hit {relevance.BACKGROUND_RANK}; held-out = chosen without the set's source file; "
        f"draft score = the current rule over the score the submit page uses (draft=True)\n\n"
    )
    header = f"{'set':<40}{'queries':>8}" + "".join(
        f"{name:>20}" for name in ("old present/absent", "current", "held-out", "even/odd halves", "draft score")
    )
    out.write(header + "\n")
    for label, rows in sets.items():
        old = rates(rows, old_rule)
        now = rates(rows, background_rule(*current))
        held = held_out[label]
        half = halves[label]
        h_present = (half["odd_with_even_choice"]["present"] + half["even_with_odd_choice"]["present"]) / 2
        h_absent = (half["odd_with_even_choice"]["absent"] + half["even_with_odd_choice"]["absent"]) / 2
        draft = rates(drafted[label], background_rule(*current))
        result["sets"][label] = {
            "queries": len(rows),
            "old": old,
            "current": now,
            "held_out": held,
            "halves": half,
            "draft": draft,
        }
        cells = [
            (old["present"], old["absent"]),
            (now["present"], now["absent"]),
            (held["present"], held["absent"]),
            (h_present, h_absent),
            (draft["present"], draft["absent"]),
        ]
        out.write(f"{label:<40}{len(rows):>8}" + "".join(f"{p:>13.3f}/{a:.3f}" for p, a in cells) + "\n")
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result

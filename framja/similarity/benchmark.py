"""`framja bench_similarity`: Främja's engine beside the Decidim trigram baseline, same run.

    python -m framja.similarity.benchmark --pairs A.tsv [--pairs B.tsv] --distractors D.txt
    python -m framja.similarity.benchmark --scale 100000 [--scale 1000000]

Human-readable tables first; the last line printed is one JSON object with every figure.
Heavy runs (100k, 1M) are for the command line, never for the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from framja.similarity import relevance
from framja.similarity.index import LIKELY_DUPLICATE, SimilarityIndex
from framja.similarity.trigram import DECIDIM_THRESHOLD, TrigramBaseline

# A Django command on PostgreSQL supplies this: given the corpus, it loads it into a table and
# returns a function (query text, k) -> [(corpus position, pg_trgm similarity)], best first.
PgSimilarity = Callable[[Sequence[str]], Callable[[str, int], list[tuple[int, float]]]]
Ranker = Callable[[str, int], list[tuple[int, float]]]

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
RANK_CUTOFF = 100  # MRR counts ranks up to 100; the gold text further down counts 0


# ---------------------------------------------------------------- helpers


def _say(out: TextIO, line: str) -> None:
    """Write one whole line (a Django OutputWrapper adds no second newline to it)."""
    out.write(line + "\n")
    out.flush()


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Rows of a `query<TAB>match` file, read with no quoting (fields may start with `"`)."""
    pairs = []
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header[:2] != ["query", "match"]:
            raise ValueError(f"{path}: header must be query<TAB>match, got {header!r}")
        for line in fh:
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 2 and fields[0].strip() and fields[1].strip():
                pairs.append((fields[0].strip(), fields[1].strip()))
    return pairs


def read_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip()]


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    return round(float(np.percentile(np.array(seconds) * 1000.0, q)), 3) if seconds else 0.0


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: fall back to the lifetime peak
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakMemory:
    """Peak resident memory above the level at entry, sampled every 5 ms in a thread."""

    def __enter__(self) -> PeakMemory:
        self.start = _rss_mb()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())

    @property
    def mb(self) -> float:
        return round(self.peak - self.start, 1)


# ---------------------------------------------------------------- paired sets


def _rank_metrics(ranks: list[int], latencies: list[float]) -> dict[str, float]:
    n = max(len(ranks), 1)
    return {
        "recall@1": round(sum(r == 1 for r in ranks) / n, 4),
        "recall@5": round(sum(0 < r <= 5 for r in ranks) / n, 4),
        "recall@10": round(sum(0 < r <= 10 for r in ranks) / n, 4),
        "mrr": round(sum(1.0 / r for r in ranks if r > 0) / n, 4),
        "p50_ms": percentile_ms(latencies, 50),
        "p95_ms": percentile_ms(latencies, 95),
    }


def evaluate_ranker(
    rank: Ranker, corpus: Sequence[str], pairs: Sequence[tuple[str, str]], threshold: float
) -> dict[str, float]:
    """Recall, MRR, latency and threshold shares of one engine over one pairs set."""
    position = {text: i for i, text in enumerate(corpus)}
    ranks: list[int] = []
    latencies: list[float] = []
    flag_gold = flag_other = share_at_decidim = 0
    for query, match in pairs:
        started = time.perf_counter()
        hits = rank(query, RANK_CUTOFF + 1)
        latencies.append(time.perf_counter() - started)
        # Leave out texts identical to the query (the corpus holds each text once).
        hits = [(i, s) for i, s in hits if corpus[i] != query][:RANK_CUTOFF]
        gold = position[match]
        found = [n for n, (i, _) in enumerate(hits, 1) if i == gold]
        ranks.append(found[0] if found else 0)
        gold_score = next((s for i, s in hits if i == gold), 0.0)
        flag_gold += gold_score >= threshold
        flag_other += any(s >= threshold for i, s in hits if i != gold)
        share_at_decidim += gold_score >= DECIDIM_THRESHOLD
    n = max(len(pairs), 1)
    figures = _rank_metrics(ranks, latencies)
    figures["flag_gold"] = round(flag_gold / n, 4)
    figures["flag_other"] = round(flag_other / n, 4)
    figures["share_at_0.25"] = round(share_at_decidim / n, 4)
    return figures


def framja_ranker(corpus: Sequence[str], index: Any | None = None) -> Ranker:
    index = index if index is not None else SimilarityIndex()
    index.add_many(enumerate(corpus))
    return lambda text, k: [(int(i), s) for i, s in index.query(text, k)]  # type: ignore[arg-type]


def baseline_ranker(corpus: Sequence[str]) -> Ranker:
    baseline = TrigramBaseline()
    baseline.build(corpus)
    return baseline.query


def bench_pairs(
    pair_files: Sequence[Path],
    distractors: Sequence[str],
    out: TextIO,
    pg_similarity: PgSimilarity | None = None,
    make_index: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for path in pair_files:
        pairs = read_pairs(path)
        corpus = list(dict.fromkeys([m for _, m in pairs] + list(distractors)))
        engines: dict[str, tuple[Ranker, float]] = {
            "framja": (framja_ranker(corpus, make_index() if make_index else None), LIKELY_DUPLICATE),
            "baseline": (baseline_ranker(corpus), DECIDIM_THRESHOLD),
        }
        if pg_similarity is not None:
            engines["baseline_pg"] = (pg_similarity(corpus), DECIDIM_THRESHOLD)
        row: dict[str, Any] = {}
        for name, (ranker, threshold) in engines.items():
            figures = evaluate_ranker(ranker, corpus, pairs, threshold)
            if name == "framja":
                figures.pop("share_at_0.25")
            row[name] = figures
        row["queries"] = len(pairs)
        row["corpus"] = len(corpus)
        results[path.name.removesuffix(".tsv")] = row
        _print_set(out, path.name, row)
    return results


def _print_set(out: TextIO, name: str, row: dict[str, Any]) -> None:
    keys = ["recall@1", "recall@5", "recall@10", "mrr", "p50_ms", "p95_ms", "flag_gold", "flag_other", "share_at_0.25"]
    _say(out, f"\n{name}: {row['queries']} queries, corpus {row['corpus']}")
    _say(out, f"  {'engine':<12}" + "".join(f"{k:>14}" for k in keys))
    for engine in ("framja", "baseline", "baseline_pg"):
        if engine in row:
            figures = row[engine]
            _say(out, f"  {engine:<12}" + "".join(f"{figures.get(k, ''):>14}" for k in keys))


# ---------------------------------------------------------------- scale


# Source groups of planted twins: (pair file, language of the query side, of the match side).
_PAIR_SETS = (
    ("sweparaphrase_dev_pairs", "sv", "sv"),
    ("nb_nn_dev_pairs", "nb", "nn"),
    ("tatoeba_dan_swe_pairs", "da", "sv"),
)
#: Query lengths measured: what a person has typed after 5, 12 and 25 words, and the whole rewrite.
TYPED: tuple[tuple[str, int | None], ...] = (("5 words", 5), ("12 words", 12), ("25 words", 25), ("whole", None))
#: The submit page shows at most this many suggestions.
SHOWN = 5
#: Topic words: folded words of at least this many letters found in TOPIC_DF sentences of a language.
TOPIC_MIN_LETTERS = 6
TOPIC_DF = (3, 40)
#: Longer lines of the sets (a few are whole paragraphs) are left out.
MAX_SENTENCE_WORDS = 60
#: Share of the other ideas written on the topic (and in the language) of a planted source.
SAME_TOPIC_SHARE = 0.5


class ScaleCorpus:
    """N idea-length texts in Swedish, Norwegian (bokmål, nynorsk) and Danish, on topics, with
    planted twins that are rewrites of their source.

    Sentences come from ../shared/data/similarity (the pair sets' both sides and the Swedish
    distractors), grouped by language. A *topic* is a content word (a folded word of at least
    six letters, not a function word, found in 3-40 sentences of a language); an idea picks a language and a topic,
    takes its title from the topic's sentences and fills its body (30-150 words) with three
    quarters topic sentences and one quarter other sentences of its language. Half the ideas take the topic of a
    planted source (so at 20,000 ideas and 300 queries each query meets ~30 ideas on its
    subject in its language); the others a random topic. So every query
    meets ideas on its own subject in its own language, not random sentences.

    A planted source uses only sentences that have a pair partner, reserved for it (no other
    idea holds them or their partners), on one topic of one pair set. Its twin, the query, is
    a rewrite: every sentence replaced by its partner (a Swedish paraphrase; nynorsk for
    bokmål and back; Swedish for Danish and back), about a quarter of the body dropped and the
    rest shuffled; the title stays first. `prefix(i, n)` is what a person has typed after n
    words of that rewrite.
    """

    def __init__(self, n: int, data_dir: Path, n_queries: int = 300, seed: int = 20261207) -> None:
        from framja.similarity.normalise import FUNCTION_WORDS
        from framja.similarity.normalise import words as folded_words

        function_words = set(FUNCTION_WORDS) | set(FUNCTION_WORDS.values())

        rng = random.Random(seed)
        by_language: dict[str, list[str]] = {}
        partner: dict[str, str] = {}
        groups: list[tuple[str, str, list[str]]] = []  # (language, partner language, sentences with partners)
        for name, query_lang, match_lang in _PAIR_SETS:
            path = data_dir / "similarity" / f"{name}.tsv"
            if not path.exists():
                continue
            pairs = []
            for q, m in read_pairs(path):
                short = max(len(q.split()), len(m.split())) <= MAX_SENTENCE_WORDS
                if short and q not in partner and m not in partner and q != m:
                    partner[q], partner[m] = m, q
                    pairs.append((q, m))
            queries, matches = [q for q, _ in pairs], [m for _, m in pairs]
            by_language.setdefault(query_lang, []).extend(queries)
            by_language.setdefault(match_lang, []).extend(matches)
            groups.append((query_lang, match_lang, queries))
            groups.append((match_lang, query_lang, matches))
        distractor_path = data_dir / "similarity" / "distractors_dev.txt"
        if distractor_path.exists():
            lines = read_lines(distractor_path)
            by_language.setdefault("sv", []).extend(s for s in lines if len(s.split()) <= MAX_SENTENCE_WORDS)
        if not groups:
            raise FileNotFoundError(f"no pair sets under {data_dir / 'similarity'}")
        by_language = {lang: list(dict.fromkeys(s)) for lang, s in by_language.items()}
        # topics per language: content word -> its sentences
        topics: dict[str, dict[str, list[str]]] = {}
        topic_of: dict[str, set[str]] = {}
        for lang, sentences in by_language.items():
            index: dict[str, list[str]] = {}
            for sentence in sentences:
                keys = {
                    w
                    for w in folded_words(sentence)
                    if len(w) >= TOPIC_MIN_LETTERS and not w.isdigit() and w not in function_words
                }
                topic_of[sentence] = keys
                for key in keys:
                    index.setdefault(key, []).append(sentence)
            low, high = TOPIC_DF
            topics[lang] = {key: s for key, s in sorted(index.items()) if low <= len(s) <= high}
        # planted sources first: they reserve their sentences and the partners
        reserved: set[str] = set()
        sources: list[tuple[list[str], str, str]] = []  # (sentences, language, topic)
        group_weights = [len(g[2]) for g in groups]
        attempts = 0
        while len(sources) < n_queries and attempts < 50 * max(n_queries, 1):
            attempts += 1
            lang, _, pool = rng.choices(groups, weights=group_weights)[0]
            seed_sentence = rng.choice(pool)
            topic_keys = sorted(k for k in topic_of.get(seed_sentence, ()) if k in topics[lang])
            if seed_sentence in reserved or not topic_keys:
                continue
            topic = rng.choice(topic_keys)
            pool_set = set(pool)
            free = [s for s in topics[lang][topic] if s in pool_set and s not in reserved]
            rng.shuffle(free)
            target = rng.randint(30, 150)
            chosen: list[str] = []
            count = 0
            for sentence in free:
                if count >= target:
                    break
                chosen.append(sentence)
                count += len(sentence.split())
            if count < 30 or len(chosen) < 3:
                continue
            # a short sentence as the title
            chosen.sort(key=lambda s: len(s.split()) > 12)
            for sentence in chosen:
                reserved.update((sentence, partner[sentence]))
            sources.append((chosen, lang, topic))
        usable = {lang: [s for s in sentences if s not in reserved] for lang, sentences in by_language.items()}
        usable_topics = {
            lang: {k: f for k, s in table.items() if len(f := [x for x in s if x not in reserved]) >= 2}
            for lang, table in topics.items()
        }
        languages = [lang for lang in usable if usable_topics[lang]]
        lang_weights = [len(usable[lang]) for lang in languages]
        topic_lists = {lang: list(usable_topics[lang]) for lang in languages}
        self.texts: list[str] = []
        self.topics: list[tuple[str, str]] = []
        source_at = set(rng.sample(range(n), min(len(sources), n))) if n else set()
        pending = list(sources)
        self.gold: list[int] = []
        self._rewrites: list[list[str]] = []
        for i in range(n):
            if i in source_at:
                chosen, lang, topic = pending.pop()
                self.texts.append(chosen[0] + "\n" + " ".join(chosen[1:]))
                self.topics.append((lang, topic))
                title, rewritten = partner[chosen[0]], [partner[s] for s in chosen[1:]]
                kept = [s for s in rewritten if rng.random() >= 0.25] or rewritten[:1]
                rng.shuffle(kept)
                self._rewrites.append([title, *kept])
                self.gold.append(i)
                continue
            if sources and rng.random() < SAME_TOPIC_SHARE:
                # an idea on the subject of a planted source, in its language
                _, lang, topic = rng.choice(sources)
                if topic not in usable_topics[lang]:
                    topic = rng.choice(topic_lists[lang])
            else:
                lang = rng.choices(languages, weights=lang_weights)[0]
                topic = rng.choice(topic_lists[lang])
            on_topic = usable_topics[lang][topic]
            titles = [s for s in on_topic if len(s.split()) <= 12] or on_topic
            title = rng.choice(titles)
            target = rng.randint(30, 150)
            body: list[str] = []
            count = 0
            while count < target:
                sentence = rng.choice(on_topic if rng.random() < 0.75 else usable[lang])
                body.append(sentence)
                count += len(sentence.split())
            self.texts.append(title + "\n" + " ".join(body))
            self.topics.append((lang, topic))
        self.queries = [rewrite[0] + "\n" + " ".join(rewrite[1:]) for rewrite in self._rewrites]

    def prefix(self, i: int, n_words: int | None) -> str:
        """The first `n_words` words of query `i` (the whole rewrite for None)."""
        if n_words is None:
            return self.queries[i]
        return " ".join(self.queries[i].split()[:n_words])

    def same_topic(self, i: int) -> int:
        """How many other ideas share query `i`'s language and topic."""
        key = self.topics[self.gold[i]]
        return sum(1 for t in self.topics if t == key) - 1


def _scale_engine(
    name: str,
    corpus: ScaleCorpus,
    build: Callable[[], Any],
    rank: Callable[[Any, str], list[tuple[int, float]]],
    n_queries: int,
    out: TextIO,
) -> dict[str, Any]:
    with PeakMemory() as memory:
        started = time.perf_counter()
        engine = build()
        build_s = time.perf_counter() - started
        queries = corpus.queries[:n_queries]
        latencies = []
        found_at_1 = found_at_10 = 0
        for query, gold in zip(queries, corpus.gold, strict=False):
            t0 = time.perf_counter()
            hits = rank(engine, query)
            latencies.append(time.perf_counter() - t0)
            ids = [i for i, _ in hits]
            found_at_1 += bool(ids) and ids[0] == gold
            found_at_10 += gold in ids[:10]
        # batch throughput: the same queries again as one batch
        t0 = time.perf_counter()
        for query in queries:
            rank(engine, query)
        batch_s = time.perf_counter() - t0
    n = max(len(queries), 1)
    figures: dict[str, Any] = {
        "build_s": round(build_s, 2),
        "peak_mb": memory.mb,
        "p50_ms": percentile_ms(latencies, 50),
        "p95_ms": percentile_ms(latencies, 95),
        "qps": round(len(queries) / batch_s, 1) if batch_s > 0 else 0.0,
        "recall": round(found_at_10 / n, 4),
        "recall@1": round(found_at_1 / n, 4),
        "queries": len(queries),
    }
    figures["_engine"] = engine
    _say(out, f"  {name:<9} " + "  ".join(f"{k}={v}" for k, v in figures.items() if k != "_engine"))
    return figures


def typed_figures(
    rank: Callable[[str], list[tuple[int, float]]], corpus: ScaleCorpus, n_queries: int
) -> dict[str, dict[str, float]]:
    """Per query length (the first 5, 12, 25 words of each rewrite, and the whole of it):
    recall@1/5/10 of its source; `shown` = the source is among the suggestions the submit page
    shows (top 5 passing `relevance`'s rule); `absent` = without the source (left out of the
    hits), the query still gets a suggestion. `rank(text)` returns at least 11 hits."""
    figures: dict[str, dict[str, float]] = {}
    n = max(min(n_queries, len(corpus.queries)), 1)
    for label, n_words in TYPED:
        at1 = at5 = at10 = shown = absent = 0
        for i in range(min(n_queries, len(corpus.queries))):
            hits = rank(corpus.prefix(i, n_words))
            gold = corpus.gold[i]
            ids = [doc for doc, _ in hits[:10]]
            at1 += ids[:1] == [gold]
            at5 += gold in ids[:5]
            at10 += gold in ids
            top = hits[:10]
            visible = min(relevance.shown_count([score for _, score in top]), SHOWN)
            shown += gold in [doc for doc, _ in top[:visible]]
            rest = [score for doc, score in hits if doc != gold][:10]
            absent += relevance.shown_count(rest) > 0
        figures[label] = {
            "recall@1": round(at1 / n, 4),
            "recall@5": round(at5 / n, 4),
            "recall@10": round(at10 / n, 4),
            "shown": round(shown / n, 4),
            "absent": round(absent / n, 4),
        }
    return figures


def _print_typed(out: TextIO, name: str, figures: dict[str, dict[str, float]]) -> None:
    keys = ("recall@1", "recall@5", "recall@10", "shown", "absent")
    for label, row in figures.items():
        _say(out, f"  {name:<17}{label:<10}" + "".join(f"{k}={row[k]:<8}" for k in keys))


def bench_scale(
    sizes: Sequence[int],
    data_dir: Path,
    out: TextIO,
    n_queries: int,
    baseline_queries: int | None,
    make_index: Callable[[], Any] | None = None,
    baseline_max: int | None = None,
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for n in sizes:
        started = time.perf_counter()
        corpus = ScaleCorpus(n, data_dir, n_queries=n_queries)
        _say(
            out,
            f"\nscale {n}: corpus built in {time.perf_counter() - started:.1f} s, "
            f"{len(corpus.queries)} planted duplicates",
        )
        new_index = make_index or SimilarityIndex

        def build_framja(corpus: ScaleCorpus = corpus, new_index: Callable[[], Any] = new_index) -> Any:
            index = new_index()
            if isinstance(index, SimilarityIndex):
                index.add_many(enumerate(corpus.texts), workers=os.cpu_count() or 1)
            else:
                index.add_many(enumerate(corpus.texts))
            return index

        framja = _scale_engine(
            "framja",
            corpus,
            build_framja,
            lambda index, q: [(int(i), s) for i, s in index.query(q, 10)],
            n_queries,
            out,
        )
        index = framja.pop("_engine")
        # the same index, queried as the submit page does: symmetric score and draft score
        for scoring, draft in (("symmetric", False), ("draft", True)):

            def rank_typed(q: str, index: Any = index, draft: bool = draft) -> list[tuple[int, float]]:
                return [(int(i), s) for i, s in index.query(q, 11, draft=draft)]

            framja[f"typed_{scoring}"] = typed_figures(rank_typed, corpus, n_queries)
            _print_typed(out, f"framja {scoring}", framja[f"typed_{scoring}"])
        framja["same_topic_mean"] = round(
            sum(corpus.same_topic(i) for i in range(len(corpus.queries))) / max(len(corpus.queries), 1), 1
        )
        with tempfile.TemporaryDirectory() as tmp:
            snapshot = Path(tmp) / "index.npz"
            t0 = time.perf_counter()
            index.save(snapshot)
            framja["save_s"] = round(time.perf_counter() - t0, 2)
            t0 = time.perf_counter()
            loaded = SimilarityIndex.load(snapshot) if isinstance(index, SimilarityIndex) else None
            framja["load_s"] = round(time.perf_counter() - t0, 2)
            framja["snapshot_mb"] = round(snapshot.stat().st_size / 2**20, 1)
            del loaded
        del index
        if baseline_max is not None and n > baseline_max:
            results[str(n)] = {"framja": framja, "baseline": None}
            _say(out, f"  baseline  skipped (--baseline-max {baseline_max})")
            continue
        # The baseline scans every row per query; at large N a sample of queries is enough.
        sample = baseline_queries or n_queries
        if baseline_queries is None:
            sample = max(10, min(n_queries, int(n_queries * 20_000 / max(n, 1))))

        def build_baseline(corpus: ScaleCorpus = corpus) -> TrigramBaseline:
            baseline = TrigramBaseline()
            baseline.build(corpus.texts)
            return baseline

        baseline = _scale_engine("baseline", corpus, build_baseline, lambda b, q: b.query(q, 10), sample, out)
        trigrams: TrigramBaseline = baseline.pop("_engine")

        def rank_baseline(q: str, trigrams: TrigramBaseline = trigrams) -> list[tuple[int, float]]:
            return trigrams.query(q, 11)

        baseline["typed"] = typed_figures(rank_baseline, corpus, sample)
        _print_typed(out, "baseline", baseline["typed"])
        results[str(n)] = {"framja": framja, "baseline": baseline}
        if framja["p50_ms"]:
            speedup = baseline["p50_ms"] / framja["p50_ms"]
            _say(out, f"  framja is {speedup:.0f}x faster than the baseline at p50")
    return results


# ---------------------------------------------------------------- entry point


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench_similarity", description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, action="append", default=[], help="TSV query<TAB>match")
    parser.add_argument("--distractors", type=Path, help="one distractor text per line")
    parser.add_argument("--scale", type=int, action="append", default=[], help="corpus size N")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="shared data folder")
    parser.add_argument("--queries", type=int, default=500, help="planted duplicates per scale")
    parser.add_argument("--baseline-queries", type=int, help="queries for the baseline at scale")
    parser.add_argument(
        "--baseline-max", type=int, help="skip the scale baseline above this N (it scans every row per query)"
    )
    parser.add_argument("--embedding-model", help="sentence-transformers model: fuse dense vectors")
    return parser


def run(
    args: Sequence[str],
    pg_similarity: PgSimilarity | None = None,
    out: TextIO = sys.stdout,
) -> dict[str, Any]:
    """Run the benchmark with command-line `args`; prints tables, then one JSON line."""
    options = _parser().parse_args(list(args))
    if not options.pairs and not options.scale:
        raise SystemExit("bench_similarity: give --pairs FILE.tsv and/or --scale N")
    make_index: Callable[[], Any] | None = None
    if options.embedding_model:
        from framja.similarity.dense import make_index as make_configured

        model = options.embedding_model
        make_index = lambda: make_configured(embedding_model=model)  # noqa: E731
    distractors = read_lines(options.distractors) if options.distractors else []
    results: dict[str, Any] = {"sets": {}, "scale": {}}
    if options.pairs:
        results["sets"] = bench_pairs(options.pairs, distractors, out, pg_similarity, make_index)
    if options.scale:
        results["scale"] = bench_scale(
            options.scale,
            options.data_dir,
            out,
            options.queries,
            options.baseline_queries,
            make_index,
            options.baseline_max,
        )
    _say(out, json.dumps(results, ensure_ascii=False))
    return results


if __name__ == "__main__":
    run(sys.argv[1:])

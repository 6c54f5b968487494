"""`framja bench_similarity`: Främja's engine beside the Decidim trigram baseline, same run.

    python -m framja.similarity.benchmark --pairs A.tsv [--pairs B.tsv] --distractors D.txt
    python -m framja.similarity.benchmark --scale 100000 [--scale 1000000]

Human-readable tables first; the last line printed is one JSON object with every figure.
Heavy runs (100k, 1M) are for the command line, never for the test suite.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

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


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TAGS = re.compile(r"<[^>]*>")


def _proposal_texts(data_dir: Path) -> tuple[list[str], list[str]]:
    """(titles, sentences) from the real CONSUL proposals (Spanish and German)."""
    titles: list[str] = []
    sentences: list[str] = []
    csv.field_size_limit(10_000_000)
    sources = [
        (data_dir / "proposals" / "decide-madrid" / "proposals_latest.csv", ";", "title", "description"),
        (data_dir / "proposals" / "consul-germany" / "all_proposals.csv", ",", "Title", "Description"),
        (data_dir / "proposals" / "consul-germany" / "all_projects.csv", ",", "Project Title", "Project Description"),
    ]
    for path, delimiter, title_key, body_key in sources:
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for record in csv.DictReader(fh, delimiter=delimiter):
                title = (record.get(title_key) or "").strip()
                if title:
                    titles.append(title)
                body = html.unescape(_TAGS.sub(" ", record.get(body_key) or ""))
                for sentence in _SENTENCE_END.split(body):
                    sentence = " ".join(sentence.split()).removesuffix("...")
                    if 4 <= len(sentence.split()) <= 60:
                        sentences.append(sentence)
    return titles, sentences


class ScaleCorpus:
    """N idea-length texts (title + 50-300 words) with planted near-duplicates.

    Half the texts are made of Scandinavian sentences from the paired sets, half of real
    CONSUL proposal sentences. A planted duplicate rewrites one Scandinavian text: each
    sentence is swapped for its pair partner (a Swedish paraphrase, the nynorsk version, or
    the Swedish translation of a Danish sentence) with probability 0.8, one sentence in ten is
    dropped and neighbouring sentences may swap. The rewrite is the query; its source is gold.
    """

    def __init__(self, n: int, data_dir: Path, n_queries: int = 500, seed: int = 20240601) -> None:
        rng = random.Random(seed)
        titles, foreign = _proposal_texts(data_dir)
        partner: dict[str, str] = {}
        for name in ("sweparaphrase_dev_pairs", "nb_nn_dev_pairs", "tatoeba_dan_swe_pairs"):
            path = data_dir / "similarity" / f"{name}.tsv"
            if path.exists():
                for query, match in read_pairs(path):
                    partner.setdefault(query, match)
                    partner.setdefault(match, query)
        nordic = list(partner)
        distractor_path = data_dir / "similarity" / "distractors_dev.txt"
        if distractor_path.exists():
            nordic += read_lines(distractor_path)
        if not nordic or not foreign:
            raise FileNotFoundError(f"no proposals or pair sets under {data_dir}")
        self.texts: list[str] = []
        self.queries: list[str] = []
        self.gold: list[int] = []
        nordic_titles = [s for s in nordic if len(s.split()) <= 10]
        sources: list[list[str]] = []
        for i in range(n):
            scandinavian = i % 2 == 0
            pool = nordic if scandinavian else foreign
            title = rng.choice(nordic_titles if scandinavian else titles)
            target = rng.randint(50, 300)
            body: list[str] = []
            words = 0
            while words < target:
                sentence = rng.choice(pool)
                body.append(sentence)
                words += len(sentence.split())
            sources.append([title, *body] if scandinavian and len(sources) < 50_000 else [])
            self.texts.append(title + "\n" + " ".join(body))
        candidates = [i for i, parts in enumerate(sources) if parts]
        for i in rng.sample(candidates, min(n_queries, len(candidates))):
            parts = [partner.get(s, s) if rng.random() < 0.8 else s for s in sources[i]]
            title, body = parts[0], [s for s in parts[1:] if rng.random() >= 0.1] or parts[1:]
            for j in range(len(body) - 1):
                if rng.random() < 0.2:
                    body[j], body[j + 1] = body[j + 1], body[j]
            self.queries.append(title + "\n" + " ".join(body))
            self.gold.append(i)


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
        baseline.pop("_engine")
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

"""`framja bench_similarity ...`: the similarity benchmark (framja.similarity.benchmark) with,
on PostgreSQL, Decidim's pg_trgm query as an extra baseline measured in the same run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from framja.similarity import benchmark


def pg_trgm_similarity(corpus: Sequence[str]) -> Callable[[str, int], list[tuple[int, float]]]:
    """Load the corpus into a temporary table; rank by pg_trgm `similarity()` as Decidim does
    (no trigram index, a full scan per query)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS bench_corpus (pos integer PRIMARY KEY, body text)")
        cursor.execute("TRUNCATE bench_corpus")
        cursor.executemany("INSERT INTO bench_corpus (pos, body) VALUES (%s, %s)", list(enumerate(corpus)))

    def rank(text: str, k: int) -> list[tuple[int, float]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pos, similarity(body, %s) AS s FROM bench_corpus ORDER BY s DESC, pos LIMIT %s", [text, k]
            )
            return [(int(pos), float(score)) for pos, score in cursor.fetchall()]

    return rank


class Command(BaseCommand):
    help = "Benchmark idea similarity against baselines (see framja/similarity/benchmark.py for options)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="*", help="Options of the benchmark, e.g. --pairs FILE.tsv --scale 100000.")

    def run_from_argv(self, argv: list[str]) -> None:
        # Pass every option after the command name to the benchmark untouched.
        self._benchmark_args = argv[2:]
        super().run_from_argv(argv[:2])

    def handle(self, *args: Any, **options: Any) -> None:
        pg = pg_trgm_similarity if connection.vendor == "postgresql" else None
        benchmark.run(getattr(self, "_benchmark_args", list(args)), pg_similarity=pg, out=cast(TextIO, self.stdout))

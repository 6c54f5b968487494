"""`framja index_rebuild [CORPUS ...]`: build similarity indexes from the database in one pass
and publish their snapshots (the nightly job does the same)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from framja.indexes import registry, services


class Command(BaseCommand):
    help = "Rebuild similarity indexes from the database and publish their snapshots."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("corpora", nargs="*", help="Corpus names (default: every registered corpus).")
        parser.add_argument("--chunk-size", type=int, default=2_000, help="Progress bar step.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args: Any, corpora: list[str], chunk_size: int, no_progress: bool, **options: Any) -> None:
        names = corpora or [corpus.name for corpus in registry.corpora()]
        for name in names:
            try:
                corpus = registry.get(name)
            except KeyError:
                raise CommandError(f"No corpus named {name!r}") from None
            started = time.monotonic()
            with tqdm(
                total=corpus.count(), unit="docs", desc=name, disable=no_progress, file=self.stderr, dynamic_ncols=True
            ) as bar:
                snapshot = services.rebuild(name, progress=bar.update, chunk_size=max(chunk_size, 1))
            self.stdout.write(
                self.style.SUCCESS(
                    f"{name}: indexed {snapshot.documents} documents in {time.monotonic() - started:.1f} s; "
                    f"published {snapshot.name}"
                )
            )

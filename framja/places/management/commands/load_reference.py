"""`framja load_reference`: load or refresh the shipped code lists (safe to re-run)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from framja.places.services import DATA_DIR, ReferenceDataError, load_reference


class Command(BaseCommand):
    help = "Load counties, municipalities (SE + NO) and SNI 2007 from framja/places/data. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="Directory with the reference files.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            results = load_reference(data_dir=options["data_dir"])
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        width = max(len(result.label) for result in results)
        for result in results:
            line = (
                f"{result.label:<{width}}  {result.total:>4}  "
                f"(created {result.created}, updated {result.updated}, unchanged {result.unchanged})"
            )
            if result.not_in_data:
                line += f"; {result.not_in_data} in the database but no longer in the data (kept)"
            self.stdout.write(line)
        changed = sum(result.created + result.updated for result in results)
        summary = f"{changed} rows written" if changed else "Reference data already up to date"
        self.stdout.write(self.style.SUCCESS(f"{summary} ({time.perf_counter() - started:.2f} s)."))

"""`framja import_hsds bundle.json`: load an HSDS 3.0 bundle (organisations and services)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from framja.catalogue import hsds


class Command(BaseCommand):
    help = "Import an HSDS 3.0 bundle (as exported at /api/v1/hsds/bundle). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The bundle, a JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["path"], encoding="utf-8") as handle:
                document = json.load(handle)
            organisations, offerings = hsds.import_bundle(document=document)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the bundle: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(f"Nothing imported: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {organisations} organisations and {offerings} offerings."))

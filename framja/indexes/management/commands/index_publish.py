"""`framja index_publish [--force]`: fold the change log into new snapshots when due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from framja.indexes import registry, services


class Command(BaseCommand):
    help = "Fold each similarity corpus's change log tail into a new snapshot (when due, or --force)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Publish even when the tail is short.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        for corpus in registry.corpora():
            snapshot = services.publish(corpus.name, force=force)
            self.stdout.write(f"{corpus.name}: {'published ' + snapshot.name if snapshot else 'nothing due'}")

"""`framja index_prune`: delete change rows that the current snapshots include."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from framja.indexes import registry, services


class Command(BaseCommand):
    help = "Delete similarity change-log rows that the current snapshots include."

    def handle(self, *args: Any, **options: Any) -> None:
        for corpus in registry.corpora():
            self.stdout.write(f"{corpus.name}: pruned {services.prune(corpus.name)} changes")

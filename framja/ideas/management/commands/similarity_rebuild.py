"""`framja similarity_rebuild`: rebuild the idea similarity index from the database and save
its snapshot (which every web process loads at start, instead of rebuilding)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from framja.ideas import matching
from framja.ideas.models import Idea


class Command(BaseCommand):
    help = "Rebuild the similarity index of all ideas and save its snapshot; prune old index changes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=500, help="Ideas read per database query.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args: Any, chunk_size: int, no_progress: bool, **options: Any) -> None:
        total = Idea.objects.public().count()
        index = matching.get_index()
        with tqdm(
            total=total, unit="ideas", desc="Indexing", disable=no_progress, file=self.stderr, dynamic_ncols=True
        ) as bar:
            indexed = index.rebuild(progress=bar.update, chunk_size=max(chunk_size, 1))
        pruned = matching.prune_changes()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {indexed} ideas; snapshot saved in {index.directory}; pruned {pruned} old index changes."
            )
        )

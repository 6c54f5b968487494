"""`framja seed_demo`: a believable cross-border demo region, Jämtland–Trøndelag.

The project owns this command so that no app imports a higher one: every installed app may hold
a `demo.py` with `SECTIONS`, a list of `seed_<things>(demo)` functions, and this command runs
them in INSTALLED_APPS order (lower layers first: accounts' organisations and people before
the ideas that need them), all in one transaction. Each section is idempotent, so the command
is safe to re-run; see framja/accounts/demo.py for what a section receives.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from framja.accounts.demo import DEMO_PASSWORD, Demo
from framja.accounts.models import Organisation
from framja.audit.context import acting_as


def demo_sections() -> list[Callable[[Demo], Any]]:
    """Every installed app's demo sections, in INSTALLED_APPS order."""
    sections: list[Callable[[Demo], Any]] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if find_spec(name) is not None:
            sections.extend(getattr(import_module(name), "SECTIONS", ()))
    return sections


class Command(BaseCommand):
    help = "Create the Jämtland–Trøndelag demo region with users for every role. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any organisation exists (used by make run)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Also when FRAMJA_DEBUG is off (demo users share a known password)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Demo users share a published password: seed_demo runs only with FRAMJA_DEBUG=1 (or --force)."
            )
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Organisations exist already: no demo data added (--if-empty).")
            return
        demo = Demo()
        try:
            with acting_as(None), transaction.atomic():
                for section in demo_sections():
                    section(demo)
        except ValidationError as exc:
            raise CommandError(f"Demo data not created (nothing was written): {exc}") from exc
        with translation.override("en"):
            self._report(demo)

    def _report(self, demo: Demo) -> None:
        if any(demo.created.values()):
            made = ", ".join(f"{count} {what}" for what, count in demo.created.items() if count)
            self.stdout.write(self.style.SUCCESS(f"Demo region Jämtland–Trøndelag created: {made}."))
        else:
            self.stdout.write("Demo data already present: nothing new created.")
        headers = ("Sign in with (e-mail)", "Name", "Role", "Organisation")
        rows = [tuple(str(cell) for cell in row) for row in demo.logins]
        widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]
        line = "  ".join("-" * width for width in widths)
        self.stdout.write("")
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
        self.stdout.write(line)
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        self.stdout.write(line)
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")

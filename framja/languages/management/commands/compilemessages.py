"""`framja compilemessages`: compile .po catalogues to .mo in pure Python (Babel), no GNU gettext needed.

Replaces Django's command of the same name, which shells out to msgfmt: `make run` must work
on a machine with only Python, make and git. Like msgfmt it leaves out fuzzy and empty
entries (unless --use-fuzzy) and compiles catalogues whose header is still marked fuzzy, as
`makemessages` leaves it. Unlike a quiet `pybabel compile`, it never skips a catalogue
silently, and a translation whose placeholders do not match its msgid is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

DOMAINS = ("django", "djangojs")


def catalogue_files(locale_dirs: list[Path], locales: list[str], excluded: list[str]) -> list[Path]:
    """Every <dir>/<locale>/LC_MESSAGES/<domain>.po, filtered by --locale/--exclude."""
    found: list[Path] = []
    for locale_dir in locale_dirs:
        for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
            locale = po.parent.parent.name
            if po.stem not in DOMAINS or (locales and locale not in locales) or locale in excluded:
                continue
            found.append(po)
    return found


def compile_catalogue(po: Path, *, use_fuzzy: bool = False) -> tuple[int, int, list[str]]:
    """Write po's .mo next to it. Returns (translated, total, errors); nothing is written on errors."""
    locale = po.parent.parent.name
    try:
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale.replace("-", "_"), domain=po.stem, abort_invalid=True)
    except (PoFileError, ValueError, OSError) as exc:
        return 0, 0, [f"{po}: cannot be read: {exc}"]
    errors = [
        f"{po}:{message.lineno}: {error}"
        for message, message_errors in catalog.check()
        if use_fuzzy or not message.fuzzy
        for error in message_errors
    ]
    messages = [message for message in catalog if message.id]
    translated = sum(1 for message in messages if message.string and (use_fuzzy or not message.fuzzy))
    if errors:
        return translated, len(messages), errors
    catalog.fuzzy = False  # makemessages marks the header fuzzy; the header is not a translation
    with po.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=use_fuzzy)
    return translated, len(messages), []


class Command(BaseCommand):
    help = "Compile the .po translation catalogues in LOCALE_PATHS to .mo files (pure Python, via Babel)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--locale", "-l", action="append", default=[], help="Only these locales.")
        parser.add_argument("--exclude", "-x", action="append", default=[], help="Not these locales.")
        parser.add_argument("--use-fuzzy", "-f", action="store_true", help="Include fuzzy translations.")
        parser.add_argument("--ignore", "-i", action="append", default=[], help="Accepted for compatibility.")

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dirs = [Path(p) for p in settings.LOCALE_PATHS]
        files = catalogue_files(locale_dirs, options["locale"], options["exclude"])
        if not files:
            self.stdout.write(f"No .po files in {', '.join(map(str, locale_dirs))}: nothing to compile.")
            return
        failures: list[str] = []
        for po in files:
            translated, total, errors = compile_catalogue(po, use_fuzzy=options["use_fuzzy"])
            failures += errors
            if options["verbosity"] >= 1:
                state = "NOT compiled" if errors else "compiled"
                self.stdout.write(f"{po}: {translated}/{total} translated, {state}")
        if failures:
            raise CommandError("Translation errors:\n" + "\n".join(failures))

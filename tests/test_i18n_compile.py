"""`framja compilemessages` compiles catalogues without GNU gettext, the way msgfmt would."""

from __future__ import annotations

import gettext
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from framja.languages.management.commands.compilemessages import compile_catalogue

PO = """\
# As makemessages writes it: the header is marked fuzzy.
#, fuzzy
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: sv\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Sign in"
msgstr "Logga in"

#, python-format
msgid "%(count)s member"
msgid_plural "%(count)s members"
msgstr[0] "%(count)s medlem"
msgstr[1] "%(count)s medlemmar"

#, fuzzy
msgid "Sign out"
msgstr "Logga ut kanske"

msgid "Members"
msgstr ""
"""


def write_po(root: Path, text: str, language: str = "sv") -> Path:
    po = root / language / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(text, encoding="utf-8")
    return po


def test_compiles_translated_entries_and_leaves_out_fuzzy_and_empty_ones(tmp_path):
    po = write_po(tmp_path, PO)
    translated, total, errors = compile_catalogue(po)
    assert errors == []
    assert (translated, total) == (2, 4)
    with po.with_suffix(".mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.gettext("Sign in") == "Logga in"
    assert catalogue.ngettext("%(count)s member", "%(count)s members", 1) == "%(count)s medlem"
    assert catalogue.ngettext("%(count)s member", "%(count)s members", 5) == "%(count)s medlemmar"
    assert catalogue.gettext("Sign out") == "Sign out"
    assert catalogue.gettext("Members") == "Members"


def test_fuzzy_entries_only_with_use_fuzzy(tmp_path):
    po = write_po(tmp_path, PO)
    compile_catalogue(po, use_fuzzy=True)
    with po.with_suffix(".mo").open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Sign out") == "Logga ut kanske"


def test_mismatched_placeholders_are_an_error_and_nothing_is_written(tmp_path):
    broken = PO.replace('msgstr[1] "%(count)s medlemmar"', 'msgstr[1] "%(antal)s medlemmar"')
    po = write_po(tmp_path, broken)
    _translated, _total, errors = compile_catalogue(po)
    assert errors
    assert "antal" in errors[0]
    assert not po.with_suffix(".mo").exists()


def test_command_compiles_every_locale_path(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    write_po(tmp_path, PO, "sv")
    write_po(tmp_path, PO.replace("Language: sv", "Language: nb"), "nb")
    out = StringIO()
    call_command("compilemessages", stdout=out)
    assert (tmp_path / "sv" / "LC_MESSAGES" / "django.mo").is_file()
    assert (tmp_path / "nb" / "LC_MESSAGES" / "django.mo").is_file()
    assert "2/4 translated, compiled" in out.getvalue()


def test_command_fails_loudly_on_a_broken_catalogue(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    write_po(tmp_path, PO.replace('msgstr[0] "%(count)s medlem"', 'msgstr[0] "%(namn)s medlem"'))
    with pytest.raises(CommandError, match="Translation errors"):
        call_command("compilemessages", stdout=StringIO())


def test_command_with_no_catalogues_says_so(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    out = StringIO()
    call_command("compilemessages", stdout=out)
    assert "nothing to compile" in out.getvalue()


def test_command_is_ours_not_djangos():
    """Django's own compilemessages needs msgfmt; `make run` must not."""
    from django.core.management import get_commands

    assert get_commands()["compilemessages"] == "framja.languages"

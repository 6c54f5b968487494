"""Everything is translated: the catalogues are complete, and Swedish and Norwegian pages show no English.

(a) framja/locale/<sv|nb|en>/LC_MESSAGES/django.po (and djangojs.po if present): no empty msgstr,
    no fuzzy entries, placeholders that match, the same messages in every language, compiled.
(b) Every page (see tests/pages.py), as an anonymous visitor and as an administrator, in sv and
    nb: no English sentence from the catalogue, and no common English word, in the visible text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

from tests.fixtures_pages import SitePages
from tests.pages import PageParameters, PageRoute, expected_statuses, page_routes, parse_html, visible_text

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PAGE_LANGUAGES = ["sv", "nb"]
DOMAINS = ["django", "djangojs"]
ROUTES = page_routes()
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# Words that occur in English sentences but never in Swedish or Norwegian interface text.
ENGLISH_WORDS = {"the", "and", "your", "you", "with", "this", "please", "which", "there", "been", "should", "could"}
MIN_WORDS = 4  # shorter msgids ("Name", "Sign in") may legitimately read the same in several languages


def po_path(language: str, domain: str = "django") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


@cache
def catalogue(language: str, domain: str = "django") -> Catalog:
    path = po_path(language, domain)
    with path.open("rb") as handle:
        return read_po(handle, locale=language.replace("nb", "nb_NO"), domain=domain)


def _messages(cat: Catalog) -> list[Message]:
    return [m for m in cat if m.id]


def _untranslated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not strings or any(not s for s in strings)


def _msgid(message: Message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


# -- (a) the catalogues --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_exists(language):
    assert po_path(language).is_file(), f"{po_path(language)} is missing: run `make messages`"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_has_no_empty_or_fuzzy_entries(language, domain):
    if domain != "django" and not po_path(language, domain).is_file():
        pytest.skip(f"no {domain}.po: the project has no translated JavaScript")
    assert po_path(language, domain).is_file(), f"{po_path(language, domain)} is missing: run `make messages`"
    messages = _messages(catalogue(language, domain))
    empty = [_msgid(m) for m in messages if _untranslated(m)]
    fuzzy = [_msgid(m) for m in messages if m.fuzzy]
    report = []
    if empty:
        report.append(f"{len(empty)} of {len(messages)} messages have no translation, e.g.:")
        report += [f"    {msgid!r}" for msgid in empty[:15]]
    if fuzzy:
        report.append(f"{len(fuzzy)} fuzzy (unreviewed) translations, e.g.:")
        report += [f"    {msgid!r}" for msgid in fuzzy[:15]]
    assert not report, f"{po_path(language, domain)}:\n" + "\n".join(report)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_placeholders_match(language):
    """A translation that drops or renames %(name)s would crash or mislead at run time."""
    assert po_path(language).is_file(), f"{po_path(language)} is missing"
    problems = [
        f"line {message.lineno}: {_msgid(message)!r}: {'; '.join(str(e) for e in errors)}"
        for message, errors in catalogue(language).check()
    ]
    assert not problems, "\n".join(problems)


def test_every_language_has_the_same_messages():
    """`make messages` updates all three catalogues together; a stale one misses new strings."""
    for language in LANGUAGES:
        assert po_path(language).is_file(), f"{po_path(language)} is missing"
    ids = {
        language: {m.id if isinstance(m.id, str) else tuple(m.id) for m in _messages(catalogue(language))}
        for language in LANGUAGES
    }
    reference = ids[settings.LANGUAGE_CODE]
    for language, found in ids.items():
        assert found == reference, (
            f"{language} differs from {settings.LANGUAGE_CODE}: missing {sorted(map(str, reference - found))[:10]}, "
            f"extra {sorted(map(str, found - reference))[:10]}"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_up_to_date(language):
    source = po_path(language)
    compiled = source.with_suffix(".mo")
    assert source.is_file(), f"{source} is missing"
    assert compiled.is_file(), f"{compiled} is missing: run `make compilemessages`"
    assert compiled.stat().st_mtime >= source.stat().st_mtime, (
        f"{compiled} is older than {source}: run `make compilemessages`"
    )


# -- (b) the pages ----------------------------------------------------------------------------


def english_sentences(language: str) -> list[str]:
    """Fragments of catalogue msgids (between placeholders) of MIN_WORDS+ words whose translation differs."""
    if not po_path(language).is_file():
        return []
    fragments: set[str] = set()
    for message in _messages(catalogue(language)):
        translated = message.string if isinstance(message.string, str) else " ".join(message.string or ())
        for msgid in message.id if isinstance(message.id, (list, tuple)) else [message.id]:
            if translated and " ".join(translated.split()) == " ".join(msgid.split()):
                continue
            for fragment in PLACEHOLDER.split(msgid):
                fragment = " ".join(fragment.split()).strip(" .,:;–-")
                if len(fragment.split()) >= MIN_WORDS:
                    fragments.add(fragment)
    return sorted(fragments)


def english_found(text: str, language: str) -> list[str]:
    """The English a reader of `language` would meet in `text`: catalogue sentences and common English words."""
    found = [f"sentence {s!r}" for s in english_sentences(language) if s in text]
    for match in re.finditer(r"\b(" + "|".join(sorted(ENGLISH_WORDS)) + r")\b", text, flags=re.IGNORECASE):
        start, end = max(match.start() - 40, 0), match.end() + 40
        found.append(f"word {match.group(0)!r} in …{text[start:end]}…")
    return found


# The page data and the administrator are built once for the module (tests/fixtures_pages.py).
@pytest.fixture
def page_parameters(site_pages: SitePages, settings) -> PageParameters:
    settings.MEDIA_ROOT = site_pages.media_root
    return site_pages.parameters


@pytest.fixture
def owner_client(site_pages: SitePages) -> Client:
    client = Client()
    client.force_login(site_pages.owner)
    return client


def _page_text(client: Client, route: PageRoute, parameters: PageParameters, language: str, persona: str) -> str:
    """The page's visible text. A page this persona may not see (sign-in redirect, a form's
    POST-only target) or a file skips the test with the reason; any other answer fails it, so a
    page the data no longer reaches is never counted as checked."""
    url = parameters.landing_url(client, route, language)
    response = client.get(url)
    status = response.status_code
    assert status in expected_statuses(route.name, signed_in=persona != "anonymous"), f"{url} answered {status}"
    if status != 200:
        where = f" to {response['Location']}" if status in (301, 302, 303) else ""
        pytest.skip(f"{route.name} answers {persona} with {status}{where}: no page to read")
    content_type = response.get("Content-Type", "")
    if "text/html" not in content_type:
        pytest.skip(f"{route.name} is a file ({content_type}), not a page")
    return visible_text(parse_html(response.content.decode()), language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", PAGE_LANGUAGES)
@pytest.mark.parametrize("persona", ["anonymous", "owner"])
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_page_shows_no_english(request, route, persona, language, page_parameters):
    client = request.getfixturevalue("client" if persona == "anonymous" else "owner_client")
    text = _page_text(client, route, page_parameters, language, persona)
    found = english_found(text, language)
    assert not found, f"{route.name} in {language} as {persona} shows English:\n- " + "\n- ".join(found[:20])


def test_english_detection_finds_sentences_and_words():
    """The page test can fail: an untranslated sentence and a stray English word are both caught."""
    text = "Välkommen till Främja. Please correct the following fel."
    found = "\n".join(english_found(text, "sv"))
    assert "'Please'" in found
    assert "'the'" in found
    assert english_found("Välkommen till Främja, en dörr till stödsystemet.", "sv") == []


def test_visible_text_skips_other_languages_and_hidden_parts():
    html = (
        '<html lang="sv"><head><title>Please ignore</title></head><body>'
        '<button lang="en">English</button><p hidden>with the hidden</p>'
        '<img alt="Logotyp"><input type="submit" value="Skicka"><p>Hej</p></body></html>'
    )
    assert visible_text(parse_html(html), "sv") == "Logotyp Skicka Hej"

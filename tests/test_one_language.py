"""One language per page (issue 9, point 5): every page, in every language, shows its interface
in that language only.

A Norwegian or English reader must not meet Swedish interface text (category and Agenda 2030
names, gate criteria and their help texts, labels of the audit log), and a Swedish or Norwegian
reader no English field labels ("Invited by:"). What people wrote (idea titles and descriptions,
notes, answers, rationales, names of organisations, places and people) is content, not
interface: it is read from the database and left out before the page is checked.

What counts as another language's text:
- a phrase of MIN_WORDS+ words from another language's catalogue whose translation in the
  page's language differs (as tests/test_i18n.py does for English);
- a category or goal name, or a standard criterion's name or help text, in another language;
- a word that only that other language uses (MARKER_WORDS);
- on Swedish and Norwegian pages, a field label Django made up from an untranslated field name.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import override

from framja.ideas.models import CRITERION_HELP, Tag
from tests.fixtures_pages import SitePages
from tests.pages import PageParameters, page_routes
from tests.test_i18n import MIN_WORDS, PLACEHOLDER, _messages, _page_text, catalogue

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ROUTES = page_routes()
# Words only one of the three languages uses in running text.
MARKER_WORDS = {
    "sv": {"och", "är", "inte", "för", "från", "också", "finns", "vilken", "eller"},
    "nb": {"og", "ikke", "fra", "også", "hvor", "hvilken", "finnes"},
    "en": {"the", "and", "your", "with", "this", "please", "which", "should", "by"},
}
# "eller" (or) is also Norwegian; "by" (town) is Norwegian and Swedish.
SHARED = {"nb": {"eller", "by"}, "sv": {"by"}, "en": set()}
# Shorter one-word choice labels ("Norge", "Region", "Svensk") are also parts of proper names
# ("Innovasjon Norge") or of other phrases ("Svensk tid"); longer ones ("Mottagen") are not.
MIN_LABEL_LETTERS = 7
# Content the data behind the pages holds in the text fields of these models is left out; the
# interface's own reference data (categories, criteria) and the audit log's labels are checked.
NOT_CONTENT = {("ideas", "tag"), ("ideas", "criterion"), ("audit", "auditentry")}


def _phrases(message_string: str | tuple[str, ...] | list[str] | None) -> set[str]:
    strings = [message_string] if isinstance(message_string, str) else list(message_string or ())
    found = set()
    for text in strings:
        for fragment in PLACEHOLDER.split(text or ""):
            fragment = " ".join(fragment.split()).strip(" .,:;–-")
            if len(fragment.split()) >= MIN_WORDS:
                found.add(fragment)
    return found


@cache
def foreign_phrases(language: str) -> frozenset[tuple[str, str]]:
    """(other language, phrase): catalogue phrases of the other languages that the reader's
    translation of the same message does not contain."""
    own = {m.id if isinstance(m.id, str) else m.id[0]: m for m in _messages(catalogue(language))}
    found: set[tuple[str, str]] = set()
    for other in LANGUAGES:
        if other == language:
            continue
        for message in _messages(catalogue(other)):
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            mine = own.get(msgid)
            if mine is None:
                continue
            own_text = " ".join(_phrases(mine.string) | ({msgid} if language == "en" else set()))
            theirs = message.id if other == "en" else message.string
            found |= {(other, p) for p in _phrases(theirs) if p not in own_text}
    return frozenset(found)


def reference_names(language: str) -> set[tuple[str, str]]:
    """(other language, name): category and goal names, standard criteria and their help texts,
    as the other languages say them and the reader's does not."""
    found: set[tuple[str, str]] = set()
    for tag in Tag.objects.all():
        names = {code: getattr(tag, f"name_{code}") or tag.name_sv for code in LANGUAGES}
        found |= {(code, name) for code, name in names.items() if name.casefold() != names[language].casefold()}
    for label in choice_labels():
        said: dict[str, str] = {}
        for code in LANGUAGES:
            with override(code):
                said[code] = str(label)
        found |= {
            (code, text)
            for code, text in said.items()
            if text.casefold() != said[language].casefold() and (" " in text or len(text) >= MIN_LABEL_LETTERS)
        }
    for kind, help_text in CRITERION_HELP.items():
        pairs: dict[str, tuple[str, str]] = {}
        for code in LANGUAGES:
            with override(code):
                pairs[code] = (str(kind.label), str(help_text))
        for code, pair in pairs.items():
            found |= {(code, text) for text, mine in zip(pair, pairs[language], strict=True) if text != mine}
    return found


@cache
def choice_labels() -> tuple[Any, ...]:
    """The translated labels of the project's choices: stages, outcomes, roles, statuses …"""
    labels: dict[str, Any] = {}
    with override("en"):
        for model in apps.get_models():
            if model.__module__.startswith("framja."):
                for field in model._meta.concrete_fields:
                    choices = field.flatchoices or ()
                    labels |= {str(label): label for _value, label in choices if isinstance(label, Promise)}
    return tuple(labels.values())


def made_up_labels() -> set[str]:
    """Field labels Django derives from the field's name when no translated verbose_name is
    given ("Invited by"): English whatever the reader's language."""
    labels = set()
    for model in apps.get_models():
        if not model.__module__.startswith("framja."):
            continue
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose and not isinstance(verbose, Promise):
                labels.add(str(capfirst(verbose)))
    return labels


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text))


def content_strings(parameters: PageParameters | None = None) -> list[str]:
    """What people wrote in the page data: text fields of the project's models, and what a
    visitor typed into the pages' query strings (a search echoed in its box), longest first."""
    values: set[str] = {
        value for query in (parameters.queries.values() if parameters else ()) for _key, value in parse_qsl(query)
    }
    for model in apps.get_models():
        if not model.__module__.startswith("framja.") or (model._meta.app_label, model._meta.model_name) in NOT_CONTENT:
            continue
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        for row in model._base_manager.values_list(*names) if names else []:
            values |= {v for v in row if isinstance(v, str) and len(v) >= 3}
    return sorted(values, key=len, reverse=True)


def other_language_found(text: str, language: str, content: list[str], made_up: set[str] | None = None) -> list[str]:
    """What in `text` (a page's visible text) is in another language than `language`. Text is
    compared word by word (punctuation and markup between words do not matter)."""
    words = f" {_words(text)} "
    for value in content:
        words = words.replace(f" {_words(value)} ", "  ")
    found = [f"{other} phrase {p!r}" for other, p in sorted(foreign_phrases(language)) if f" {_words(p)} " in words]
    for other, name in sorted(reference_names(language)):
        if f" {_words(name)} " in words:
            found.append(f"{other} name {name!r}")
    for other, other_words in MARKER_WORDS.items():
        if other == language:
            continue
        markers = other_words - SHARED.get(language, set()) - MARKER_WORDS.get(language, set())
        for match in re.finditer(r"(?<!\w)(" + "|".join(sorted(markers)) + r")(?!\w)", words, flags=re.IGNORECASE):
            start, end = max(match.start() - 40, 0), match.end() + 40
            found.append(f"{other} word {match.group(0)!r} in …{words[start:end]}…")
    if language != "en":
        for label in sorted(made_up_labels() if made_up is None else made_up):
            if re.search(r"(?<!\w)" + re.escape(label) + r":", text):
                found.append(f"untranslated field label {label!r}")
    return found


@pytest.fixture
def page_parameters(site_pages: SitePages, settings) -> PageParameters:
    settings.MEDIA_ROOT = site_pages.media_root
    return site_pages.parameters


@pytest.fixture
def owner_client(site_pages: SitePages) -> Client:
    client = Client()
    client.force_login(site_pages.owner)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", ["anonymous", "owner"])
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_page_is_in_one_language(request, route, persona, language, page_parameters):
    client = request.getfixturevalue("client" if persona == "anonymous" else "owner_client")
    text = _page_text(client, route, page_parameters, language, persona)
    found = other_language_found(text, language, content_strings(page_parameters))
    assert not found, f"{route.name} in {language} as {persona} shows another language:\n- " + "\n- ".join(found[:20])


@pytest.mark.django_db
def test_detection_finds_swedish_names_words_and_made_up_labels():
    """The page test can fail: a Swedish category, criterion help text, word and an English
    made-up field label are each caught; the reader's own language and content pass."""
    tag = Tag.objects.get(slug="sdg-11")
    with override("sv"):
        help_text = str(next(iter(CRITERION_HELP.values())))
    text = f"Kategori: {tag.name_sv}. {help_text} Idé: Laddstolpar och skotrar"
    found = "\n".join(other_language_found(text, "nb", ["Laddstolpar och skotrar"]))
    assert f"sv name {tag.name_sv!r}" in found
    assert f"sv name {help_text!r}" in found
    assert "sv word 'och'" in found
    assert "Laddstolpar" not in found
    assert other_language_found(f"Kategori: {tag.name_nb}. Hvor stort er behovet, og for hvem?", "nb", []) == []
    assert "untranslated field label 'Invited by'" in other_language_found(
        "Invited by: Kim", "sv", [], made_up={"Invited by"}
    )
    stage = "\n".join(other_language_found("Fase: Mottagen", "nb", []))
    assert "sv name 'Mottagen'" in stage

"""Labels the audit log keeps in every language of the site.

The log keeps how an object was named when it changed (it may be gone when someone reads the
entry). Where that name is translated (a standard stage, a choice in an object's name), it is
kept in every language, and each reader sees her own: {"i18n": {"sv": …, "nb": …, "en": …}}.
Names that read the same in every language (people, organisations, numbers) stay plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation

I18N = "i18n"


def in_every_language(render: Callable[[], Any], max_length: int = 200) -> str | dict[str, dict[str, str]]:
    """`render()` as each of the site's languages says it; plain text where they all agree."""
    texts: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(render())[:max_length]
    first = texts[settings.LANGUAGE_CODE]
    return first if all(text == first for text in texts.values()) else {I18N: texts}


def is_translated(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get(I18N), dict)


def localised(value: Any) -> Any:
    """A kept label in the active language (the site's language, then any, if it lacks that one);
    anything else as it is."""
    if not is_translated(value):
        return value
    texts = value[I18N]
    language = translation.get_language() or settings.LANGUAGE_CODE
    for code in (language, language.split("-")[0], settings.LANGUAGE_CODE):
        if code in texts:
            return texts[code]
    return next(iter(texts.values()), "")


def default_text(value: Any) -> str:
    """The site language's text of a kept label (for sorting and plain-text columns)."""
    if is_translated(value):
        texts = value[I18N]
        return str(texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), ""))
    return str(value)

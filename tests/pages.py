"""The site's pages, found in the URLconf, and a small HTML reader for page-wide tests.

Used by tests/test_pages_a11y.py (structure, queries) and tests/test_i18n.py (no English on
Swedish/Norwegian pages). A page is any named URL inside i18n_patterns that answers GET; URLs
with parameters are included when every parameter can be filled from the test personas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

# Not pages of ours, or not pages at all (the admin has its own accessibility record).
EXCLUDED_NAMES = {"javascript-catalog", "set_language", "healthz", "accounts-logout"}
EXCLUDED_NAMESPACES = {"admin", "api"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
INVISIBLE = {"script", "style", "template", "noscript", "head", "title"}


@dataclass(frozen=True)
class PageRoute:
    name: str
    route: str
    parameters: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str, in_i18n: bool, namespace: str | None) -> Iterator[PageRoute]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner_i18n = in_i18n or isinstance(pattern.pattern, LocalePrefixPattern)
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), inner_i18n, pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name and in_i18n and namespace is None:
            if pattern.name in EXCLUDED_NAMES:
                continue
            route = prefix + str(pattern.pattern)
            parameters = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route)) or tuple(pattern.pattern.regex.groupindex)
            yield PageRoute(pattern.name, route, parameters)


def page_routes() -> list[PageRoute]:
    """Every named page URL in i18n_patterns, once per name, in URLconf order."""
    seen: dict[str, PageRoute] = {}
    for route in _walk(get_resolver().url_patterns, "", False, None):
        seen.setdefault(route.name, route)
    return list(seen.values())


# -- a small DOM ------------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, *tags: str) -> list[Element]:
        return [el for el in self.iter() if el.tag in tags]

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in INVISIBLE:
                parts.append(child.text())
        return " ".join(" ".join(parts).split())

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {n: v or "" for n, v in attrs}, parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.current.children.append(data)


def parse_html(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def visible_text(root: Element, language: str) -> str:
    """What a person sees or hears in `language`: text, alt/title/aria-label/placeholder, button values.

    Parts marked with another `lang` (the language switcher's "English") are left out.
    """
    parts: list[str] = []

    def walk(node: Element) -> None:
        if node.tag in INVISIBLE or "hidden" in node.attrs:
            return
        lang = node.attrs.get("lang")
        if lang and node.tag != "html" and not lang.startswith(language):
            return
        for attr in ("alt", "title", "aria-label", "placeholder"):
            if node.attrs.get(attr):
                parts.append(node.attrs[attr])
        if node.tag == "input" and node.attrs.get("type") in {"submit", "button", "reset"}:
            parts.append(node.attrs.get("value", ""))
        for child in node.children:
            if isinstance(child, str):
                parts.append(child)
            else:
                walk(child)

    walk(root)
    return " ".join(" ".join(parts).split())

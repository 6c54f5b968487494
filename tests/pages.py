"""The site's pages, found in the URLconf, and a small HTML reader for page-wide tests.

Used by tests/test_pages_a11y.py (structure, queries) and tests/test_i18n.py (no English on
Swedish/Norwegian pages). A page is any named URL inside i18n_patterns; URLs with parameters
are filled from `PageParameters` (the data built in tests/fixtures_pages.py). POST-only URLs are
included too: they must answer GET with 405 (or send an anonymous visitor to sign in), never 500.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

# Not pages of ours, or not pages at all (the admin has its own accessibility record).
EXCLUDED_NAMES = {"javascript-catalog", "set_language", "healthz", "readyz", "accounts-logout"}
EXCLUDED_NAMESPACES = {"admin", "api"}
# What each persona gets where it is not the page itself. An anonymous visitor gets the page,
# 405 from a POST-only URL, or is sent to sign in (the receipt, with nothing submitted in this
# session, sends to the submission form instead).
ANONYMOUS_STATUSES = {200, 302, 405}
ANONYMOUS_REDIRECTS = {"ideas-receipt": "ideas-submit"}
# What the administrator gets where it is not the page itself (200): the targets of forms
# (POST only) answer GET with 405; three pages rightly send a signed-in person elsewhere.
POST_ONLY = {
    "accounts-token-create", "accounts-token-revoke", "accounts-member-role", "accounts-invitation-create",
    "accounts-invitation-revoke", "ideas-support", "ideas-status-information", "ideas-casework-assign",
    "ideas-casework-note", "ideas-casework-answer", "ideas-casework-decide", "ideas-casework-duplicate-link",
    "ideas-casework-duplicate-unlink", "ideas-casework-invite", "ideas-regional-judge", "accounts-claim-verify",
    "accounts-claim-reject", "catalogue-event-register", "catalogue-event-cancel",
    "catalogue-contact-request-answered", "ideas-casework-share", "ideas-sluice-membership-respond",
    "ideas-sluice-membership-leave", "support-person-consent-withdraw", "equality-reference-share-delete",
    "ideas-export-retry", "ideas-sluice-membership-end",
}  # fmt: skip
ADMIN_STATUSES: dict[str, int] = {
    **dict.fromkeys(POST_ONLY, 405),
    "accounts-login": 302,  # already signed in: to the account's home
    "ideas-receipt": 302,  # no idea submitted in this session: to the submission form
    "ideas-casework-duplicate-search": 302,  # an HTMX fragment; a plain GET goes to the idea's page
}


def expected_statuses(route_name: str, signed_in: bool) -> set[int]:
    """The answers a page walk accepts from this URL: the page (200) unless listed above."""
    if signed_in:
        return {ADMIN_STATUSES.get(route_name, 200)}
    return ANONYMOUS_STATUSES


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


@dataclass(frozen=True)
class PageParameters:
    """How to reach each page: URL parameters by name (`values`), overridden per URL name
    (`routes`, where one name such as pk means different objects), a query string per URL name,
    and the URL names whose first answer is a redirect to the real page of the same URL name."""

    values: dict[str, Any]
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)
    queries: dict[str, str] = field(default_factory=dict)
    follow: set[str] = field(default_factory=set)

    def url(self, route: PageRoute, language: str | None = None) -> str:
        """The page's URL in `language` (default: the site's); skips the test if a parameter has no value."""
        values = {**self.values, **self.routes.get(route.name, {})}
        missing = [name for name in route.parameters if name not in values]
        if missing:
            pytest.skip(f"{route.name}: no test value for URL parameter(s) {', '.join(missing)}")
        with translation.override(language or settings.LANGUAGE_CODE):
            url = reverse(route.name, kwargs={name: values[name] for name in route.parameters})
        query = self.queries.get(route.name)
        return f"{url}?{query}" if query else url

    def landing_url(self, client: Client, route: PageRoute, language: str | None = None) -> str:
        """The URL to check: for `follow` routes, where the first answer redirects within the same
        URL name (a password-reset link moves its token into the session), the redirect's target."""
        url = self.url(route, language)
        if route.name not in self.follow:
            return url
        response = client.get(url)
        location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
        try:
            same_route = bool(location) and resolve(urlsplit(location).path).url_name == route.name
        except Resolver404:
            same_route = False
        return location if same_route else url


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

"""Site-wide behaviour in a real browser: the language switcher, keyboard use, small screens."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The outermost elements sticking out to the right of the window, for the failure message.
WIDE_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.body.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > width + 1);
  return wide.filter(el => !wide.includes(el.parentElement)).slice(0, 5)
    .map(el => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`);
}"""


def switch_language(page, code: str) -> None:
    with page.expect_navigation():
        page.locator(f"form.language-switcher button[value={code}]").click()


def test_switching_to_norwegian_moves_to_nb_urls_and_stays(page, visit, assert_accessible):
    visit(page, reverse("accounts-organisation-list"))
    switch_language(page, "nb")
    assert_accessible(page)
    assert urlsplit(page.url).path == "/nb/accounts/organisations/"
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("form.language-switcher button[value=nb]").get_attribute("aria-current") == "true"

    # Links on the page stay in Norwegian, and an unprefixed address is sent to Norwegian too.
    with page.expect_navigation():
        page.locator("a.brand").click()
    assert_accessible(page)
    assert urlsplit(page.url).path == "/nb/"
    visit(page, "/accounts/organisations/")
    assert urlsplit(page.url).path == "/nb/accounts/organisations/"

    switch_language(page, "sv")
    assert_accessible(page)
    assert urlsplit(page.url).path == "/accounts/organisations/"
    assert page.locator("html").get_attribute("lang") == "sv"


def test_norwegian_pages_are_in_norwegian(page, visit, assert_accessible):
    """Passes once framja/locale/nb is translated (see tests/test_i18n.py)."""
    visit(page, "/")
    switch_language(page, "nb")
    assert_accessible(page)
    with translation.override("nb"):
        expected = translation.gettext("Business support on equal terms")
    assert expected != "Business support on equal terms", "the Norwegian catalogue lacks this string"
    assert page.locator("h1").inner_text() == expected


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, visit):
    visit(page, "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_focus_is_visible_on_links_and_buttons(page, visit):
    visit(page, "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


@pytest.mark.parametrize("width", [360, 768])
def test_pages_fit_small_screens(page, visit, width, owner, login, organisation):
    page.set_viewport_size({"width": width, "height": 800})
    login(page, owner)
    for path in ("/", reverse("accounts-organisation-list"), reverse("accounts-member-list", args=[organisation.slug])):
        visit(page, path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {width}px screen: {page.evaluate(WIDE_ELEMENTS)}"
        assert page.locator("nav.site-nav a").first.is_visible()
        assert page.locator("form.language-switcher button").first.is_visible()

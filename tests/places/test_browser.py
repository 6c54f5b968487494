"""The municipality page and the picker in a real browser: HTMX filtering, keyboard, axe-core."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_municipality_search_filters_as_you_type(page, visit, assert_accessible, reference):
    visit(page, reverse("places-municipality-list"))
    rows = page.locator("#municipality-results tbody tr")
    assert rows.count() == 647
    page.locator("#id_q").fill("ostersund")
    expect(rows).to_have_count(1)  # a locator wait: the CSP blocks wait_for_function's eval
    assert rows.first.locator("th").inner_text() == "Östersund"
    assert "q=ostersund" in page.url  # the search is in the address: shareable, and Back works
    assert_accessible(page)

    page.locator("#id_q").fill("")
    page.locator("#id_county").select_option("NO-50")
    expect(rows).to_have_count(38)
    assert_accessible(page)


def test_municipality_search_works_without_javascript(browser, live_server, reference):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(reverse("places-municipality-list"))
        tab.locator("#id_q").fill("tromso")
        with tab.expect_navigation():
            tab.locator("form.places-search button[type=submit]").click()
        assert tab.locator("#municipality-results tbody tr").count() == 1
        assert "Tromsø" in tab.locator("#municipality-results").inner_text()
    finally:
        context.close()


def test_picker_options_narrow_with_htmx(page, visit, reference):
    """The fragment replaces a select's options as the filter box is typed in (as the pickers do)."""
    visit(page, reverse("places-municipality-list"))
    page.evaluate(
        """url => {
        const box = document.createElement('div');
        box.innerHTML = `<input id="f" type="search" name="q" hx-get="${url}" hx-target="#s"
            hx-trigger="input changed delay:50ms" hx-vals='{"blank": "1", "status": "st"}'>
          <select id="s" name="m"></select><span id="st" aria-live="polite"></span>`;
        document.querySelector('main').append(box);
        htmx.process(box);
    }""",
        reverse("places-municipality-options"),
    )
    page.locator("#f").fill("are")
    page.locator("#s option").nth(1).wait_for(state="attached")
    assert page.locator("#s option").nth(1).inner_text() == "Åre (Jämtlands län)"
    assert "match" in page.locator("#st").inner_text() or "träff" in page.locator("#st").inner_text()
    page.locator("#f").fill("xyzzy")
    page.locator("#s option[disabled]").first.wait_for(state="attached")

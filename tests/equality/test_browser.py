"""The equal-terms dashboard in a real browser, with axe-core: an administrator reads it,
filters it, finds a small group shown as "–" in the table, at 1280 and at 320 px."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from framja.disclosure import HIDDEN_MARK
from framja.equality.models import ReferenceShare
from tests.equality.conftest import add_clients

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_read_and_filter_the_dashboard(page, login, visit, assert_accessible, owner, organisation):
    add_clients(organisation, 3, gender="non_binary", given_on=date(2026, 2, 3))
    add_clients(organisation, 20, gender="woman", given_on=date(2026, 2, 3), amount=40_000, currency="SEK")
    add_clients(organisation, 30, gender="man", given_on=date(2026, 5, 3), amount=90_000, currency="SEK")
    ReferenceShare.objects.create(organisation=organisation, dimension="gender", category="woman", share=33)
    login(page, owner)
    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, reverse("equality-dashboard", args=[organisation.slug]))
    assert_accessible(page)
    page.locator("select[name=period]").select_option("2026")
    page.locator("select[name=breakdown]").select_option("period")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa").click()
    assert_accessible(page)
    table = page.get_by_role("table", name="Representation efter Kön: kunder och insatser")
    row = table.get_by_role("row", name="Icke-binär")
    assert row.get_by_role("cell").first.inner_text() == HIDDEN_MARK
    assert "2026-Q1" in page.locator("#breakdown-caption").locator("xpath=..").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.set_viewport_size({"width": 320, "height": 800})
    visit(page, page.url)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

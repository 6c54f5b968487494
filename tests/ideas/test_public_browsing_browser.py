"""Public browsing in a real browser (issue 9.13): the list of ideas passes axe-core with and
without a filter error and after the HTMX swap of its results, works at 320 px, and leads to a
municipality's page that passes axe-core too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("public_side")]


def test_list_filters_search_and_municipality_page(page, visit, assert_accessible, make_idea, norway):
    now = timezone.now()
    make_idea(
        title="Lastcyklar för butikerna",
        description="Delade elektriska lastcyklar minskar varutransporterna i centrum.",
        created_at=now - timedelta(days=1),
    )
    make_idea(title="Elferge over fjorden", description="En batteridrevet ferge.", municipality=norway)

    visit(page, reverse("ideas-list"))
    cards = page.locator("#idea-results .ideas-list > li.card")
    assert cards.count() == 2

    # Searching swaps the results in place (HTMX) and keeps the address shareable.
    page.locator("input[name=q]").fill("varutransporterna")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**q=varutransporterna**")
    assert cards.count() == 1
    assert_accessible(page)

    # A bad value from a hand-written address is a form error, announced and accessible.
    visit(page, reverse("ideas-list") + "?goal=99", status=400)
    assert page.locator("[role=alert] a[href='#id_goal']").count() == 1

    # Narrow screens: no horizontal scrolling.
    page.set_viewport_size({"width": 320, "height": 800})
    visit(page, reverse("ideas-list") + "?country=SE")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    with page.expect_navigation():
        page.locator("a[href='/ideas/municipality/SE-2380/']").first.click()
    assert_accessible(page)
    assert page.locator("h1").inner_text().endswith("Östersund")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

"""Keyboard use on a narrow screen (WCAG 2.1.1, 2.4.3, 3.3.1), with the real keys:

- a wide table scrolls inside its own region, and Tab reaches that region, so the arrow keys
  scroll it (the dashboard, the audit log);
- after a failed submit, focus is on the summary of what to correct (or, where a form has no
  summary, on its first invalid field), not left at the top of the page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from framja.accounts.models import User
from tests.pages import PageParameters

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320
MAX_TABS = 120


def tab_to(page: Any, selector: str) -> int:
    """Press Tab until the element matching `selector` has focus; the number of presses it took."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return presses
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {selector} on {page.url}")


def focused(page: Any) -> dict[str, str]:
    info: dict[str, str] = page.evaluate(
        """() => ({tag: document.activeElement.tagName.toLowerCase(), id: document.activeElement.id,
                  summary: String(document.activeElement.hasAttribute("data-error-summary"))})"""
    )
    return info


def assert_scrolls_by_keyboard(page: Any, region: str) -> None:
    """The region is wider inside than out, Tab reaches it, and the arrow keys scroll it."""
    scroller = page.locator(region)
    assert scroller.evaluate("(el) => el.scrollWidth > el.clientWidth"), f"{region} does not need to scroll here"
    assert scroller.get_attribute("role") == "region"
    labelled_by = scroller.get_attribute("aria-labelledby")
    assert labelled_by, f"{region} has no name"
    assert page.locator(f"#{labelled_by}").inner_text().strip(), f"{region}'s name is empty"
    tab_to(page, region)
    assert scroller.evaluate("(el) => el.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    page.wait_for_function("(selector) => document.querySelector(selector).scrollLeft > 0", arg=region, timeout=2_000)


def test_dashboard_tables_scroll_by_keyboard(
    page, login, visit, page_parameters: PageParameters, owner: User, organisation
) -> None:
    page.set_viewport_size({"width": WIDTH, "height": 800})
    login(page, owner)
    visit(page, f"{reverse('ideas-dashboard')}?organisation={organisation.slug}")
    assert_scrolls_by_keyboard(page, "section[aria-labelledby=stage-heading] .table-wrap")


def test_audit_log_scrolls_by_keyboard(
    page, login, visit, page_parameters: PageParameters, owner: User, organisation
) -> None:
    page.set_viewport_size({"width": WIDTH, "height": 800})
    login(page, owner)
    visit(page, reverse("audit-organisation-log", args=[organisation.slug]))
    assert_scrolls_by_keyboard(page, ".table-wrap")


def test_failed_idea_submission_focuses_the_error_summary(page, visit, assert_accessible) -> None:
    page.set_viewport_size({"width": WIDTH, "height": 800})
    visit(page, reverse("ideas-submit"))
    with page.expect_navigation():
        page.locator("form.ideas-submit-form [type=submit]").click()
    assert_accessible(page)
    assert focused(page) == {"tag": "div", "id": "form-errors", "summary": "true"}
    # The summary's first link leads to the field to correct.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#id_title"


def test_failed_contact_request_focuses_the_error_summary(
    page, visit, assert_accessible, page_parameters: PageParameters
) -> None:
    offering = page_parameters.routes["catalogue-contact"]["pk"]
    visit(page, reverse("catalogue-contact", args=[offering]))
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]").click()
    assert_accessible(page)
    assert focused(page)["summary"] == "true"
    assert page.locator(".error-summary").evaluate("(el) => el === document.activeElement")


def test_failed_note_focuses_the_invalid_field(
    page, login, visit, assert_accessible, page_parameters: PageParameters, owner: User
) -> None:
    """The casework page's note form shows its error beside the field: focus goes to the field."""
    login(page, owner)
    visit(page, reverse("ideas-casework-detail", args=[page_parameters.values["pk"]]))
    note = page.locator(f"form[action='{reverse('ideas-casework-note', args=[page_parameters.values['pk']])}']")
    note.locator("textarea").fill("   ")  # passes the browser's `required`, not the server's check
    with page.expect_navigation():
        note.locator("[type=submit]").click()
    assert_accessible(page)
    active = page.evaluate(
        "() => [document.activeElement.tagName.toLowerCase(), document.activeElement.id,"
        " document.activeElement.getAttribute('aria-invalid')]"
    )
    assert active == ["textarea", "id_note_text", "true"], active

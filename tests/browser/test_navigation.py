"""The main menu and the workspace in a real browser: at 320 px (WCAG 1.4.10 Reflow) nothing
scrolls sideways, the menu's groups open from the keyboard without JavaScript of their own,
and axe-core finds nothing on the workspace, the open menu and the inbox it leads to."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from framja.accounts.models import Role
from framja.ideas.models import Sluice
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_overflow(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_coordinator_finds_the_inbox_from_the_workspace_at_320px(page, login, assert_accessible, organisation):
    Sluice.create_default(lead_organisation=organisation)
    user = UserFactory.create(username="coordinator", first_name="Cora", last_name="Coordinator")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.COORDINATOR)
    page.set_viewport_size({"width": 320, "height": 800})
    login(page, user)
    assert urlsplit(page.url).path == reverse("workspace")
    assert _no_horizontal_overflow(page)

    group = page.locator(".site-nav details").first
    group.locator("summary").focus()
    page.keyboard.press("Enter")  # <details> opens from the keyboard, no script needed
    assert group.get_attribute("open") is not None
    assert_accessible(page)
    assert _no_horizontal_overflow(page)

    # The inbox's own table at 320 px is issue 9 item 10's (layout); follow the link on a desktop.
    page.set_viewport_size({"width": 1280, "height": 900})
    inbox = group.locator(f"a[href^='{reverse('ideas-inbox')}']")
    with page.expect_navigation():
        inbox.click()
    assert_accessible(page)
    assert urlsplit(page.url).path == reverse("ideas-inbox")
    tabs = page.locator(".casework-nav a")
    # inbox, dashboard, shared sluices (where a coordinator starts one), sluice settings: no
    # regional view for a municipality
    assert tabs.count() == 4

"""The support log in a real browser, with axe-core on every page: the receiver answers a
referral from the workspace, logs an effort from it, and the client's page fits a 320 px screen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from framja.support import services
from framja.support.models import Effort, ReferralStatus
from tests.support.conftest import make_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_answer_a_referral_and_log_an_effort(
    page, login, visit, assert_accessible, owner, organisation, other_organisation
):
    theirs = make_company(other_organisation, country="NO", organisation_number="923609016", name="Fjellbakeriet AS")
    referral = services.referral_send(
        from_organisation=other_organisation, to_organisation=organisation, company=theirs, reason="Trenger lån"
    )
    login(page, owner)
    visit(page, reverse("workspace"))
    with page.expect_navigation():
        page.locator(f"main a[href='{reverse('support-referrals', args=[organisation.slug])}']").first.click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Fjellbakeriet AS").click()
    assert_accessible(page)
    page.get_by_label("Vi tar emot hänvisningen").check()
    page.locator("textarea[name=answer]").fill("Vi ringer er i veckan.")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka svaret").click()
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED

    with page.expect_navigation():
        page.get_by_role("link", name="Logga en insats utifrån hänvisningen").click()
    assert_accessible(page)
    page.locator("select[name=kind]").select_option("financing")
    page.locator("input[name=hours]").fill("1.5")
    page.locator("input[name=amount]").fill("20000")
    page.locator("select[name=currency]").select_option("SEK")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    assert_accessible(page)
    effort = Effort.objects.get()
    assert (effort.company_id, effort.kind) == (theirs.pk, "financing")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED

    page.set_viewport_size({"width": 320, "height": 800})
    visit(page, reverse("support-company-detail", args=[organisation.slug, theirs.pk]))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    visit(page, reverse("support-effort-create", args=[organisation.slug]))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

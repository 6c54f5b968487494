"""The support log in a real browser, with axe-core on every page, at 1280 and at 320 px (no
sideways scrolling): the receiver answers a referral from the workspace and logs an effort from
it; an adviser registers a company, logs an effort with a follow-up date, finds the client under
"to follow up" and refers them on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from framja.support import services
from framja.support.models import Company, Effort, Referral, ReferralStatus
from tests.support.conftest import make_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 320]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.mark.parametrize("width", WIDTHS)
def test_answer_a_referral_and_log_an_effort(
    page, login, visit, assert_accessible, owner, organisation, other_organisation, width
):
    page.set_viewport_size({"width": width, "height": 900})
    theirs = make_company(other_organisation, country="NO", organisation_number="923609016", name="Fjellbakeriet AS")
    referral = services.referral_send(
        from_organisation=other_organisation, to_organisation=organisation, company=theirs, reason="Trenger lån"
    )
    login(page, owner)
    visit(page, reverse("workspace"))
    with page.expect_navigation():
        page.locator(f"main a[href='{reverse('support-referrals', args=[organisation.slug])}']").first.click()
    assert_accessible(page)
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Fjellbakeriet AS").click()
    assert_accessible(page)
    _fits(page)
    page.get_by_label("Vi tar emot hänvisningen").check()
    page.locator("textarea[name=answer]").fill("Vi ringer er i veckan.")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka svaret").click()
    assert_accessible(page)
    _fits(page)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED

    with page.expect_navigation():
        page.get_by_role("link", name="Logga en insats utifrån hänvisningen").click()
    assert_accessible(page)
    _fits(page)
    page.locator("select[name=kind]").select_option("financing")
    page.locator("input[name=hours]").fill("1.5")
    page.locator("input[name=amount]").fill("20000")
    page.locator("select[name=currency]").select_option("SEK")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    assert_accessible(page)
    _fits(page)
    effort = Effort.objects.get()
    assert (effort.company_id, effort.kind) == (theirs.pk, "financing")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    visit(page, reverse("support-company-detail", args=[organisation.slug, theirs.pk]))
    _fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_register_log_follow_up_and_refer(
    page, login, visit, assert_accessible, owner, organisation, other_organisation, width
):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, owner)
    visit(page, reverse("support-clients", args=[organisation.slug]))
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Registrera ett företag").click()
    assert_accessible(page)
    _fits(page)
    page.locator("input[name=organisation_number]").fill("556036-0794")
    page.locator("input[name=name]").fill("Fjällbageriet AB")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    assert_accessible(page)  # the error summary and the field's error
    assert not Company.objects.exists()
    page.locator("input[name=organisation_number]").fill("556036-0793")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    assert_accessible(page)
    _fits(page)
    company = Company.objects.get()

    with page.expect_navigation():
        page.get_by_role("link", name="Logga en insats").first.click()
    page.locator("select[name=company]").select_option(str(company.pk))
    page.locator("select[name=kind]").select_option("advice")
    given = timezone.localdate() - timedelta(days=14)
    page.locator("input[name=given_on]").fill(given.isoformat())
    page.locator("input[name=follow_up_on]").fill(timezone.localdate().isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    assert Effort.objects.get().follow_up_on == timezone.localdate()

    visit(page, reverse("workspace"))
    follow_up = reverse("support-follow-up", args=[organisation.slug])
    with page.expect_navigation():
        page.locator(f"main a[href='{follow_up}']").first.click()
    assert_accessible(page)
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Fjällbageriet AB").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Hänvisa till en annan organisation").click()
    assert_accessible(page)
    _fits(page)
    page.locator("select[name=to_organisation]").select_option(str(other_organisation.pk))
    page.locator("textarea[name=reason]").fill("Behöver ett mikrolån")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka hänvisningen").click()
    assert_accessible(page)
    _fits(page)
    referral = Referral.objects.get()
    assert (referral.company, referral.to_organisation) == (company, other_organisation)

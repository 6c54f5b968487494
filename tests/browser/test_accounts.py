"""The main journeys of an organisation's administrator, in a real browser, with axe on every page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from framja.accounts.models import Membership, Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Almi Mitt", organisation_number="5565945689")


@pytest.fixture
def owner(organisation):
    user = UserFactory(username="anna", first_name="Anna", last_name="Admin", email="anna@example.org")
    MembershipFactory(user=user, organisation=organisation, role=Role.ADMIN)
    return user


@pytest.fixture
def member(organisation):
    user = UserFactory(username="bertil", first_name="Bertil", last_name="Berg", email="bertil@example.org")
    MembershipFactory(user=user, organisation=organisation, role=Role.MEMBER)
    return user


def test_sign_in_with_wrong_password_shows_an_error(page, visit, assert_accessible, owner):
    visit(page, reverse("accounts-login"))
    page.locator("input[name=username]").fill("anna")
    page.locator("input[name=password]").fill("not-the-password")
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]").click()
    assert_accessible(page)
    assert urlsplit(page.url).path == reverse("accounts-login")
    assert page.locator("[role=alert]").first.is_visible()
    assert page.locator("form[action*='logout']").count() == 0


def test_sign_in_with_the_right_password_lands_on_the_home_page(page, login, owner, organisation):
    login(page, owner)
    assert urlsplit(page.url).path == reverse("workspace")
    assert page.get_by_role("link", name="Anna Admin").is_visible()
    assert page.locator("main").get_by_text(organisation.name).first.is_visible()


def test_sign_in_with_the_email_address_works_too(page, visit, assert_accessible, owner):
    visit(page, reverse("accounts-login"))
    page.locator("input[name=username]").fill("ANNA@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]").click()
    assert_accessible(page)
    assert urlsplit(page.url).path == reverse("workspace")


def test_inviting_a_member_who_creates_an_account(
    page, browser, live_server, login, visit, assert_accessible, owner, organisation
):
    login(page, owner)
    members_url = reverse("accounts-member-list", args=[organisation.slug])
    visit(page, members_url)

    page.locator("input[name=email]").fill("cecilia@example.org")
    page.locator("select[name=role]").last.select_option(Role.ADVISER.value)
    with page.expect_navigation():
        page.locator("form.invite-form [type=submit]").click()
    assert_accessible(page)
    assert urlsplit(page.url).path == members_url
    assert page.get_by_role("rowheader", name="cecilia@example.org").is_visible()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cecilia@example.org"]
    link = re.search(r"https?://\S+/invitations/\S+/", str(message.body))
    assert link, message.body

    # The invited person opens the link in their own browser.
    context = browser.new_context(base_url=live_server.url)
    try:
        guest = context.new_page()
        response = guest.goto(urlsplit(link.group(0)).path)
        assert response is not None
        assert response.status == 200
        assert_accessible(guest)
        guest.locator("input[name=first_name]").fill("Cecilia")
        guest.locator("input[name=last_name]").fill("Cederlund")
        guest.locator("input[name=username]").fill("cecilia")
        guest.locator("input[name=password1]").fill("a-long-and-unusual-passphrase")
        guest.locator("input[name=password2]").fill("a-long-and-unusual-passphrase")
        with guest.expect_navigation():
            guest.locator("main form[method=post] [type=submit]").click()
        assert_accessible(guest)
        assert urlsplit(guest.url).path == reverse("accounts-organisation-detail", args=[organisation.slug])
        assert guest.get_by_role("link", name="Cecilia Cederlund").is_visible()
    finally:
        context.close()

    membership = Membership.objects.get(organisation=organisation, user__username="cecilia")
    assert membership.role == Role.ADVISER


def test_changing_a_members_role(page, login, visit, assert_accessible, owner, member, organisation):
    login(page, owner)
    members_url = reverse("accounts-member-list", args=[organisation.slug])
    visit(page, members_url)

    select = page.locator(f"select#role-{member.pk}")
    assert select.input_value() == Role.MEMBER.value
    select.select_option(Role.COORDINATOR.value)
    with page.expect_navigation():
        page.locator(f"form:has(select#role-{member.pk}) [type=submit]").click()
    assert_accessible(page)

    assert urlsplit(page.url).path == members_url
    assert page.locator(f"select#role-{member.pk}").input_value() == Role.COORDINATOR.value
    assert page.locator("[role=status]").get_by_text("Bertil Berg").is_visible()
    assert Membership.objects.get(user=member, organisation=organisation).role == Role.COORDINATOR

"""A shared sluice in a real browser (issue 9, point 15): the lead invites a municipality, its
administrator accepts from the workspace, an idea to that municipality is triaged locally and
passed on, and then shows in the lead's shared inbox and in the dashboard split by member. Every
page is checked with axe-core, and at 320 px (WCAG 1.4.10 Reflow) nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from framja.accounts.models import Organisation, Role
from framja.ideas.models import Idea, SluiceMembership
from framja.ideas.services import public, sluices
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("public_side")]


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_lead_invites_member_accepts_and_the_idea_reaches_the_shared_inbox(page, login, visit, municipality):
    krokom = MunicipalityFactory.create(country="SE", code="2309", name="Krokom", county=municipality.county)
    lead = OrganisationFactory.create(name="Jämtlands gemensamma kommunförbund", kind=Organisation.Kind.OTHER)
    krokom_kommun = OrganisationFactory.create(
        name="Krokoms kommun", kind=Organisation.Kind.MUNICIPALITY, municipality=krokom
    )
    coordinator = UserFactory.create(username="forbundet")
    MembershipFactory.create(user=coordinator, organisation=lead, role=Role.COORDINATOR)
    admin = UserFactory.create(username="krokomadmin")
    MembershipFactory.create(user=admin, organisation=krokom_kommun, role=Role.ADMIN)
    sluice = sluices.create_shared_sluice(lead=lead, name="Gemensam idésluss Jämtland", by=coordinator)

    # The lead invites Krokom on the members page.
    login(page, coordinator)
    visit(page, reverse("ideas-sluice-members", args=[sluice.slug]))
    page.locator("select[name=organisation]").select_option(label="Krokoms kommun")
    with page.expect_navigation():
        page.get_by_role("button", name="Bjud in", exact=True).click()
    visit(page, page.url)
    assert "Krokoms kommun" in page.locator("table").inner_text()

    # Krokom's administrator finds the invitation on the workspace and accepts.
    page.context.clear_cookies()
    login(page, admin)
    visit(page, reverse("workspace"))
    with page.expect_navigation():
        page.get_by_role("link", name="Inbjudningar till en gemensam idésluss").first.click()
    visit(page, page.url)
    with page.expect_navigation():
        page.get_by_role("button", name="Acceptera och gå med").click()
    visit(page, page.url)
    assert SluiceMembership.objects.get(organisation=krokom_kommun).status == "active"
    assert page.url.endswith(reverse("ideas-sluice-inbox", args=[sluice.slug]))

    # An idea to Krokom lands in the shared sluice; Krokom's own staff triage it and pass it on.
    idea = public.idea_submit(
        title="Anropsstyrd bybuss mellan byarna",
        description="En minibuss som bokas i en app och kör mellan byarna och tåget.",
        municipality=krokom,
        name="Lars Nordin",
        email="lars.nordin@example.org",
        consent=True,
    ).idea
    assert Idea.objects.get(pk=idea.pk).sluice_id == sluice.pk
    visit(page, reverse("ideas-sluice-inbox", args=[sluice.slug]))
    assert idea.reference in page.locator("#inbox-results").inner_text()
    visit(page, reverse("ideas-casework-detail", args=[idea.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka vidare till den gemensamma idéslussen").click()
    visit(page, page.url)

    # The lead sees it in the shared inbox, without the submitter, and in the member split.
    page.context.clear_cookies()
    login(page, coordinator)
    page.set_viewport_size({"width": 320, "height": 800})
    for name in ("ideas-sluice-inbox", "ideas-sluice-dashboard", "ideas-sluice-members"):
        visit(page, reverse(name, args=[sluice.slug]))
        assert no_sideways_scroll(page), f"{name} scrolls sideways at 320 px"
    visit(page, reverse("ideas-sluice-inbox", args=[sluice.slug]))
    inbox = page.locator("#inbox-results").inner_text()
    assert idea.reference in inbox
    assert "Krokoms kommun" in inbox
    visit(page, reverse("ideas-casework-detail", args=[idea.pk]))
    assert "lars.nordin@example.org" not in page.content()
    assert no_sideways_scroll(page)
    visit(page, reverse("ideas-sluice-dashboard", args=[sluice.slug]))
    assert "Krokoms kommun" in page.locator("#member-stage-caption ~ tbody, table").first.inner_text()
    visit(page, reverse("ideas-sluice-memberships") + f"?organisation={lead.slug}")
    assert no_sideways_scroll(page)
    visit(page, reverse("ideas-sluice-create"))
    assert no_sideways_scroll(page)

    # The lead removes Krokom from the member list (by keyboard); its idea stays in the sluice.
    visit(page, reverse("ideas-sluice-members", args=[sluice.slug]))
    button = page.get_by_role("button", name=re.compile(r"^Ta bort ur slussen\W*Krokoms kommun$"))
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Krokoms kommun har tagits bort ur den gemensamma slussen" in page.content()
    visit(page, page.url)
    assert page.get_by_role("button", name=re.compile(r"^Ta bort ur slussen\W*Krokoms kommun$")).count() == 0
    assert no_sideways_scroll(page)
    assert Idea.objects.get(pk=idea.pk).sluice_id == sluice.pk

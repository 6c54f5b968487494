"""The regional view's candidate pairs in a real browser (issue 9 item 12): at 320 px (WCAG 1.4.10
Reflow) the two ideas stack and nothing scrolls sideways; axe-core finds nothing at 320 px or on a
desktop, where the two ideas stand side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

from framja.accounts.models import Organisation, Role
from framja.ideas.models import DuplicateCandidate
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory, serve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("public_side")]

LONG = (
    "Laddstolpar vid skoterlederna i fjällen så att eldrivna snöskotrar kan användas av turistföretag och "
    "samebyar, med gemensam drift och bokning mellan kommunerna: "
    "https://example.org/en/mycket/lang/adress/utan/mellanslag/som/annars/tranger/ut/sidan/at/hoger"
)


def test_pair_side_by_side_reflows_at_320px(page, login, visit, make_idea, municipality):
    krokom = MunicipalityFactory.create(country="SE", code="2309", name="Krokom", county=municipality.county)
    region = OrganisationFactory.create(name="Region Jämtland Härjedalen", kind=Organisation.Kind.REGION)
    serve(region, municipality, krokom)
    user = UserFactory.create(username="regioncoordinator")
    MembershipFactory.create(user=user, organisation=region, role=Role.COORDINATOR)
    first = make_idea(title="Laddinfrastruktur för snöskotrar", description=LONG)
    second = make_idea(title="Gemensam laddinfrastruktur för snöskotrar", description=LONG, municipality=krokom)
    DuplicateCandidate.objects.create(idea_a=first, idea_b=second, score=0.8)

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, user)
    visit(page, reverse("ideas-regional"))
    sides = page.locator(".pair-side")
    assert sides.count() == 2
    top_a, top_b = (sides.nth(i).bounding_box()["y"] for i in range(2))
    assert top_a == top_b  # side by side on a desktop
    assert page.locator(".pair-side mark").count() >= 4

    page.set_viewport_size({"width": 320, "height": 800})
    visit(page, reverse("ideas-regional"))
    box_a, box_b = (sides.nth(i).bounding_box() for i in range(2))
    assert box_b["y"] >= box_a["y"] + box_a["height"]  # stacked
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

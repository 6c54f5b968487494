"""The demo ideas (seeded after `framja seed_demo`) fill the inbox, dashboard and regional view."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from framja.accounts.models import Organisation, User
from framja.ideas.demo import IDEAS, RATIONALES, SHARED_IDEAS, seed_ideas, seed_shared_sluice
from framja.ideas.models import DuplicateLink, GateDecision, Idea, Participant, Sluice, SluiceMembership

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("public_side")]


def test_without_demo_organisations_nothing_is_created(municipality):
    assert seed_ideas() == 0
    assert not Idea.objects.exists()


def test_seed_is_complete_and_idempotent(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)  # seeds the demo ideas as one of its sections
    assert Idea.objects.count() == len(IDEAS) + len(SHARED_IDEAS)
    assert seed_ideas() == 0
    assert seed_shared_sluice() == 0
    call_command("seed_demo", verbosity=0)
    assert Idea.objects.count() == len(IDEAS) + len(SHARED_IDEAS)
    assert Idea.objects.filter(language="nb").exists()
    assert Idea.objects.filter(language="sv").exists()
    assert GateDecision.objects.filter(outcome="kill").exists()
    assert GateDecision.objects.filter(outcome="recycle").exists()
    # Each decision is written in the deciding side's language, as its notes and answers are.
    for language in ("sv", "nb"):
        rationales = set(GateDecision.objects.filter(idea__language=language).values_list("rationale", flat=True))
        assert rationales, f"no demo decision on a {language} idea"
        assert rationales <= set(RATIONALES[language].values())
    assert DuplicateLink.objects.filter(removed_at=None).count() == 1
    shares = Participant.objects.values_list("cost_share", flat=True)
    assert sum(shares, Decimal(0)) == Decimal(100)
    # The Östersund coordinator sees a working inbox and dashboard.
    johan = User.objects.get(email="johan.lindqvist@example.org")
    client.force_login(johan)
    assert client.get(reverse("ideas-inbox")).status_code == 200
    dashboard = client.get(reverse("ideas-dashboard"))
    assert dashboard.context["data"].total >= 2
    # The region sees ideas of all its municipalities.
    anders = User.objects.get(email="anders.persson@example.org")
    client.force_login(anders)
    region = Organisation.objects.get(name="Region Jämtland Härjedalen")
    response = client.get(reverse("ideas-regional"), {"organisation": region.slug})
    assert response.status_code == 200
    assert response.context["page"].paginator.count >= 10


@pytest.mark.django_db
def test_the_demo_has_a_shared_sluice_in_jamtland_that_fredrik_works(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    sluice = Sluice.objects.get(shared=True)
    assert sluice.lead_organisation.name == "Region Jämtland Härjedalen"
    members = set(SluiceMembership.objects.active().filter(sluice=sluice).values_list("organisation__name", flat=True))
    assert {"Krokoms kommun", "Strömsunds kommun", "Åre kommun"} <= members
    invited = SluiceMembership.objects.get(sluice=sluice, status="invited")
    ideas = Idea.objects.filter(sluice=sluice)
    assert ideas.count() == len(SHARED_IDEAS)
    assert ideas.values("receiving_organisation").distinct().count() >= 3  # several members
    assert ideas.filter(shared_at__isnull=False).count() == sum(1 for _spec, shared in SHARED_IDEAS if shared)
    # Åre's coordinator sees the shared inbox: the ideas passed on and Åre's own in local triage.
    client.force_login(User.objects.get(email="fredrik.holm@example.org"))
    page = client.get(reverse("ideas-sluice-inbox", args=[sluice.slug]))
    assert page.status_code == 200
    shown = {idea.title for idea in page.context["page"]}
    assert "Anropsstyrd bybuss mellan byarna i Krokom" in shown
    assert "Sensorer som varnar för översvämning i fjällbäckarna" in shown  # Åre's own, in triage
    assert "Meröppna bibliotek som mötesplats för distansarbetare" not in shown  # Berg's, in triage
    # Östersund's administrator has the invitation waiting in the workspace.
    client.force_login(User.objects.get(email="karin.ekstrom@example.org"))
    memberships = client.get(reverse("ideas-sluice-memberships"), {"organisation": invited.organisation.slug})
    assert reverse("ideas-sluice-membership-respond", args=[invited.pk]) in memberships.content.decode()

"""The demo ideas (seeded after `framja seed_demo`) fill the inbox, dashboard and regional view."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from framja.accounts.models import Organisation, User
from framja.ideas.demo import IDEAS, RATIONALES, seed_ideas
from framja.ideas.models import DuplicateLink, GateDecision, Idea, Participant

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("public_side")]


def test_without_demo_organisations_nothing_is_created(municipality):
    assert seed_ideas() == 0
    assert not Idea.objects.exists()


def test_seed_is_complete_and_idempotent(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)  # seeds the demo ideas as one of its sections
    assert Idea.objects.count() == len(IDEAS)
    assert seed_ideas() == 0
    call_command("seed_demo", verbosity=0)
    assert Idea.objects.count() == len(IDEAS)
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

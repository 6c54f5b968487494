"""Fixtures of the idea sluice tests: a municipality, a sluice led by `organisation` (so the
personas `owner`/`member`/`outsider` apply to its ideas), a coordinator, and an idea maker."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from framja.accounts.models import Organisation, Role, User
from framja.ideas.models import Idea, Sluice, StageVisit
from framja.places.models import Municipality
from tests.factories import CountyFactory, MembershipFactory, MunicipalityFactory, UserFactory

_reference_numbers = itertools.count(1)


@pytest.fixture
def municipality(db) -> Municipality:
    county = CountyFactory.create(country="SE", code="23", name="Jämtlands län")
    return MunicipalityFactory.create(country="SE", code="2380", name="Östersund", county=county)


@pytest.fixture
def sluice(organisation) -> Sluice:
    return Sluice.create_default(lead_organisation=organisation)


@pytest.fixture
def coordinator(organisation) -> User:
    user = UserFactory.create(username="coordinator")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.COORDINATOR)
    return user


@pytest.fixture
def coordinator_client(coordinator) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def make_idea(sluice, municipality, organisation) -> Callable[..., Idea]:
    """Create an idea in a stage of its organisation's sluice, as the submission side would."""

    def make(
        *,
        title: str = "Gemensam laddinfrastruktur för snöskotrar",
        description: str = "Laddstolpar vid skoterlederna så att eldrivna skotrar kan användas i turismen.",
        municipality: Municipality = municipality,
        organisation: Organisation = organisation,
        stage_kind: str = "received",
        created_at: datetime | None = None,
        **fields: Any,
    ) -> Idea:
        own_sluice = Sluice.objects.filter(lead_organisation=organisation).first() or Sluice.create_default(
            lead_organisation=organisation
        )
        stage = own_sluice.stages.get(kind=stage_kind)
        now = timezone.now()
        fields.setdefault("submitter_name", "Kim Karlsson")
        fields.setdefault("submitter_email", "kim@example.org")
        fields.setdefault("consented_at", now)
        fields.setdefault("language", "sv")
        idea = Idea.objects.create(
            reference=f"IDE-{municipality.code}-2026-{next(_reference_numbers):04d}",
            title=title,
            description=description,
            municipality=municipality,
            receiving_organisation=organisation,
            sluice=own_sluice,
            stage=stage,
            stage_entered_at=created_at or now,
            **fields,
        )
        if created_at is not None:
            Idea.objects.filter(pk=idea.pk).update(created_at=created_at)
            idea.refresh_from_db()
        StageVisit.objects.create(idea=idea, stage=stage, entered_at=idea.created_at)
        return idea

    return make


@pytest.fixture
def idea(make_idea) -> Idea:
    return make_idea()


# --- submission side (public pages, similarity index, mail) ---------------------------------


@pytest.fixture
def public_side(settings, tmp_path, monkeypatch, similarity_snapshot):
    """Isolation for submission-side tests: a published (empty) similarity snapshot in a
    temporary directory and no duplicate-candidate jobs (tested in test_regional.py). Rate-limit
    counters start empty in every test (tests/conftest.py)."""
    from framja.ideas import matching
    from framja.ideas.services import public

    settings.DATA_DIR = tmp_path / "data"
    settings.SITE_URL = "https://framja.test"
    matching.reset()
    monkeypatch.setattr(public, "schedule_candidate_refresh", lambda idea_id: None, raising=False)
    yield
    matching.reset()


@pytest.fixture
def norway(db) -> Municipality:
    """Trondheim, and Vestvågøy whose code 1860 is also Laxå's in Sweden."""
    county = CountyFactory(country="NO", code="50", name="Trøndelag")
    MunicipalityFactory(
        country="NO", code="1860", name="Vestvågøy", county=CountyFactory(country="NO", code="18", name="Nordland")
    )
    return MunicipalityFactory.create(country="NO", code="5001", name="Trondheim", county=county)


@pytest.fixture
def laxa(db) -> Municipality:
    county = CountyFactory(country="SE", code="18", name="Örebro län")
    return MunicipalityFactory.create(country="SE", code="1860", name="Laxå", county=county)


@pytest.fixture
def municipality_organisation(municipality) -> Organisation:
    """Östersunds kommun: the municipality's own organisation receives ideas about it."""
    from tests.factories import OrganisationFactory

    return OrganisationFactory.create(
        name="Östersunds kommun", kind=Organisation.Kind.MUNICIPALITY, country="SE", municipality=municipality
    )


@pytest.fixture
def municipal_coordinator(municipality_organisation) -> User:
    user = UserFactory.create(
        username="kommunkoordinator", email="koordinator@ostersund.example", preferred_language="en"
    )
    MembershipFactory(user=user, organisation=municipality_organisation, role=Role.COORDINATOR)
    return user

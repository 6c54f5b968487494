"""Who works which idea, at scale: `workable_by` and `fully_workable_by` are EXISTS subqueries
on indexed paths (no join that multiplies rows, no DISTINCT), with the same answers for every
persona: the receiving organisation's caseworkers, a co-developing participant (accepted, not
merely invited), a verified region's coordinator (not its adviser, not an unverified claim),
members without a casework role, outsiders, anonymous visitors and staff."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from framja.accounts.models import Organisation, Role
from framja.ideas.models import Idea, Participant, Sluice
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories import serve as serve_municipalities

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_idea, organisation, other_organisation, municipality):
    """`own` is received by `organisation`; `codeveloped` by another municipality with
    `other_organisation` taking part; `invited` likewise but only invited; `elsewhere` is in a
    municipality no region here serves."""
    partner_home = MunicipalityFactory.create(country="SE", code="2361", name="Härjedalen")
    receiver = OrganisationFactory.create(name="Härjedalens kommun", kind=Organisation.Kind.MUNICIPALITY)
    far = MunicipalityFactory.create(country="SE", code="1280", name="Malmö")
    ideas = {
        "own": make_idea(title="Egen idé"),
        "codeveloped": make_idea(title="Samutvecklad", organisation=receiver, municipality=partner_home),
        "invited": make_idea(title="Inbjuden", organisation=receiver, municipality=partner_home),
        "elsewhere": make_idea(title="Långt borta", organisation=receiver, municipality=far),
    }
    Participant.objects.create(
        idea=ideas["codeveloped"], organisation=other_organisation, status=Participant.Status.ACCEPTED
    )
    Participant.objects.create(idea=ideas["invited"], organisation=other_organisation)
    region = OrganisationFactory.create(name="Region Jämtland Härjedalen", kind=Organisation.Kind.REGION)
    serve_municipalities(region, municipality, partner_home)
    claimed = OrganisationFactory.create(name="Självutnämnd region", kind=Organisation.Kind.REGION)
    serve_municipalities(claimed, far, verified=False)

    def person(name: str, org: Organisation, role: str) -> object:
        user = UserFactory.create(username=name)
        MembershipFactory.create(user=user, organisation=org, role=role)
        return user

    staff = UserFactory.create(username="staff", is_staff=True)
    personas = {
        "receiving_admin": person("r_admin", organisation, Role.ADMIN),
        "receiving_coordinator": person("r_coord", organisation, Role.COORDINATOR),
        "receiving_adviser": person("r_adviser", organisation, Role.ADVISER),
        "receiving_member": person("r_member", organisation, Role.MEMBER),
        "participant_adviser": person("p_adviser", other_organisation, Role.ADVISER),
        "regional_coordinator": person("reg_coord", region, Role.COORDINATOR),
        "regional_adviser": person("reg_adviser", region, Role.ADVISER),
        "claimed_region_coordinator": person("claim_coord", claimed, Role.COORDINATOR),
        "staff": staff,
        "anonymous": AnonymousUser(),
    }
    # Someone who reaches `own` along every path at once: receiving, participant and region.
    everything = person("everything", organisation, Role.ADMIN)
    MembershipFactory.create(user=everything, organisation=other_organisation, role=Role.ADMIN)
    MembershipFactory.create(user=everything, organisation=region, role=Role.COORDINATOR)
    Participant.objects.create(idea=ideas["own"], organisation=other_organisation, status=Participant.Status.ACCEPTED)
    personas["everything"] = everything
    return ideas, personas


# persona -> (ideas workable, ideas fully workable)
EXPECTED = {
    "receiving_admin": ({"own"}, {"own"}),
    "receiving_coordinator": ({"own"}, {"own"}),
    "receiving_adviser": ({"own"}, {"own"}),
    "receiving_member": (set(), set()),
    "participant_adviser": ({"own", "codeveloped"}, set()),
    "regional_coordinator": ({"own", "codeveloped", "invited"}, {"own", "codeveloped", "invited"}),
    "regional_adviser": (set(), set()),
    "claimed_region_coordinator": (set(), set()),
    "staff": ({"own", "codeveloped", "invited", "elsewhere"}, {"own", "codeveloped", "invited", "elsewhere"}),
    "anonymous": (set(), set()),
    "everything": ({"own", "codeveloped", "invited"}, {"own", "codeveloped", "invited"}),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_works_the_ideas_it_should_each_once(world, persona):
    ideas, personas = world
    names = {idea.pk: name for name, idea in ideas.items()}
    user = personas[persona]
    workable = [names[pk] for pk in Idea.objects.workable_by(user).values_list("pk", flat=True)]
    full = [names[pk] for pk in Idea.objects.fully_workable_by(user).values_list("pk", flat=True)]
    expected_workable, expected_full = EXPECTED[persona]
    assert sorted(workable) == sorted(expected_workable)  # as a list: every idea once, without DISTINCT
    assert sorted(full) == sorted(expected_full)
    assert Idea.objects.workable_by(user).count() == len(expected_workable)


def test_the_access_check_is_exists_without_distinct(world):
    ideas, personas = world
    with CaptureQueriesContext(connection) as queries:
        assert Idea.objects.workable_by(personas["everything"]).filter(pk=ideas["own"].pk).exists()
    sql = queries.captured_queries[-1]["sql"].upper()
    assert "DISTINCT" not in sql
    assert "EXISTS" in sql


def test_sluice_pipeline_visible_once_to_a_lead_that_also_participates(world, organisation, sluice):
    _ideas, personas = world
    sluice.organisations.add(organisation)  # already the lead; taking part too must not double it
    visible = list(Sluice.objects.pipeline_visible_to(personas["receiving_adviser"]).values_list("pk", flat=True))
    assert visible.count(sluice.pk) == 1

"""Shared sluices (issue 9, point 15): membership, routing, local triage first, leaving and joining."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from framja.accounts.models import Organisation, Role, User
from framja.audit.models import AuditEntry
from framja.ideas.models import Event, GateDecision, Idea, Sluice, SluiceMembership
from framja.ideas.services import casework, public, sluices
from framja.notifications.models import OutboundEmail
from framja.places.models import Municipality
from tests.factories import CountyFactory, MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]


@dataclass
class Region:
    """Jämtland's kommunalförbund leading a shared sluice for Krokom and Strömsund."""

    lead: Organisation
    lead_coordinator: User
    krokom: Municipality
    stromsund: Municipality
    krokom_kommun: Organisation
    stromsund_kommun: Organisation
    krokom_admin: User
    krokom_adviser: User
    stromsund_admin: User
    sluice: Sluice


def _person(username: str, organisation: Organisation, role: Role) -> User:
    user = UserFactory.create(username=username, email=f"{username}@example.org")
    MembershipFactory.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def region(db) -> Region:
    county = CountyFactory.create(country="SE", code="23", name="Jämtlands län")
    krokom = MunicipalityFactory.create(country="SE", code="2309", name="Krokom", county=county)
    stromsund = MunicipalityFactory.create(country="SE", code="2313", name="Strömsund", county=county)
    lead = OrganisationFactory.create(name="Jämtlands kommunförbund", kind=Organisation.Kind.OTHER)
    krokom_kommun = OrganisationFactory.create(
        name="Krokoms kommun", kind=Organisation.Kind.MUNICIPALITY, municipality=krokom
    )
    stromsund_kommun = OrganisationFactory.create(
        name="Strömsunds kommun", kind=Organisation.Kind.MUNICIPALITY, municipality=stromsund
    )
    lead_coordinator = _person("forbund", lead, Role.COORDINATOR)
    sluice = sluices.create_shared_sluice(lead=lead, name="Gemensam idésluss Jämtland", by=lead_coordinator)
    return Region(
        lead=lead,
        lead_coordinator=lead_coordinator,
        krokom=krokom,
        stromsund=stromsund,
        krokom_kommun=krokom_kommun,
        stromsund_kommun=stromsund_kommun,
        krokom_admin=_person("krokomadmin", krokom_kommun, Role.ADMIN),
        krokom_adviser=_person("krokomrad", krokom_kommun, Role.ADVISER),
        stromsund_admin=_person("stromsundadmin", stromsund_kommun, Role.ADMIN),
        sluice=sluice,
    )


def join(region: Region, organisation: Organisation, admin: User) -> SluiceMembership:
    membership = sluices.invite_member(sluice=region.sluice, organisation=organisation, by=region.lead_coordinator)
    return sluices.respond(membership=membership, accept=True, by=admin)


def submit(municipality: Municipality, title: str = "Laddstolpar vid skoterlederna") -> Idea:
    return public.idea_submit(
        title=title,
        description="Laddstolpar så att eldrivna skotrar kan användas av turistföretagen.",
        municipality=municipality,
        name="Kim Karlsson",
        email="kim.karlsson@example.org",
        consent=True,
    ).idea


def test_the_lead_creates_a_shared_sluice_with_the_default_pipeline_and_takes_part_in_it(region):
    assert region.sluice.shared
    assert region.sluice.lead_organisation == region.lead
    assert region.sluice.stages.count() == 7
    assert region.sluice.criteria.count() == 4
    lead = SluiceMembership.objects.get(sluice=region.sluice, organisation=region.lead)
    assert lead.status == SluiceMembership.Status.ACTIVE
    assert lead.is_lead


def test_an_invitation_mails_the_invited_administrators_and_is_audited_for_both(region):
    membership = sluices.invite_member(
        sluice=region.sluice, organisation=region.krokom_kommun, by=region.lead_coordinator
    )
    assert membership.status == SluiceMembership.Status.INVITED
    mail = OutboundEmail.objects.get(to=region.krokom_admin.email)
    assert "Gemensam idésluss Jämtland" in mail.body
    assert f"?organisation={region.krokom_kommun.slug}" in mail.body
    assert not OutboundEmail.objects.filter(to=region.krokom_adviser.email).exists()  # admins answer
    audited = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SluiceMembership), object_id=str(membership.pk)
    )
    assert {e.organisation_id for e in audited} == {region.lead.pk, region.krokom_kommun.pk}


def test_an_idea_to_a_member_municipality_lands_in_the_shared_sluice_once_it_accepted(region):
    before = submit(region.krokom)
    assert before.receiving_organisation == region.krokom_kommun
    assert before.sluice != region.sluice  # not a member yet: its own sluice
    join(region, region.krokom_kommun, region.krokom_admin)
    after = submit(region.krokom, "Gemensam bokning av skoterleder")
    assert after.receiving_organisation == region.krokom_kommun  # the member still receives it
    assert after.sluice == region.sluice
    assert after.stage == region.sluice.first_stage()
    assert after.shared_at is None  # local triage first
    mail = OutboundEmail.objects.filter(to=region.krokom_admin.email).order_by("pk").last()
    assert mail is not None
    assert after.reference in mail.subject + mail.body


def test_a_declined_invitation_changes_nothing(region):
    membership = sluices.invite_member(
        sluice=region.sluice, organisation=region.krokom_kommun, by=region.lead_coordinator
    )
    sluices.respond(membership=membership, accept=False, by=region.krokom_admin)
    assert submit(region.krokom).sluice != region.sluice
    with pytest.raises(ValidationError):
        sluices.respond(membership=membership, accept=True, by=region.krokom_admin)


def test_an_organisation_takes_part_in_one_shared_sluice_at_a_time(region):
    join(region, region.krokom_kommun, region.krokom_admin)
    other_lead = OrganisationFactory.create(name="Härjedalens förbund")
    other = sluices.create_shared_sluice(lead=other_lead, name="Härjedalen", by=None)
    with pytest.raises(ValidationError) as error:
        sluices.invite_member(sluice=other, organisation=region.krokom_kommun, by=None)
    assert "redan med i en annan gemensam idésluss" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        SluiceMembership.objects.create(
            sluice=other, organisation=region.krokom_kommun, status="active", joined_at=timezone.now()
        )


def test_an_organisation_is_invited_once_per_sluice(region):
    sluices.invite_member(sluice=region.sluice, organisation=region.krokom_kommun, by=None)
    with pytest.raises(ValidationError):
        sluices.invite_member(sluice=region.sluice, organisation=region.krokom_kommun, by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        SluiceMembership.objects.create(sluice=region.sluice, organisation=region.krokom_kommun)


def test_local_triage_comes_first_then_every_member_works_the_idea_without_personal_data(region):
    join(region, region.krokom_kommun, region.krokom_admin)
    join(region, region.stromsund_kommun, region.stromsund_admin)
    idea = submit(region.krokom)
    workable = Idea.objects.workable_by
    assert idea in workable(region.krokom_adviser)  # its own municipality's receivers triage it
    assert idea not in workable(region.stromsund_admin)
    assert idea not in workable(region.lead_coordinator)

    sluices.share_idea(idea=idea, by=region.krokom_adviser)
    idea.refresh_from_db()
    assert idea.shared_at is not None
    assert idea.events.filter(kind=Event.Kind.SHARED).exists()
    assert idea in workable(region.stromsund_admin)
    assert idea in workable(region.lead_coordinator)
    other_member = casework.access_for(region.stromsund_admin, idea)
    assert other_member.can_work
    assert not other_member.sees_personal_data
    assert not other_member.can_decide
    lead = casework.access_for(region.lead_coordinator, idea)
    assert lead.can_decide
    assert not lead.sees_personal_data
    own = casework.access_for(region.krokom_admin, idea)
    assert own.sees_personal_data
    assert own.can_decide
    with pytest.raises(ValidationError):
        sluices.share_idea(idea=idea, by=region.krokom_adviser)


def test_a_member_that_leaves_keeps_its_history_and_gets_its_own_sluice_back(region):
    membership = join(region, region.krokom_kommun, region.krokom_admin)
    idea = submit(region.krokom)
    sluices.share_idea(idea=idea, by=region.krokom_admin)
    sluices.leave(membership=membership, by=region.krokom_admin)
    membership.refresh_from_db()
    assert membership.status == SluiceMembership.Status.LEFT
    assert membership.left_at is not None
    idea.refresh_from_db()
    assert idea.sluice == region.sluice  # its history stays in the shared sluice
    assert idea in Idea.objects.workable_by(region.krokom_admin)
    later = submit(region.krokom, "Ny idé efter utträdet")
    assert later.sluice is not None
    assert later.sluice != region.sluice
    assert not later.sluice.shared
    assert later.sluice.lead_organisation == region.krokom_kommun
    assert later not in Idea.objects.workable_by(region.lead_coordinator)


def test_a_member_can_join_again_after_leaving_and_a_new_one_can_join(region):
    membership = join(region, region.krokom_kommun, region.krokom_admin)
    sluices.leave(membership=membership, by=region.krokom_admin)
    again = join(region, region.krokom_kommun, region.krokom_admin)
    assert again.pk != membership.pk
    assert again.status == SluiceMembership.Status.ACTIVE
    join(region, region.stromsund_kommun, region.stromsund_admin)
    assert submit(region.stromsund).sluice == region.sluice
    statuses = list(
        SluiceMembership.objects.filter(organisation=region.krokom_kommun)
        .order_by("pk")
        .values_list("status", flat=True)
    )
    assert statuses == ["left", "active"]


def test_the_lead_cannot_leave_and_only_active_members_leave(region):
    lead = SluiceMembership.objects.get(sluice=region.sluice, organisation=region.lead)
    with pytest.raises(ValidationError):
        sluices.leave(membership=lead, by=region.lead_coordinator)
    invited = sluices.invite_member(sluice=region.sluice, organisation=region.krokom_kommun, by=None)
    with pytest.raises(ValidationError):
        sluices.leave(membership=invited, by=region.krokom_admin)


def test_a_lead_municipality_shares_its_own_sluice_and_keeps_its_ideas(region):
    own = public.sluice_for(region.stromsund_kommun)
    old = submit(region.stromsund)
    assert old.sluice == own
    sluices.invite_member(sluice=own, organisation=region.krokom_kommun, by=region.stromsund_admin)
    own.refresh_from_db()
    assert own.shared
    assert submit(region.stromsund).sluice == own  # the lead's ideas keep landing in it
    old.refresh_from_db()
    assert old.sluice == own


# --------------------------------------------------------------------------- pages


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_lead_invites_on_the_members_page_and_the_member_answers_from_its_workspace(region):
    lead = client_for(region.lead_coordinator)
    members_url = reverse("ideas-sluice-members", args=[region.sluice.slug])
    response = lead.post(members_url, {"organisation": region.krokom_kommun.pk})
    assert response.status_code == 302
    membership = SluiceMembership.objects.get(organisation=region.krokom_kommun)
    assert membership.status == "invited"

    admin = client_for(region.krokom_admin)
    workspace = admin.get(reverse("workspace")).content.decode()
    page_url = reverse("ideas-sluice-memberships") + f"?organisation={region.krokom_kommun.slug}"
    assert "Inbjudningar till en gemensam idésluss" in workspace
    assert page_url.replace("?", "?") in workspace.replace("&amp;", "&")
    page = admin.get(page_url).content.decode()
    answer_url = reverse("ideas-sluice-membership-respond", args=[membership.pk])
    assert answer_url in page
    # An adviser of the member sees nothing to answer and may not answer.
    adviser = client_for(region.krokom_adviser)
    assert adviser.post(answer_url, {"answer": "accept"}).status_code == 404
    response = admin.post(answer_url, {"answer": "accept"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ideas-sluice-inbox", args=[region.sluice.slug])
    membership.refresh_from_db()
    assert membership.status == "active"
    assert admin.get(answer_url).status_code == 405


def test_an_idea_to_the_member_appears_in_the_shared_inbox_after_local_triage(region):
    join(region, region.krokom_kommun, region.krokom_admin)
    join(region, region.stromsund_kommun, region.stromsund_admin)
    idea = submit(region.krokom)
    inbox_url = reverse("ideas-sluice-inbox", args=[region.sluice.slug])
    other = client_for(region.stromsund_admin)
    assert idea.reference not in other.get(inbox_url).content.decode()
    own = client_for(region.krokom_adviser)
    assert idea.reference in own.get(inbox_url).content.decode()  # its own, waiting for triage
    detail = own.get(reverse("ideas-casework-detail", args=[idea.pk])).content.decode()
    assert reverse("ideas-casework-share", args=[idea.pk]) in detail
    assert own.post(reverse("ideas-casework-share", args=[idea.pk])).status_code == 302

    page = other.get(inbox_url).content.decode()
    assert idea.reference in page
    assert "Krokoms kommun" in page
    detail = other.get(reverse("ideas-casework-detail", args=[idea.pk])).content.decode()
    assert "kim.karlsson@example.org" not in detail
    assert "Kim Karlsson" not in detail
    assert reverse("ideas-casework-share", args=[idea.pk]) not in detail
    assert other.post(reverse("ideas-casework-share", args=[idea.pk])).status_code == 404
    lead = client_for(region.lead_coordinator)
    assert idea.reference in lead.get(inbox_url).content.decode()
    assert "kim.karlsson@example.org" not in lead.get(reverse("ideas-casework-detail", args=[idea.pk])).content.decode()


def test_the_dashboard_splits_the_ideas_by_member(region):
    join(region, region.krokom_kommun, region.krokom_admin)
    join(region, region.stromsund_kommun, region.stromsund_admin)
    first = submit(region.krokom)
    submit(region.krokom, "Andra idén")
    sluices.share_idea(idea=first, by=region.krokom_admin)
    casework.gate_decide(idea=first, outcome="go", rationale="Bra", by=region.lead_coordinator)
    submit(region.stromsund, "Strömsunds idé")
    response = client_for(region.stromsund_admin).get(reverse("ideas-sluice-dashboard", args=[region.sluice.slug]))
    split = response.context["split"]
    rows = {row.member: row for row in split.rows}
    assert rows["Krokoms kommun"].total == 2
    assert rows["Krokoms kommun"].triage == 1
    assert rows["Strömsunds kommun"].total == 1
    assert rows["Strömsunds kommun"].triage == 1
    assert rows["Jämtlands kommunförbund"].total == 0
    go = [value for value, _label in split.outcomes].index("go")
    assert rows["Krokoms kommun"].outcomes[go] == 1
    assert "<caption" in response.content.decode()


def test_outsiders_and_former_members_get_404_and_anonymous_visitors_sign_in(region, outsider):
    membership = join(region, region.krokom_kommun, region.krokom_admin)
    urls = [
        reverse("ideas-sluice-inbox", args=[region.sluice.slug]),
        reverse("ideas-sluice-dashboard", args=[region.sluice.slug]),
        reverse("ideas-sluice-members", args=[region.sluice.slug]),
    ]
    for url in urls:
        assert client_for(outsider).get(url).status_code == 404
        assert Client().get(url).status_code == 302
        assert client_for(region.krokom_adviser).get(url).status_code == 200
    assert client_for(outsider).post(urls[2], {"organisation": region.stromsund_kommun.pk}).status_code == 404
    assert (
        client_for(region.krokom_admin).post(urls[2], {"organisation": region.stromsund_kommun.pk}).status_code == 404
    )
    sluices.leave(membership=membership, by=region.krokom_admin)
    assert client_for(region.krokom_adviser).get(urls[0]).status_code == 404


def test_leaving_through_the_page(region):
    membership = join(region, region.krokom_kommun, region.krokom_admin)
    url = reverse("ideas-sluice-membership-leave", args=[membership.pk])
    assert client_for(region.krokom_adviser).post(url).status_code == 404
    assert client_for(region.krokom_admin).post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.status == "left"


def test_a_coordinator_creates_a_shared_sluice_and_errors_are_shown(region):
    user = _person("samordnare", region.stromsund_kommun, Role.COORDINATOR)
    client = client_for(user)
    url = reverse("ideas-sluice-create")
    bad = client.post(url, {"organisation": region.stromsund_kommun.pk, "name": ""})
    assert bad.status_code == 200
    assert SluiceMembership.objects.filter(organisation=region.stromsund_kommun).count() == 0
    ok = client.post(url, {"organisation": region.stromsund_kommun.pk, "name": "Strömsunds gemensamma sluss"})
    assert ok.status_code == 302
    assert Sluice.objects.get(name="Strömsunds gemensamma sluss").lead_organisation == region.stromsund_kommun
    assert client_for(region.krokom_adviser).get(url).status_code == 404  # advisers do not create sluices
    # Not someone else's organisation: the choice is refused.
    refused = client.post(url, {"organisation": region.krokom_kommun.pk, "name": "Kapning"})
    assert refused.status_code == 200
    assert not Sluice.objects.filter(name="Kapning").exists()


def test_the_shared_inbox_needs_the_same_queries_for_one_and_five_ideas(region):
    join(region, region.krokom_kommun, region.krokom_admin)
    client = client_for(region.krokom_admin)
    url = reverse("ideas-sluice-inbox", args=[region.sluice.slug])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    submit(region.krokom)
    one = count()
    for n in range(4):
        submit(region.krokom, f"Idé nummer {n}")
    assert count() == one


# --------------------------------------------------------------------------- API


def test_the_api_walks_invite_accept_share_inbox_and_dashboard(region, outsider):
    from tests.ideas.test_casework_api import API, Api

    lead, admin = Api(region.lead_coordinator), Api(region.krokom_admin)
    slug = region.sluice.slug
    invited = lead.post(f"{API}/sluices/{slug}/members", {"organisation": region.krokom_kommun.slug})
    assert invited.status_code == 201
    assert invited.json()["status"] == "invited"
    membership_id = invited.json()["id"]
    assert (
        Api(region.krokom_adviser).patch(f"{API}/sluice-memberships/{membership_id}", {"accept": True}).status_code
        == 404
    )
    bad = admin.patch(f"{API}/sluice-memberships/{membership_id}", {"accept": "ja"})
    assert bad.status_code == 422
    answered = admin.patch(f"{API}/sluice-memberships/{membership_id}", {"accept": True})
    assert answered.status_code == 200
    assert answered.json()["status"] == "active"

    idea = submit(region.krokom)
    assert Api(region.lead_coordinator).get(f"{API}/sluices/{slug}/ideas").json()["count"] == 0
    assert lead.post(f"{API}/{idea.pk}/share").status_code == 404  # local triage is the member's
    shared = Api(region.krokom_adviser).post(f"{API}/{idea.pk}/share")
    assert shared.status_code == 200
    assert shared.json()["shared_at"]
    rows = lead.get(f"{API}/sluices/{slug}/ideas").json()["items"]
    assert [r["reference"] for r in rows] == [idea.reference]
    assert rows[0]["receiving_organisation"]["slug"] == region.krokom_kommun.slug
    assert rows[0]["assignee"] is None
    assert "kim.karlsson@example.org" not in lead.get(f"{API}/{idea.pk}").content.decode()
    # The lead runs the gates of the shared process; another member's caseworker may not decide.
    decision = {"outcome": "go", "rationale": "Gemensamt behov i flera kommuner."}
    assert Api(region.krokom_adviser).get(f"{API}/sluices/{slug}/ideas").status_code == 200
    assert lead.post(f"{API}/{idea.pk}/decisions", decision).status_code == 201
    figures = lead.get(f"{API}/sluices/{slug}/dashboard").json()
    go = GateDecision.Outcome.values.index("go")  # the columns follow the outcomes' order
    assert figures["rows"][1]["outcomes"][go] == 1
    assert {row["member"]: row["total"] for row in figures["rows"]} == {
        "Jämtlands kommunförbund": 0,
        "Krokoms kommun": 1,
    }
    for path in (f"sluices/{slug}/ideas", f"sluices/{slug}/dashboard", f"sluices/{slug}/members"):
        assert Api(outsider).get(f"{API}/{path}").status_code == 404
        assert Api().get(f"{API}/{path}").status_code == 401
    left = admin.post(f"{API}/sluice-memberships/{membership_id}/leave")
    assert left.status_code == 200
    assert left.json()["status"] == "left"


def test_the_api_creates_a_shared_sluice_only_for_its_coordinators(region, outsider):
    from tests.ideas.test_casework_api import API, Api

    body = {"organisation": region.stromsund_kommun.slug, "name": "Strömsunds sluss"}
    assert Api(outsider).post(f"{API}/sluices", body).status_code == 404
    created = Api(region.stromsund_admin).post(f"{API}/sluices", body)
    assert created.status_code == 201
    assert created.json()["shared"] is True
    assert created.json()["lead_organisation"]["slug"] == region.stromsund_kommun.slug


# --------------------------------------------------------------------------- the lead ends memberships


def test_the_lead_removes_a_member_whose_ideas_stay_and_whose_new_ideas_go_home(region):
    membership = join(region, region.krokom_kommun, region.krokom_admin)
    idea = submit(region.krokom)
    sluices.share_idea(idea=idea, by=region.krokom_admin)
    OutboundEmail.objects.all().delete()
    sluices.end_membership(membership=membership, by=region.lead_coordinator)
    membership.refresh_from_db()
    assert membership.status == SluiceMembership.Status.REMOVED
    assert membership.left_at is not None
    assert membership.ended_by == region.lead_coordinator
    idea.refresh_from_db()
    assert idea.sluice == region.sluice  # history stays
    later = submit(region.krokom, "Idé efter att medlemskapet upphört")
    assert later.sluice is not None
    assert not later.sluice.shared
    assert "Krokoms kommun" in sluices.member_names(region.sluice)  # former members stay on the dashboard
    mail = OutboundEmail.objects.filter(to=region.krokom_admin.email, body__contains="Jämtlands kommunförbund")
    assert mail.count() == 1
    assert "Gemensam idésluss Jämtland" in mail.get().body
    audited = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SluiceMembership),
        object_id=str(membership.pk),
        organisation=region.krokom_kommun,
    )
    assert audited.filter(changes__status=["active", "removed"]).exists()
    # Removed, the member can be invited again and join again.
    assert join(region, region.krokom_kommun, region.krokom_admin).status == SluiceMembership.Status.ACTIVE


def test_the_lead_withdraws_an_invitation_and_cannot_end_its_own_or_an_ended_membership(region):
    invited = sluices.invite_member(sluice=region.sluice, organisation=region.krokom_kommun, by=None)
    sluices.end_membership(membership=invited, by=region.lead_coordinator)
    invited.refresh_from_db()
    assert invited.status == SluiceMembership.Status.WITHDRAWN
    assert invited.left_at is None
    with pytest.raises(ValidationError):
        sluices.respond(membership=invited, accept=True, by=region.krokom_admin)
    with pytest.raises(ValidationError):
        sluices.end_membership(membership=invited, by=region.lead_coordinator)
    lead = SluiceMembership.objects.get(sluice=region.sluice, organisation=region.lead)
    with pytest.raises(ValidationError):
        sluices.end_membership(membership=lead, by=region.lead_coordinator)
    lead.refresh_from_db()
    assert lead.status == SluiceMembership.Status.ACTIVE


def test_removing_a_member_through_the_members_page_is_for_the_lead_only(region):
    membership = join(region, region.krokom_kommun, region.krokom_admin)
    members_url = reverse("ideas-sluice-members", args=[region.sluice.slug])
    url = reverse("ideas-sluice-membership-end", args=[region.sluice.slug, membership.pk])
    page = client_for(region.lead_coordinator).get(members_url).content.decode()
    assert url in page
    assert url not in client_for(region.krokom_admin).get(members_url).content.decode()
    assert client_for(region.krokom_admin).post(url).status_code == 404  # a member cannot remove itself this way
    assert client_for(region.stromsund_admin).post(url).status_code == 404
    wrong_sluice = reverse("ideas-sluice-membership-end", args=["another-sluice", membership.pk])
    assert client_for(region.lead_coordinator).post(wrong_sluice).status_code == 404
    response = client_for(region.lead_coordinator).post(url, follow=True)
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.status == "removed"
    assert "Krokoms kommun" in response.content.decode()
    assert url not in response.content.decode()  # nothing left to end
    assert (
        client_for(region.krokom_adviser).get(reverse("ideas-sluice-inbox", args=[region.sluice.slug])).status_code
        == 404
    )


def test_the_api_ends_memberships_for_the_lead_only(region, outsider):
    from tests.ideas.test_casework_api import API, Api

    membership = join(region, region.krokom_kommun, region.krokom_admin)
    path = f"{API}/sluice-memberships/{membership.pk}/end"
    assert Api(region.krokom_admin).post(path).status_code == 404
    assert Api(outsider).post(path).status_code == 404
    assert Api().post(path).status_code == 401
    ended = Api(region.lead_coordinator).post(path)
    assert ended.status_code == 200
    assert ended.json()["status"] == "removed"
    again = Api(region.lead_coordinator).post(path)
    assert again.status_code == 422
    assert "membership" in again.content.decode()
    lead = SluiceMembership.objects.get(sluice=region.sluice, organisation=region.lead)
    assert Api(region.lead_coordinator).post(f"{API}/sluice-memberships/{lead.pk}/end").status_code == 422


# --------------------------------------------------------------------------- dashboard period and downloads


def _age(idea: Idea, when: str) -> None:
    moment = timezone.make_aware(datetime.fromisoformat(when))
    Idea.objects.filter(pk=idea.pk).update(created_at=moment)


def test_the_member_dashboard_keeps_the_ideas_and_decisions_of_a_period(region):
    join(region, region.krokom_kommun, region.krokom_admin)
    old = submit(region.krokom, "Gammal idé")
    _age(old, "2025-03-10T12:00:00")
    recent = submit(region.krokom, "Ny idé")
    _age(recent, "2026-05-10T12:00:00")
    sluices.share_idea(idea=recent, by=region.krokom_admin)
    casework.gate_decide(idea=recent, outcome="go", rationale="Bra", by=region.lead_coordinator)
    GateDecision.objects.filter(idea=recent).update(decided_at=timezone.make_aware(datetime(2026, 5, 20)))
    url = reverse("ideas-sluice-dashboard", args=[region.sluice.slug])
    client = client_for(region.krokom_adviser)
    rows = {r.member: r for r in client.get(url).context["split"].rows}
    assert rows["Krokoms kommun"].total == 2
    rows = {r.member: r for r in client.get(url, {"from": "2026-01", "to": "2026-12"}).context["split"].rows}
    assert rows["Krokoms kommun"].total == 1
    go = GateDecision.Outcome.values.index("go")
    assert rows["Krokoms kommun"].outcomes[go] == 1
    rows = {r.member: r for r in client.get(url, {"from": "2025-01", "to": "2025-12"}).context["split"].rows}
    assert rows["Krokoms kommun"].total == 1
    assert rows["Krokoms kommun"].outcomes[go] == 0  # the decision was taken in 2026
    bad = client.get(url, {"from": "2026-06", "to": "2026-01"})
    assert bad.status_code == 200
    assert bad.context["period_form"].errors


def test_the_member_dashboard_downloads_its_tables_for_members_only(region, outsider):
    import csv
    import io

    join(region, region.krokom_kommun, region.krokom_admin)
    submit(region.krokom)
    page = client_for(region.krokom_adviser).get(
        reverse("ideas-sluice-dashboard", args=[region.sluice.slug]), {"from": "2026-01"}
    )
    export = reverse("ideas-sluice-dashboard-export", args=[region.sluice.slug, "csv"])
    assert f"{export}?from=2026-01" in page.content.decode()
    response = client_for(region.krokom_adviser).get(export)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(row and row[0] == "Krokoms kommun" for row in rows)
    xlsx = client_for(region.krokom_adviser).get(
        reverse("ideas-sluice-dashboard-export", args=[region.sluice.slug, "xlsx"])
    )
    assert xlsx.status_code == 200
    assert client_for(outsider).get(export).status_code == 404
    assert client_for(region.krokom_adviser).get(export, {"from": "2026-13"}).status_code == 400


def test_the_api_dashboard_takes_a_period_and_refuses_a_bad_one(region):
    from tests.ideas.test_casework_api import API, Api

    join(region, region.krokom_kommun, region.krokom_admin)
    idea = submit(region.krokom)
    _age(idea, "2025-03-10T12:00:00")
    api = Api(region.krokom_adviser)
    path = f"{API}/sluices/{region.sluice.slug}/dashboard"
    assert {r["member"]: r["total"] for r in api.get(path).json()["rows"]}["Krokoms kommun"] == 1
    later = api.get(path + "?from=2026-01").json()
    assert {r["member"]: r["total"] for r in later["rows"]}["Krokoms kommun"] == 0
    bad = api.get(path + "?from=2026-06&to=2026-01")
    assert bad.status_code == 422
    assert "to" in bad.content.decode()


# --------------------------------------------------------------------------- workspace


def test_the_workspace_counts_ideas_in_local_triage_and_links_to_them(region):
    membership = join(region, region.krokom_kommun, region.krokom_admin)
    first = submit(region.krokom)
    submit(region.krokom, "Andra idén")
    sluices.share_idea(idea=first, by=region.krokom_admin)

    def triage_row(user: User):
        with translation.override("en"):
            response = client_for(user).get(reverse("workspace"), HTTP_ACCEPT_LANGUAGE="en")
        section = next(s for s in response.context["organisations"] if s.organisation.pk == region.krokom_kommun.pk)
        return next(r for r in section.rows if "local triage" in r.label)

    row = triage_row(region.krokom_adviser)
    assert row.count == 1
    with translation.override("en"):
        stromsund = client_for(region.stromsund_admin).get(reverse("workspace"), HTTP_ACCEPT_LANGUAGE="en")
    assert "local triage" not in stromsund.content.decode()  # not in a shared sluice: no such row
    landing = client_for(region.krokom_adviser).get(row.url)
    assert landing.status_code == 302
    assert landing["Location"] == reverse("ideas-sluice-inbox", args=[region.sluice.slug]) + "?triage=1"
    inbox = client_for(region.krokom_adviser).get(landing["Location"]).content.decode()
    assert "Andra idén" in inbox
    assert first.title not in inbox
    assert client_for(region.stromsund_admin).get(row.url).status_code == 404  # not its organisation
    sluices.leave(membership=membership, by=region.krokom_admin)
    assert client_for(region.krokom_adviser).get(row.url)["Location"].startswith(reverse("ideas-inbox"))

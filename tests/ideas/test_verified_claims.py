"""Issue 7 item 1: an organisation's kind, municipality and served area are claims that give
powers over ideas only once verified by platform staff (or, for a region claim, by a verified
regional body covering the area). Through the API and the web form, for every kind."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from framja.accounts.models import ApiToken, ClaimStatus, Organisation, Role, User
from framja.audit.models import AuditEntry
from framja.ideas.services import public as submission
from framja.places.models import Municipality
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory, serve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]

API = "/api/v1"
KINDS = [kind.value for kind in Organisation.Kind]


@pytest.fixture
def krokom(municipality) -> Municipality:
    return MunicipalityFactory.create(country="SE", code="2309", name="Krokom", county=municipality.county)


@pytest.fixture
def claimant(db) -> User:
    return UserFactory.create(username="claimant")


def _token(user: User) -> dict[str, str]:
    _token, raw = ApiToken.issue(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def _session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _claim_payload(kind: str, municipality: Municipality) -> dict:
    """What someone claiming power over `municipality` sends: to be it, or to serve it."""
    payload: dict = {"name": f"Självutnämnd {kind}", "kind": kind, "country": "SE"}
    if kind == Organisation.Kind.MUNICIPALITY:
        payload["municipality"] = municipality.code
    else:
        payload["serves"] = [municipality.code]
    return payload


def _create(channel: str, user: User, kind: str, municipality: Municipality) -> Organisation:
    payload = _claim_payload(kind, municipality)
    if channel == "api":
        response = Client().post(f"{API}/organisations", payload, content_type="application/json", headers=_token(user))
        assert response.status_code == 201, response.content
        assert response.json()["claim_status"] == "pending"
        assert response.json()["verified_serves"] == []
        return Organisation.objects.get(pk=response.json()["id"])
    form = {**payload, "organisation_number": "", "website": "", "email": "", "phone": ""}
    form["municipality"] = municipality.pk if kind == Organisation.Kind.MUNICIPALITY else ""
    form["serves"] = [] if kind == Organisation.Kind.MUNICIPALITY else [municipality.pk]
    response = _session(user).post(reverse("accounts-organisation-create"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Organisation.objects.get(name=payload["name"])


def _has_casework_powers(user: User, idea) -> bool:
    idea.refresh_from_db()
    page = _session(user).get(reverse("ideas-casework-detail", args=[idea.pk]))
    api = Client().patch(
        f"{API}/ideas/{idea.pk}", {"version": idea.version}, content_type="application/json", headers=_token(user)
    )
    assert (page.status_code == 200) == (api.status_code == 200), (page.status_code, api.status_code)
    return page.status_code == 200


def _regional_ideas(user: User, region: Organisation) -> int | None:
    """How many ideas the region's regional view lists for the user (None: no such view for them)."""
    response = _session(user).get(reverse("ideas-regional"), {"organisation": region.slug})
    if response.status_code == 404:
        return None
    return response.context["page"].paginator.count


def _submit(municipality: Municipality):
    return submission.idea_submit(
        title="Laddstolpar",
        description="Vid skoterlederna",
        municipality=municipality,
        email="a@example.org",
        consent=True,
    ).idea


@pytest.mark.parametrize("channel", ["api", "form"])
@pytest.mark.parametrize("kind", KINDS)
def test_registered_claim_gives_no_powers_until_staff_verify(channel, kind, claimant, municipality, make_idea):
    idea = make_idea(municipality=municipality)  # received by another (verified) organisation
    org = _create(channel, claimant, kind, municipality)
    org.refresh_from_db()
    assert org.claim_status == ClaimStatus.PENDING
    page = _session(claimant).get(org.get_absolute_url()).content.decode()
    assert 'class="badge"' in page  # the claimant sees the pending state
    # claims give nothing
    assert Role(Organisation.objects.get(pk=org.pk).memberships.get(user=claimant).role) == Role.ADMIN
    assert not _has_casework_powers(claimant, idea)
    assert _regional_ideas(claimant, org) is None
    assert Client().get(f"{API}/ideas/candidates", {"region": org.slug}, headers=_token(claimant)).status_code == 404
    assert _submit(municipality).receiving_organisation_id != org.pk
    assert org not in Organisation.objects.serving(municipality)
    # staff verify: the claim becomes the verified values
    staff = UserFactory.create(username="staff", is_staff=True)
    response = Client().post(f"{API}/organisations/{org.slug}/claim/verify", headers=_token(staff))
    assert response.status_code == 200
    assert response.json()["claim_status"] == "verified"
    assert org in Organisation.objects.serving(municipality)
    new_idea = _submit(municipality)
    if kind in (Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION):
        assert new_idea.receiving_organisation_id == org.pk
        assert _has_casework_powers(claimant, new_idea)
    if kind == Organisation.Kind.REGION:
        assert _has_casework_powers(claimant, idea)
        assert _regional_ideas(claimant, org) == 3  # all ideas of the area
    verification = (
        AuditEntry.objects.filter(object_id=str(org.pk), changes__has_key="verified_kind").order_by("pk").last()
    )
    assert verification is not None
    assert verification.actor == staff


def test_verified_organisation_changing_its_claim_keeps_only_its_verified_powers(
    claimant, municipality, krokom, make_idea
):
    region = OrganisationFactory.create(name="Region Jämtland", kind=Organisation.Kind.REGION)
    serve(region, municipality)
    MembershipFactory.create(user=claimant, organisation=region, role=Role.ADMIN)
    in_ostersund = make_idea(municipality=municipality)
    in_krokom = make_idea(municipality=krokom)
    assert _has_casework_powers(claimant, in_ostersund)
    assert not _has_casework_powers(claimant, in_krokom)

    response = Client().patch(
        f"{API}/organisations/{region.slug}",
        {"serves": ["2380", "2309"]},
        content_type="application/json",
        headers=_token(claimant),
    )
    assert response.status_code == 200
    assert response.json()["claim_status"] == "pending"
    assert [m["code"] for m in response.json()["verified_serves"]] == ["2380"]
    assert _has_casework_powers(claimant, in_ostersund)  # kept while the change waits
    assert not _has_casework_powers(claimant, in_krokom)  # the new claim gives nothing yet
    assert _regional_ideas(claimant, region) == 1
    assert AuditEntry.objects.filter(object_id=str(region.pk), changes__has_key="serves").exists()

    staff = UserFactory.create(username="staff", is_staff=True)
    assert _session(staff).post(reverse("accounts-claim-verify", args=[region.slug])).status_code == 302
    assert _has_casework_powers(claimant, in_krokom)
    assert _regional_ideas(claimant, region) == 2


@pytest.mark.parametrize("channel", ["api", "form"])
def test_changing_kind_or_municipality_of_a_verified_organisation_waits_for_verification(
    channel, claimant, municipality, make_idea
):
    org = OrganisationFactory.create(name="Almi Jämtland", kind=Organisation.Kind.BUSINESS_SUPPORT)
    MembershipFactory.create(user=claimant, organisation=org, role=Role.ADMIN)
    idea = make_idea(municipality=municipality)
    if channel == "api":
        response = Client().patch(
            f"{API}/organisations/{org.slug}",
            {"kind": "municipality", "municipality": "2380"},
            content_type="application/json",
            headers=_token(claimant),
        )
        assert response.status_code == 200
    else:
        data = {
            "name": org.name, "kind": "municipality", "country": "SE", "organisation_number": "",
            "municipality": municipality.pk, "website": "", "email": "", "phone": "", "serves": [],
        }  # fmt: skip
        assert _session(claimant).post(reverse("accounts-organisation-edit", args=[org.slug]), data).status_code == 302
    org.refresh_from_db()
    assert (org.kind, org.claim_status, org.verified_kind) == ("municipality", "pending", "business_support")
    assert _submit(municipality).receiving_organisation_id != org.pk
    assert not _has_casework_powers(claimant, idea)
    changes = AuditEntry.objects.filter(object_id=str(org.pk), changes__has_key="kind").order_by("pk").last()
    assert changes is not None
    assert changes.changes["kind"][1] == "municipality"


def test_rejected_claim_changes_nothing_and_is_shown(claimant, municipality):
    org = _create("api", claimant, Organisation.Kind.REGION, municipality)
    staff = UserFactory.create(username="staff", is_staff=True)
    response = Client().post(
        f"{API}/organisations/{org.slug}/claim/reject",
        {"note": "Inte en regional aktör"},
        content_type="application/json",
        headers=_token(staff),
    )
    assert response.status_code == 200
    assert response.json()["claim_status"] == "rejected"
    assert response.json()["verified_kind"] is None
    assert "Inte en regional aktör" in _session(claimant).get(org.get_absolute_url()).content.decode()


@pytest.fixture
def verified_region(municipality, krokom) -> Organisation:
    region = OrganisationFactory.create(name="Region Jämtland Härjedalen", kind=Organisation.Kind.REGION)
    serve(region, municipality, krokom)
    return region


def test_verified_region_verifies_a_region_claim_in_its_area(claimant, verified_region, municipality, make_idea):
    coordinator = UserFactory.create(username="regionkoordinator")
    MembershipFactory.create(user=coordinator, organisation=verified_region, role=Role.COORDINATOR)
    idea = make_idea(municipality=municipality)
    org = _create("form", claimant, Organisation.Kind.REGION, municipality)
    listed = Client().get(f"{API}/organisations/claims", headers=_token(coordinator)).json()["items"]
    assert [o["slug"] for o in listed] == [org.slug]
    assert org.name in _session(coordinator).get(reverse("accounts-claim-list")).content.decode()
    response = Client().post(f"{API}/organisations/{org.slug}/claim/verify", headers=_token(coordinator))
    assert response.status_code == 200
    assert _has_casework_powers(claimant, idea)


def test_unverified_region_cannot_verify(claimant, municipality, make_idea):
    pretender = UserFactory.create(username="pretender")
    fake = _create("api", pretender, Organisation.Kind.REGION, municipality)
    org = _create("api", claimant, Organisation.Kind.REGION, municipality)
    for target in (org, fake):
        assert (
            Client().post(f"{API}/organisations/{target.slug}/claim/verify", headers=_token(pretender)).status_code
            == 404
        )
        assert _session(pretender).post(reverse("accounts-claim-verify", args=[target.slug])).status_code == 404
    assert Client().get(f"{API}/organisations/claims", headers=_token(pretender)).json()["items"] == []
    org.refresh_from_db()
    assert org.claim_status == ClaimStatus.PENDING


def test_verified_region_cannot_verify_outside_its_area_or_other_kinds(claimant, verified_region, norway):
    coordinator = UserFactory.create(username="regionkoordinator")
    MembershipFactory.create(user=coordinator, organisation=verified_region, role=Role.ADMIN)
    elsewhere = _create("api", claimant, Organisation.Kind.REGION, norway)
    municipality_claim = _create(
        "api", UserFactory.create(), Organisation.Kind.MUNICIPALITY, verified_region.serves.first()
    )
    for target in (elsewhere, municipality_claim):
        response = Client().post(f"{API}/organisations/{target.slug}/claim/verify", headers=_token(coordinator))
        assert response.status_code == 404


def test_admin_action_verifies_selected_claims(claimant, municipality, admin_client):
    org = _create("api", claimant, Organisation.Kind.MUNICIPALITY, municipality)
    response = admin_client.post(
        reverse("admin:accounts_organisation_changelist"), {"action": "verify_claims", "_selected_action": [org.pk]}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.claim_status, org.verified_kind, org.verified_municipality) == (
        "verified",
        "municipality",
        municipality,
    )


def test_an_unverified_organisation_cannot_be_invited_to_codevelop(owner, claimant, municipality, idea):
    org = _create("api", claimant, Organisation.Kind.REGION, municipality)
    response = Client().post(
        f"{API}/ideas/{idea.pk}/participants",
        {"organisation": org.slug},
        content_type="application/json",
        headers=_token(owner),
    )
    assert response.status_code == 422
    page = _session(owner).get(reverse("ideas-casework-detail", args=[idea.pk])).content.decode()
    assert org.name not in page

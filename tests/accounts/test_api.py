"""The accounts API: /me, tokens, organisations, members and invitations, for every persona."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from framja.accounts.models import ApiToken, Invitation, Membership, Organisation, Role
from framja.audit.models import AuditEntry
from tests.factories import MembershipFactory, OrganisationFactory, serve

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _json(client: Client, method: str, url: str, data: object = None):
    return getattr(client, method)(url, data, content_type="application/json")


# -- authentication ---------------------------------------------------------------------------


def test_me_needs_credentials(client):
    assert client.get(f"{API}/me").status_code == 401


def test_invalid_token_is_401_even_on_public_endpoints(client):
    bad = Client(headers={"Authorization": "Bearer fr_not-a-token"})
    assert bad.get(f"{API}/me").status_code == 401
    assert bad.get(f"{API}/organisations").status_code == 401


def test_revoked_token_stops_working(owner):
    token, raw = ApiToken.issue(user=owner, name="x")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get(f"{API}/me").status_code == 200
    token.revoked_at = token.created_at
    token.save()
    assert client.get(f"{API}/me").status_code == 401


def test_me_shows_memberships_with_roles(token_client, owner, organisation):
    data = token_client(owner).get(f"{API}/me").json()
    assert data["username"] == "owner"
    [membership] = data["memberships"]
    assert membership["organisation"] == {"id": organisation.pk, "slug": "almi-mitt", "name": "Almi Mitt"}
    assert membership["role"] == "admin"
    assert membership["role_label"]  # translated


def test_session_works_for_reads_and_needs_csrf_for_writes(owner, organisation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(f"{API}/me").status_code == 200
    response = _json(client, "patch", f"{API}/organisations/{organisation.pk}", {"phone": "1"})
    assert response.status_code == 403


def test_anonymous_write_is_401_not_a_csrf_error(client, organisation):
    assert _json(client, "post", f"{API}/organisations", {"name": "X"}).status_code == 401
    assert _json(client, "patch", f"{API}/organisations/{organisation.pk}", {"name": "X"}).status_code == 401


# -- tokens -----------------------------------------------------------------------------------


def test_token_create_list_revoke(token_client, owner):
    session = Client()
    session.force_login(owner)
    created = _json(session, "post", f"{API}/me/tokens", {"name": "Export"})
    assert created.status_code == 201
    raw = created.json()["token"]
    assert ApiToken.authenticate(raw) == owner
    client = token_client(owner)
    listed = client.get(f"{API}/me/tokens").json()
    assert {t["name"] for t in listed} == {"test", "Export"}
    assert all("token" not in t for t in listed)
    assert client.delete(f"{API}/me/tokens/{created.json()['id']}").status_code == 204
    assert ApiToken.authenticate(raw) is None


def test_a_token_cannot_mint_tokens(token_client, owner):
    """A stolen token must not create tokens that outlive its revocation."""
    response = _json(token_client(owner), "post", f"{API}/me/tokens", {"name": "Backdoor"})
    assert response.status_code == 401
    assert not ApiToken.objects.filter(name="Backdoor").exists()


def test_cannot_revoke_another_persons_token(token_client, owner, outsider):
    token, raw = ApiToken.issue(user=owner, name="mine")
    assert token_client(outsider).delete(f"{API}/me/tokens/{token.pk}").status_code == 404
    assert ApiToken.authenticate(raw) == owner


def test_token_name_is_required(token_client, owner):
    session = Client()
    session.force_login(owner)
    response = _json(session, "post", f"{API}/me/tokens", {"name": " "})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "name"


# -- organisations ----------------------------------------------------------------------------


def test_directory_is_public_paginated_and_filtered(client, organisation, other_organisation, places):
    serve(organisation, places["ostersund"])
    data = client.get(f"{API}/organisations").json()
    assert data["count"] == 2
    assert client.get(f"{API}/organisations", {"country": "NO"}).json()["items"][0]["name"] == "Innovasjon Trøndelag"
    assert client.get(f"{API}/organisations", {"q": "almi"}).json()["count"] == 1
    assert client.get(f"{API}/organisations", {"kind": "municipality"}).json()["count"] == 0
    served = client.get(f"{API}/organisations", {"municipality": "SE-2380"}).json()
    assert [o["name"] for o in served["items"]] == ["Almi Mitt"]
    assert client.get(f"{API}/organisations", {"limit": 1}).json()["items"][0]["name"] == "Almi Mitt"
    assert client.get(f"{API}/organisations", {"kind": "bogus"}).status_code == 422
    assert client.get(f"{API}/organisations", {"limit": 0}).status_code == 422


def test_directory_list_has_few_queries(client, places, django_assert_max_num_queries):
    for n in range(20):
        org = OrganisationFactory.create(name=f"Org {n}")
        serve(org, places["ostersund"], places["trondheim"])
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/organisations")
    assert len(response.json()["items"]) == 20
    assert len(response.json()["items"][0]["serves"]) == 2


def test_detail_by_id_or_slug(client, organisation):
    by_id = client.get(f"{API}/organisations/{organisation.pk}").json()
    by_slug = client.get(f"{API}/organisations/almi-mitt").json()
    assert by_id == by_slug
    assert by_id["organisation_number_display"] == "556594-5689"


@pytest.mark.parametrize("ref", ["999999", "no-such-org", "x" * 200, "9" * 40])
def test_unknown_organisation_is_404(client, ref):
    assert client.get(f"{API}/organisations/{ref}").status_code == 404


def test_nul_in_organisation_ref_is_422(client):
    assert client.get(f"{API}/organisations/%00").status_code == 422  # refused before any lookup


def test_inactive_organisation_is_404_for_outsiders(token_client, client, member, outsider, organisation):
    organisation.is_active = False
    organisation.save()
    assert client.get(f"{API}/organisations/{organisation.pk}").status_code == 404
    assert token_client(outsider).get(f"{API}/organisations/{organisation.pk}").status_code == 404
    assert token_client(member).get(f"{API}/organisations/{organisation.pk}").status_code == 200
    assert "Almi Mitt" not in [o["name"] for o in client.get(f"{API}/organisations").json()["items"]]


def test_create_makes_the_creator_admin(token_client, outsider, places):
    response = _json(
        token_client(outsider),
        "post",
        f"{API}/organisations",
        {
            "name": "Trondheim kommune",
            "kind": "municipality",
            "country": "NO",
            "organisation_number": "942 110 464",
            "municipality": "5001",
            "serves": ["NO-5001", "NO-1860"],
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["municipality"]["qualified_code"] == "NO-5001"
    assert {m["qualified_code"] for m in data["serves"]} == {"NO-5001", "NO-1860"}
    assert Membership.objects.get(organisation_id=data["id"], user=outsider).role == Role.ADMIN


def test_ambiguous_bare_code_asks_for_the_country(token_client, owner, places):
    response = _json(
        token_client(owner),
        "post",
        f"{API}/organisations",
        {"name": "X", "kind": "company", "country": "SE", "serves": ["1860"]},
    )
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "serves"]
    assert "SE-1860" in error["msg"]
    assert not Organisation.objects.filter(name="X").exists()


def test_create_validates_with_field_errors(token_client, owner, places):
    response = _json(
        token_client(owner),
        "post",
        f"{API}/organisations",
        {"name": "X", "kind": "municipality", "country": "SE", "organisation_number": "556036-0794"},
    )
    assert response.status_code == 422
    fields = {e["loc"][-1] for e in response.json()["detail"]}
    assert fields == {"organisation_number", "municipality"}
    assert not Organisation.objects.filter(name="X").exists()


def test_unknown_municipality_is_422(token_client, owner, places):
    response = _json(
        token_client(owner),
        "post",
        f"{API}/organisations",
        {"name": "X", "kind": "company", "country": "SE", "serves": ["SE-0000", "NO-0000"]},
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "serves"], ["body", "serves"]]  # one per code


def test_owner_patches_only_the_fields_sent(token_client, owner, organisation, places):
    organisation.description_sv = "Kvar"
    organisation.save()
    response = _json(
        token_client(owner),
        "patch",
        f"{API}/organisations/{organisation.pk}",
        {"name": "Almi Mitt AB", "website": None, "serves": ["2380"]},
    )
    assert response.status_code == 200, response.json()
    organisation.refresh_from_db()
    assert organisation.name == "Almi Mitt AB"
    assert organisation.description_sv == "Kvar"
    assert [m.code for m in organisation.serves.all()] == ["2380"]


def test_patch_validates_with_the_model(token_client, owner, organisation):
    response = _json(
        token_client(owner), "patch", f"{API}/organisations/{organisation.pk}", {"name": "", "kind": "municipality"}
    )
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"name", "municipality"}
    organisation.refresh_from_db()
    assert organisation.kind == Organisation.Kind.BUSINESS_SUPPORT


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_only_admins_patch(request, token_client, persona, organisation):
    user = request.getfixturevalue(persona)
    response = _json(token_client(user), "patch", f"{API}/organisations/{organisation.pk}", {"name": "Hacked"})
    assert response.status_code == 404
    organisation.refresh_from_db()
    assert organisation.name == "Almi Mitt"


# -- members ----------------------------------------------------------------------------------


def test_members_see_members(token_client, member, owner, organisation, django_assert_max_num_queries):
    for _ in range(10):
        MembershipFactory.create(organisation=organisation)
    client = token_client(member)
    with django_assert_max_num_queries(6):
        data = client.get(f"{API}/organisations/{organisation.pk}/members").json()
    assert data["count"] == 12
    assert {"username": "owner"}.items() <= next(m["user"] for m in data["items"] if m["role"] == "admin").items()


def test_members_list_is_404_for_outsiders_and_401_for_anonymous(token_client, client, outsider, organisation):
    assert token_client(outsider).get(f"{API}/organisations/{organisation.pk}/members").status_code == 404
    assert client.get(f"{API}/organisations/{organisation.pk}/members").status_code == 401


def test_admin_sets_roles_but_not_away_the_last_admin(token_client, owner, member, organisation):
    client = token_client(owner)
    url = f"{API}/organisations/{organisation.pk}/members/{member.pk}"
    response = _json(client, "patch", url, {"role": "coordinator"})
    assert response.status_code == 200
    assert response.json()["role"] == "coordinator"
    last = _json(client, "patch", f"{API}/organisations/{organisation.pk}/members/{owner.pk}", {"role": "member"})
    assert last.status_code == 422
    assert last.json()["detail"][0]["loc"] == ["body", "role"]
    assert _json(client, "patch", url, {"role": "emperor"}).status_code == 422


def test_member_cannot_change_roles(token_client, owner, member, organisation):
    response = _json(
        token_client(member), "patch", f"{API}/organisations/{organisation.pk}/members/{member.pk}", {"role": "admin"}
    )
    assert response.status_code == 404
    assert Membership.objects.get(user=member).role == Role.MEMBER


def test_admin_removes_member_and_member_may_leave(token_client, owner, member, organisation):
    other = MembershipFactory.create(organisation=organisation).user
    assert token_client(owner).delete(f"{API}/organisations/{organisation.pk}/members/{other.pk}").status_code == 204
    assert token_client(member).delete(f"{API}/organisations/{organisation.pk}/members/{owner.pk}").status_code == 404
    assert token_client(member).delete(f"{API}/organisations/{organisation.pk}/members/{member.pk}").status_code == 204
    assert list(Membership.objects.filter(organisation=organisation).values_list("user__username", flat=True)) == [
        "owner"
    ]
    assert token_client(owner).delete(f"{API}/organisations/{organisation.pk}/members/{owner.pk}").status_code == 422


def test_unknown_member_is_404(token_client, owner, outsider, organisation):
    client = token_client(owner)
    assert client.delete(f"{API}/organisations/{organisation.pk}/members/{outsider.pk}").status_code == 404
    assert client.delete(f"{API}/organisations/{organisation.pk}/members/{'9' * 30}").status_code in (404, 422)


# -- invitations ------------------------------------------------------------------------------


def test_admin_invites_through_the_api(token_client, owner, organisation, django_capture_on_commit_callbacks):
    client = token_client(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _json(
            client,
            "post",
            f"{API}/organisations/{organisation.pk}/invitations",
            {"email": "a@example.org", "role": "adviser"},
        )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert "token" not in response.json()
    assert len(mail.outbox) == 1
    listed = client.get(f"{API}/organisations/{organisation.pk}/invitations").json()
    assert [i["email"] for i in listed] == ["a@example.org"]
    assert client.delete(f"{API}/organisations/{organisation.pk}/invitations/{listed[0]['id']}").status_code == 204
    assert not Invitation.objects.pending().exists()


def test_invitation_needs_a_valid_address(token_client, owner, organisation):
    response = _json(
        token_client(owner), "post", f"{API}/organisations/{organisation.pk}/invitations", {"email": "nope"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "email"]


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_only_admins_invite(request, token_client, persona, organisation):
    client = token_client(request.getfixturevalue(persona))
    assert (
        _json(
            client, "post", f"{API}/organisations/{organisation.pk}/invitations", {"email": "a@example.org"}
        ).status_code
        == 404
    )
    assert client.get(f"{API}/organisations/{organisation.pk}/invitations").status_code == 404
    assert not Invitation.objects.exists()


def test_openapi_documents_the_endpoints(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path in [
        "/api/v1/me",
        "/api/v1/me/tokens",
        "/api/v1/organisations",
        "/api/v1/organisations/{ref}/members",
        "/api/v1/audit",
    ]:
        assert path in paths
    assert client.get(f"{API}/docs").status_code == 200


def test_api_edits_are_audited_with_the_token_owner(token_client, owner, organisation):
    _json(token_client(owner), "patch", f"{API}/organisations/{organisation.pk}", {"phone": "+46 10 000 00 00"})
    entry = AuditEntry.objects.get(action="update", changes__has_key="phone")
    assert entry.actor == owner
    assert entry.changes["phone"] == ["", "+46 10 000 00 00"]

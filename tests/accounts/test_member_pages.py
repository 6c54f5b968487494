"""The members page: who sees it, role changes, removal with confirmation, last-admin protection."""

from __future__ import annotations

import pytest
from django.urls import reverse

from framja.accounts.models import Membership, Role
from framja.audit.models import AuditEntry
from tests.accounts.conftest import english
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _members_url(organisation) -> str:
    return reverse("accounts-member-list", args=[organisation.slug])


def _role_url(organisation, user) -> str:
    return reverse("accounts-member-role", args=[organisation.slug, user.pk])


def _remove_url(organisation, user) -> str:
    return reverse("accounts-member-remove", args=[organisation.slug, user.pk])


def test_member_sees_the_list_without_admin_controls(member_client, organisation, owner, member):
    content = member_client.get(_members_url(organisation)).content.decode()
    assert owner.email in content
    assert member.email in content
    assert _role_url(organisation, owner) not in content
    assert reverse("accounts-invitation-create", args=[organisation.slug]) not in content


def test_owner_sees_admin_controls(owner_client, organisation, member):
    content = owner_client.get(_members_url(organisation)).content.decode()
    assert _role_url(organisation, member) in content
    assert _remove_url(organisation, member) in content
    assert 'name="email"' in content


def test_outsider_gets_404_and_anonymous_the_login_page(outsider_client, client, organisation):
    assert outsider_client.get(_members_url(organisation)).status_code == 404
    response = client.get(_members_url(organisation))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts-login"))


def test_members_page_has_few_queries(owner_client, organisation, owner, django_assert_max_num_queries):
    for _ in range(20):
        MembershipFactory.create(organisation=organisation)
    with django_assert_max_num_queries(8):
        response = owner_client.get(_members_url(organisation))
    assert response.status_code == 200


def test_owner_changes_a_role(owner_client, owner, organisation, member):
    response = owner_client.post(_role_url(organisation, member), {"role": Role.ADVISER})
    assert response.url == _members_url(organisation)
    assert Membership.objects.get(user=member, organisation=organisation).role == Role.ADVISER
    entry = AuditEntry.objects.get(action="update", changes__has_key="role")
    assert entry.actor == owner
    assert entry.changes["role"] == ["member", "adviser"]


def test_role_change_is_post_only_and_admin_only(
    owner_client, member_client, outsider_client, organisation, owner, member
):
    assert owner_client.get(_role_url(organisation, member)).status_code == 405
    assert member_client.post(_role_url(organisation, owner), {"role": Role.MEMBER}).status_code == 404
    assert outsider_client.post(_role_url(organisation, member), {"role": Role.ADMIN}).status_code == 404
    assert Membership.objects.get(user=member).role == Role.MEMBER


def test_invalid_role_is_refused(owner_client, organisation, member):
    response = owner_client.post(_role_url(organisation, member), {"role": "emperor"}, follow=True)
    assert Membership.objects.get(user=member).role == Role.MEMBER
    assert "message-error" in response.content.decode()


def test_last_admin_cannot_be_demoted(owner_client, owner, organisation):
    response = owner_client.post(english(_role_url(organisation, owner)), {"role": Role.MEMBER}, follow=True)
    assert Membership.objects.get(user=owner).role == Role.ADMIN
    assert "at least one administrator" in response.content.decode()


def test_an_admin_may_step_down_when_another_admin_exists(owner_client, owner, organisation, member):
    Membership.objects.filter(user=member).update(role=Role.ADMIN)
    owner_client.post(_role_url(organisation, owner), {"role": Role.MEMBER})
    assert Membership.objects.get(user=owner).role == Role.MEMBER


def test_remove_asks_for_confirmation_then_removes(owner_client, owner, organisation, member):
    confirm = owner_client.get(_remove_url(organisation, member))
    assert confirm.status_code == 200
    assert Membership.objects.filter(user=member).exists()
    response = owner_client.post(_remove_url(organisation, member))
    assert response.url == _members_url(organisation)
    assert not Membership.objects.filter(user=member, organisation=organisation).exists()
    entry = AuditEntry.objects.get(action="delete", content_type__model="membership")
    assert entry.actor == owner
    assert entry.organisation_id == organisation.pk
    assert entry.changes["role"] == ["member", None]


def test_last_admin_cannot_be_removed_or_leave(owner_client, owner, organisation):
    response = owner_client.post(english(_remove_url(organisation, owner)), follow=True)
    assert Membership.objects.filter(user=owner, organisation=organisation).exists()
    assert "at least one administrator" in response.content.decode()


def test_member_may_leave(member_client, member, organisation):
    assert member_client.get(_remove_url(organisation, member)).status_code == 200
    response = member_client.post(_remove_url(organisation, member))
    assert response.url == reverse("accounts-home")
    assert not Membership.objects.filter(user=member, organisation=organisation).exists()


def test_member_cannot_remove_others(member_client, owner, organisation):
    assert member_client.get(_remove_url(organisation, owner)).status_code == 404
    assert member_client.post(_remove_url(organisation, owner)).status_code == 404
    assert Membership.objects.filter(user=owner).exists()


def test_outsider_cannot_remove(outsider_client, member, organisation):
    assert outsider_client.post(_remove_url(organisation, member)).status_code == 404


def test_anonymous_remove_goes_to_login(client, member, organisation):
    response = client.post(_remove_url(organisation, member))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts-login"))


def test_huge_ids_are_not_found(owner_client, organisation):
    url = f"/accounts/organisations/{organisation.slug}/members/{'9' * 30}/remove/"
    assert owner_client.get(url).status_code == 404


def test_home_lists_my_organisations_and_roles(
    owner_client, member_client, organisation, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        content = owner_client.get(reverse("accounts-home")).content.decode()
    assert "Almi Mitt" in content
    assert reverse("audit-organisation-log", args=[organisation.slug]) in content
    member_content = member_client.get(reverse("accounts-home")).content.decode()
    assert "Almi Mitt" in member_content
    assert reverse("audit-organisation-log", args=[organisation.slug]) not in member_content


def test_home_needs_sign_in(client):
    assert client.get(reverse("accounts-home")).status_code == 302

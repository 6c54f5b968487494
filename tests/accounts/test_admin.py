"""Django admin: platform staff (superusers) manage everything; the pages and actions work."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from framja.accounts import services
from framja.accounts.models import ApiToken, Invitation, Organisation
from framja.audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory.create(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["user", "organisation", "membership", "invitation", "apitoken"])
def test_changelists_and_change_pages_load(admin_client, owner, organisation, model):
    services.invitation_send(organisation=organisation, email="a@example.org", role="member", invited_by=owner)
    ApiToken.issue(user=owner, name="x")
    assert admin_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200
    obj = {
        "user": owner,
        "organisation": organisation,
        "membership": owner.memberships.first(),
        "invitation": Invitation.objects.first(),
        "apitoken": ApiToken.objects.first(),
    }[model]
    assert admin_client.get(reverse(f"admin:accounts_{model}_change", args=[obj.pk])).status_code == 200


def test_audit_log_is_read_only_in_admin(admin_client, organisation):
    assert admin_client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403


def test_staff_deletes_an_organisation_in_admin_and_the_log_remains(admin_client, owner, member, organisation):
    url = reverse("admin:accounts_organisation_delete", args=[organisation.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    entry = AuditEntry.objects.get(organisation_id=organisation.pk, action="delete", content_type__model="organisation")
    assert entry.actor is not None
    assert entry.actor.username == "root"  # the admin request's user


def test_revoke_actions(admin_client, owner, organisation):
    invitation = services.invitation_send(
        organisation=organisation, email="a@example.org", role="member", invited_by=owner
    )
    token, raw = ApiToken.issue(user=owner, name="x")
    admin_client.post(
        reverse("admin:accounts_invitation_changelist"), {"action": "revoke", "_selected_action": [invitation.pk]}
    )
    admin_client.post(
        reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert ApiToken.authenticate(raw) is None

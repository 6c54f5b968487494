"""The profile page: personal details, preferred language and personal API tokens."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from framja.accounts.models import ApiToken
from framja.audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts-profile"))
    assert response.url.startswith(reverse("accounts-login"))


def test_profile_edit_saves_and_follows_the_language(owner_client, owner):
    response = owner_client.post(
        reverse("accounts-profile"),
        {"first_name": "Olga", "last_name": "Ek", "email": "olga@example.org", "preferred_language": "nb"},
    )
    assert response.url == "/nb/accounts/me/"
    owner.refresh_from_db()
    assert (owner.first_name, owner.email, owner.preferred_language) == ("Olga", "olga@example.org", "nb")
    entry = AuditEntry.objects.get(content_type__model="user", action="update")
    assert entry.actor == owner


def test_profile_refuses_an_email_used_by_another_account(owner_client, owner, member):
    response = owner_client.post(
        reverse("accounts-profile"),
        {"first_name": "O", "last_name": "E", "email": member.email.upper(), "preferred_language": ""},
    )
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    owner.refresh_from_db()
    assert owner.email == "owner@example.org"


def test_profile_requires_an_email(owner_client):
    response = owner_client.post(reverse("accounts-profile"), {"first_name": "O", "email": ""})
    assert 'id="id_email_error"' in response.content.decode()


def test_token_is_shown_once_then_only_its_start(owner_client, owner):
    response = owner_client.post(reverse("accounts-token-create"), {"name": "Reporting script"})
    assert response.status_code == 302
    first = owner_client.get(reverse("accounts-profile")).content.decode()
    token = ApiToken.objects.get(user=owner)
    assert 'id="new-token-value"' in first
    raw = first.split('id="new-token-value" value="', 1)[1].split('"', 1)[0]
    assert raw.startswith(token.hint)
    assert ApiToken.authenticate(raw) == owner
    second = owner_client.get(reverse("accounts-profile")).content.decode()
    assert raw not in second
    assert token.hint in second
    assert "Reporting script" in second


def test_token_name_is_required(owner_client, owner):
    response = owner_client.post(reverse("accounts-token-create"), {"name": "  "})
    assert response.status_code == 422
    assert not ApiToken.objects.filter(user=owner).exists()


def test_token_revoke(owner_client, owner):
    token, raw = ApiToken.issue(user=owner, name="old")
    url = reverse("accounts-token-revoke", args=[token.pk])
    assert owner_client.get(url).status_code == 405
    owner_client.post(url)
    assert ApiToken.authenticate(raw) is None
    assert "old" not in owner_client.get(reverse("accounts-profile")).content.decode().split('id="tokens"')[1]


def test_cannot_revoke_someone_elses_token(outsider_client, owner):
    token, raw = ApiToken.issue(user=owner, name="mine")
    assert outsider_client.post(reverse("accounts-token-revoke", args=[token.pk])).status_code == 404
    assert ApiToken.authenticate(raw) == owner


def test_token_pages_reject_anonymous(client, owner):
    token, _raw = ApiToken.issue(user=owner, name="mine")
    assert client.post(reverse("accounts-token-create"), {"name": "x"}).url.startswith(reverse("accounts-login"))
    assert client.post(reverse("accounts-token-revoke", args=[token.pk])).status_code == 302
    assert ApiToken.objects.active().filter(pk=token.pk).exists()


def test_create_api_token_command_prints_only_the_token(capsys, owner):
    call_command("create_api_token", "owner", "--name", "Nightly export")
    raw = capsys.readouterr().out.strip()
    assert "\n" not in raw
    assert ApiToken.authenticate(raw) == owner
    assert ApiToken.objects.get(user=owner).name == "Nightly export"


def test_create_api_token_command_refuses_unknown_and_inactive_users(db):
    UserFactory.create(username="gone", is_active=False)
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")
    with pytest.raises(CommandError):
        call_command("create_api_token", "gone")


def test_inactive_users_token_stops_working(owner):
    _token, raw = ApiToken.issue(user=owner, name="x")
    owner.is_active = False
    owner.save()
    assert ApiToken.authenticate(raw) is None

"""Invitations: sending by e-mail, replacing, revoking, expiry and the three ways to accept."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from framja.accounts import services
from framja.accounts.models import Invitation, Membership, Role, User
from tests.accounts.conftest import english
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _invite_url(organisation) -> str:
    return reverse("accounts-invitation-create", args=[organisation.slug])


def _link(message) -> str:
    """The path of the accept link in an invitation e-mail."""
    match = re.search(r"https?://\S+/invitations/\S+/", str(message.body))
    assert match is not None
    url = match.group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _send(organisation, owner, captured, email="new@example.org", role=Role.ADVISER) -> str:
    with captured(execute=True):
        services.invitation_send(organisation=organisation, email=email, role=role, invited_by=owner)
    return _link(mail.outbox[-1])


def test_owner_invites_by_email(owner_client, owner, organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(_invite_url(organisation), {"email": "Anna@Example.ORG", "role": "adviser"})
    assert response.url == reverse("accounts-member-list", args=[organisation.slug])
    invitation = Invitation.objects.get()
    assert invitation.email == "Anna@example.org"
    assert invitation.role == Role.ADVISER
    assert invitation.invited_by == owner
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    message = mail.outbox[0]
    assert message.to == ["Anna@example.org"]
    assert "Almi Mitt" in message.subject
    token = _link(message).rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash != token  # only the hash is stored
    assert Invitation.find_by_token(token) == invitation


def test_email_is_sent_only_after_commit(owner_client, organisation):
    owner_client.post(_invite_url(organisation), {"email": "anna@example.org", "role": "member"})
    assert Invitation.objects.count() == 1
    assert mail.outbox == []  # the test transaction never commits


def test_pending_invitations_are_listed_and_revocable(
    owner_client, owner, organisation, django_capture_on_commit_callbacks
):
    _send(organisation, owner, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    content = owner_client.get(reverse("accounts-member-list", args=[organisation.slug])).content.decode()
    assert "new@example.org" in content
    revoke = reverse("accounts-invitation-revoke", args=[organisation.slug, invitation.pk])
    assert owner_client.get(revoke).status_code == 405
    owner_client.post(revoke)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED


def test_reinviting_replaces_the_pending_invitation(owner, organisation, django_capture_on_commit_callbacks):
    first_link = _send(organisation, owner, django_capture_on_commit_callbacks)
    _send(organisation, owner, django_capture_on_commit_callbacks, email="NEW@example.org", role=Role.MEMBER)
    assert Invitation.objects.pending().count() == 1
    assert Invitation.objects.pending().get().role == Role.MEMBER
    assert Invitation.objects.get(revoked_at__isnull=False).role == Role.ADVISER
    assert len(mail.outbox) == 2
    assert first_link != _link(mail.outbox[1])


def test_inviting_a_member_again_is_refused(owner_client, organisation, member):
    response = owner_client.post(english(_invite_url(organisation)), {"email": member.email.upper(), "role": "member"})
    assert response.status_code == 422
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invalid_invitation_form_shows_errors(owner_client, organisation):
    response = owner_client.post(_invite_url(organisation), {"email": "not-an-address", "role": "king"})
    assert response.status_code == 422
    content = response.content.decode()
    assert 'id="id_email_error"' in content
    assert 'id="id_role_error"' in content


@pytest.mark.parametrize("persona", ["member_client", "outsider_client"])
def test_only_admins_invite(request, persona, organisation):
    client = request.getfixturevalue(persona)
    assert client.post(_invite_url(organisation), {"email": "x@example.org", "role": "admin"}).status_code == 404
    assert not Invitation.objects.exists()


def test_invite_is_post_only_and_needs_sign_in(owner_client, client, organisation):
    assert owner_client.get(_invite_url(organisation)).status_code == 405
    response = client.post(_invite_url(organisation), {"email": "x@example.org", "role": "member"})
    assert response.url.startswith(reverse("accounts-login"))


def test_outsider_cannot_revoke(outsider_client, owner, organisation, django_capture_on_commit_callbacks):
    _send(organisation, owner, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    url = reverse("accounts-invitation-revoke", args=[organisation.slug, invitation.pk])
    assert outsider_client.post(url).status_code == 404
    assert Invitation.objects.get().is_pending


# -- accepting --------------------------------------------------------------------------------


def test_new_person_creates_an_account_and_joins(client, owner, organisation, django_capture_on_commit_callbacks):
    link = _send(organisation, owner, django_capture_on_commit_callbacks)
    page = client.get(link)
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    assert Invitation.objects.get().is_pending  # GET changes nothing (mail scanners follow links)
    response = client.post(
        link,
        {
            "first_name": "Anna",
            "last_name": "Berg",
            "username": "anna",
            "password1": "a-long-enough-secret-1",
            "password2": "a-long-enough-secret-1",
        },
    )
    assert response.url == organisation.get_absolute_url()
    user = User.objects.get(username="anna")
    assert user.email == "new@example.org"
    assert Membership.objects.get(user=user, organisation=organisation).role == Role.ADVISER
    assert client.get(reverse("accounts-home")).status_code == 200  # signed in
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


def test_account_form_checks_passwords_and_username(client, owner, organisation, django_capture_on_commit_callbacks):
    link = _send(organisation, owner, django_capture_on_commit_callbacks)
    response = client.post(
        link, {"first_name": "A", "last_name": "B", "username": "OWNER", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_username_error"' in content
    assert 'id="id_password2_error"' in content
    assert not User.objects.filter(email="new@example.org").exists()
    assert Invitation.objects.get().is_pending


def test_signed_in_invitee_joins_with_one_click(client, owner, organisation, django_capture_on_commit_callbacks):
    invitee = UserFactory.create(username="invitee", email="new@example.org")
    link = _send(organisation, owner, django_capture_on_commit_callbacks)
    client.force_login(invitee)
    page = client.get(link).content.decode()
    assert 'name="password1"' not in page
    assert '<button type="submit" class="button">' in page
    response = client.post(link)
    assert response.url == organisation.get_absolute_url()
    assert Membership.objects.get(user=invitee, organisation=organisation).role == Role.ADVISER


def test_existing_account_is_asked_to_sign_in(client, owner, organisation, django_capture_on_commit_callbacks):
    UserFactory.create(username="invitee", email="new@example.org")
    link = _send(organisation, owner, django_capture_on_commit_callbacks)
    content = client.get(link).content.decode()
    assert reverse("accounts-login") in content
    assert 'name="password1"' not in content
    client.post(reverse("accounts-login"), {"username": "new@example.org", "password": PASSWORD})
    client.post(link)
    assert Membership.objects.filter(user__username="invitee", organisation=organisation).exists()


def test_wrong_account_cannot_accept(
    outsider_client, outsider, owner, organisation, django_capture_on_commit_callbacks
):
    link = _send(organisation, owner, django_capture_on_commit_callbacks)
    assert "new@example.org" in outsider_client.get(link).content.decode()
    outsider_client.post(link)
    assert not Membership.objects.filter(user=outsider, organisation=organisation).exists()
    assert Invitation.objects.get().is_pending


def test_expired_invitation_is_explained(client, owner, organisation, django_capture_on_commit_callbacks, settings):
    link = _send(organisation, owner, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link)
    assert response.status_code == 410
    assert 'name="password1"' not in response.content.decode()
    response = client.post(link, {"username": "late", "password1": "x", "password2": "x"})
    assert response.status_code == 410
    assert not User.objects.filter(username="late").exists()


def test_expiry_follows_the_setting(owner, organisation, settings):
    settings.FRAMJA_INVITATION_DAYS = 2
    invitation = services.invitation_send(
        organisation=organisation, email="a@example.org", role="member", invited_by=owner
    )
    assert timedelta(days=1, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=2)


def test_revoked_and_used_invitations_are_explained(client, owner, organisation, django_capture_on_commit_callbacks):
    link = _send(organisation, owner, django_capture_on_commit_callbacks)
    services.invitation_revoke(invitation=Invitation.objects.get())
    assert client.get(link).status_code == 410


def test_an_invitation_is_used_once(client, owner, organisation, django_capture_on_commit_callbacks):
    invitee = UserFactory.create(username="invitee", email="new@example.org")
    link = _send(organisation, owner, django_capture_on_commit_callbacks)
    client.force_login(invitee)
    client.post(link)
    Membership.objects.filter(user=invitee).delete()
    assert client.post(link).status_code == 410
    assert not Membership.objects.filter(user=invitee).exists()


def test_unknown_token_is_404(client):
    assert client.get(reverse("accounts-invitation-accept", args=["nonsense"])).status_code == 404


def test_invitation_mail_uses_the_invitees_language(owner, organisation, django_capture_on_commit_callbacks):
    UserFactory.create(username="nora", email="nora@example.no", preferred_language="en")
    _send(organisation, owner, django_capture_on_commit_callbacks, email="nora@example.no")
    message = mail.outbox[-1]
    assert message.subject == "Invitation to join Almi Mitt on Främja"
    assert "/en/accounts/invitations/" in message.body

"""Signing in and out, password reset by e-mail, password change."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from framja.notifications.models import OutboundEmail
from framja.notifications.services import send_due
from tests.factories import PASSWORD, UserFactory
from tests.notifications.backends import FlakyBackend

pytestmark = pytest.mark.django_db


def test_sign_in_with_username(client, owner):
    response = client.post(reverse("accounts-login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("workspace")
    assert client.get(reverse("workspace")).status_code == 200


def test_sign_in_with_email_in_any_case(client, owner):
    response = client.post(reverse("accounts-login"), {"username": "OWNER@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_shows_an_error_linked_to_the_form(client, owner):
    response = client.post(reverse("accounts-login"), {"username": "owner", "password": "wrong"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(client):
    UserFactory.create(username="gone", is_active=False)
    response = client.post(reverse("accounts-login"), {"username": "gone", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_sign_in_continues_in_the_preferred_language(client):
    UserFactory.create(username="nora", preferred_language="nb")
    response = client.post(reverse("accounts-login"), {"username": "nora", "password": PASSWORD})
    assert response.url == "/nb/workspace/"


def test_sign_in_follows_next(client, owner):
    response = client.post(
        reverse("accounts-login"), {"username": "owner", "password": PASSWORD, "next": reverse("accounts-profile")}
    )
    assert response.url == reverse("accounts-profile")


def test_login_page_has_one_h1_and_labelled_fields(client):
    content = client.get(reverse("accounts-login")).content.decode()
    assert content.count("<h1") == 1
    assert 'for="id_username"' in content
    assert 'for="id_password"' in content


def test_sign_out_is_post_only(owner_client):
    assert owner_client.get(reverse("accounts-logout")).status_code == 405
    response = owner_client.post(reverse("accounts-logout"))
    assert response.status_code == 302
    assert owner_client.get(reverse("accounts-home")).status_code == 302


def test_password_reset_by_email(client, owner, django_capture_on_commit_callbacks):
    owner.preferred_language = "en"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts-password-reset"), {"email": "Owner@Example.org"})
    assert response.url == reverse("accounts-password-reset-done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.org"]
    assert message.subject == "Reset your Främja password"  # in the owner's language
    match = re.search(r"http://\S+/password/reset/\S+/", str(message.body))
    assert match is not None
    link = match.group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-brand-new-secret-42", "new_password2": "a-brand-new-secret-42"}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a-brand-new-secret-42")


def test_password_reset_mail_waits_in_the_outbox_while_smtp_is_down(
    client, owner, settings, django_capture_on_commit_callbacks
):
    """The reset mail is queued, not sent inside the request: with the mail server down the
    person still gets the mail once it is back, and the link's secret is erased once sent."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts-password-reset"), {"email": "owner@example.org"})
    assert response.url == reverse("accounts-password-reset-done")
    assert mail.outbox == []
    queued = OutboundEmail.objects.get(to="owner@example.org")
    assert queued.sent_at is None
    assert "mail server unavailable" in queued.last_error
    assert "/password/reset/" in queued.body
    result = send_due(now=queued.next_attempt_at)  # the worker's sweep, once the retry is due
    assert result.sent == 1
    assert len(mail.outbox) == 1
    assert "/password/reset/" in str(mail.outbox[0].body)
    queued.refresh_from_db()
    assert queued.sent_at is not None
    assert "/password/reset/" not in queued.body


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("accounts-password-reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("accounts-password-reset-done")
    assert mail.outbox == []


def test_used_reset_link_is_explained(client):
    response = client.get(reverse("accounts-password-reset-confirm", args=["MQ", "bad-token"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="new_password1"' not in content
    assert reverse("accounts-password-reset") in content  # offers a new link


def test_password_change(owner_client, owner):
    url = reverse("accounts-password-change")
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "another-long-secret-7", "new_password2": "another-long-secret-7"},
    )
    assert response.url == reverse("accounts-password-change-done")
    owner.refresh_from_db()
    assert owner.check_password("another-long-secret-7")


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("accounts-password-change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts-login"))

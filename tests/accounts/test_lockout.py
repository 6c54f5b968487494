"""Sign-in lockout (django-axes): five wrong passwords for one account from one address pause
signing in for that pair, even with the right password, until the cool-off ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse, translate_url
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, password: str, *, language: str = "sv", address: str = "192.0.2.1"):
    url = translate_url(reverse("accounts-login"), language)
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client: Client, username: str, times: int, **kwargs) -> list[int]:
    """Sign in with a wrong password `times` times; the status codes answered."""
    codes = [_sign_in(client, username, "not-the-password", **kwargs).status_code for _ in range(times)]
    assert not _signed_in(client)
    return codes


def test_sixth_attempt_is_refused_even_with_the_right_password_until_the_cool_off_ends(client, owner):
    # The form again after each of the first four; the fifth failure shows the lockout page.
    assert _fail(client, "owner", 5) == [200, 200, 200, 200, 429]
    response = _sign_in(client, "owner", PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    assert "spärrad i 15 minuter" in response.content.decode()
    with freeze_time(timezone.now() + timedelta(minutes=14)):
        assert _sign_in(client, "owner", PASSWORD).status_code == 429
    with freeze_time(timezone.now() + timedelta(minutes=31)):  # 15 after the last (refused) attempt
        response = _sign_in(client, "owner", PASSWORD)
        assert response.status_code == 302
        assert _signed_in(client)


def test_fifty_wrong_passwords_are_not_all_checked(client, owner):
    _fail(client, "owner", 5)
    refused = [_sign_in(client, "owner", f"guess-{i}").status_code for i in range(45)]
    assert set(refused) == {429}


def test_username_and_email_in_any_case_count_against_the_same_account(client, owner):
    _fail(client, "owner", 2)
    _fail(client, "Owner@Example.org", 2)
    _fail(client, "owner@example.org", 1)
    assert _sign_in(client, "owner", PASSWORD).status_code == 429


def test_lockout_is_per_address_so_one_attacker_cannot_lock_everybody_out(client, owner):
    _fail(client, "owner", 5, address="198.51.100.7")
    assert _sign_in(Client(), "owner", PASSWORD, address="198.51.100.7").status_code == 429
    other = Client()
    assert _sign_in(other, "owner", PASSWORD, address="192.0.2.55").status_code == 302
    assert _signed_in(other)


def test_successful_sign_in_resets_the_count(client, owner):
    _fail(client, "owner", 4)
    assert _sign_in(client, "owner", PASSWORD).status_code == 302
    client.post(reverse("accounts-logout"))
    _fail(client, "owner", 4)
    assert _sign_in(client, "owner", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sv", "Inloggningen är tillfälligt spärrad"),
        ("nb", "Innloggingen er midlertidig sperret"),
        ("en", "signing in is paused for 15 minutes"),
    ],
)
def test_lockout_page_is_translated(client, owner, language, text):
    _fail(client, "owner", 5, language=language)
    response = _sign_in(client, "owner", PASSWORD, language=language)
    assert response.status_code == 429
    content = response.content.decode()
    assert text in content
    assert (
        reverse("accounts-password-reset") in content
        or translate_url(reverse("accounts-password-reset"), language) in content
    )


def test_staff_unlock_in_the_admin(client, owner):
    _fail(client, "owner", 5)
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(root)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert admin.get(changelist).status_code == 200
    attempt = AccessAttempt.objects.get()
    response = admin.post(changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert response.status_code == 302
    assert _sign_in(client, "owner", PASSWORD).status_code == 302

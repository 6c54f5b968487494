"""Sessions end after FRAMJA_SESSION_IDLE_MINUTES without a request (30) and
FRAMJA_SESSION_MAX_HOURS after signing in (12), and are not written on every request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _signed_in(client: Client) -> bool:
    return client.get(reverse("accounts-home")).status_code == 200


@pytest.fixture
def signed_in(owner) -> Client:
    """Signed in through the sign-in form, as a person would."""
    client = Client()
    response = client.post(reverse("accounts-login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_thirty_idle_minutes_end_the_session(signed_in):
    start = timezone.now()
    with freeze_time(start + timedelta(minutes=29)):
        assert _signed_in(signed_in)
    with freeze_time(start + timedelta(minutes=29 + 31)):
        response = signed_in.get(reverse("accounts-home"), follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("accounts-login"))
        assert "Din session har avslutats. Logga in igen." in response.content.decode()
        assert signed_in.get("/api/v1/me").status_code == 401


def test_activity_keeps_the_session_but_twelve_hours_end_it(signed_in):
    start = timezone.now()
    minutes = 0
    while minutes < 12 * 60 - 20:
        minutes += 20
        with freeze_time(start + timedelta(minutes=minutes)):
            assert _signed_in(signed_in), f"signed out after {minutes} active minutes"
    with freeze_time(start + timedelta(hours=12, minutes=5)):
        assert not _signed_in(signed_in)


def test_the_limits_are_configurable(signed_in, settings):
    settings.FRAMJA_SESSION_IDLE_MINUTES = 5
    settings.FRAMJA_SESSION_MAX_HOURS = 1
    start = timezone.now()
    with freeze_time(start + timedelta(minutes=4)):
        assert _signed_in(signed_in)
    with freeze_time(start + timedelta(minutes=10)):
        assert not _signed_in(signed_in)


def test_max_hours_are_configurable(signed_in, settings):
    settings.FRAMJA_SESSION_MAX_HOURS = 1
    start = timezone.now()
    for minutes in (20, 40, 59):
        with freeze_time(start + timedelta(minutes=minutes)):
            assert _signed_in(signed_in)
    with freeze_time(start + timedelta(minutes=61)):
        assert not _signed_in(signed_in)


def test_the_session_is_not_written_on_every_request(signed_in):
    key = signed_in.cookies["sessionid"].value
    start = timezone.now()
    with freeze_time(start + timedelta(seconds=5)):
        assert _signed_in(signed_in)
    first = Session.objects.get(pk=key).expire_date
    with freeze_time(start + timedelta(seconds=30)):
        assert _signed_in(signed_in)
    assert Session.objects.get(pk=key).expire_date == first  # nothing written
    with freeze_time(start + timedelta(minutes=2)):
        assert _signed_in(signed_in)
    assert Session.objects.get(pk=key).expire_date > first  # the activity noted, once a minute at most


def test_signing_in_again_starts_the_twelve_hours_afresh(signed_in):
    start = timezone.now()
    with freeze_time(start + timedelta(hours=11, minutes=50)):
        signed_in.post(reverse("accounts-logout"))
        signed_in.post(reverse("accounts-login"), {"username": "owner", "password": PASSWORD})
    with freeze_time(start + timedelta(hours=12, minutes=10)):
        assert _signed_in(signed_in)

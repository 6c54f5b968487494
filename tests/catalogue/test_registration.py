"""Built-in registration: places, the waiting list, cancellation by private link, event cancellation."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from framja.catalogue import services
from framja.catalogue.models import Event, EventStatus, Registration, RegistrationStatus, hash_token
from framja.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _register(event, n):
    return services.register(event=event, name=f"Person {n}", email=f"p{n}@example.org", language="sv")


def test_full_event_puts_people_on_the_waiting_list(small_event):
    first, _ = _register(small_event, 1)
    second, _ = _register(small_event, 2)
    third, _ = _register(small_event, 3)
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]
    subjects = list(OutboundEmail.objects.order_by("pk").values_list("subject", flat=True))
    assert len(subjects) == 3
    assert "väntelistan" in subjects[2]


def test_cancellation_moves_the_oldest_waiting_person_up(small_event):
    first, _ = _register(small_event, 1)
    _register(small_event, 2)
    third, _ = _register(small_event, 3)
    fourth, _ = _register(small_event, 4)

    promoted = services.registration_cancel(registration=first)

    assert [r.pk for r in promoted] == [third.pk]
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == RegistrationStatus.CONFIRMED
    assert third.promoted_at is not None
    assert fourth.status == RegistrationStatus.WAITING
    assert OutboundEmail.objects.filter(to="p3@example.org").count() == 2  # registered, then promoted


def test_cancelling_twice_promotes_only_once(small_event):
    first, _ = _register(small_event, 1)
    _register(small_event, 2)
    _register(small_event, 3)
    _register(small_event, 4)
    services.registration_cancel(registration=first)
    assert services.registration_cancel(registration=first) == []
    assert small_event.registrations.confirmed().count() == 2


def test_raising_capacity_moves_people_up(small_event, organisation):
    for n in range(4):
        _register(small_event, n)
    services.event_save(organiser=organisation, event=small_event, capacity=3)
    assert small_event.registrations.confirmed().count() == 3
    assert small_event.registrations.waiting().count() == 1


def test_same_address_cannot_register_twice(small_event):
    _register(small_event, 1)
    with pytest.raises(ValidationError) as exc:
        services.register(event=small_event, name="Again", email="P1@example.org")
    assert "email" in exc.value.message_dict


def test_no_registration_for_cancelled_event(small_event):
    services.event_cancel(event=small_event)
    with pytest.raises(ValidationError):
        _register(small_event, 1)


def test_token_is_stored_only_as_hash(small_event):
    registration, raw = _register(small_event, 1)
    assert registration.token_hash == hash_token(raw)
    assert raw not in registration.token_hash
    assert Registration.find_by_token(raw) == registration
    assert Registration.find_by_token("x" * 500) is None


def test_cancel_link_page_cancels_and_promotes(client, small_event):
    first, raw = _register(small_event, 1)
    _register(small_event, 2)
    waiting, _ = _register(small_event, 3)
    url = reverse("catalogue-registration-cancel", args=[raw])
    page = client.get(url)
    assert page.status_code == 200
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_unknown_cancel_token_is_404(client):
    assert client.get(reverse("catalogue-registration-cancel", args=["nope"])).status_code == 404


def test_event_cancellation_mails_everyone_registered_and_raises_sequence(small_event):
    _register(small_event, 1)
    _register(small_event, 2)
    _register(small_event, 3)
    before = small_event.sequence
    OutboundEmail.objects.all().delete()
    services.event_cancel(event=small_event)
    small_event.refresh_from_db()
    assert small_event.status == EventStatus.CANCELLED
    assert small_event.sequence == before + 1
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == [
        "p1@example.org",
        "p2@example.org",
        "p3@example.org",
    ]
    assert all("Inställt" in s for s in OutboundEmail.objects.values_list("subject", flat=True))


def test_every_change_raises_sequence(event, organisation):
    services.event_save(organiser=organisation, event=event, title="Nytt namn")
    services.event_save(organiser=organisation, event=event, description="Ny text")
    event.refresh_from_db()
    assert event.sequence == 2


def test_registration_form_on_event_page(client, small_event):
    url = reverse("catalogue-event-register", args=[small_event.pk])
    assert client.get(url).status_code == 405
    bad = client.post(url, {"name": "", "email": "not-an-address"})
    assert bad.status_code == 422
    assert Registration.objects.count() == 0
    good = client.post(url, {"name": "Anna", "email": "anna@example.org"})
    assert good.status_code == 200
    assert Registration.objects.get().status == "confirmed"


def test_reminders_are_sent_once(organisation):
    from datetime import timedelta

    from django.utils import timezone

    from tests.catalogue.conftest import make_event

    soon = timezone.now() + timedelta(hours=20)
    event = make_event(
        organisation, start=soon, end=soon + timedelta(hours=1), registration_mode="built_in", capacity=5
    )
    _register(event, 1)
    OutboundEmail.objects.all().delete()
    assert services.send_event_reminders() == 1
    assert services.send_event_reminders() == 0
    assert OutboundEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overbook(organisation):
    """Two threads race for the last place; with the row lock exactly one gets it."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the race needs PostgreSQL")
    from tests.catalogue.conftest import make_event

    event = make_event(organisation, registration_mode="built_in", capacity=1)
    results = []

    def attempt(n):
        registration, _ = services.register(event=Event.objects.get(pk=event.pk), name="X", email=f"r{n}@example.org")
        results.append(registration.status)
        connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["confirmed", "waiting", "waiting", "waiting"]

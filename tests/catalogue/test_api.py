"""The catalogue API: public reads, writes for the organisation's advisers and admins, 422 with
field errors and nothing half-written, registration with the waiting list."""

import pytest

from framja.catalogue.models import Event, Offering, Registration
from tests.catalogue.conftest import make_event, make_offering

pytestmark = pytest.mark.django_db

OFFERINGS = "/api/v1/catalogue/offerings"
EVENTS = "/api/v1/catalogue/events"


def _offering_payload(organisation, **extra):
    return {
        "organisation": organisation.slug,
        "name_sv": "Innovationscheckar",
        "offering_type": "grant",
        "stages": ["idea", "start_up"],
        "area_municipalities": ["SE-2380"],
        "amount_min": 10000,
        "amount_max": 100000,
        "currency": "SEK",
        **extra,
    }


def test_anyone_lists_offerings(client, offering):
    response = client.get(OFFERINGS)
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["area_municipalities"] == ["SE-2380"]
    assert item["stages"] == ["idea", "start_up"]


def test_offering_list_filters_by_municipality(client, offering, other_organisation):
    make_offering(other_organisation, name_sv="Norsk", area_country="NO")
    names = [o["name_sv"] for o in client.get(OFFERINGS, {"municipality": "SE-2380"}).json()["items"]]
    assert names == [offering.name_sv]


def test_offering_list_query_count_does_not_grow(client, organisation, municipality, django_assert_max_num_queries):
    for n in range(5):
        make_offering(organisation, name_sv=f"E{n}").area_municipalities.add(municipality)
    with django_assert_max_num_queries(8):
        assert len(client.get(OFFERINGS).json()["items"]) == 5


def test_owner_creates_offering(owner_client, organisation, municipality):
    response = owner_client.post(OFFERINGS, _offering_payload(organisation), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["area_municipalities"] == ["SE-2380"]
    assert Offering.objects.get().organisation == organisation


@pytest.mark.parametrize("persona", ["member_client", "outsider_client"])
def test_member_and_outsider_cannot_create(request, persona, organisation, municipality):
    client = request.getfixturevalue(persona)
    response = client.post(OFFERINGS, _offering_payload(organisation), content_type="application/json")
    assert response.status_code == 404
    assert not Offering.objects.exists()


def test_anonymous_write_is_401(client, organisation):
    response = client.post(OFFERINGS, _offering_payload(organisation), content_type="application/json")
    assert response.status_code == 401


def test_bad_offering_is_422_with_field_errors_and_nothing_written(owner_client, organisation, municipality):
    payload = _offering_payload(organisation, amount_min=500, amount_max=10, area_municipalities=["SE-2380", "9999"])
    response = owner_client.post(OFFERINGS, payload, content_type="application/json")
    assert response.status_code == 422
    assert any("area_municipalities" in e["loc"] for e in response.json()["detail"])
    payload = _offering_payload(organisation, amount_min=500, amount_max=10)
    response = owner_client.post(OFFERINGS, payload, content_type="application/json")
    assert response.status_code == 422
    assert any("amount_max" in e["loc"] for e in response.json()["detail"])
    assert not Offering.objects.exists()


def test_event_create_and_update_raise_sequence(owner_client, organisation, municipality):
    payload = {
        "organiser": organisation.slug,
        "title": "Gründerkveld",
        "time_zone": "Europe/Oslo",
        "start": "2026-09-10T18:00",
        "end": "2026-09-10T20:00",
        "venue": "Kunnskapsparken",
        "registration_mode": "built_in",
        "capacity": 1,
    }
    created = owner_client.post(EVENTS, payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["start"].startswith("2026-09-10T18:00:00+02:00")
    assert body["sequence"] == 0
    updated = owner_client.put(
        f"{EVENTS}/{body['id']}", {**payload, "title": "Gründerkveld!"}, content_type="application/json"
    )
    assert updated.json()["sequence"] == 1


def test_event_with_end_before_start_is_422(owner_client, organisation):
    payload = {
        "organiser": organisation.slug,
        "title": "Feil",
        "start": "2026-09-10T18:00",
        "end": "2026-09-10T17:00",
        "venue": "Et sted",
    }
    response = owner_client.post(EVENTS, payload, content_type="application/json")
    assert response.status_code == 422
    assert not Event.objects.exists()


def test_registration_via_api_and_waiting_list(client, owner_client, outsider_client, organisation):
    event = make_event(organisation, registration_mode="built_in", capacity=1)
    url = f"{EVENTS}/{event.pk}/registrations"
    first = client.post(url, {"name": "A", "email": "a@example.org"}, content_type="application/json")
    second = client.post(url, {"name": "B", "email": "b@example.org"}, content_type="application/json")
    assert first.status_code == 201
    assert (first.json()["status"], second.json()["status"]) == ("confirmed", "waiting")
    assert client.get(url).status_code == 401
    assert outsider_client.get(url).status_code == 404
    assert [r["status"] for r in owner_client.get(url).json()["items"]] == ["confirmed", "waiting"]
    first_id = Registration.objects.get(email="a@example.org").pk
    assert outsider_client.delete(f"/api/v1/catalogue/registrations/{first_id}").status_code == 404
    assert owner_client.delete(f"/api/v1/catalogue/registrations/{first_id}").status_code == 204
    assert Registration.objects.get(email="b@example.org").status == "confirmed"


@pytest.mark.parametrize("mode", ["none", "cancelled"])
def test_registration_the_event_does_not_take_here_is_409(client, organisation, mode):
    """A well-formed registration that the event's state refuses is a conflict, not bad input."""
    event = make_event(organisation, registration_mode="built_in" if mode == "cancelled" else "none", capacity=5)
    if mode == "cancelled":
        Event.objects.filter(pk=event.pk).update(status="cancelled")
    response = client.post(
        f"{EVENTS}/{event.pk}/registrations", {"name": "A", "email": "a@example.org"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["detail"][0]["loc"] == ["body", "event"]
    assert not Registration.objects.exists()


def test_huge_ids_are_404(client):
    assert client.get(f"{OFFERINGS}/99999999999999999999999").status_code in (404, 422)


def test_registering_the_same_address_twice_is_409(client, organisation):
    event = make_event(organisation, registration_mode="built_in", capacity=5)
    url = f"{EVENTS}/{event.pk}/registrations"
    assert client.post(url, {"name": "A", "email": "a@example.org"}, content_type="application/json").status_code == 201
    again = client.post(url, {"name": "A", "email": "A@example.org"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["detail"][0]["loc"] == ["body", "email"]
    assert Registration.objects.count() == 1

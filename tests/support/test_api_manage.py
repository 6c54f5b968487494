"""The API does what the pages do: edit companies and people, merge, export and erase a
person, register a contact request, follow-up dates; the same permissions, 422 with field
errors, and creates that a retry with the same Idempotency-Key does not repeat."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from framja.catalogue import services as catalogue_services
from framja.support import services
from framja.support.models import Company, Effort, Person, Referral
from tests.support.conftest import SWEDISH_NUMBER, give_demographics, make_company

pytestmark = pytest.mark.django_db

API = "/api/v1/support"
JSON = "application/json"


def test_edit_a_company(adviser_client, company):
    body = {
        "name": "Fjällbageriet i Jämtland AB",
        "organisation_number": SWEDISH_NUMBER,
        "legal_form": "limited_company",
    }
    response = adviser_client.put(f"{API}/companies/{company.pk}", body, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["name"] == "Fjällbageriet i Jämtland AB"
    company.refresh_from_db()
    assert company.legal_form == "limited_company"


def test_editing_to_a_taken_number_is_a_422_and_changes_nothing(adviser_client, organisation, company):
    other = make_company(organisation, organisation_number="5560125790", name="Andra AB")
    response = adviser_client.put(
        f"{API}/companies/{other.pk}", {"name": "Andra AB", "organisation_number": SWEDISH_NUMBER}, content_type=JSON
    )
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.organisation_number == "5560125790"


def test_outsiders_cannot_edit_or_merge(outsider_client, member_client, organisation, company):
    duplicate = make_company(organisation, organisation_number="", name="Fjällbageriet")
    for client in (outsider_client, member_client):
        assert client.put(f"{API}/companies/{company.pk}", {"name": "X"}, content_type=JSON).status_code == 404
        body = {"organisation": organisation.slug, "duplicate": duplicate.pk}
        assert client.post(f"{API}/companies/{company.pk}/merge", body, content_type=JSON).status_code == 404
    assert Company.objects.count() == 2


def test_merge(adviser_client, organisation, company):
    duplicate = make_company(organisation, organisation_number="", name="Fjällbageriet")
    services.effort_log(organisation=organisation, company=duplicate, given_on=date(2026, 2, 3), kind="advice")
    body = {"organisation": organisation.slug, "duplicate": duplicate.pk}
    response = adviser_client.post(f"{API}/companies/{company.pk}/merge", body, content_type=JSON)
    assert response.status_code == 200
    assert list(Company.objects.all()) == [company]
    assert Effort.objects.get().company == company
    again = adviser_client.post(f"{API}/companies/{company.pk}/merge", body, content_type=JSON)
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"][-1] == "duplicate"


def test_edit_a_person(adviser_client, person):
    response = adviser_client.put(f"{API}/people/{person.pk}", {"name": "Karin Berg-Ek"}, content_type=JSON)
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.name == "Karin Berg-Ek"


def test_a_bad_email_is_a_422(adviser_client, person):
    response = adviser_client.put(f"{API}/people/{person.pk}", {"name": "K", "email": "nope"}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "email"


def test_a_retried_person_create_records_one_person(adviser_client, organisation):
    body = {"organisation": organisation.slug, "name": "Maja Grundare"}
    first = adviser_client.post(f"{API}/people", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1")
    again = adviser_client.post(f"{API}/people", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Person.objects.count() == 1
    adviser_client.post(f"{API}/people", body, content_type=JSON)
    assert Person.objects.count() == 2  # without a key, each request is a new person


def test_a_retried_effort_and_referral_are_logged_once(adviser_client, organisation, other_organisation, company):
    effort = {"organisation": organisation.slug, "company": company.pk, "given_on": "2026-02-03", "kind": "advice"}
    for _ in range(2):
        response = adviser_client.post(f"{API}/efforts", effort, content_type=JSON, HTTP_IDEMPOTENCY_KEY="e-1")
        assert response.status_code == 201
    referral = {
        "from_organisation": organisation.slug,
        "to_organisation": other_organisation.slug,
        "company": company.pk,
        "reason": "Lån",
    }
    for _ in range(2):
        response = adviser_client.post(f"{API}/referrals", referral, content_type=JSON, HTTP_IDEMPOTENCY_KEY="r-1")
        assert response.status_code == 201
    assert (Effort.objects.count(), Referral.objects.count()) == (1, 1)


def test_export_and_erase_for_administrators_only(owner_client, adviser_client, owner, person, organisation):
    give_demographics(person, owner)
    assert adviser_client.get(f"{API}/people/{person.pk}/export").status_code == 404
    assert adviser_client.delete(f"{API}/people/{person.pk}").status_code == 404
    data = owner_client.get(f"{API}/people/{person.pk}/export").json()
    assert data["person"]["name"] == "Karin Berg"
    assert data["demographics"]["gender"] == "woman"
    effort = services.effort_log(organisation=organisation, person=person, given_on=date(2026, 2, 3), kind="advice")
    assert owner_client.delete(f"{API}/people/{person.pk}").status_code == 204
    assert not Person.objects.exists()
    effort.refresh_from_db()
    assert (effort.person_id, effort.snapshot_gender) == (None, "woman")
    assert owner_client.delete(f"{API}/people/{person.pk}").status_code == 404


def test_follow_up_date_and_filter(adviser_client, organisation, company):
    today = timezone.localdate()
    body = {
        "organisation": organisation.slug,
        "company": company.pk,
        "given_on": (today - timedelta(days=5)).isoformat(),
        "kind": "advice",
        "follow_up_on": today.isoformat(),
    }
    assert adviser_client.post(f"{API}/efforts", body, content_type=JSON).json()["follow_up_on"] == today.isoformat()
    due = adviser_client.get(f"{API}/efforts", {"follow_up_due": "true"}).json()["items"]
    assert len(due) == 1
    late = {**body, "follow_up_on": (today - timedelta(days=6)).isoformat()}
    response = adviser_client.post(f"{API}/efforts", late, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "follow_up_on"


def test_register_a_contact_request_once(adviser_client, outsider_client, organisation):
    contact = catalogue_services.contact_request_send(
        organisation=organisation, name="Frida Företagare", email="frida@example.org", need="Hjälp", consent=True
    )
    url = f"{API}/contact-requests/{contact.pk}/register"
    assert outsider_client.post(url, {}, content_type=JSON).status_code == 404
    first = adviser_client.post(url, {}, content_type=JSON).json()
    again = adviser_client.post(url, {}, content_type=JSON).json()
    assert (first["created"], again["created"]) == (True, False)
    assert first["effort"] == again["effort"]
    assert first["person"]["name"] == "Frida Företagare"
    assert Effort.objects.count() == 1

"""The support-log API: the same rules as the services, 404 for what is not yours, 422 with field
errors and nothing half-written, and no demographic value ever read back."""

import pytest

from framja.audit.models import AuditEntry
from framja.support.models import Company, Demographics, Effort, Referral
from tests.factories import MembershipFactory, UserFactory
from tests.support.conftest import give_demographics

pytestmark = pytest.mark.django_db

API = "/api/v1/support"


def test_adviser_registers_a_company_and_a_second_registration_finds_it(adviser_client, organisation):
    body = {"organisation": organisation.slug, "name": "Fjällbageriet AB", "organisation_number": "556036-0793"}
    first = adviser_client.post(f"{API}/companies", body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["organisation_number"] == "5560360793"
    again = adviser_client.post(f"{API}/companies", {**body, "name": "Annat"}, content_type="application/json")
    assert again.json()["id"] == first.json()["id"]
    assert Company.objects.count() == 1


def test_wrong_number_is_a_422_field_error(adviser_client, organisation):
    body = {"organisation": organisation.slug, "name": "X", "organisation_number": "556036-0794"}
    response = adviser_client.post(f"{API}/companies", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "organisation_number"
    assert not Company.objects.exists()


def test_unknown_municipality_and_sni_are_field_errors(adviser_client, organisation):
    body = {"organisation": organisation.slug, "name": "X", "municipality": "SE-9999"}
    response = adviser_client.post(f"{API}/companies", body, content_type="application/json")
    assert response.status_code == 422
    body = {"organisation": organisation.slug, "name": "X", "sni_code": "99999"}
    response = adviser_client.post(f"{API}/companies", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "sni_code"


def test_outsider_and_member_cannot_write_for_the_organisation(outsider_client, member_client, organisation):
    body = {"organisation": organisation.slug, "name": "X"}
    assert outsider_client.post(f"{API}/companies", body, content_type="application/json").status_code == 404
    assert member_client.post(f"{API}/companies", body, content_type="application/json").status_code == 404


def test_outsider_does_not_see_clients_or_efforts(outsider_client, organisation, company, person):
    effort = Effort.objects.create(organisation=organisation, company=company, given_on="2026-01-02", kind="advice")
    assert outsider_client.get(f"{API}/companies/{company.pk}").status_code == 404
    assert outsider_client.get(f"{API}/people/{person.pk}").status_code == 404
    assert outsider_client.get(f"{API}/efforts/{effort.pk}").status_code == 404
    assert outsider_client.get(f"{API}/companies").json()["items"] == []


def test_anonymous_gets_401(client, company):
    assert client.get(f"{API}/companies").status_code == 401


def test_log_an_effort_and_list_it(adviser_client, organisation, company, adviser):
    body = {
        "organisation": organisation.slug,
        "company": company.pk,
        "given_on": "2026-02-03",
        "kind": "financing",
        "hours": 1.5,
        "amount": 50000,
        "currency": "SEK",
        "adviser": adviser.pk,
    }
    response = adviser_client.post(f"{API}/efforts", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    items = adviser_client.get(f"{API}/efforts", {"company": company.pk}).json()["items"]
    assert [(i["kind"], i["amount"]) for i in items] == [("financing", "50000")]
    assert "snapshot_gender" not in items[0]


def test_effort_for_someone_elses_company_is_a_422_and_writes_nothing(outsider, other_organisation, company):
    from django.test import Client

    client = Client()
    client.force_login(outsider)
    body = {"organisation": other_organisation.slug, "company": company.pk, "given_on": "2026-02-03", "kind": "advice"}
    response = client.post(f"{API}/efforts", body, content_type="application/json")
    assert response.status_code == 422
    assert not Effort.objects.exists()


def test_amount_without_currency_is_a_422(adviser_client, organisation, company):
    body = {"organisation": organisation.slug, "company": company.pk, "given_on": "2026-02-03", "kind": "financing"}
    response = adviser_client.post(f"{API}/efforts", {**body, "amount": 10}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "currency"


def test_demographics_are_written_by_admins_only_and_never_read_back(owner_client, adviser_client, person, owner):
    body = {"gender": "woman", "birth_year": 1980, "purpose": "Uppföljning", "consent_given_on": "2026-01-05"}
    url = f"{API}/people/{person.pk}/demographics"
    assert adviser_client.put(url, body, content_type="application/json").status_code == 404
    assert owner_client.put(url, body, content_type="application/json").status_code == 204
    assert Demographics.objects.get(person=person).birth_year == 1980
    shown = owner_client.get(f"{API}/people/{person.pk}").json()
    assert "1980" not in str(shown)
    assert "woman" not in str(shown)
    assert not AuditEntry.objects.filter(action="read").exists()


def test_demographics_without_consent_are_a_422(owner_client, person):
    response = owner_client.put(
        f"{API}/people/{person.pk}/demographics", {"gender": "man"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"purpose", "given_on"}


def test_withdrawing_consent_deletes_the_values(owner_client, person, owner):
    give_demographics(person, owner)
    assert owner_client.post(f"{API}/people/{person.pk}/consent/withdraw").status_code == 204
    assert not Demographics.objects.exists()


def test_referral_round_trip(adviser_client, outsider_client, organisation, other_organisation, company):
    body = {
        "from_organisation": organisation.slug,
        "to_organisation": other_organisation.slug,
        "company": company.pk,
        "reason": "Lån",
    }
    sent = adviser_client.post(f"{API}/referrals", body, content_type="application/json")
    assert sent.status_code == 201
    pk = sent.json()["id"]
    # The sender cannot answer it; the receiver can.
    assert (
        adviser_client.post(
            f"{API}/referrals/{pk}/answer", {"accept": True}, content_type="application/json"
        ).status_code
        == 404
    )
    answered = outsider_client.post(
        f"{API}/referrals/{pk}/answer", {"accept": False, "answer": "Inte vår sak"}, content_type="application/json"
    )
    assert answered.json()["status"] == "declined"
    seen = adviser_client.get(f"{API}/referrals/{pk}").json()
    assert (seen["status"], seen["answer"]) == ("declined", "Inte vår sak")


def test_receiver_turns_the_referral_into_an_effort(
    adviser_client, outsider_client, organisation, other_organisation, company
):
    body = {
        "from_organisation": organisation.slug,
        "to_organisation": other_organisation.slug,
        "company": company.pk,
        "reason": "Lån",
    }
    pk = adviser_client.post(f"{API}/referrals", body, content_type="application/json").json()["id"]
    effort = {"organisation": other_organisation.slug, "referral": pk, "given_on": "2026-02-03", "kind": "financing"}
    response = outsider_client.post(f"{API}/efforts", effort, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["company"]["id"] == company.pk
    assert Referral.objects.get(pk=pk).status == "completed"
    assert adviser_client.get(f"{API}/referrals/{pk}").json()["status"] == "completed"


def test_referral_to_the_same_organisation_is_a_422(adviser_client, organisation, company):
    body = {
        "from_organisation": organisation.slug,
        "to_organisation": organisation.slug,
        "company": company.pk,
        "reason": "X",
    }
    response = adviser_client.post(f"{API}/referrals", body, content_type="application/json")
    assert response.status_code == 422
    assert not Referral.objects.exists()


def test_huge_page_offset_is_a_422(adviser_client):
    assert adviser_client.get(f"{API}/companies", {"offset": 10**30}).status_code == 422


def test_coordinator_works_the_cases_too(organisation, company):
    from django.test import Client

    user = UserFactory.create(username="coordinator")
    MembershipFactory.create(user=user, organisation=organisation, role="coordinator")
    client = Client()
    client.force_login(user)
    assert client.get(f"{API}/companies/{company.pk}").status_code == 200

"""Managing clients on the pages: registering and editing companies (one per organisation
number), recording people with their role, merging duplicates, demographics and consent for
administrators only, and referring a client to another organisation."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from framja.audit.models import AuditEntry
from framja.support import services
from framja.support.models import Company, Consent, Demographics, Effort, Person, PersonCompany, Referral
from tests.support.conftest import NORWEGIAN_NUMBER, SWEDISH_NUMBER, give_demographics, make_company

pytestmark = pytest.mark.django_db


def _url(name, organisation, *args):
    return reverse(name, args=[organisation.slug, *args])


def test_outsiders_and_members_get_404_on_every_new_page(outsider_client, member_client, organisation, company, person):
    urls = [
        _url("support-company-create", organisation),
        _url("support-company-edit", organisation, company.pk),
        _url("support-company-merge", organisation, company.pk),
        _url("support-person-create", organisation),
        _url("support-person-edit", organisation, person.pk),
        _url("support-person-demographics", organisation, person.pk),
        _url("support-referral-create", organisation) + f"?company={company.pk}",
    ]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
        assert member_client.get(url).status_code == 404, url
        assert outsider_client.post(url, {}).status_code == 404, url


def test_register_a_company_with_a_valid_number(adviser_client, organisation):
    response = adviser_client.post(
        _url("support-company-create", organisation),
        {"country": "NO", "organisation_number": "923 609 016", "name": "Fjellbakeriet AS", "founding_year": "1998"},
    )
    company = Company.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("support-company-detail", organisation, company.pk)
    assert (company.organisation_number, company.founding_year) == (NORWEGIAN_NUMBER, 1998)
    assert Company.objects.clients_of(organisation).filter(pk=company.pk).exists()


def test_an_invalid_number_is_refused_and_nothing_is_saved(adviser_client, organisation):
    response = adviser_client.post(
        _url("support-company-create", organisation),
        {"country": "SE", "organisation_number": "556036-0794", "name": "Felräknat AB"},
    )
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    assert not Company.objects.exists()


def test_an_unknown_sni_code_is_a_field_error(adviser_client, organisation):
    response = adviser_client.post(
        _url("support-company-create", organisation), {"country": "SE", "name": "Okänd AB", "sni_code": "99999"}
    )
    assert response.status_code == 200
    assert not Company.objects.exists()


def test_an_existing_number_leads_to_the_existing_company(adviser_client, organisation, other_organisation):
    theirs = make_company(other_organisation, name="Fjällbageriet AB")
    response = adviser_client.post(
        _url("support-company-create", organisation),
        {"country": "SE", "organisation_number": "5560360793", "name": "Annat namn AB"},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("support-company-detail", organisation, theirs.pk)
    theirs.refresh_from_db()
    assert theirs.name == "Fjällbageriet AB"  # the register data is left as it was
    assert Company.objects.count() == 1
    assert Company.objects.clients_of(organisation).filter(pk=theirs.pk).exists()


def test_edit_a_company(adviser_client, organisation, company):
    form = adviser_client.get(_url("support-company-edit", organisation, company.pk)).content.decode()
    assert SWEDISH_NUMBER in form
    response = adviser_client.post(
        _url("support-company-edit", organisation, company.pk),
        {
            "country": "SE",
            "organisation_number": SWEDISH_NUMBER,
            "name": "Fjällbageriet i Jämtland AB",
            "legal_form": "limited_company",
        },
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.legal_form) == ("Fjällbageriet i Jämtland AB", "limited_company")


def test_editing_to_a_taken_number_is_refused(adviser_client, organisation, company):
    other = make_company(organisation, organisation_number="5560125790", name="Andra AB")
    response = adviser_client.post(
        _url("support-company-edit", organisation, other.pk),
        {"country": "SE", "organisation_number": SWEDISH_NUMBER, "name": "Andra AB"},
    )
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.organisation_number == "5560125790"


def test_record_a_person_linked_to_a_company_with_a_role(adviser_client, organisation, company):
    response = adviser_client.post(
        _url("support-person-create", organisation),
        {"name": "Maja Grundare", "email": "maja@example.org", "company": company.pk, "role": "founder"},
    )
    person = Person.objects.get()
    assert response["Location"] == _url("support-person-detail", organisation, person.pk)
    assert person.organisation == organisation
    assert list(PersonCompany.objects.values_list("person__name", "company", "role")) == [
        ("Maja Grundare", company.pk, "founder")
    ]


def test_a_company_without_a_role_is_a_field_error(adviser_client, organisation, company):
    response = adviser_client.post(_url("support-person-create", organisation), {"name": "Maja", "company": company.pk})
    assert response.status_code == 200
    assert not Person.objects.exists()


def test_another_organisations_company_cannot_be_linked(adviser_client, organisation, other_organisation):
    theirs = make_company(other_organisation, organisation_number="5560125790", name="Deras AB")
    adviser_client.post(
        _url("support-person-create", organisation), {"name": "Maja", "company": theirs.pk, "role": "ceo"}
    )
    assert not Person.objects.exists()


def test_edit_a_person(adviser_client, organisation, person):
    response = adviser_client.post(
        _url("support-person-edit", organisation, person.pk), {"name": "Karin Berg-Ek", "plans_company": "on"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.plans_company) == ("Karin Berg-Ek", True)


def test_merge_shows_both_side_by_side_and_moves_everything(adviser_client, organisation, company, person):
    duplicate = make_company(organisation, organisation_number="", name="Fjällbageriet")
    services.person_link_company(person=person, company=duplicate, role="ceo")
    services.effort_log(organisation=organisation, company=duplicate, given_on=date(2026, 2, 3), kind="advice")
    url = _url("support-company-merge", organisation, company.pk)
    page = adviser_client.get(url, {"duplicate": duplicate.pk}).content.decode()
    assert "Fjällbageriet AB" in page
    assert "Fjällbageriet<" in page
    assert Company.objects.count() == 2  # comparing changes nothing
    response = adviser_client.post(url, {"duplicate": duplicate.pk})
    assert response.status_code == 302
    assert list(Company.objects.all()) == [company]
    assert Effort.objects.get().company == company
    assert PersonCompany.objects.get().company == company
    assert AuditEntry.objects.filter(object_id=str(company.pk), changes__has_key="merged_from").exists()


def test_merge_refuses_two_different_numbers(adviser_client, organisation, company):
    other = make_company(organisation, organisation_number="5560125790", name="Andra AB")
    adviser_client.post(_url("support-company-merge", organisation, company.pk), {"duplicate": other.pk})
    assert Company.objects.count() == 2


def test_merge_rejects_a_company_that_is_not_ours(adviser_client, organisation, other_organisation, company):
    theirs = make_company(other_organisation, organisation_number="", name="Deras")
    adviser_client.post(_url("support-company-merge", organisation, company.pk), {"duplicate": theirs.pk})
    assert Company.objects.count() == 2


def test_demographics_page_is_for_administrators_only(adviser_client, organisation, person):
    assert adviser_client.get(_url("support-person-demographics", organisation, person.pk)).status_code == 404
    response = adviser_client.post(_url("support-person-consent-withdraw", organisation, person.pk))
    assert response.status_code == 404


def test_record_demographics_with_consent_and_withdraw(owner_client, owner, organisation, person):
    url = _url("support-person-demographics", organisation, person.pk)
    assert owner_client.post(url, {"gender": "woman", "birth_year": "1980"}).status_code == 200  # no consent yet
    assert not Demographics.objects.exists()
    response = owner_client.post(
        url, {"gender": "woman", "birth_year": "1980", "purpose": "Uppföljning", "given_on": "2026-01-10"}
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.recorded_by, consent.purpose) == (owner, "Uppföljning")
    assert Demographics.objects.get().gender == "woman"
    reads = AuditEntry.objects.filter(action="read").count()
    owner_client.get(url)  # the form shows the current values: an audited read
    assert AuditEntry.objects.filter(action="read").count() == reads + 1
    assert owner_client.get(_url("support-person-consent-withdraw", organisation, person.pk)).status_code == 405
    owner_client.post(_url("support-person-consent-withdraw", organisation, person.pk))
    assert not Demographics.objects.exists()
    assert Consent.objects.get().withdrawn_at is not None


def test_refer_a_company_to_another_organisation(adviser_client, organisation, other_organisation, company):
    url = _url("support-referral-create", organisation) + f"?company={company.pk}"
    assert "Fjällbageriet AB" in adviser_client.get(url).content.decode()
    response = adviser_client.post(url, {"to_organisation": other_organisation.pk, "reason": "Behöver lån"})
    referral = Referral.objects.get()
    assert response["Location"] == _url("support-referral-detail", organisation, referral.pk)
    assert (referral.to_organisation, referral.company, referral.reason) == (other_organisation, company, "Behöver lån")


def test_refer_needs_a_reason_and_another_organisation(adviser_client, organisation, person):
    url = _url("support-referral-create", organisation) + f"?person={person.pk}"
    assert adviser_client.post(url, {"to_organisation": organisation.pk, "reason": "x"}).status_code == 200
    assert not Referral.objects.exists()
    assert len(mail.outbox) == 0


def test_refer_without_a_client_is_404(adviser_client, organisation):
    assert adviser_client.get(_url("support-referral-create", organisation)).status_code == 404


def test_the_person_page_offers_demographics_to_admins(owner_client, adviser_client, owner, organisation, person):
    give_demographics(person, owner)
    url = _url("support-person-detail", organisation, person.pk)
    assert _url("support-person-consent-withdraw", organisation, person.pk) in owner_client.get(url).content.decode()
    assert _url("support-person-demographics", organisation, person.pk) not in adviser_client.get(url).content.decode()

"""A contact request from the catalogue's front door becomes a client and a first effort in one
step: the person (found by e-mail if known), optionally the company (found by number), an advice
effort today by the acting adviser for the offering named, the request answered; a second
submit makes nothing new."""

import pytest
from django.urls import reverse
from django.utils import timezone

from framja.catalogue import services as catalogue_services
from framja.catalogue.models import ContactRequest
from framja.support import services
from framja.support.models import Company, Effort, Person, PersonCompany
from tests.catalogue.conftest import make_offering
from tests.support.conftest import SWEDISH_NUMBER, make_company, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(organisation) -> ContactRequest:
    offering = make_offering(organisation)
    return catalogue_services.contact_request_send(
        organisation=organisation,
        offering=offering,
        name="Frida Företagare",
        email="Frida@Example.org",
        need="Hjälp med likviditeten",
        consent=True,
        stage="idea",
    )


def _url(organisation, contact):
    return reverse("support-contact-request-register", args=[organisation.slug, contact.pk])


def test_register_makes_a_client_and_a_first_effort(adviser_client, adviser, organisation, contact):
    response = adviser_client.post(_url(organisation, contact), {"country": "SE"})
    person = Person.objects.get()
    assert response["Location"] == reverse("support-person-detail", args=[organisation.slug, person.pk])
    assert (person.name, person.email, person.plans_company) == ("Frida Företagare", "Frida@Example.org", True)
    effort = Effort.objects.get()
    assert (effort.person, effort.kind, effort.given_on, effort.adviser) == (
        person,
        "advice",
        timezone.localdate(),
        adviser,
    )
    assert effort.offering_id == contact.offering_id
    assert effort.contact_request_id == contact.pk
    contact.refresh_from_db()
    assert contact.answered_at is not None


def test_a_second_submit_creates_nothing_new(adviser_client, organisation, contact):
    adviser_client.post(_url(organisation, contact), {"country": "SE"})
    response = adviser_client.post(_url(organisation, contact), {"country": "SE", "company_name": "Nytt AB"})
    assert response.status_code == 302
    assert (Person.objects.count(), Effort.objects.count(), Company.objects.count()) == (1, 1, 0)
    page = adviser_client.get(_url(organisation, contact)).content.decode()
    assert 'name="company_name"' not in page


def test_the_service_is_idempotent(organisation, contact, adviser):
    first = services.contact_request_register(contact_request=contact, by=adviser)
    second = services.contact_request_register(contact_request=contact, by=adviser)
    assert (first.created, second.created) == (True, False)
    assert second.effort == first.effort


def test_a_known_email_finds_the_existing_person(organisation, contact, adviser):
    known = make_person(organisation, name="Frida F", email="frida@example.org")
    registered = services.contact_request_register(contact_request=contact, by=adviser)
    assert registered.person == known
    assert Person.objects.count() == 1


def test_another_organisations_person_with_that_email_is_not_used(organisation, other_organisation, contact, adviser):
    make_person(other_organisation, email="frida@example.org")
    registered = services.contact_request_register(contact_request=contact, by=adviser)
    assert registered.person is not None
    assert registered.person.organisation == organisation


def test_an_existing_organisation_number_finds_the_company(adviser_client, organisation, other_organisation, contact):
    theirs = make_company(other_organisation)
    response = adviser_client.post(
        _url(organisation, contact),
        {"country": "SE", "organisation_number": SWEDISH_NUMBER, "role": "founder"},
    )
    assert response["Location"] == reverse("support-company-detail", args=[organisation.slug, theirs.pk])
    assert Company.objects.count() == 1
    assert Effort.objects.get().company == theirs
    assert PersonCompany.objects.get().role == "founder"


def test_a_bad_number_writes_nothing(adviser_client, organisation, contact):
    response = adviser_client.post(
        _url(organisation, contact), {"country": "SE", "organisation_number": "556036-0794", "company_name": "X"}
    )
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert not Effort.objects.exists()
    contact.refresh_from_db()
    assert contact.answered_at is None


def test_a_new_company_without_a_name_is_a_field_error_and_writes_nothing(organisation, contact, adviser):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.contact_request_register(contact_request=contact, by=adviser, organisation_number="5560125790")
    assert "company_name" in caught.value.message_dict
    assert not Person.objects.exists()


def test_staff_who_do_not_work_there_are_not_the_adviser(organisation, contact, django_user_model):
    staff = django_user_model.objects.create(username="staff", is_staff=True)
    registered = services.contact_request_register(contact_request=contact, by=staff)
    assert registered.effort.adviser is None


def test_the_client_list_links_unanswered_requests(adviser_client, organisation, contact):
    html = adviser_client.get(reverse("support-clients", args=[organisation.slug])).content.decode()
    assert _url(organisation, contact) in html


def test_outsiders_and_members_get_404(outsider_client, member_client, organisation, contact):
    for client in (outsider_client, member_client):
        assert client.get(_url(organisation, contact)).status_code == 404
        assert client.post(_url(organisation, contact), {"country": "SE"}).status_code == 404
    assert not Person.objects.exists()


def test_another_organisations_request_is_404(adviser_client, other_organisation, organisation, contact):
    url = reverse("support-contact-request-register", args=[other_organisation.slug, contact.pk])
    assert adviser_client.get(url).status_code == 404

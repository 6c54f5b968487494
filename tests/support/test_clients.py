"""Client companies and people: organisation numbers, one company per number, merging, and who
sees whom."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from framja.audit.models import AuditEntry
from framja.support import services
from framja.support.models import Company, Effort, Person, PersonCompany, Referral
from tests.support.conftest import NORWEGIAN_NUMBER, OTHER_SWEDISH_NUMBER, SWEDISH_NUMBER, make_company, make_person

pytestmark = pytest.mark.django_db


def test_swedish_number_is_stored_as_digits_and_shown_with_dash(organisation):
    company = make_company(organisation, organisation_number=SWEDISH_NUMBER)
    assert company.organisation_number == "5560360793"
    assert company.organisation_number_display == "556036-0793"


@pytest.mark.parametrize(
    ("country", "number", "code"),
    [
        ("SE", "556036-0794", "checksum"),  # Luhn fails
        ("SE", "55603607", "format"),
        ("NO", "923609017", "checksum"),  # mod 11 fails
        ("NO", SWEDISH_NUMBER, "format"),  # a Swedish number is not Norwegian
    ],
)
def test_wrong_organisation_numbers_are_field_errors(organisation, country, number, code):
    with pytest.raises(ValidationError) as exc:
        services.company_register(organisation=organisation, country=country, organisation_number=number, name="X")
    assert exc.value.error_dict["organisation_number"][0].code == code
    assert not Company.objects.exists()


def test_norwegian_number_is_accepted(other_organisation):
    company = make_company(other_organisation, country="NO", organisation_number=NORWEGIAN_NUMBER, name="Equinor")
    assert company.organisation_number_display == "923 609 016"


def test_same_number_is_the_same_company_for_a_second_organisation(organisation, other_organisation):
    first = make_company(organisation)
    second, created = services.company_register(
        organisation=other_organisation, country="SE", organisation_number="5560360793", name="Another name"
    )
    assert not created
    assert second.pk == first.pk
    assert second.name == "Fjällbageriet AB"  # the register data is not overwritten
    assert set(second.client_of.all()) == {organisation, other_organisation}
    assert Company.objects.count() == 1


def test_the_first_recorders_audit_log_does_not_learn_of_other_clients(organisation, other_organisation):
    company = make_company(organisation)
    make_company(other_organisation)
    entries = AuditEntry.objects.filter(organisation=organisation)
    assert other_organisation.name not in str(list(entries.values_list("changes", flat=True)))
    assert company.client_of.count() == 2


def test_the_same_number_in_the_other_country_is_another_company(organisation):
    make_company(organisation, organisation_number=NORWEGIAN_NUMBER, country="NO")
    with pytest.raises(ValidationError):  # not a valid Swedish number
        make_company(organisation, organisation_number=NORWEGIAN_NUMBER, country="SE")


def test_founding_year_in_the_future_is_refused(organisation):
    with pytest.raises(ValidationError) as exc:
        make_company(organisation, founding_year=timezone.localdate().year + 1)
    assert "founding_year" in exc.value.message_dict


def test_companies_are_visible_only_to_organisations_that_have_them(organisation, company, adviser, outsider, member):
    assert list(Company.objects.visible_to(adviser)) == [company]
    assert not Company.objects.visible_to(outsider).exists()
    assert not Company.objects.visible_to(member).exists()  # plain members do no casework


def test_people_are_visible_only_to_their_organisation(organisation, person, adviser, outsider, owner):
    assert list(Person.objects.visible_to(adviser)) == [person]
    assert list(Person.objects.visible_to(owner)) == [person]
    assert not Person.objects.visible_to(outsider).exists()


def test_linking_a_person_makes_the_company_a_client(organisation, other_organisation, person, adviser):
    company = make_company(other_organisation)
    assert not Company.objects.visible_to(adviser).exists()
    services.person_link_company(person=person, company=company, role="ceo")
    assert list(Company.objects.visible_to(adviser)) == [company]
    with pytest.raises(ValidationError):
        services.person_link_company(person=person, company=company, role="ceo")


def test_merge_moves_efforts_people_and_referrals_and_is_audited(organisation, other_organisation, adviser):
    keep = make_company(organisation, organisation_number="", name="Fjällbageriet")
    duplicate = make_company(other_organisation, organisation_number=OTHER_SWEDISH_NUMBER, name="Fjällbageriet AB")
    duplicate.client_of.add(organisation)
    person = make_person(organisation)
    services.person_link_company(person=person, company=duplicate, role="owner")
    services.person_link_company(person=person, company=keep, role="owner")  # the same link on both
    services.person_link_company(person=person, company=duplicate, role="ceo")
    effort = services.effort_log(
        organisation=organisation, company=duplicate, given_on=timezone.localdate(), kind="advice"
    )
    referral = services.referral_send(
        from_organisation=organisation, to_organisation=other_organisation, company=duplicate, reason="Finansiering"
    )

    merged = services.company_merge(keep=keep, duplicate=duplicate)

    assert not Company.objects.filter(pk=duplicate.pk).exists()
    assert merged.organisation_number == OTHER_SWEDISH_NUMBER  # the number the duplicate had
    assert Effort.objects.get(pk=effort.pk).company_id == keep.pk
    assert Referral.objects.get(pk=referral.pk).company_id == keep.pk
    assert set(PersonCompany.objects.filter(company=keep).values_list("role", flat=True)) == {"owner", "ceo"}
    assert set(merged.client_of.all()) == {organisation, other_organisation}
    entry = AuditEntry.objects.filter(object_id=str(keep.pk), action="update").first()
    assert entry is not None
    assert "merged_from" in entry.changes
    assert AuditEntry.objects.filter(object_id=str(duplicate.pk), action="delete").exists()


def test_companies_with_different_numbers_are_not_merged(organisation):
    first = make_company(organisation)
    second = make_company(organisation, organisation_number=OTHER_SWEDISH_NUMBER)
    with pytest.raises(ValidationError):
        services.company_merge(keep=first, duplicate=second)
    assert Company.objects.count() == 2


def test_person_personal_data_is_redacted_in_the_audit_log(organisation, person):
    entry = AuditEntry.objects.get(object_id=str(person.pk), action="create", content_type__model="person")
    assert entry.changes["name"] == [None, "•••"]

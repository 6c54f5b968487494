"""Support efforts: who may log what, and the snapshot of demographics and leadership that
later edits never rewrite."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from framja.support import services
from framja.support.models import AgeBand, Effort
from tests.catalogue.conftest import make_offering
from tests.support.conftest import give_demographics, make_company, make_person

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def test_effort_keeps_the_persons_demographics_as_they_were(organisation, person, owner, adviser):
    give_demographics(person, owner, gender="woman", birth_year=1990, foreign_background="yes")
    effort = services.effort_log(organisation=organisation, person=person, given_on=DAY, kind="advice", adviser=adviser)

    services.demographics_record(person=person, by=owner, gender="man", birth_year=1950, foreign_background="no")
    services.consent_withdraw(person=person)

    effort.refresh_from_db()
    assert effort.snapshot_gender == "woman"
    assert effort.snapshot_age_band == AgeBand.FROM_30_TO_49  # 36 in 2026: the band, never the year
    assert effort.snapshot_foreign_background == "yes"
    later = services.effort_log(organisation=organisation, person=person, given_on=DAY, kind="advice")
    assert later.snapshot_gender == ""  # consent withdrawn: nothing to copy


def test_leadership_is_the_ceo_else_the_board_chair(organisation, company, owner):
    chair = make_person(organisation, name="Anna Ordförande")
    give_demographics(chair, owner, gender="woman")
    services.person_link_company(person=chair, company=company, role="board_chair")
    first = services.effort_log(organisation=organisation, company=company, given_on=DAY, kind="advice")
    assert first.snapshot_leader_gender == "woman"
    assert first.snapshot_leadership_team == "women"

    ceo = make_person(organisation, name="Olof VD")
    give_demographics(ceo, owner, gender="man")
    services.person_link_company(person=ceo, company=company, role="ceo")
    second = services.effort_log(organisation=organisation, company=company, given_on=DAY, kind="financing")
    assert second.snapshot_leader_gender == "man"
    assert second.snapshot_leadership_team == "mixed"

    first.refresh_from_db()
    assert first.snapshot_leader_gender == "woman"  # history is not rewritten
    assert first.snapshot_leadership_team == "women"


def test_a_team_of_men_is_men_and_unknown_genders_leave_it_empty(organisation, company, owner):
    unknown = make_person(organisation, name="Utan uppgifter")
    services.person_link_company(person=unknown, company=company, role="founder")
    effort = services.effort_log(organisation=organisation, company=company, given_on=DAY, kind="advice")
    assert (effort.snapshot_leader_gender, effort.snapshot_leadership_team) == ("", "")
    man = make_person(organisation, name="Per Grundare")
    give_demographics(man, owner, gender="man")
    services.person_link_company(person=man, company=company, role="owner")
    effort = services.effort_log(organisation=organisation, company=company, given_on=DAY, kind="advice")
    assert (effort.snapshot_leader_gender, effort.snapshot_leadership_team) == ("", "men")


def test_another_organisations_demographics_are_not_copied(organisation, other_organisation, owner, company):
    person = make_person(organisation)
    give_demographics(person, owner)
    services.person_link_company(person=person, company=company, role="ceo")
    company.client_of.add(other_organisation)
    effort = services.effort_log(organisation=other_organisation, company=company, given_on=DAY, kind="advice")
    assert effort.snapshot_leader_gender == ""  # the consent was given to `organisation`, not to them


def test_effort_records_the_clients_municipality_then(organisation, company):
    effort = services.effort_log(organisation=organisation, company=company, given_on=DAY, kind="advice")
    assert effort.snapshot_municipality == company.municipality


def test_a_company_that_is_not_our_client_is_refused(other_organisation, company):
    with pytest.raises(ValidationError) as exc:
        services.effort_log(organisation=other_organisation, company=company, given_on=DAY, kind="advice")
    assert "company" in exc.value.message_dict
    assert not Effort.objects.exists()


def test_another_organisations_person_is_refused(other_organisation, person):
    with pytest.raises(ValidationError) as exc:
        services.effort_log(organisation=other_organisation, person=person, given_on=DAY, kind="advice")
    assert "person" in exc.value.message_dict


def test_offering_and_adviser_must_be_the_organisations(organisation, other_organisation, company, outsider_adviser):
    foreign_offering = make_offering(other_organisation)
    with pytest.raises(ValidationError) as exc:
        services.effort_log(
            organisation=organisation, company=company, given_on=DAY, kind="advice", offering=foreign_offering
        )
    assert "offering" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.effort_log(
            organisation=organisation, company=company, given_on=DAY, kind="advice", adviser=outsider_adviser
        )
    assert "adviser" in exc.value.message_dict
    own = make_offering(organisation)
    effort = services.effort_log(organisation=organisation, company=company, given_on=DAY, kind="advice", offering=own)
    assert effort.offering == own


def test_amount_needs_a_currency_and_the_date_is_not_in_the_future(organisation, company):
    with pytest.raises(ValidationError) as exc:
        services.effort_log(
            organisation=organisation,
            company=company,
            given_on=timezone.localdate() + timedelta(days=1),
            kind="financing",
            amount=Decimal(100000),
        )
    assert {"currency", "given_on"} <= set(exc.value.message_dict)
    effort = services.effort_log(
        organisation=organisation, company=company, given_on=DAY, kind="financing", amount=100000, currency="EUR"
    )
    assert effort.currency == "EUR"


def test_negative_hours_are_refused(organisation, company):
    with pytest.raises(ValidationError) as exc:
        services.effort_log(organisation=organisation, company=company, given_on=DAY, kind="advice", hours=-1)
    assert "hours" in exc.value.message_dict


def test_update_keeps_client_and_snapshot(organisation, company, owner):
    effort = services.effort_log(organisation=organisation, company=company, given_on=DAY, kind="advice", hours=2)
    services.effort_update(effort=effort, hours=Decimal("3.5"), outcome="Affärsplan klar")
    effort.refresh_from_db()
    assert effort.hours == Decimal("3.5")
    with pytest.raises(ValueError, match="not changeable"):
        services.effort_update(effort=effort, snapshot_gender="man")


def test_efforts_are_visible_to_their_organisations_casework_roles(organisation, company, adviser, member, outsider):
    effort = services.effort_log(organisation=organisation, company=company, given_on=DAY, kind="advice")
    assert list(Effort.objects.visible_to(adviser)) == [effort]
    assert not Effort.objects.visible_to(member).exists()
    assert not Effort.objects.visible_to(outsider).exists()


def test_internal_notes_are_redacted_and_snapshots_absent_in_the_audit_log(organisation, person, owner):
    from framja.audit.models import AuditEntry

    give_demographics(person, owner)
    effort = services.effort_log(
        organisation=organisation, person=person, given_on=DAY, kind="advice", internal_notes="Hemligt"
    )
    entry = AuditEntry.objects.get(content_type__model="effort", object_id=str(effort.pk))
    assert entry.changes["internal_notes"] == [None, "•••"]
    assert not any(name.startswith("snapshot_") for name in entry.changes)


def test_make_company_helper_sanity(organisation):
    assert make_company(organisation).client_of.filter(pk=organisation.pk).exists()

"""Voluntary demographics: only under consent, only for the recording organisation's admins,
every read audited, and withdrawing deletes the values."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from framja.audit.models import AuditEntry
from framja.support import services
from framja.support.models import AgeBand, Consent, Demographics, age_band
from tests.support.conftest import give_demographics

pytestmark = pytest.mark.django_db


def test_demographics_need_a_consent_with_purpose_and_date(person, owner):
    with pytest.raises(ValidationError) as exc:
        services.demographics_record(person=person, by=owner, gender="woman")
    assert {"purpose", "given_on"} <= set(exc.value.message_dict)
    assert not Demographics.objects.exists()
    assert not Consent.objects.exists()


def test_recorded_consent_keeps_who_and_what(person, owner):
    give_demographics(person, owner)
    consent = Consent.objects.get(person=person)
    assert consent.recorded_by == owner
    assert consent.purpose == "Uppföljning av jämlikt stöd"
    assert consent.is_active


def test_a_second_recording_reuses_the_active_consent(person, owner):
    give_demographics(person, owner)
    services.demographics_record(person=person, by=owner, gender="non_binary")
    assert Consent.objects.count() == 1
    assert Demographics.objects.get(person=person).gender == "non_binary"


def test_only_the_recording_organisations_admins_read_demographics(person, owner, adviser, outsider):
    give_demographics(person, owner)
    seen = services.demographics_read(person=person, by=owner)
    assert seen is not None
    assert seen.gender == "woman"
    assert services.demographics_read(person=person, by=adviser) is None
    assert services.demographics_read(person=person, by=outsider) is None


def test_every_read_is_audited_and_refusals_are_not(person, owner, adviser):
    give_demographics(person, owner)
    services.demographics_read(person=person, by=owner)
    services.demographics_read(person=person, by=owner)
    services.demographics_read(person=person, by=adviser)
    reads = AuditEntry.objects.filter(action="read")
    assert reads.count() == 2
    assert {entry.organisation_id for entry in reads} == {person.organisation_id}
    assert all(entry.actor is None or entry.actor == owner for entry in reads)


def test_demographic_values_never_enter_the_audit_log(person, owner):
    give_demographics(person, owner, birth_year=1971)
    entry = AuditEntry.objects.get(content_type__model="demographics", action="create")
    assert "1971" not in str(entry.changes)
    assert "woman" not in str(entry.changes)


def test_withdrawing_deletes_the_values_and_keeps_the_consent_record(person, owner):
    give_demographics(person, owner)
    services.consent_withdraw(person=person)
    assert not Demographics.objects.filter(person=person).exists()
    consent = Consent.objects.get(person=person)
    assert consent.withdrawn_at is not None
    assert services.demographics_read(person=person, by=owner) is None
    with pytest.raises(ValidationError):  # recording again needs a new consent
        services.demographics_record(person=person, by=owner, gender="woman")


def test_birth_year_in_the_future_is_refused(person, owner):
    with pytest.raises(ValidationError) as exc:
        give_demographics(person, owner, birth_year=date.today().year + 1)
    assert "birth_year" in exc.value.message_dict


@pytest.mark.parametrize(
    ("born", "band"),
    [(1997, AgeBand.UNDER_30), (1996, AgeBand.FROM_30_TO_49), (1976, AgeBand.FROM_50_TO_64), (1961, AgeBand.FROM_65)],
)
def test_age_bands(born, band):
    assert age_band(born, date(2026, 6, 1)) == band


def test_foreign_background_help_text_names_the_official_definitions():
    help_text = str(Demographics._meta.get_field("foreign_background").help_text)
    assert "SCB" in help_text
    assert "SSB" in help_text

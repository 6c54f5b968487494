"""A person's own data export and erasure, and the retention job: efforts stay with their
aggregate-only snapshot, the audit log forgets the name, and the job is safe to run twice."""

import json
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from framja.audit.models import AuditEntry
from framja.jobs.services import run_now
from framja.support import services, tasks
from framja.support.models import Consent, Demographics, Effort, Person, PersonCompany, Referral
from tests.support.conftest import give_demographics, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(organisation, other_organisation, company, person, owner):
    """Karin Berg: CEO of the company, with demographics, an effort and a referral."""
    services.person_link_company(person=person, company=company, role="ceo")
    give_demographics(person, owner, birth_year=1980)
    effort = services.effort_log(
        organisation=organisation, person=person, company=company, given_on=date(2026, 2, 3), kind="advice"
    )
    referral = services.referral_send(
        from_organisation=organisation, to_organisation=other_organisation, person=person, reason="Export"
    )
    return person, effort, referral


def _url(name, organisation, person):
    return reverse(name, args=[organisation.slug, person.pk])


def test_export_holds_everything_about_the_person(owner_client, organisation, known):
    person, _effort, _referral = known
    response = owner_client.get(_url("support-person-export", organisation, person))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["name"] == "Karin Berg"
    assert data["companies"] == [
        {"name": "Fjällbageriet AB", "country": "SE", "organisation_number": "5560360793", "role": "ceo"}
    ]
    assert data["demographics"] == {"gender": "woman", "birth_year": 1980, "foreign_background": "no"}
    assert data["consents"][0]["purpose"] == "Uppföljning av jämlikt stöd"
    assert [e["kind"] for e in data["efforts"]] == ["advice"]
    assert [r["reason"] for r in data["referrals"]] == ["Export"]


def test_export_is_audited_as_a_read(owner_client, owner, organisation, known):
    person, _effort, _referral = known
    owner_client.get(_url("support-person-export", organisation, person))
    assert AuditEntry.objects.filter(action="read", actor=owner, object_id=str(person.pk)).exists()


def test_export_and_erase_are_for_administrators_only(adviser_client, outsider_client, organisation, known):
    person, _effort, _referral = known
    for client in (adviser_client, outsider_client):
        assert client.get(_url("support-person-export", organisation, person)).status_code == 404
        assert client.get(_url("support-person-erase", organisation, person)).status_code == 404
        assert client.post(_url("support-person-erase", organisation, person)).status_code == 404
    assert Person.objects.filter(pk=person.pk).exists()


def test_erase_keeps_the_efforts_and_their_snapshot(owner_client, organisation, known):
    person, effort, referral = known
    assert owner_client.get(_url("support-person-erase", organisation, person)).status_code == 200
    response = owner_client.post(_url("support-person-erase", organisation, person))
    assert response["Location"] == reverse("support-clients", args=[organisation.slug])
    assert not Person.objects.exists()
    assert not Demographics.objects.exists()
    assert not Consent.objects.exists()
    assert not PersonCompany.objects.exists()
    effort.refresh_from_db()
    assert effort.person_id is None
    assert (effort.snapshot_gender, effort.snapshot_age_band) == ("woman", "30_49")
    assert Referral.objects.get(pk=referral.pk).person_id is None


def test_after_erasure_the_audit_log_does_not_name_the_person(organisation, known, owner):
    person, _effort, _referral = known
    services.person_update(person=person, email="karin@example.org")
    assert AuditEntry.objects.filter(object_repr__contains="Karin Berg").exists()
    services.person_erase(person=person)
    assert not AuditEntry.objects.filter(object_repr__contains="Karin Berg").exists()
    for entry in AuditEntry.objects.all():
        text = json.dumps([entry.object_repr, entry.object_repr_translations, entry.changes], ensure_ascii=False)
        assert "Karin" not in text, entry
        assert "karin@example.org" not in text, entry
    person_type = ContentType.objects.get_for_model(Person)
    assert AuditEntry.objects.filter(content_type=person_type, action="delete").exists()  # who erased, when


def test_retention_anonymises_people_not_used_for_the_period(settings, organisation, company, person):
    settings.FRAMJA_SUPPORT_RETENTION_MONTHS = 36
    old = timezone.now() - timedelta(days=4 * 365)
    active = make_person(organisation, name="Aktiv Person")
    Person.objects.filter(pk__in=[person.pk, active.pk]).update(created_at=old, updated_at=old)
    services.effort_log(organisation=organisation, person=active, given_on=timezone.localdate(), kind="advice")
    recent = make_person(organisation, name="Ny Person")
    assert set(services.people_past_retention()) == {person}
    assert run_now(tasks.anonymise_past_retention) == 1
    assert set(Person.objects.all()) == {active, recent}
    assert run_now(tasks.anonymise_past_retention) == 0  # nothing left: safe to run again


def test_an_old_effort_does_not_keep_a_person(settings, organisation, person):
    old = timezone.now() - timedelta(days=4 * 365)
    effort = services.effort_log(organisation=organisation, person=person, given_on=old.date(), kind="advice")
    Effort.objects.filter(pk=effort.pk).update(updated_at=old)
    Person.objects.filter(pk=person.pk).update(created_at=old, updated_at=old)
    assert services.retention_anonymise() == 1
    assert Effort.objects.get().person_id is None


def test_the_retention_period_is_a_setting(settings, organisation, person):
    Person.objects.filter(pk=person.pk).update(
        created_at=timezone.now() - timedelta(days=70), updated_at=timezone.now() - timedelta(days=70)
    )
    assert services.retention_anonymise() == 0
    settings.FRAMJA_SUPPORT_RETENTION_MONTHS = 2
    assert services.retention_anonymise() == 1


def test_the_job_is_scheduled_daily():
    assert ("support-retention", tasks.anonymise_past_retention, 24 * 60 * 60) in tasks.SCHEDULE


def test_the_person_page_offers_export_and_erasure_to_admins(owner_client, adviser_client, organisation, person):
    url = _url("support-person-detail", organisation, person)
    assert _url("support-person-export", organisation, person) in owner_client.get(url).content.decode()
    assert _url("support-person-export", organisation, person) not in adviser_client.get(url).content.decode()


def test_the_management_command_runs_the_job(organisation, person):
    from io import StringIO

    from django.core.management import call_command

    old = timezone.now() - timedelta(days=4 * 365)
    Person.objects.filter(pk=person.pk).update(created_at=old, updated_at=old)
    out = StringIO()
    call_command("support_retention", stdout=out)
    assert out.getvalue().strip() == "1 people erased"
    assert not Person.objects.exists()

"""Referrals between organisations: sent with an e-mail to the receiver, answered, turned into
an effort, and the chain per client."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from framja.notifications.models import OutboundEmail
from framja.support import services
from framja.support.models import Company, Person, Referral, ReferralStatus
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(organisation, other_organisation, company, adviser, outsider):
    return services.referral_send(
        from_organisation=organisation,
        to_organisation=other_organisation,
        company=company,
        reason="Behöver lån",
        by=adviser,
    )


def test_sending_tells_the_receivers_casework_staff_without_naming_the_client(
    organisation, other_organisation, company, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_send(
            from_organisation=organisation, to_organisation=other_organisation, company=company, reason="Behöver lån"
        )
    emails = OutboundEmail.objects.all()
    assert [e.to for e in emails] == [outsider.email]
    assert "Almi Mitt" in emails[0].subject
    assert company.name not in emails[0].body
    assert "/workspace/" in emails[0].body
    assert len(mail.outbox) == 1  # sent once the transaction committed


def test_mail_goes_to_the_organisation_address_when_nobody_works_there(organisation, company):
    empty = OrganisationFactory.create(name="Tom organisation", email="kontakt@example.org")
    services.referral_send(from_organisation=organisation, to_organisation=empty, company=company, reason="Export")
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == ["kontakt@example.org"]


def test_a_failed_referral_sends_no_mail(organisation, other_organisation, company):
    with pytest.raises(ValidationError) as exc:
        services.referral_send(
            from_organisation=organisation, to_organisation=other_organisation, company=company, reason=" "
        )
    assert "reason" in exc.value.message_dict
    assert not OutboundEmail.objects.exists()
    assert not Referral.objects.exists()


def test_only_own_clients_can_be_referred_and_not_to_oneself(organisation, other_organisation, company):
    stranger = Person.objects.create(organisation=other_organisation, name="Främling")
    with pytest.raises(ValidationError) as exc:
        services.referral_send(
            from_organisation=organisation, to_organisation=organisation, person=stranger, reason="Hjälp"
        )
    assert {"person", "to_organisation"} <= set(exc.value.message_dict)


def test_receiver_sees_the_referral_and_the_referred_person(organisation, other_organisation, person, outsider):
    assert not Person.objects.visible_to(outsider).exists()
    services.referral_send(
        from_organisation=organisation, to_organisation=other_organisation, person=person, reason="Lån"
    )
    assert list(Person.objects.visible_to(outsider)) == [person]
    assert Referral.objects.visible_to(outsider).count() == 1


def test_accepting_makes_the_company_the_receivers_client(referral, outsider):
    assert not Company.objects.visible_to(outsider).exists()
    answered = services.referral_answer(referral=referral, by=outsider, accept=True)
    assert answered.status == ReferralStatus.ACCEPTED
    assert answered.accepted_at is not None
    assert list(Company.objects.visible_to(outsider)) == [referral.company]
    with pytest.raises(ValidationError):
        services.referral_answer(referral=referral, by=outsider, accept=False, answer="Ångrar")


def test_declining_needs_a_reason_and_the_sender_sees_it(referral, outsider, adviser):
    with pytest.raises(ValidationError) as exc:
        services.referral_answer(referral=referral, by=outsider, accept=False)
    assert "answer" in exc.value.message_dict
    services.referral_answer(referral=referral, by=outsider, accept=False, answer="Vi har inga lån just nu")
    seen = Referral.objects.visible_to(adviser).get(pk=referral.pk)
    assert seen.status == ReferralStatus.DECLINED
    assert seen.answer == "Vi har inga lån just nu"
    assert seen.declined_at is not None


def test_an_effort_from_a_referral_completes_it(referral, other_organisation, outsider):
    effort = services.effort_log(
        organisation=other_organisation, referral=referral, given_on=date(2026, 3, 1), kind="financing"
    )
    assert effort.company == referral.company
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.accepted_at is not None
    assert referral.completed_at is not None
    assert list(referral.efforts.all()) == [effort]


def test_a_declined_referral_cannot_become_an_effort(referral, other_organisation, outsider):
    services.referral_answer(referral=referral, by=outsider, accept=False, answer="Nej")
    with pytest.raises(ValidationError):
        services.effort_log(
            organisation=other_organisation, referral=referral, given_on=date(2026, 3, 1), kind="advice"
        )


def test_only_the_receiver_turns_a_referral_into_an_effort(referral, organisation):
    with pytest.raises(ValidationError) as exc:
        services.effort_log(organisation=organisation, referral=referral, given_on=date(2026, 3, 1), kind="advice")
    assert "referral" in exc.value.message_dict


def test_completing_an_accepted_referral(referral, outsider):
    with pytest.raises(ValidationError):
        services.referral_complete(referral=referral, by=outsider)
    services.referral_answer(referral=referral, by=outsider, accept=True)
    done = services.referral_complete(referral=referral, by=outsider, answer="Klart")
    assert done.status == ReferralStatus.COMPLETED


def test_chain_per_client_in_order(referral, organisation, other_organisation, company, outsider):
    third = OrganisationFactory.create(name="Coompanion")
    services.referral_answer(referral=referral, by=outsider, accept=True)
    onward = services.referral_send(
        from_organisation=other_organisation, to_organisation=third, company=company, reason="Kooperativ"
    )
    assert list(Referral.objects.chain_for(company=company)) == [referral, onward]
    assert list(Referral.objects.to_answer().received_by(third)) == [onward]

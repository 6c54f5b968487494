"""The catalogue's scheduled jobs: offerings due for review are flagged to their owners once per
review period, and everyone registered gets exactly one reminder the day before the event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from framja.accounts.models import Role
from framja.catalogue import services, tasks
from framja.catalogue.models import RegistrationMode
from framja.jobs.models import Job
from framja.jobs.services import enqueue, run_now, schedule
from framja.notifications.models import OutboundEmail
from tests.catalogue.conftest import make_event, make_offering
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _mail_to(address: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=address).order_by("pk"))


@pytest.fixture
def owner_adviser(organisation):
    user = UserFactory.create(username="owner-adviser", email="radgivare@example.org", preferred_language="sv")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.ADVISER)
    return user


def test_both_jobs_are_on_the_schedule_as_retried_jobs():
    entries = {entry.name: entry for entry in schedule()}
    assert entries["catalogue-review-flags"].task is tasks.flag_offerings_for_review
    assert entries["catalogue-event-reminders"].task is tasks.send_event_reminders
    enqueue(tasks.send_event_reminders)
    assert Job.objects.filter(name__endswith="send_event_reminders", max_attempts=3).exists()


def test_offering_not_reviewed_for_a_year_is_flagged_to_its_owners_once(organisation, owner_adviser):
    member = UserFactory.create(username="plain-member", email="medlem@example.org")
    MembershipFactory.create(user=member, organisation=organisation, role=Role.MEMBER)
    stale = make_offering(organisation, last_reviewed_on=timezone.localdate() - timedelta(days=400))
    make_offering(organisation, name_sv="Nyss granskad", last_reviewed_on=timezone.localdate())

    assert services.flag_offerings_for_review() == 1
    assert services.flag_offerings_for_review() == 0  # the next day's run: same period, no new mail
    mails = _mail_to(owner_adviser.email)
    assert len(mails) == 1
    assert stale.name_sv in mails[0].subject
    assert f"/catalogue/manage/{organisation.slug}/offerings/{stale.pk}/" in mails[0].body
    assert _mail_to(member.email) == []


def test_a_review_starts_a_new_period_and_a_new_flag_a_year_later(organisation, owner_adviser):
    offering = make_offering(organisation, last_reviewed_on=timezone.localdate() - timedelta(days=400))
    assert services.flag_offerings_for_review() == 1
    offering.last_reviewed_on = timezone.localdate()
    offering.save()
    assert services.flag_offerings_for_review() == 0  # reviewed: not due
    next_year = timezone.now() + timedelta(days=366)
    assert services.flag_offerings_for_review(now=next_year) == 1
    assert services.flag_offerings_for_review(now=next_year) == 0
    assert len(_mail_to(owner_adviser.email)) == 2


def test_organisation_without_editors_gets_the_flag_at_its_own_address(organisation):
    organisation.email = "info@almi.example"
    organisation.save()
    make_offering(organisation, last_reviewed_on=timezone.localdate() - timedelta(days=400))
    run_now(tasks.flag_offerings_for_review)
    assert len(_mail_to("info@almi.example")) == 1


def _tomorrow_event(organisation, **fields):
    soon = timezone.now() + timedelta(hours=20)
    return make_event(
        organisation,
        start=soon,
        end=soon + timedelta(hours=1),
        registration_mode=RegistrationMode.BUILT_IN,
        capacity=1,
        **fields,
    )


def _register(event, n):
    registration, _ = services.register(event=event, name=f"Person {n}", email=f"p{n}@example.org", language="sv")
    return registration


def test_every_registration_gets_exactly_one_reminder_even_when_it_came_late(organisation):
    event = _tomorrow_event(organisation)
    first = _register(event, 1)
    waiting = _register(event, 2)  # capacity 1: on the waiting list, not reminded
    far = make_event(organisation, registration_mode=RegistrationMode.BUILT_IN, capacity=5)  # in three days
    _register(far, 3)
    OutboundEmail.objects.all().delete()

    assert services.send_event_reminders() == 1
    assert services.send_event_reminders() == 0
    assert len(_mail_to(first.email)) == 1
    assert _mail_to(waiting.email) == []

    services.registration_cancel(registration=first)  # the waiting person moves up ...
    OutboundEmail.objects.all().delete()
    assert services.send_event_reminders() == 1  # ... and is reminded too, once
    assert services.send_event_reminders() == 0
    assert [m.subject for m in _mail_to(waiting.email) if "Påminnelse" in m.subject]
    assert _mail_to(first.email) == []
    assert _mail_to("p3@example.org") == []

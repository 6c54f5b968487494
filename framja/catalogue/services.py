"""Writes of the catalogue: offerings, events, registrations and the waiting list.

Every function is keyword-only and atomic. E-mail goes through the notifications outbox inside
the same transaction. Places are handed out under a row lock on the event
(`select_for_update`), so two people can never take the last place, and a cancellation moves
exactly one person up from the waiting list.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from framja.accounts.models import Membership, Organisation, Role
from framja.catalogue.models import (
    ContactRequest,
    Event,
    EventStatus,
    Offering,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from framja.notifications.services import queue_templated_email

#: Who is told that an offering is due for review (the roles that may edit offerings).
REVIEW_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.ADVISER)

OFFERING_M2M = ("sni_sections", "sni_divisions", "area_counties", "area_municipalities")
EVENT_M2M = ("co_organisers", "offerings")


def _apply(obj: Any, fields: dict[str, Any], m2m_names: Iterable[str]) -> dict[str, Any]:
    m2m = {name: fields.pop(name) for name in list(fields) if name in m2m_names}
    for name, value in fields.items():
        setattr(obj, name, value)
    return m2m


@transaction.atomic
def offering_save(*, organisation: Organisation, offering: Offering | None = None, **fields: Any) -> Offering:
    """Create or change an offering; validation errors are field errors and nothing is written."""
    offering = offering or Offering(organisation=organisation)
    offering.organisation = organisation
    m2m = _apply(offering, fields, OFFERING_M2M)
    offering.full_clean()
    offering.save()
    for name, value in m2m.items():
        getattr(offering, name).set(value)
    return offering


@transaction.atomic
def offering_mark_reviewed(*, offering: Offering, on: datetime | None = None) -> Offering:
    offering.last_reviewed_on = (on or timezone.now()).date()
    offering.save(update_fields=["last_reviewed_on", "updated_at"])
    return offering


@transaction.atomic
def event_save(*, organiser: Organisation, event: Event | None = None, **fields: Any) -> Event:
    """Create or change an event. Every change of an existing event raises its SEQUENCE."""
    creating = event is None
    event = event or Event(organiser=organiser)
    event.organiser = organiser
    m2m = _apply(event, fields, EVENT_M2M)
    event.full_clean()
    if not creating:
        event.sequence = F("sequence") + 1
    event.save()
    event.refresh_from_db(fields=["sequence"])
    for name, value in m2m.items():
        if name == "co_organisers":  # the organiser is not its own co-organiser
            value = [v for v in value if getattr(v, "pk", v) != organiser.pk]
        getattr(event, name).set(value)
    if not creating and event.registration_mode == RegistrationMode.BUILT_IN:
        _fill_from_waiting_list(event)
    return event


@transaction.atomic
def event_cancel(*, event: Event) -> Event:
    """Cancel the event (STATUS:CANCELLED in the feeds) and tell everyone registered, by e-mail."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status == EventStatus.CANCELLED:
        return locked
    Event.objects.filter(pk=locked.pk).update(
        status=EventStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    locked.refresh_from_db()
    for registration in locked.registrations.open():
        queue_templated_email(
            to=registration.email,
            template="catalogue_event_cancelled",
            context={"event": locked, "registration": registration},
            language=registration.language,
        )
    return locked


def _places_left(event: Event) -> int:
    return max((event.capacity or 0) - event.registrations.confirmed().count(), 0)


@transaction.atomic
def register(
    *, event: Event, name: str, email: str, organisation_name: str = "", language: str = ""
) -> tuple[Registration, str]:
    """Take a place, or a place on the waiting list when the event is full. Returns the row and
    the raw cancellation token (only ever sent in the e-mail and shown once)."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.registration_mode != RegistrationMode.BUILT_IN:
        raise ValidationError({"event": ValidationError(_("This event has no registration here."), code="conflict")})
    if locked.is_cancelled:
        raise ValidationError({"event": ValidationError(_("The event is cancelled."), code="conflict")})
    if locked.series_end is not None and locked.series_end < timezone.now():
        raise ValidationError({"event": ValidationError(_("The event is over."), code="conflict")})
    email = email.strip()
    if locked.registrations.open().filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": ValidationError(_("This address is already registered for the event."), code="unique")}
        )
    status = RegistrationStatus.CONFIRMED if _places_left(locked) > 0 else RegistrationStatus.WAITING
    raw, token_hash = Registration.new_token()
    registration = Registration(
        event=locked,
        name=name.strip(),
        email=email,
        organisation_name=organisation_name.strip(),
        language=language[:5],
        status=status,
        token_hash=token_hash,
    )
    registration.full_clean(exclude=["token_hash"], validate_constraints=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:  # a concurrent registration with the same address won
        raise ValidationError(
            {"email": ValidationError(_("This address is already registered for the event."), code="unique")}
        ) from exc
    queue_templated_email(
        to=email,
        template="catalogue_registered",
        context={"event": locked, "registration": registration, "token": raw},
        language=registration.language,
    )
    return registration, raw


def _fill_from_waiting_list(event: Event) -> list[Registration]:
    """Move people up, oldest first, while places are free. Caller holds the event's lock."""
    promoted = []
    free = _places_left(event)
    for registration in list(event.registrations.waiting()[:free] if free else []):
        updated = Registration.objects.filter(pk=registration.pk, status=RegistrationStatus.WAITING).update(
            status=RegistrationStatus.CONFIRMED, promoted_at=timezone.now()
        )
        if not updated:
            continue
        registration.refresh_from_db()
        promoted.append(registration)
        queue_templated_email(
            to=registration.email,
            template="catalogue_promoted",
            context={"event": event, "registration": registration},
            language=registration.language,
        )
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel a registration (the participant's private link, or the organiser) and move the
    waiting list up. Returns the registrations that got a place."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    updated = (
        Registration.objects.filter(pk=registration.pk)
        .exclude(status=RegistrationStatus.CANCELLED)
        .update(status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now())
    )
    registration.refresh_from_db()
    if not updated or event.is_cancelled:
        return []
    return _fill_from_waiting_list(event)


# --- Plain functions for the scheduled jobs (the jobs themselves arrive with issue 8) ---


def send_event_reminders(*, now: datetime | None = None) -> int:
    """E-mail everyone confirmed for an event starting within a day, exactly once per registration:
    each registration is claimed (reminder_sent_at) in the transaction that queues its e-mail, so
    a re-run or a second worker sends nothing twice and a late registration still gets its own."""
    now = now or timezone.now()
    sent = 0
    due = (
        Registration.objects.confirmed()
        .filter(event__in=Event.objects.needing_reminder(now), reminder_sent_at=None)
        .select_related("event")
        .order_by("pk")
    )
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=registration.pk, reminder_sent_at=None).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            event = registration.event
            queue_templated_email(
                to=registration.email,
                template="catalogue_reminder",
                context={"event": event, "registration": registration},
                language=registration.language,
            )
            Event.objects.filter(pk=event.pk, reminder_sent_at=None).update(reminder_sent_at=now)
            sent += 1
    return sent


def offerings_due_for_review(*, now: datetime | None = None) -> dict[int, list[Offering]]:
    """Offerings due for review grouped by organisation id (what the review job flags to owners)."""
    grouped: dict[int, list[Offering]] = {}
    for offering in Offering.objects.due_for_review(now).select_related("organisation"):
        grouped.setdefault(offering.organisation_id, []).append(offering)
    return grouped


def _review_recipients(organisation: Organisation) -> list[tuple[str, str]]:
    """(e-mail, language) of the people who keep the organisation's offerings up to date: its
    administrators, coordinators and advisers; the organisation's own address if it has none."""
    people = (
        Membership.objects.filter(organisation=organisation, role__in=REVIEW_ROLES, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", "user__preferred_language")
        .order_by("user__email")
    )
    found = list(dict.fromkeys(people))
    if not found and organisation.email:
        found = [(organisation.email, "")]
    return found


def flag_offerings_for_review(*, now: datetime | None = None) -> int:
    """Tell the owners of each offering not reviewed for REVIEW_INTERVAL, once per review period:
    the offering is claimed (review_flagged_on) in the transaction that queues the e-mails, and a
    review (last_reviewed_on) starts a new period. Returns the number of offerings flagged."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    flagged = 0
    due = Offering.objects.due_for_review(now).not_flagged_this_period().select_related("organisation").order_by("pk")
    for offering in due:
        with transaction.atomic():
            claimed = Offering.objects.filter(pk=offering.pk).not_flagged_this_period().update(review_flagged_on=today)
            if not claimed:
                continue
            for email, language in _review_recipients(offering.organisation):
                queue_templated_email(
                    to=email,
                    template="catalogue_review_due",
                    context={"offering": offering, "organisation": offering.organisation},
                    language=language,
                )
            flagged += 1
    return flagged


@transaction.atomic
def contact_request_answered(*, contact_request: ContactRequest, now: datetime | None = None) -> bool:
    """Mark a contact request answered (it leaves the workspace). False if it already was."""
    done = ContactRequest.objects.filter(pk=contact_request.pk, answered_at=None).update(
        answered_at=now or timezone.now()
    )
    return bool(done)


@transaction.atomic
def contact_request_send(
    *,
    organisation: Organisation,
    name: str,
    email: str,
    need: str,
    consent: bool,
    offering: Offering | None = None,
    municipality: Any = None,
    stage: str = "",
    language: str = "",
) -> ContactRequest:
    """Store a need sent from the front door to one organisation, tell the organisation and send
    the person a receipt."""
    if not consent:
        raise ValidationError({"consent": _("Without your consent we cannot pass your request on.")})
    if offering is not None and offering.organisation_id != organisation.pk:
        raise ValidationError({"offering": _("The offering belongs to another organisation.")})
    request = ContactRequest(
        organisation=organisation,
        offering=offering,
        name=name.strip(),
        email=email.strip(),
        need=need.strip(),
        municipality=municipality,
        stage=stage,
        language=language[:5],
        consent=True,
    )
    request.full_clean()
    request.save()
    context = {"contact": request, "organisation": organisation}
    queue_templated_email(to=request.email, template="catalogue_contact_receipt", context=context, language=language)
    if organisation.email:
        queue_templated_email(to=organisation.email, template="catalogue_contact_new", context=context)
    return request

"""Writes of the support log: clients, demographics under consent, efforts and referrals.

Every function is keyword-only and atomic; validation errors are field errors and nothing is
written. Mail goes through the notifications outbox inside the same transaction. Reads of
demographic data go through `demographics_read`, which audits them. Access is checked by the
callers (views and API) through the querysets' `visible_to`; these functions check what holds
whoever calls them (an offering of the providing organisation, a client the organisation has).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from framja.accounts.models import CASEWORK_ROLES, Membership, Organisation, User
from framja.accounts.validators import clean_organisation_number
from framja.audit import registry as audit
from framja.catalogue import services as catalogue_services
from framja.catalogue.models import ContactRequest
from framja.notifications.services import queue_templated_email
from framja.support import rollup
from framja.support.models import (
    Company,
    CompanyRole,
    Consent,
    Demographics,
    Effort,
    EffortKind,
    Gender,
    LeadershipTeam,
    Person,
    PersonCompany,
    Referral,
    ReferralStatus,
)

#: Audit action for a read of demographic data (framja.audit's AuditEntry.Action.READ).
READ = "read"


# --------------------------------------------------------------------------- companies


@transaction.atomic
def company_register(*, organisation: Organisation, **fields: Any) -> tuple[Company, bool]:
    """Make the company a client of the organisation. A company with the same country and
    organisation number is the same company: the existing row is returned (created False) and
    its register data is left as it is; otherwise a new row is created (created True)."""
    country = fields.get("country") or "SE"
    number = clean_organisation_number(fields.get("organisation_number") or "")
    if number:
        existing = Company.objects.select_for_update().filter(country=country, organisation_number=number).first()
        if existing is not None:
            existing.client_of.add(organisation)
            return existing, False
    company = Company(recorded_by=organisation, **fields)
    company.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as exc:  # registered at the same moment by another organisation
        raise ValidationError(
            {
                "organisation_number": ValidationError(
                    _("A company with this organisation number is already registered."), code="unique"
                )
            }
        ) from exc
    company.client_of.add(organisation)
    return company, True


@transaction.atomic
def company_update(*, company: Company, **fields: Any) -> Company:
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def company_merge(*, keep: Company, duplicate: Company) -> Company:
    """Merge `duplicate` into `keep`: its efforts, people, referrals and client relations move
    to `keep`, the merge is audited on `keep`, and the duplicate is deleted (also audited)."""
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": ValidationError(_("A company cannot be merged with itself."), code="same")})
    if keep.country != duplicate.country or (
        keep.organisation_number
        and duplicate.organisation_number
        and keep.organisation_number != duplicate.organisation_number
    ):
        raise ValidationError(
            {
                "duplicate": ValidationError(
                    _("Companies with different organisation numbers are not duplicates."), code="different"
                )
            }
        )
    locked = {c.pk: c for c in Company.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])}
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    moved_efforts = Effort.objects.filter(company=duplicate).update(company=keep)
    rollup.recount(clients=[keep.pk * 2, duplicate.pk * 2])  # the duplicate's clientless efforts are keep's
    moved_referrals = Referral.objects.filter(company=duplicate).update(company=keep)
    kept_roles = set(PersonCompany.objects.filter(company=keep).values_list("person_id", "role"))
    moved_roles = 0
    for link in PersonCompany.objects.filter(company=duplicate):
        if (link.person_id, link.role) in kept_roles:
            continue
        PersonCompany.objects.filter(pk=link.pk).update(company=keep)
        moved_roles += 1
    keep.client_of.add(*duplicate.client_of.all())
    changes: dict[str, list[Any]] = {"merged_from": [None, f"{duplicate.name} ({duplicate.pk})"]}
    if not keep.organisation_number and duplicate.organisation_number:
        number = duplicate.organisation_number
        changes["organisation_number"] = ["", number]
        duplicate.organisation_number = ""  # free the number before `keep` takes it
        Company.objects.filter(pk=duplicate.pk).update(organisation_number="")
        Company.objects.filter(pk=keep.pk).update(organisation_number=number)
        keep.organisation_number = number
    changes["moved"] = [None, f"efforts {moved_efforts}, referrals {moved_referrals}, roles {moved_roles}"]
    audit.record(keep, "update", changes, organisation_id=keep.recorded_by_id)
    duplicate.delete()
    return keep


# --------------------------------------------------------------------------- people


@transaction.atomic
def person_create(*, organisation: Organisation, **fields: Any) -> Person:
    person = Person(organisation=organisation, **fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, **fields: Any) -> Person:
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_link_company(*, person: Person, company: Company, role: str) -> PersonCompany:
    """Link the person to the company with a role; the company becomes a client of the
    person's organisation."""
    link = PersonCompany(person=person, company=company, role=role)
    link.full_clean()
    link.save()
    company.client_of.add(person.organisation_id)
    return link


# --------------------------------------------------------------------------- demographics


@transaction.atomic
def demographics_record(
    *,
    person: Person,
    by: User | None,
    gender: str = "",
    birth_year: int | None = None,
    foreign_background: str = "",
    purpose: str = "",
    given_on: date | None = None,
) -> Demographics:
    """Record (or change) the person's self-declared demographics. Without an active consent a
    new one is recorded, which needs its purpose and date."""
    consent = person.consents.active().order_by("-given_on", "-pk").first()
    if consent is None:
        errors: dict[str, ValidationError] = {}
        if not purpose.strip():
            errors["purpose"] = ValidationError(_("Say what the person consented to."), code="required")
        if given_on is None:
            errors["given_on"] = ValidationError(_("Give the date of the consent."), code="required")
        elif given_on > timezone.localdate():
            errors["given_on"] = ValidationError(_("The consent date lies in the future."), code="future")
        if errors or given_on is None:
            raise ValidationError(errors)
        consent = Consent(person=person, purpose=purpose.strip(), given_on=given_on, recorded_by=by)
        consent.full_clean()
        consent.save()
    demographics = Demographics.objects.filter(person=person).first() or Demographics(person=person)
    demographics.consent = consent
    demographics.gender = gender
    demographics.birth_year = birth_year
    demographics.foreign_background = foreign_background
    demographics.full_clean()
    demographics.save()
    return demographics


@transaction.atomic
def consent_withdraw(*, person: Person, now: datetime | None = None) -> int:
    """Withdraw the person's consent: the demographic values are deleted at once, the consent
    stays as the record of its withdrawal. Efforts keep their snapshots (statistics already
    given). Returns the number of consents withdrawn."""
    Demographics.objects.filter(person=person).delete()
    withdrawn = 0
    for consent in person.consents.active():
        consent.withdrawn_at = now or timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        withdrawn += 1
    return withdrawn


def demographics_read(*, person: Person, by: Any) -> Demographics | None:
    """The person's demographics for someone allowed to see them (None otherwise, or if there
    are none); every read that returns data is written to the audit log in its own transaction."""
    if not person.demographics_visible_to(by):
        return None
    demographics = Demographics.objects.select_related("consent").filter(person=person).first()
    if demographics is not None:
        with transaction.atomic():
            audit.record(demographics, READ, {}, organisation_id=person.organisation_id)
    return demographics


# --------------------------------------------------------------------------- efforts


@dataclass(frozen=True)
class Leadership:
    """A company's leadership as it is now, as the effort's snapshot keeps it."""

    leader_gender: str = ""
    team: str = ""


def leadership_of(company: Company, organisation: Organisation | int) -> Leadership:
    """The gender of the highest-ranked leader (CEO, otherwise board chair) and the team
    (women / men / mixed) from the people the organisation recorded with consented
    demographics; unknown ("") where nobody's gender is stated."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    rows = list(
        PersonCompany.objects.filter(
            company=company, person__organisation_id=org_id, person__demographics__isnull=False
        ).values_list("role", "person__demographics__gender")
    )
    stated = {Gender.WOMAN, Gender.MAN, Gender.NON_BINARY}
    leader = ""
    for role in (CompanyRole.CEO, CompanyRole.BOARD_CHAIR):
        genders = [g for r, g in rows if r == role and g]
        if genders:
            leader = genders[0]
            break
    team_genders = {g for _r, g in rows if g in stated}
    if not team_genders:
        team = ""
    elif team_genders == {Gender.WOMAN}:
        team = LeadershipTeam.WOMEN
    elif team_genders == {Gender.MAN}:
        team = LeadershipTeam.MEN
    elif len(team_genders) > 1:
        team = LeadershipTeam.MIXED
    else:  # only non-binary leaders: neither a women's nor a men's team, and not a mix
        team = ""
    return Leadership(leader_gender=leader, team=team)


def _client_error(message: str) -> ValidationError:
    return ValidationError({"company": ValidationError(message, code="invalid")})


def _check_client(organisation: Organisation, company: Company | None, person: Person | None, referral: Any) -> None:
    if company is None and person is None:
        raise _client_error(_("Name the client: a company or a person."))
    if company is not None and not Company.objects.clients_of(organisation).filter(pk=company.pk).exists():
        raise _client_error(_("The company is not a client of your organisation."))
    if person is not None and person.organisation_id != organisation.pk:
        referred = referral is not None and referral.person_id == person.pk
        if not referred:
            raise ValidationError({"person": ValidationError(_("The person is not your client."), code="invalid")})


@transaction.atomic
def effort_log(
    *,
    organisation: Organisation,
    given_on: date,
    kind: str,
    company: Company | None = None,
    person: Person | None = None,
    offering: Any = None,
    adviser: User | None = None,
    hours: Decimal | int = 0,
    amount: Decimal | int | None = None,
    currency: str = "",
    outcome: str = "",
    internal_notes: str = "",
    referral: Referral | None = None,
    contact_request: ContactRequest | None = None,
    follow_up_on: date | None = None,
) -> Effort:
    """Log an effort given by the organisation, with the snapshot of the client's demographics
    (only those the organisation itself recorded under consent) and the company's leadership
    as they are now. An effort made from a referral completes the referral."""
    if referral is not None:
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.to_organisation_id != organisation.pk:
            raise ValidationError({"referral": ValidationError(_("The referral was sent to another organisation."))})
        if referral.status == ReferralStatus.DECLINED:
            raise ValidationError({"referral": ValidationError(_("The referral was declined."), code="declined")})
        if company is None and person is None:
            company, person = referral.company, referral.person
        if referral.company_id is not None:
            referral.company.client_of.add(organisation)  # type: ignore[union-attr]
    _check_client(organisation, company, person, referral)
    if offering is not None and offering.organisation_id != organisation.pk:
        raise ValidationError({"offering": ValidationError(_("The offering belongs to another organisation."))})
    if (
        adviser is not None
        and not Membership.objects.filter(user=adviser, organisation=organisation, role__in=CASEWORK_ROLES).exists()
    ):
        raise ValidationError({"adviser": ValidationError(_("The adviser does not work for your organisation."))})
    effort = Effort(
        organisation=organisation,
        company=company,
        person=person,
        offering=offering,
        adviser=adviser,
        given_on=given_on,
        hours=hours,
        amount=amount,
        currency=currency,
        kind=kind,
        outcome=outcome.strip(),
        internal_notes=internal_notes.strip(),
        referral=referral,
        contact_request=contact_request,
        follow_up_on=follow_up_on,
    )
    _snapshot(effort)
    effort.full_clean()
    effort.save()
    rollup.recount(clients=rollup.clients_of(Effort.objects.filter(pk=effort.pk)))
    if referral is not None and referral.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        now = timezone.now()
        referral.accepted_at = referral.accepted_at or now
        referral.completed_at = now
        referral.status = ReferralStatus.COMPLETED
        referral.save(update_fields=["status", "accepted_at", "completed_at"])
    return effort


def _snapshot(effort: Effort) -> None:
    """Copy the client's demographics and leadership into the effort, once."""
    person, company = effort.person, effort.company
    if person is not None and person.organisation_id == effort.organisation_id:
        demographics = Demographics.objects.filter(person=person, consent__withdrawn_at=None).first()
        if demographics is not None:
            effort.snapshot_gender = demographics.gender
            effort.snapshot_age_band = demographics.age_band_on(effort.given_on)
            effort.snapshot_foreign_background = demographics.foreign_background
    if company is not None:
        leadership = leadership_of(company, effort.organisation_id)
        effort.snapshot_leader_gender = leadership.leader_gender
        effort.snapshot_leadership_team = leadership.team
    effort.snapshot_municipality_id = (
        company.municipality_id if company is not None else person.municipality_id if person is not None else None
    )


@transaction.atomic
def effort_update(*, effort: Effort, **fields: Any) -> Effort:
    """Change what was done (date, hours, amount, kind, outcome, notes); the client and the
    snapshot stay as they were logged."""
    forbidden = {"organisation", "company", "person", "referral", *Effort.SNAPSHOT_FIELDS} & set(fields)
    if forbidden:
        raise ValueError(f"not changeable: {sorted(forbidden)}")
    offering = fields.get("offering")
    if offering is not None and offering.organisation_id != effort.organisation_id:
        raise ValidationError({"offering": ValidationError(_("The offering belongs to another organisation."))})
    for name, value in fields.items():
        setattr(effort, name, value)
    effort.full_clean()
    effort.save()
    rollup.recount(clients=rollup.clients_of(Effort.objects.filter(pk=effort.pk)))
    return effort


# --------------------------------------------------------------------------- referrals


def _casework_recipients(organisation: Organisation) -> list[tuple[str, str]]:
    """(e-mail, language) of the people who work the organisation's cases; the organisation's
    own address if there are none."""
    people = (
        Membership.objects.filter(organisation=organisation, role__in=CASEWORK_ROLES, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", "user__preferred_language")
        .order_by("user__email")
    )
    found = list(dict.fromkeys(people))
    if not found and organisation.email:
        found = [(organisation.email, "")]
    return found


@transaction.atomic
def referral_send(
    *,
    from_organisation: Organisation,
    to_organisation: Organisation,
    reason: str,
    by: User | None = None,
    company: Company | None = None,
    person: Person | None = None,
) -> Referral:
    """Refer a client of `from_organisation` to `to_organisation`; its casework staff are told
    by e-mail (without the client's name: the mail says only that a referral waits)."""
    errors: dict[str, ValidationError] = {}
    if company is None and person is None:
        errors["company"] = ValidationError(_("Name the client: a company or a person."), code="required")
    if company is not None and not Company.objects.clients_of(from_organisation).filter(pk=company.pk).exists():
        errors["company"] = ValidationError(_("The company is not a client of your organisation."), code="invalid")
    if person is not None and person.organisation_id != from_organisation.pk:
        errors["person"] = ValidationError(_("The person is not your client."), code="invalid")
    if to_organisation.pk == from_organisation.pk:
        errors["to_organisation"] = ValidationError(_("Refer the client to another organisation."), code="same")
    elif not to_organisation.is_active:
        errors["to_organisation"] = ValidationError(_("This organisation is not active."), code="inactive")
    if not reason.strip():
        errors["reason"] = ValidationError(_("Say why you refer the client."), code="required")
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        company=company,
        person=person,
        reason=reason.strip(),
        sent_by=by,
    )
    referral.full_clean()
    referral.save()
    for email, language in _casework_recipients(to_organisation):
        queue_templated_email(
            to=email,
            template="support_referral_new",
            context={"referral": referral, "from_organisation": from_organisation, "to_organisation": to_organisation},
            language=language,
        )
    return referral


@transaction.atomic
def referral_answer(*, referral: Referral, by: User | None, accept: bool, answer: str = "") -> Referral:
    """The receiving organisation accepts or declines a referral it has not yet answered. An
    accepted referral about a company makes the company the receiver's client."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.SENT:
        raise ValidationError(
            {"status": ValidationError(_("The referral has already been answered."), code="answered")}
        )
    if not accept and not answer.strip():
        raise ValidationError({"answer": ValidationError(_("Say why you decline."), code="required")})
    now = timezone.now()
    locked.answered_by = by
    locked.answer = answer.strip()
    if accept:
        locked.status, locked.accepted_at = ReferralStatus.ACCEPTED, now
        if locked.company is not None:
            locked.company.client_of.add(locked.to_organisation_id)
    else:
        locked.status, locked.declined_at = ReferralStatus.DECLINED, now
    locked.save(update_fields=["status", "accepted_at", "declined_at", "answered_by", "answer"])
    return locked


@transaction.atomic
def referral_complete(*, referral: Referral, by: User | None, answer: str = "") -> Referral:
    """Mark an accepted referral done without logging an effort here."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.ACCEPTED:
        raise ValidationError({"status": ValidationError(_("Only an accepted referral can be completed."))})
    locked.status, locked.completed_at = ReferralStatus.COMPLETED, timezone.now()
    if answer.strip():
        locked.answer = answer.strip()
    locked.answered_by = locked.answered_by or by
    locked.save(update_fields=["status", "completed_at", "answer", "answered_by"])
    return locked


# --------------------------------------------------------------------------- pages' composite writes


@transaction.atomic
def person_record(
    *,
    organisation: Organisation,
    person: Person | None = None,
    company: Company | None = None,
    role: str = "",
    **fields: Any,
) -> Person:
    """Create (person None) or change a client person of the organisation and, with a company
    and a role, link them to it; all or nothing."""
    if company is not None and not Company.objects.clients_of(organisation).filter(pk=company.pk).exists():
        raise _client_error(_("The company is not a client of your organisation."))
    if person is None:
        person = person_create(organisation=organisation, **fields)
    else:
        person = person_update(person=person, **fields)
    if company is not None and role:
        if PersonCompany.objects.filter(person=person, company=company, role=role).exists():
            return person  # already linked so: a repeated form is no error
        person_link_company(person=person, company=company, role=role)
    return person


# --------------------------------------------------------------------------- contact requests


@dataclass(frozen=True)
class Registered:
    """What a contact request became: the client person (and company) and the first effort."""

    person: Person | None
    company: Company | None
    effort: Effort
    created: bool


def _works_for(user: User | None, organisation: Organisation) -> bool:
    return (
        user is not None
        and Membership.objects.filter(user=user, organisation=organisation, role__in=CASEWORK_ROLES).exists()
    )


@transaction.atomic
def contact_request_register(
    *,
    contact_request: ContactRequest,
    by: User | None,
    company_name: str = "",
    country: str = "SE",
    organisation_number: str = "",
    role: str = "",
) -> Registered:
    """Turn a contact request from the front door into a client and a first effort in one step:
    the person (found by e-mail among the organisation's clients, else recorded), optionally
    their company (found by organisation number, else registered) with their role, and an
    advice effort dated today by the acting adviser, for the offering the request named. The
    request is marked answered. A second call returns what the first made (created False)."""
    locked = (
        ContactRequest.objects.select_for_update(of=("self",)).select_related("offering").get(pk=contact_request.pk)
    )
    done = Effort.objects.filter(contact_request=locked).select_related("person", "company").first()
    if done is not None:
        return Registered(person=done.person, company=done.company, effort=done, created=False)
    organisation = Organisation.objects.get(pk=locked.organisation_id)
    person = Person.objects.of_organisation(organisation).filter(email__iexact=locked.email).order_by("pk").first()
    if person is None:
        person = person_create(
            organisation=organisation,
            name=locked.name,
            email=locked.email,
            municipality=locked.municipality,
            plans_company=locked.stage == "idea",
        )
    company = None
    if company_name.strip() or organisation_number.strip():
        municipality = locked.municipality
        try:
            company, _created = company_register(
                organisation=organisation,
                country=country,
                organisation_number=organisation_number,
                name=company_name.strip(),
                municipality=municipality if municipality is not None and municipality.country == country else None,
            )
        except ValidationError as exc:
            raise ValidationError(
                {("company_name" if name == "name" else name): errors for name, errors in exc.message_dict.items()}
            ) from exc
        if role and not PersonCompany.objects.filter(person=person, company=company, role=role).exists():
            person_link_company(person=person, company=company, role=role)
    offering = locked.offering if locked.offering and locked.offering.organisation_id == organisation.pk else None
    effort = effort_log(
        organisation=organisation,
        given_on=timezone.localdate(),
        kind=EffortKind.ADVICE,
        company=company,
        person=person,
        offering=offering,
        adviser=by if _works_for(by, organisation) else None,
        internal_notes=locked.need,
        contact_request=locked,
    )
    catalogue_services.contact_request_answered(contact_request=locked)
    return Registered(person=person, company=company, effort=effort, created=True)


# --------------------------------------------------------------------------- privacy


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def person_export(*, person: Person, by: Any) -> dict[str, Any]:
    """The person's own data (GDPR art. 15 and 20) as JSON-ready data: the person, their
    companies and roles, consents, their demographics (the one place they leave per person),
    and the efforts and referrals about them that the recording organisation keeps or took part
    in. For the recording organisation's administrators (the caller checks); the export is
    written to the audit log as a read of sensitive data."""
    organisation_id = person.organisation_id
    demographics = Demographics.objects.filter(person=person).first()
    efforts = (
        Effort.objects.filter(person=person, organisation_id=organisation_id)
        .select_related("organisation", "company", "offering")
        .order_by("given_on", "pk")
    )
    referrals = (
        Referral.objects.filter(person=person)
        .filter(Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id))
        .select_related("from_organisation", "to_organisation")
        .order_by("sent_at", "pk")
    )
    data = {
        "exported_at": _iso(timezone.now()),
        "person": {
            "name": person.name,
            "email": person.email,
            "phone": person.phone,
            "municipality": person.municipality.name if person.municipality_id and person.municipality else "",
            "plans_company": person.plans_company,
            "recorded_by": person.organisation.name,
            "created_at": _iso(person.created_at),
            "updated_at": _iso(person.updated_at),
        },
        "companies": [
            {
                "name": link.company.name,
                "country": link.company.country,
                "organisation_number": link.company.organisation_number,
                "role": link.role,
            }
            for link in person.roles.select_related("company").order_by("company__name", "role")
        ],
        "consents": [
            {
                "purpose": consent.purpose,
                "given_on": _iso(consent.given_on),
                "recorded_at": _iso(consent.recorded_at),
                "withdrawn_at": _iso(consent.withdrawn_at),
            }
            for consent in person.consents.order_by("given_on", "pk")
        ],
        "demographics": {
            "gender": demographics.gender,
            "birth_year": demographics.birth_year,
            "foreign_background": demographics.foreign_background,
        }
        if demographics is not None
        else None,
        "efforts": [
            {
                "organisation": effort.organisation.name,
                "given_on": _iso(effort.given_on),
                "kind": effort.kind,
                "company": effort.company.name if effort.company else None,
                "offering": effort.offering.name if effort.offering else None,
                "hours": str(effort.hours),
                "amount": str(effort.amount) if effort.amount is not None else None,
                "currency": effort.currency,
                "outcome": effort.outcome,
                "internal_notes": effort.internal_notes,
            }
            for effort in efforts
        ],
        "referrals": [
            {
                "from": referral.from_organisation.name,
                "to": referral.to_organisation.name,
                "sent_at": _iso(referral.sent_at),
                "status": referral.status,
                "reason": referral.reason,
                "answer": referral.answer,
            }
            for referral in referrals
        ],
    }
    with transaction.atomic():
        audit.record(person, READ, {"export": [None, "json"]}, organisation_id=organisation_id)
    return data


@transaction.atomic
def person_erase(*, person: Person) -> None:
    """Erase the person (GDPR art. 17): they, their roles, consents and demographics are
    deleted; their efforts and referrals stay without the link to them, so the efforts'
    snapshots (aggregate data: gender, age band, background, no name) keep published statistics
    as they were. The audit log keeps who did what when but no longer the person's name."""
    locked = Person.objects.select_for_update().filter(pk=person.pk).first()
    if locked is None:  # erased meanwhile
        return
    effort_ids = list(Effort.objects.filter(person=locked).values_list("pk", flat=True))
    referral_ids = list(Referral.objects.filter(person=locked).values_list("pk", flat=True))
    link_ids = list(PersonCompany.objects.filter(person=locked).values_list("pk", flat=True))
    consent_ids = list(Consent.objects.filter(person=locked).values_list("pk", flat=True))
    demographics_ids = list(Demographics.objects.filter(person=locked).values_list("pk", flat=True))
    person_id = locked.pk
    Effort.objects.filter(pk__in=effort_ids).update(person=None)
    # The efforts now count for their company, or each for itself: the statistics keep them.
    rollup.recount(clients={person_id * 2 + 1, *rollup.clients_of(Effort.objects.filter(pk__in=effort_ids))})
    Referral.objects.filter(pk__in=referral_ids).update(person=None)
    locked.delete()  # roles, consents and demographics go with the person (audited)
    audit.redact_entries(Person, [person_id], fields=("name", "email", "phone"))
    audit.redact_entries(PersonCompany, link_ids, fields=("person",))
    audit.redact_entries(Consent, consent_ids, fields=("person", "purpose"))
    audit.redact_entries(Demographics, demographics_ids, fields=("person", "consent"))
    audit.redact_entries(Effort, effort_ids, fields=("person",), name=False)
    audit.redact_entries(Referral, referral_ids, fields=("person",))


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def people_past_retention(*, now: datetime | None = None) -> Any:
    """Client people with no effort, referral or change of their own within the retention
    period (FRAMJA_SUPPORT_RETENTION_MONTHS)."""
    now = now or timezone.now()
    cutoff_day = _months_before(timezone.localdate(now), settings.FRAMJA_SUPPORT_RETENTION_MONTHS)
    cutoff = now - (timezone.localdate(now) - cutoff_day)
    recent_effort = Effort.objects.filter(person=OuterRef("pk")).filter(
        Q(given_on__gte=cutoff_day) | Q(updated_at__gte=cutoff)
    )
    recent_referral = Referral.objects.filter(person=OuterRef("pk")).filter(
        Q(sent_at__gte=cutoff) | Q(accepted_at__gte=cutoff) | Q(declined_at__gte=cutoff) | Q(completed_at__gte=cutoff)
    )
    return (
        Person.objects.filter(updated_at__lt=cutoff, created_at__lt=cutoff)
        .exclude(Exists(recent_effort))
        .exclude(Exists(recent_referral))
        .exclude(Exists(Demographics.objects.filter(person=OuterRef("pk"), updated_at__gte=cutoff)))
    )


def retention_anonymise(*, now: datetime | None = None) -> int:
    """Erase every client person past the retention period, each in its own transaction (a
    failure leaves the others done); safe to run again: an erased person is gone."""
    erased = 0
    for pk in list(people_past_retention(now=now).values_list("pk", flat=True)):
        with transaction.atomic():
            person = people_past_retention(now=now).select_for_update().filter(pk=pk).first()
            if person is None:  # used again, or erased, meanwhile
                continue
            person_erase(person=person)
            erased += 1
    return erased

"""API of the support log (/api/v1/support/...): clients, people, efforts and referrals.

The same rules as the pages: the casework roles (adviser, coordinator, administrator) of an
organisation see and write its clients, efforts and referrals; demographics are recorded by the
administrators of the person's organisation and never read back here (only on the pages, where
every read is audited). Anything not visible is a 404. Every write is one atomic service call.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from framja.accounts.api import MAX_ID, resolve_municipalities
from framja.accounts.models import CASEWORK_ROLES, Organisation, User
from framja.accounts.permissions import has_any_role, require
from framja.catalogue.models import ContactRequest
from framja.idempotency import api as idempotency
from framja.idempotency.services import KeyReusedError
from framja.pagination import BoundedPagination
from framja.places.models import SniCode
from framja.support import services
from framja.support.models import Company, Effort, Person, Referral, offerings_of
from framja.support.schemas import (
    ClientPersonOut,
    CompanyFilter,
    CompanyIn,
    CompanyMergeIn,
    CompanyOut,
    CompanyUpdateIn,
    ContactRegisterIn,
    DemographicsIn,
    EffortFilter,
    EffortIn,
    EffortOut,
    PersonFilter,
    PersonIn,
    PersonRoleIn,
    PersonUpdateIn,
    ReferralAnswerIn,
    ReferralFilter,
    ReferralIn,
    ReferralOut,
    RegisteredOut,
)

router = Router(tags=["support"])


def _organisation(ref: str) -> Organisation:
    if ref.isdigit() and len(ref) <= 18:
        return get_object_or_404(Organisation, pk=int(ref))
    return get_object_or_404(Organisation, slug=ref[:80])


def _casework(request: HttpRequest, ref: str) -> Organisation:
    """The organisation, if the caller works its cases (404 otherwise)."""
    organisation = _organisation(ref)
    require(has_any_role(request.user, organisation, CASEWORK_ROLES))
    return organisation


def _municipality(code: str, field: str) -> Any:
    return resolve_municipalities([code], field=field)[0] if code.strip() else None


def _sni(code: str) -> SniCode | None:
    code = code.replace(".", "").strip()
    if not code:
        return None
    found = SniCode.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({"sni_code": _("Unknown SNI code.")})
    return found


def _companies(request: HttpRequest) -> Any:
    return Company.objects.visible_to(request.user).select_related("sni_code", "municipality__county")


def _people(request: HttpRequest) -> Any:
    return (
        Person.objects.visible_to(request.user)
        .select_related("organisation", "municipality__county")
        .prefetch_related("roles__company")
    )


def _efforts(request: HttpRequest) -> Any:
    return Effort.objects.visible_to(request.user).select_related("organisation", "company", "person")


def _referrals(request: HttpRequest) -> Any:
    return Referral.objects.visible_to(request.user).select_related(
        "from_organisation", "to_organisation", "company", "person"
    )


def _once(request: HttpRequest, status: int, build: Callable[[], dict[str, Any]]) -> HttpResponse:
    """Do a create once per `Idempotency-Key` (optional): a retry with the same key and body gets
    the first answer and writes nothing. `build` writes and returns the answer's body, inside
    the transaction that also stores it."""
    attempt = idempotency.attempt(request, caller=f"user:{request.user.pk}")
    if attempt is not None and attempt.replay is not None:
        return idempotency.answer(*attempt.replay)
    try:
        with transaction.atomic():
            body = build()
            idempotency.finish(attempt, status=status, body=body)
    except KeyReusedError as exc:
        raise idempotency.conflict() from exc
    return idempotency.answer(status, body)


def _company_fields(data: dict[str, Any]) -> dict[str, Any]:
    data["municipality"] = _municipality(data["municipality"], "municipality")
    data["sni_code"] = _sni(data["sni_code"])
    data["legal_form"] = data["legal_form"] or ""
    return data


def _client_company(request: HttpRequest, company_id: int) -> Company:
    """A company one of the caller's organisations has as a client (or any, for staff)."""
    return get_object_or_404(Company.objects.visible_to(request.user), pk=company_id)


def _admin_person(request: HttpRequest, person_id: int) -> Person:
    """A person whose recording organisation's administrators include the caller (404 otherwise)."""
    person = get_object_or_404(Person.objects.select_related("organisation", "municipality"), pk=person_id)
    require(person.demographics_visible_to(request.user))
    return person


# --- companies ---------------------------------------------------------------------------------


@router.get("/companies", response=list[CompanyOut], summary="Client companies you may see")
@paginate(BoundedPagination)
def company_list(request: HttpRequest, filters: Query[CompanyFilter]) -> Any:
    companies = _companies(request)
    if filters.organisation:
        companies = companies.clients_of(_casework(request, filters.organisation))
    if filters.q:
        text = filters.q.strip()
        digits = text.replace("-", "").replace(" ", "")
        match = Q(name__icontains=text)
        if digits.isascii() and digits.isdigit():
            match |= Q(organisation_number__startswith=digits)
        companies = companies.filter(match)
    return companies.order_by("pk")


@router.get("/companies/{company_id}", response=CompanyOut)
def company_detail(request: HttpRequest, company_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return get_object_or_404(_companies(request), pk=company_id)


@router.post(
    "/companies", response={201: CompanyOut}, summary="Register a client company (or add an existing one by number)"
)
def company_create(request: HttpRequest, payload: CompanyIn) -> Any:
    organisation = _casework(request, payload.organisation)
    data = payload.dict()
    data.pop("organisation")
    company, _created = services.company_register(organisation=organisation, **_company_fields(data))
    return Status(201, _companies(request).get(pk=company.pk))


@router.put("/companies/{company_id}", response=CompanyOut, summary="Replace a client company's register data")
def company_update(request: HttpRequest, payload: CompanyUpdateIn, company_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    company = _client_company(request, company_id)
    data = _company_fields(payload.dict())
    services.company_update(company=company, **data)
    return _companies(request).get(pk=company.pk)


@router.post(
    "/companies/{company_id}/merge",
    response=CompanyOut,
    summary="Merge a duplicate into this company (both clients of the organisation; audited)",
)
def company_merge(request: HttpRequest, payload: CompanyMergeIn, company_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    organisation = _casework(request, payload.organisation)
    keep = get_object_or_404(Company.objects.clients_of(organisation), pk=company_id)
    unknown = _("Not found, or not visible to you.")
    duplicate = _pick(Company.objects.clients_of(organisation), payload.duplicate, "duplicate", unknown)
    services.company_merge(keep=keep, duplicate=duplicate)
    return _companies(request).get(pk=keep.pk)


# --- people ------------------------------------------------------------------------------------


@router.get("/people", response=list[ClientPersonOut], summary="Client people you may see")
@paginate(BoundedPagination)
def person_list(request: HttpRequest, filters: Query[PersonFilter]) -> Any:
    people = _people(request)
    if filters.organisation:
        people = people.of_organisation(_casework(request, filters.organisation))
    return people.order_by("pk")


@router.get("/people/{person_id}", response=ClientPersonOut)
def person_detail(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return get_object_or_404(_people(request), pk=person_id)


@router.post("/people", response={201: ClientPersonOut}, summary="Record a client person")
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    """Send an `Idempotency-Key` header to retry safely: a retry records no second person."""
    organisation = _casework(request, payload.organisation)
    data = payload.dict()
    data.pop("organisation")
    data["municipality"] = _municipality(data["municipality"], "municipality")

    def build() -> dict[str, Any]:
        person = services.person_create(organisation=organisation, **data)
        return ClientPersonOut.from_orm(_people(request).get(pk=person.pk)).model_dump(mode="json")

    return _once(request, 201, build)


@router.put("/people/{person_id}", response=ClientPersonOut, summary="Replace a client person's details")
def person_update(request: HttpRequest, payload: PersonUpdateIn, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    person = _own_person(request, person_id)
    data = payload.dict()
    data["municipality"] = _municipality(data["municipality"], "municipality")
    services.person_update(person=person, **data)
    return _people(request).get(pk=person.pk)


@router.get(
    "/people/{person_id}/export",
    response=dict[str, Any],
    summary="The person's own data export (administrators; audited)",
)
def person_export(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Everything about the person, demographics included: for handing to the person (GDPR art.
    15 and 20). Only here and on the page do demographics leave per person."""
    return services.person_export(person=_admin_person(request, person_id), by=request.user)


@router.delete(
    "/people/{person_id}",
    response={204: None},
    summary="Erase the person (administrators); their efforts stay, anonymised",
)
def person_erase(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    services.person_erase(person=_admin_person(request, person_id))
    return Status(204, None)


def _own_person(request: HttpRequest, person_id: int) -> Person:
    """A person of an organisation whose cases the caller works (not one only referred to it)."""
    person = get_object_or_404(Person, pk=person_id)
    require(has_any_role(request.user, person.organisation_id, CASEWORK_ROLES))
    return person


@router.post("/people/{person_id}/companies", response={201: ClientPersonOut}, summary="Link a person to a company")
def person_link(request: HttpRequest, payload: PersonRoleIn, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    person = _own_person(request, person_id)
    company = Company.objects.visible_to(request.user).filter(pk=payload.company).first()
    if company is None:
        raise ValidationError({"company": _("No client company has this id.")})
    services.person_link_company(person=person, company=company, role=payload.role)
    return Status(201, _people(request).get(pk=person.pk))


@router.put(
    "/people/{person_id}/demographics",
    response={204: None},
    summary="Record self-declared demographics under consent (administrators)",
)
def demographics_put(request: HttpRequest, payload: DemographicsIn, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    person = get_object_or_404(Person, pk=person_id)
    require(person.demographics_visible_to(request.user))
    user = request.user
    assert isinstance(user, User)
    services.demographics_record(
        person=person,
        by=user,
        gender=payload.gender or "",
        birth_year=payload.birth_year,
        foreign_background=payload.foreign_background or "",
        purpose=payload.purpose,
        given_on=payload.consent_given_on,
    )
    return Status(204, None)


@router.post(
    "/people/{person_id}/consent/withdraw",
    response={204: None},
    summary="Withdraw the consent: the demographics are deleted (administrators)",
)
def consent_withdraw(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    person = get_object_or_404(Person, pk=person_id)
    require(person.demographics_visible_to(request.user))
    services.consent_withdraw(person=person)
    return Status(204, None)


# --- efforts -----------------------------------------------------------------------------------


@router.get("/efforts", response=list[EffortOut], summary="Efforts of your organisations")
@paginate(BoundedPagination)
def effort_list(request: HttpRequest, filters: Query[EffortFilter]) -> Any:
    efforts = _efforts(request)
    if filters.organisation:
        efforts = efforts.of_organisation(_casework(request, filters.organisation))
    if filters.company:
        efforts = efforts.filter(company_id=filters.company)
    if filters.person:
        efforts = efforts.filter(person_id=filters.person)
    if filters.follow_up_due:
        efforts = efforts.follow_up_due(timezone.localdate())
    return efforts.order_by("-given_on", "-pk")


@router.get("/efforts/{effort_id}", response=EffortOut)
def effort_detail(request: HttpRequest, effort_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return get_object_or_404(_efforts(request), pk=effort_id)


def _pick(queryset: Any, pk: int | None, field: str, message: str) -> Any:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: message})
    return found


@router.post("/efforts", response={201: EffortOut}, summary="Log an effort (also as the answer to a referral)")
def effort_create(request: HttpRequest, payload: EffortIn) -> Any:
    """Send an `Idempotency-Key` header to retry safely: a retry logs no second effort."""
    organisation = _casework(request, payload.organisation)
    unknown = _("Not found, or not visible to you.")
    fields = {
        "organisation": organisation,
        "company": _pick(Company.objects.visible_to(request.user), payload.company, "company", unknown),
        "person": _pick(Person.objects.visible_to(request.user), payload.person, "person", unknown),
        "referral": _pick(Referral.objects.received_by(organisation), payload.referral, "referral", unknown),
        "offering": _pick(offerings_of(organisation), payload.offering, "offering", unknown),
        "adviser": _pick(User.objects.all(), payload.adviser, "adviser", unknown),
        "given_on": payload.given_on,
        "hours": Decimal(str(round(payload.hours, 2))),
        "amount": payload.amount,
        "currency": payload.currency or "",
        "kind": payload.kind,
        "outcome": payload.outcome,
        "internal_notes": payload.internal_notes,
        "follow_up_on": payload.follow_up_on,
    }

    def build() -> dict[str, Any]:
        effort = services.effort_log(**fields)
        return EffortOut.from_orm(_efforts(request).get(pk=effort.pk)).model_dump(mode="json")

    return _once(request, 201, build)


# --- referrals ---------------------------------------------------------------------------------


@router.get("/referrals", response=list[ReferralOut], summary="Referrals sent by or to your organisations")
@paginate(BoundedPagination)
def referral_list(request: HttpRequest, filters: Query[ReferralFilter]) -> Any:
    referrals = _referrals(request)
    if filters.organisation:
        organisation = _casework(request, filters.organisation)
        referrals = referrals.filter(Q(from_organisation=organisation) | Q(to_organisation=organisation))
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.company:
        referrals = referrals.filter(company_id=filters.company)
    return referrals.order_by("sent_at", "pk")


@router.get("/referrals/{referral_id}", response=ReferralOut)
def referral_detail(request: HttpRequest, referral_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return get_object_or_404(_referrals(request), pk=referral_id)


@router.post("/referrals", response={201: ReferralOut}, summary="Refer a client to another organisation")
def referral_create(request: HttpRequest, payload: ReferralIn) -> Any:
    """Send an `Idempotency-Key` header to retry safely: a retry sends no second referral."""
    sender = _casework(request, payload.from_organisation)
    receiver = _organisation(payload.to_organisation)
    unknown = _("Not found, or not visible to you.")
    user = request.user
    company = _pick(Company.objects.clients_of(sender), payload.company, "company", unknown)
    person = _pick(Person.objects.of_organisation(sender), payload.person, "person", unknown)

    def build() -> dict[str, Any]:
        referral = services.referral_send(
            from_organisation=sender,
            to_organisation=receiver,
            company=company,
            person=person,
            reason=payload.reason,
            by=user if isinstance(user, User) else None,
        )
        return ReferralOut.from_orm(_referrals(request).get(pk=referral.pk)).model_dump(mode="json")

    return _once(request, 201, build)


@router.post("/referrals/{referral_id}/answer", response=ReferralOut, summary="Accept or decline (the receiver)")
def referral_answer(
    request: HttpRequest, payload: ReferralAnswerIn, referral_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    referral = get_object_or_404(_referrals(request), pk=referral_id)
    require(has_any_role(request.user, referral.to_organisation_id, CASEWORK_ROLES))
    user = request.user
    services.referral_answer(
        referral=referral, by=user if isinstance(user, User) else None, accept=payload.accept, answer=payload.answer
    )
    return _referrals(request).get(pk=referral.pk)


# --- contact requests --------------------------------------------------------------------------


@router.post(
    "/contact-requests/{contact_request_id}/register",
    response=RegisteredOut,
    summary="Make a contact request a client with a first effort (once; a retry returns the same)",
)
def contact_request_register(
    request: HttpRequest, payload: ContactRegisterIn, contact_request_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    contact = get_object_or_404(ContactRequest, pk=contact_request_id)
    require(has_any_role(request.user, contact.organisation_id, CASEWORK_ROLES))
    user = request.user
    return services.contact_request_register(
        contact_request=contact,
        by=user if isinstance(user, User) else None,
        company_name=payload.company_name,
        country=payload.country,
        organisation_number=payload.organisation_number,
        role=payload.role or "",
    )

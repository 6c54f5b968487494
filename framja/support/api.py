"""API of the support log (/api/v1/support/...): clients, people, efforts and referrals.

The same rules as the pages: the casework roles (adviser, coordinator, administrator) of an
organisation see and write its clients, efforts and referrals; demographics are recorded by the
administrators of the person's organisation and never read back here (only on the pages, where
every read is audited). Anything not visible is a 404. Every write is one atomic service call.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from framja.accounts.api import MAX_ID, resolve_municipalities
from framja.accounts.models import CASEWORK_ROLES, Organisation, User
from framja.accounts.permissions import has_any_role, require
from framja.pagination import BoundedPagination
from framja.places.models import SniCode
from framja.support import services
from framja.support.models import Company, Effort, Person, Referral, offerings_of
from framja.support.schemas import (
    ClientPersonOut,
    CompanyFilter,
    CompanyIn,
    CompanyOut,
    DemographicsIn,
    EffortFilter,
    EffortIn,
    EffortOut,
    PersonFilter,
    PersonIn,
    PersonRoleIn,
    ReferralAnswerIn,
    ReferralFilter,
    ReferralIn,
    ReferralOut,
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
    data["municipality"] = _municipality(data["municipality"], "municipality")
    data["sni_code"] = _sni(data["sni_code"])
    data["legal_form"] = data["legal_form"] or ""
    company, _created = services.company_register(organisation=organisation, **data)
    return Status(201, _companies(request).get(pk=company.pk))


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
    organisation = _casework(request, payload.organisation)
    data = payload.dict()
    data.pop("organisation")
    data["municipality"] = _municipality(data["municipality"], "municipality")
    person = services.person_create(organisation=organisation, **data)
    return Status(201, _people(request).get(pk=person.pk))


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
    organisation = _casework(request, payload.organisation)
    unknown = _("Not found, or not visible to you.")
    effort = services.effort_log(
        organisation=organisation,
        company=_pick(Company.objects.visible_to(request.user), payload.company, "company", unknown),
        person=_pick(Person.objects.visible_to(request.user), payload.person, "person", unknown),
        referral=_pick(Referral.objects.received_by(organisation), payload.referral, "referral", unknown),
        offering=_pick(offerings_of(organisation), payload.offering, "offering", unknown),
        adviser=_pick(User.objects.all(), payload.adviser, "adviser", unknown),
        given_on=payload.given_on,
        hours=Decimal(str(round(payload.hours, 2))),
        amount=payload.amount,
        currency=payload.currency or "",
        kind=payload.kind,
        outcome=payload.outcome,
        internal_notes=payload.internal_notes,
    )
    return Status(201, _efforts(request).get(pk=effort.pk))


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
    sender = _casework(request, payload.from_organisation)
    receiver = _organisation(payload.to_organisation)
    unknown = _("Not found, or not visible to you.")
    user = request.user
    referral = services.referral_send(
        from_organisation=sender,
        to_organisation=receiver,
        company=_pick(Company.objects.clients_of(sender), payload.company, "company", unknown),
        person=_pick(Person.objects.of_organisation(sender), payload.person, "person", unknown),
        reason=payload.reason,
        by=user if isinstance(user, User) else None,
    )
    return Status(201, _referrals(request).get(pk=referral.pk))


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

"""API of accounts: the signed-in person, organisations, members, invitations and API tokens.

Organisations are public directory entries: anyone may list and read active ones (a request
with a bad token still gets 401). Everything else needs a token or a session. Objects a
person may not see answer 404, exactly like objects that do not exist.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from framja.accounts import services
from framja.accounts.auth import optional_auth, session_auth
from framja.accounts.converters import database_id
from framja.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from framja.accounts.permissions import can_manage, can_view_members, require
from framja.accounts.schemas import (
    ClaimRejectIn,
    InvitationIn,
    InvitationOut,
    MembershipOut,
    MeOut,
    NewTokenOut,
    OrganisationFilter,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    RoleIn,
    TokenIn,
    TokenOut,
)
from framja.audit.api import AuditFilter, AuditListFilter, filter_entries
from framja.audit.models import AuditEntry
from framja.audit.schemas import AuditEntryOut
from framja.pagination import BoundedPagination
from framja.places.models import Municipality

router = Router(tags=["accounts"])

#: Ids in paths are database ids: larger numbers cannot exist (and would overflow SQLite).
MAX_ID = 2**63 - 1
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
_CODE = re.compile(r"^(?:(SE|NO) *[-:]? *)?([0-9]{4})$")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _organisation(ref: str, *, full: bool = False) -> Organisation:
    """An organisation by id ("12") or short name ("almi-mitt"); anything else is simply not found.

    `full` loads what OrganisationOut shows (municipality, municipalities served).
    """
    pk = database_id(ref)
    if pk is not None:
        lookup: dict[str, Any] = {"pk": pk}
    elif _SLUG.match(ref):
        lookup = {"slug": ref}
    else:
        raise Http404
    queryset = Organisation.objects.all()
    if full:
        queryset = queryset.select_related("municipality", "verified_municipality").prefetch_related(
            "serves", "verified_serves"
        )
    return get_object_or_404(queryset, **lookup)


def resolve_municipalities(codes: Iterable[str], *, field: str) -> list[Municipality]:
    """Municipalities named by "2380", "SE-2380" or "NO-5001", in one query; 422 for unknown or ambiguous codes."""
    parsed: list[tuple[str | None, str]] = []
    errors: list[str] = []
    for raw in codes:
        match = _CODE.match(raw.strip().upper())
        if match is None:
            errors.append(
                _("“%(code)s” is not a municipality code such as 2380, SE-2380 or NO-5001.") % {"code": raw[:20]}
            )
            continue
        parsed.append((match[1], match[2]))
    candidates: dict[str, list[Municipality]] = defaultdict(list)
    for municipality in Municipality.objects.filter(code__in={code for _country, code in parsed}):
        candidates[municipality.code].append(municipality)
    found: list[Municipality] = []
    for country, code in parsed:
        matches = [m for m in candidates[code] if country is None or m.country == country]
        if not matches:
            errors.append(
                _("No municipality has the code %(code)s.") % {"code": f"{country}-{code}" if country else code}
            )
        elif len(matches) > 1:
            errors.append(
                _("The code %(code)s is used in both Sweden and Norway: write SE-%(code)s or NO-%(code)s.")
                % {"code": code}
            )
        elif matches[0] not in found:
            found.append(matches[0])
    if errors:
        raise ValidationError({field: errors})
    return found


def _fields_and_serves(data: dict[str, Any]) -> tuple[dict[str, Any], list[Municipality] | None]:
    serves = data.pop("serves", None) if "serves" in data else None
    if "municipality" in data and data["municipality"] is not None:
        data["municipality"] = resolve_municipalities([data["municipality"]], field="municipality")[0]
    if serves is not None:
        serves = resolve_municipalities(serves, field="serves")
    return data, serves


# -- me -----------------------------------------------------------------------------------------


@router.get("/me", response=MeOut, summary="The signed-in person and their roles")
def me(request: HttpRequest) -> Any:
    return _user(request)


@router.get("/me/tokens", response=list[TokenOut], summary="My active API tokens")
def token_list(request: HttpRequest) -> Any:
    return ApiToken.objects.active().filter(user=_user(request))


@router.post(
    "/me/tokens",
    response={201: NewTokenOut},
    auth=[session_auth],
    summary="Create an API token (the raw token is shown once)",
    description="Only with a signed-in session: a token cannot mint tokens that would outlive its revocation.",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    token, raw = services.api_token_create(user=_user(request), name=payload.name)
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke one of my API tokens")
def token_revoke(request: HttpRequest, token_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    token = get_object_or_404(ApiToken.objects.active(), pk=token_id, user=_user(request))
    services.api_token_revoke(token=token)
    return Status(204, None)


# -- organisations ------------------------------------------------------------------------------


@router.get(
    "/organisations", response=list[OrganisationOut], auth=optional_auth, tags=["organisations"], summary="Directory"
)
@paginate(BoundedPagination)
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilter]) -> Any:
    organisations = Organisation.objects.visible_to(_user(request))
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.country:
        organisations = organisations.filter(country=filters.country)
    if filters.municipality:
        try:
            municipality = resolve_municipalities([filters.municipality], field="municipality")[0]
        except ValidationError:
            return Organisation.objects.none()  # no organisation serves a municipality that does not exist
        organisations = organisations.serving(municipality)
    return (
        organisations.search(filters.q or "")
        .select_related("municipality", "verified_municipality")
        .prefetch_related("serves", "verified_serves")
        .order_by("name", "pk")
    )


@router.post(
    "/organisations", response={201: OrganisationOut}, tags=["organisations"], summary="Register an organisation"
)
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Any:
    """The person registering becomes the organisation's administrator."""
    fields, serves = _fields_and_serves(payload.dict())
    organisation = services.organisation_create(creator=_user(request), fields=fields, serves=serves or [])
    return Status(201, _organisation(str(organisation.pk), full=True))


@router.get(
    "/organisations/claims",
    response=list[OrganisationOut],
    tags=["organisations"],
    summary="Claims awaiting verification that you may verify",
)
@paginate(BoundedPagination)
def claim_list(request: HttpRequest) -> Any:
    """Platform staff see every pending claim; admins and coordinators of a verified region see
    pending region claims within the area their region is verified to serve."""
    return (
        Organisation.objects.claims_verifiable_by(_user(request))
        .select_related("municipality", "verified_municipality")
        .prefetch_related("serves", "verified_serves")
        .order_by("updated_at", "pk")
    )


def _verifiable(request: HttpRequest, ref: str) -> Organisation:
    organisation = _organisation(ref)
    require(Organisation.objects.claims_verifiable_by(_user(request)).filter(pk=organisation.pk).exists())
    return organisation


@router.post(
    "/organisations/{ref}/claim/verify", response=OrganisationOut, tags=["organisations"], summary="Verify a claim"
)
def claim_verify(request: HttpRequest, ref: str) -> Any:
    """Make the claimed kind, municipality and served area the verified ones (404 when not yours to verify)."""
    organisation = _verifiable(request, ref)
    services.organisation_claim_verify(organisation=organisation, by=_user(request))
    return _organisation(str(organisation.pk), full=True)


@router.post(
    "/organisations/{ref}/claim/reject", response=OrganisationOut, tags=["organisations"], summary="Reject a claim"
)
def claim_reject(request: HttpRequest, ref: str, payload: ClaimRejectIn) -> Any:
    """Refuse the claim; the verified values (and powers) stay as they were."""
    organisation = _verifiable(request, ref)
    services.organisation_claim_reject(organisation=organisation, by=_user(request), note=payload.note)
    return _organisation(str(organisation.pk), full=True)


@router.get("/organisations/{ref}", response=OrganisationOut, auth=optional_auth, tags=["organisations"])
def organisation_detail(request: HttpRequest, ref: str) -> Any:
    """An organisation by id or short name (slug)."""
    organisation = _organisation(ref, full=True)
    require(organisation.is_active or can_view_members(_user(request), organisation))
    return organisation


@router.patch("/organisations/{ref}", response=OrganisationOut, tags=["organisations"])
def organisation_update(request: HttpRequest, ref: str, payload: OrganisationPatch) -> Any:
    """Change the fields sent (administrators)."""
    organisation = _organisation(ref)
    require(can_manage(_user(request), organisation))
    data = payload.dict(exclude_unset=True)
    if "serves" in data and data["serves"] is None:
        data["serves"] = []
    fields, serves = _fields_and_serves(data)
    services.organisation_update(organisation=organisation, fields=fields, serves=serves)
    return _organisation(str(organisation.pk), full=True)


# -- members and invitations --------------------------------------------------------------------


def _managed(request: HttpRequest, ref: str) -> Organisation:
    organisation = _organisation(ref)
    require(can_manage(_user(request), organisation))
    return organisation


@router.get("/organisations/{ref}/members", response=list[MembershipOut], tags=["members"])
@paginate(BoundedPagination)
def member_list(request: HttpRequest, ref: str) -> Any:
    """The organisation's members and their roles (members only)."""
    organisation = _organisation(ref)
    require(can_view_members(_user(request), organisation))
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


def _membership(organisation: Organisation, user_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"), organisation=organisation, user_id=user_id
    )


@router.patch("/organisations/{ref}/members/{user_id}", response=MembershipOut, tags=["members"])
def member_set_role(request: HttpRequest, ref: str, payload: RoleIn, user_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Change a member's role (administrators; the last administrator stays one)."""
    membership = _membership(_managed(request, ref), user_id)
    return services.member_set_role(membership=membership, role=payload.role)


@router.delete("/organisations/{ref}/members/{user_id}", response={204: None}, tags=["members"])
def member_remove(request: HttpRequest, ref: str, user_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Remove a member (administrators), or leave (one's own membership)."""
    organisation = _organisation(ref)
    user = _user(request)
    require(can_manage(user, organisation) or (user_id == user.pk and can_view_members(user, organisation)))
    services.member_remove(membership=_membership(organisation, user_id))
    return Status(204, None)


@router.get("/organisations/{ref}/invitations", response=list[InvitationOut], tags=["members"])
def invitation_list(request: HttpRequest, ref: str) -> Any:
    """Pending invitations (administrators)."""
    organisation = _managed(request, ref)
    return organisation.invitations.pending().select_related("invited_by").order_by("-created_at")


@router.post("/organisations/{ref}/invitations", response={201: InvitationOut}, tags=["members"])
def invitation_send(request: HttpRequest, ref: str, payload: InvitationIn) -> Any:
    """E-mail an invitation; an open invitation to the same address is replaced."""
    organisation = _managed(request, ref)
    invitation = services.invitation_send(
        organisation=organisation, email=payload.email, role=payload.role, invited_by=_user(request)
    )
    return Status(201, invitation)


@router.delete("/organisations/{ref}/invitations/{invitation_id}", response={204: None}, tags=["members"])
def invitation_revoke(request: HttpRequest, ref: str, invitation_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    organisation = _managed(request, ref)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=organisation)
    services.invitation_revoke(invitation=invitation)
    return Status(204, None)


@router.get("/organisations/{ref}/audit", response=list[AuditEntryOut], tags=["audit"])
@paginate(BoundedPagination)
def organisation_audit(request: HttpRequest, ref: str, filters: Query[AuditFilter]) -> Any:
    """The organisation's audit log, newest first (administrators). Same as GET /audit?organisation=ID."""
    organisation = _managed(request, ref)
    return filter_entries(AuditEntry.objects.for_organisation(organisation.pk), filters)


# --------------------------------------------------------------------------- audit log

#: Mounted at /audit: here, not in the audit app, because who may read a log is an accounts rule.
audit_router = Router(tags=["audit"])


@audit_router.get("", response=list[AuditEntryOut])
@paginate(BoundedPagination)
def audit_list(request: HttpRequest, filters: Query[AuditListFilter]) -> Any:
    """Entries of one organisation (its administrators), or of all (platform staff)."""
    user = request.user
    organisation_id = filters.organisation
    if organisation_id is None:
        require(bool(user.is_staff))
        return filter_entries(AuditEntry.objects.all(), filters)
    require(1 <= organisation_id <= MAX_ID and can_manage(user, organisation_id))
    return filter_entries(AuditEntry.objects.for_organisation(organisation_id), filters)

"""API of the catalogue (/api/v1/catalogue/...) and the HSDS 3.0 open-data API (/api/v1/hsds/...).

Offerings and events are public; writing needs the adviser role (or higher) in the owning
organisation; outsiders get 404. Registration is open to anyone; the organiser's staff read
and cancel registrations. Every write is one atomic service call: nothing is half-written.
"""

import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from framja.accounts.api import MAX_ID, resolve_municipalities
from framja.accounts.auth import optional_auth
from framja.accounts.models import Organisation, Role
from framja.accounts.permissions import has_role, require
from framja.catalogue import hsds, matching, services
from framja.catalogue.models import Event, Offering, Registration
from framja.catalogue.schemas import (
    EventFilter,
    EventIn,
    EventOut,
    MatchFilter,
    MatchOut,
    NewRegistrationOut,
    OfferingFilter,
    OfferingIn,
    OfferingOut,
    RegistrationIn,
    RegistrationOut,
)
from framja.pagination import BoundedPagination
from framja.places.models import County, SniDivision, SniSection

router = Router(tags=["catalogue"])
hsds_router = Router(tags=["hsds"], auth=optional_auth)


def _organisation(ref: str) -> Organisation:
    if ref.isdigit() and len(ref) <= 18:
        return get_object_or_404(Organisation, pk=int(ref))
    return get_object_or_404(Organisation, slug=ref[:80])


def _editable(request: HttpRequest, organisation: Organisation) -> Organisation:
    require(has_role(request.user, organisation, Role.ADVISER))
    return organisation


def _offerings() -> Any:
    return Offering.objects.select_related("organisation").prefetch_related(
        "sni_sections", "sni_divisions", "area_counties", "area_municipalities"
    )


def _events() -> Any:
    return Event.objects.select_related("organiser", "municipality").prefetch_related("co_organisers", "offerings")


def _counties(codes: list[str]) -> list[County]:
    found = []
    for code in codes:
        country, _sep, local = code.strip().upper().partition("-")
        county = County.objects.filter(country=country, code=local).first()
        if county is None:
            raise ValidationError({"area_counties": _("No county has the code %(code)s.") % {"code": code[:10]}})
        found.append(county)
    return found


def _offering_fields(payload: OfferingIn) -> dict[str, Any]:
    data = payload.dict()
    data.pop("organisation")
    data["stages"] = " ".join(data["stages"])
    data["languages"] = " ".join(data["languages"])
    data["area_country"] = data["area_country"] or ""
    data["currency"] = data["currency"] or ""
    data["area_counties"] = _counties(data["area_counties"])
    data["area_municipalities"] = resolve_municipalities(data["area_municipalities"], field="area_municipalities")
    sections = list(SniSection.objects.filter(code__in=data["sni_sections"]))
    if len(sections) != len(set(data["sni_sections"])):
        raise ValidationError({"sni_sections": _("Unknown SNI section.")})
    divisions = list(SniDivision.objects.filter(code__in=data["sni_divisions"]))
    if len(divisions) != len(set(data["sni_divisions"])):
        raise ValidationError({"sni_divisions": _("Unknown SNI division.")})
    data["sni_sections"], data["sni_divisions"] = sections, divisions
    return data


# --- offerings ---------------------------------------------------------------------------------


@router.get("/offerings", response=list[OfferingOut], auth=optional_auth, summary="Published offerings")
@paginate(BoundedPagination)
def offering_list(request: HttpRequest, filters: Query[OfferingFilter]) -> Any:
    offerings = _offerings().published()
    if filters.organisation:
        offerings = offerings.filter(organisation=_organisation(filters.organisation))
    if filters.municipality:
        offerings = offerings.serving(resolve_municipalities([filters.municipality], field="municipality")[0])
    if filters.offering_type:
        offerings = offerings.filter(offering_type=filters.offering_type)
    if filters.stage:
        offerings = offerings.for_stage(filters.stage)
    return offerings.order_by("pk")


@router.get("/offerings/{offering_id}", response=OfferingOut, auth=optional_auth)
def offering_detail(request: HttpRequest, offering_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return get_object_or_404(_offerings().published(), pk=offering_id)


@router.post("/offerings", response={201: OfferingOut}, summary="Create an offering (advisers and admins)")
def offering_create(request: HttpRequest, payload: OfferingIn) -> Any:
    organisation = _editable(request, _organisation(payload.organisation))
    offering = services.offering_save(organisation=organisation, **_offering_fields(payload))
    return Status(201, _offerings().get(pk=offering.pk))


@router.put("/offerings/{offering_id}", response=OfferingOut, summary="Replace an offering")
def offering_update(request: HttpRequest, payload: OfferingIn, offering_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    offering = get_object_or_404(Offering, pk=offering_id)
    _editable(request, offering.organisation)
    organisation = _organisation(payload.organisation)
    if organisation.pk != offering.organisation_id:
        raise ValidationError({"organisation": _("An offering cannot move to another organisation.")})
    services.offering_save(organisation=organisation, offering=offering, **_offering_fields(payload))
    return _offerings().get(pk=offering.pk)


# --- events ------------------------------------------------------------------------------------


def _event_fields(payload: EventIn, organiser: Organisation) -> dict[str, Any]:
    data = payload.dict()
    data.pop("organiser")
    zone = zoneinfo.ZoneInfo(data["time_zone"])
    for name in ("start", "end"):
        value = data[name]
        data[name] = value.replace(tzinfo=zone) if value.tzinfo is None else value
    data["exdates"] = [
        (d.astimezone(zone) if d.tzinfo else d).replace(tzinfo=None).isoformat(timespec="minutes")
        for d in data["exdates"]
    ]
    data["co_organisers"] = [_organisation(ref) for ref in data["co_organisers"]]
    offerings = list(
        Offering.objects.filter(pk__in=[o for o in data["offerings"] if o <= MAX_ID], organisation=organiser)
    )
    if len(offerings) != len(set(data["offerings"])):
        raise ValidationError({"offerings": _("Only the organiser's own offerings can be tagged.")})
    data["offerings"] = offerings
    code = data.pop("municipality")
    data["municipality"] = resolve_municipalities([code], field="municipality")[0] if code else None
    return data


@router.get("/events", response=list[EventOut], auth=optional_auth, summary="Events (upcoming by default)")
@paginate(BoundedPagination)
def event_list(request: HttpRequest, filters: Query[EventFilter]) -> Any:
    events = _events().published()
    if filters.organisation:
        events = events.organised_by(_organisation(filters.organisation))
    if filters.start or filters.end:
        if filters.start:
            events = events.filter(Q(series_end__gte=filters.start) | Q(series_end=None))
        if filters.end:
            events = events.filter(start__lt=filters.end)
    else:
        events = events.upcoming()
    return events.order_by("start", "pk")


@router.get("/events/{event_id}", response=EventOut, auth=optional_auth)
def event_detail(request: HttpRequest, event_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return get_object_or_404(_events().published(), pk=event_id)


@router.post("/events", response={201: EventOut}, summary="Create an event (advisers and admins)")
def event_create(request: HttpRequest, payload: EventIn) -> Any:
    organiser = _editable(request, _organisation(payload.organiser))
    event = services.event_save(organiser=organiser, **_event_fields(payload, organiser))
    return Status(201, _events().get(pk=event.pk))


@router.put("/events/{event_id}", response=EventOut, summary="Replace an event (raises its SEQUENCE)")
def event_update(request: HttpRequest, payload: EventIn, event_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    event = get_object_or_404(Event, pk=event_id)
    _editable(request, event.organiser)
    if _organisation(payload.organiser).pk != event.organiser_id:
        raise ValidationError({"organiser": _("An event cannot move to another organiser.")})
    services.event_save(organiser=event.organiser, event=event, **_event_fields(payload, event.organiser))
    return _events().get(pk=event.pk)


@router.post("/events/{event_id}/cancel", response=EventOut, summary="Cancel an event and notify the registered")
def event_cancel(request: HttpRequest, event_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    event = get_object_or_404(Event, pk=event_id)
    _editable(request, event.organiser)
    services.event_cancel(event=event)
    return _events().get(pk=event.pk)


# --- registrations -----------------------------------------------------------------------------


@router.post(
    "/events/{event_id}/registrations",
    response={201: NewRegistrationOut},
    auth=optional_auth,
    summary="Register for an event (a place, or the waiting list when full)",
)
def registration_create(
    request: HttpRequest, payload: RegistrationIn, event_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    event = get_object_or_404(Event.objects.published(), pk=event_id)
    registration, raw = services.register(event=event, **payload.dict(), language=request.LANGUAGE_CODE)
    return Status(201, {"id": registration.pk, "status": registration.status, "cancel_token": raw})


@router.get("/events/{event_id}/registrations", response=list[RegistrationOut], summary="Participant list")
@paginate(BoundedPagination)
def registration_list(request: HttpRequest, event_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    event = get_object_or_404(Event, pk=event_id)
    _editable(request, event.organiser)
    return event.registrations.order_by("created_at", "pk")


@router.delete("/registrations/{registration_id}", response={204: None}, summary="Cancel a registration (organiser)")
def registration_delete(request: HttpRequest, registration_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    registration = get_object_or_404(Registration.objects.select_related("event__organiser"), pk=registration_id)
    _editable(request, registration.event.organiser)
    services.registration_cancel(registration=registration)
    return Status(204, None)


# --- the front door ------------------------------------------------------------------------------


@router.get("/match", response=MatchOut, auth=optional_auth, summary="Rank offerings and events for a need")
def match(request: HttpRequest, filters: Query[MatchFilter]) -> Any:
    """Active offerings serving the municipality (and stage, sector), ranked, with the reasons
    (in the request's language: sv, nb or en); upcoming events; similar public ideas."""
    municipality = resolve_municipalities([filters.municipality], field="municipality")[0]
    sector = None
    if filters.sector:
        sector = SniSection.objects.filter(code=filters.sector.upper()).first()
        if sector is None:
            raise ValidationError({"sector": _("Unknown SNI section.")})
    found = matching.rank(need=filters.text, municipality=municipality, stage=filters.stage or "", sector=sector)
    return {
        "offerings": found,
        "events": matching.upcoming_events(found, municipality, need=filters.text),
        "ideas": matching.similar_ideas(filters.text, municipality),
    }


# --- HSDS 3.0 ----------------------------------------------------------------------------------


def _page_params(page: int, per_page: int) -> tuple[int, int]:
    return max(page, 1), min(max(per_page, 1), 200)


@hsds_router.get("/services", summary="HSDS 3.0: paginated services")
def hsds_services(
    request: HttpRequest, page: int = Query(1, ge=1, le=10**6), per_page: int = Query(50, ge=1, le=200)
) -> Any:
    page, per_page = _page_params(page, per_page)
    qs = hsds.offerings_for_export().order_by("uuid")
    total = qs.count()
    items = qs[(page - 1) * per_page : page * per_page]
    return hsds.paged((hsds.service(o) for o in items), total=total, page=page, per_page=per_page)


@hsds_router.get("/services/{service_id}", summary="HSDS 3.0: one service, fully nested")
def hsds_service(request: HttpRequest, service_id: str) -> Any:
    offering = hsds.offerings_for_export().filter(uuid=_uuid(service_id)).first()
    if offering is None:
        raise Http404
    data = hsds.service(offering)
    data["organization"] = hsds.organization(offering.organisation)
    return data


def _uuid(text: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise Http404 from None


def _organisations_with_offerings() -> Any:
    return Organisation.objects.active().filter(pk__in=Offering.objects.published().values("organisation_id"))


@hsds_router.get("/organizations", summary="HSDS 3.0: paginated organizations")
def hsds_organizations(
    request: HttpRequest, page: int = Query(1, ge=1, le=10**6), per_page: int = Query(50, ge=1, le=200)
) -> Any:
    page, per_page = _page_params(page, per_page)
    organisations = sorted(_organisations_with_offerings(), key=hsds.organisation_id)
    items = organisations[(page - 1) * per_page : page * per_page]
    return hsds.paged((hsds.organization(o) for o in items), total=len(organisations), page=page, per_page=per_page)


@hsds_router.get("/organizations/{organization_id}", summary="HSDS 3.0: one organization")
def hsds_organization(request: HttpRequest, organization_id: str) -> Any:
    wanted = _uuid(organization_id)
    for organisation in _organisations_with_offerings():
        if hsds.organisation_id(organisation) == wanted:
            return hsds.organization(organisation)
    raise Http404


@hsds_router.get("/bundle", summary="HSDS 3.0: the whole catalogue as one downloadable document")
def hsds_bundle(request: HttpRequest) -> Any:
    return hsds.bundle()

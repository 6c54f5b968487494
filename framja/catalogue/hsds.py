"""Open Referral HSDS 3.0: export of organisations and offerings (services), and import.

Identifiers are stable UUIDs: an offering's own `uuid`; an organisation's is derived from its
organisation number (or short name), so the same organisation gets the same id in any instance.
Organisation numbers go out as `organization_identifiers` with the org-id.guide schemes `SE-ON`
and `NO-BRC`. What HSDS has no field for (the names in the other languages, type, stages,
sectors, amount range, organisation kind) travels as `attributes` whose taxonomy term is in the
`framja` taxonomy, so that export → import into an empty instance → export gives the same
document.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from framja.accounts.models import Organisation
from framja.catalogue.models import Offering, OfferingStatus
from framja.places.models import County, Municipality, SniDivision, SniSection

HSDS_VERSION = "3.0"
NAMESPACE = uuid.UUID("6f1c1f7e-3f1e-4d0e-9a55-0f5b1c7a2d10")
SCHEMES = {"SE": "SE-ON", "NO": "NO-BRC"}
COUNTRY_OF_SCHEME = {scheme: country for country, scheme in SCHEMES.items()}
TAXONOMY = "framja"


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def organisation_id(org: Organisation) -> str:
    key = f"{org.country}-{org.organisation_number}" if org.organisation_number else f"slug:{org.slug}"
    return _id("organization", key)


def _attribute(owner_id: str, link_type: str, code: str, value: str) -> dict[str, Any]:
    term_id = _id("term", code)
    return {
        "id": _id(owner_id, "attribute", code, value),
        "link_id": owner_id,
        "link_type": link_type,
        "link_entity": link_type,
        "taxonomy_term_id": term_id,
        "value": value,
        "taxonomy_term": {"id": term_id, "code": code, "name": code, "description": code, "taxonomy": TAXONOMY},
    }


def organization(org: Organisation) -> dict[str, Any]:
    oid = organisation_id(org)
    data: dict[str, Any] = {
        "id": oid,
        "name": org.name,
        "alternate_name": org.slug,
        "description": org.description_sv or org.description_nb or org.description_en or org.name,
        "organization_identifiers": [],
        "attributes": [
            _attribute(oid, "organization", "kind", org.kind),
            _attribute(oid, "organization", "country", org.country),
        ],
    }
    for code in ("nb", "en"):
        text = getattr(org, f"description_{code}")
        if text:
            data["attributes"].append(_attribute(oid, "organization", f"description:{code}", text))
    if org.email:
        data["email"] = org.email
    if org.website:
        data["website"] = org.website
    if org.phone:
        data["phones"] = [{"id": _id(oid, "phone"), "organization_id": oid, "number": org.phone}]
    if org.organisation_number:
        data["organization_identifiers"].append(
            {
                "id": _id(oid, "identifier"),
                "organization_id": oid,
                "identifier_scheme": SCHEMES[org.country],
                "identifier_type": "organisation number",
                "identifier": org.organisation_number,
            }
        )
    return data


def _area(sid: str, kind: str, code: str, name: str) -> dict[str, Any]:
    return {"id": _id(sid, "area", kind, code), "service_id": sid, "name": name, "description": f"{kind}:{code}"}


def service(offering: Offering) -> dict[str, Any]:
    """One offering as a fully nested HSDS service (its organisation as organization_id)."""
    sid = str(offering.uuid)
    data: dict[str, Any] = {
        "id": sid,
        "organization_id": organisation_id(offering.organisation),
        "name": offering.name_sv or offering.name_nb or offering.name_en,
        "description": offering.description_sv or offering.description_nb or offering.description_en,
        "status": offering.status,
        "last_modified": offering.updated_at.isoformat().replace("+00:00", "Z"),
        "eligibility_description": offering.eligibility,
        "fees_description": offering.cost_details,
        "languages": [
            {"id": _id(sid, "language", code), "service_id": sid, "code": code} for code in offering.language_list
        ],
        "service_areas": [],
        "contacts": [],
        "attributes": [],
    }
    if offering.url:
        data["url"] = offering.url
    if offering.contact_email:
        data["email"] = offering.contact_email
    if offering.minimum_age is not None:
        data["minimum_age"] = offering.minimum_age
    if offering.maximum_age is not None:
        data["maximum_age"] = offering.maximum_age
    if offering.last_reviewed_on:
        data["assured_date"] = offering.last_reviewed_on.isoformat()
    if offering.contact_name or offering.contact_email or offering.contact_phone:
        cid = _id(sid, "contact")
        contact: dict[str, Any] = {"id": cid, "service_id": sid, "name": offering.contact_name}
        if offering.contact_email:
            contact["email"] = offering.contact_email
        if offering.contact_phone:
            contact["phones"] = [{"id": _id(cid, "phone"), "contact_id": cid, "number": offering.contact_phone}]
        data["contacts"].append(contact)
    if offering.area_country:
        data["service_areas"].append(_area(sid, "country", offering.area_country, offering.get_area_country_display()))
    for county in sorted(offering.area_counties.all(), key=lambda c: c.qualified_code):
        data["service_areas"].append(_area(sid, "county", county.qualified_code, county.name))
    for municipality in sorted(offering.area_municipalities.all(), key=lambda m: m.qualified_code):
        data["service_areas"].append(_area(sid, "municipality", municipality.qualified_code, municipality.name))
    pairs: list[tuple[str, str]] = [("type", offering.offering_type), ("cost", offering.cost)]
    pairs += [(f"name:{code}", getattr(offering, f"name_{code}")) for code in ("nb", "en")]
    pairs += [(f"description:{code}", getattr(offering, f"description_{code}")) for code in ("nb", "en")]
    pairs += [("stage", stage) for stage in offering.stage_list]
    pairs += [("sector", "all")] if offering.all_sectors else []
    pairs += [("sni-section", s.code) for s in sorted(offering.sni_sections.all(), key=lambda s: s.code)]
    pairs += [("sni-division", d.code) for d in sorted(offering.sni_divisions.all(), key=lambda d: d.code)]
    if offering.currency:
        pairs.append(("currency", offering.currency))
    if offering.amount_min is not None:
        pairs.append(("amount-min", str(offering.amount_min)))
    if offering.amount_max is not None:
        pairs.append(("amount-max", str(offering.amount_max)))
    data["attributes"] = [_attribute(sid, "service", code, value) for code, value in pairs if value]
    return data


def offerings_for_export(queryset: Any = None) -> Any:
    qs = queryset if queryset is not None else Offering.objects.published()
    return qs.select_related("organisation").prefetch_related(
        "area_counties", "area_municipalities", "sni_sections", "sni_divisions"
    )


def bundle() -> dict[str, Any]:
    """The whole published catalogue as one HSDS document (organisations, services)."""
    offerings = list(offerings_for_export().order_by("uuid"))
    organisations = sorted(
        Organisation.objects.active().filter(pk__in={o.organisation_id for o in offerings}),
        key=organisation_id,
    )
    return {
        "hsds_version": HSDS_VERSION,
        "organizations": [organization(org) for org in organisations],
        "services": [service(o) for o in offerings],
    }


# --- Import ---


def _attrs(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ((a.get("taxonomy_term") or {}).get("code", ""), str(a.get("value", "")))
        for a in item.get("attributes") or []
        if (a.get("taxonomy_term") or {}).get("taxonomy") == TAXONOMY
    ]


def _first(pairs: list[tuple[str, str]], code: str, default: str = "") -> str:
    return next((v for c, v in pairs if c == code), default)


def _import_organisation(item: dict[str, Any]) -> Organisation:
    pairs = _attrs(item)
    identifiers = item.get("organization_identifiers") or []
    number, country = "", _first(pairs, "country")
    for identifier in identifiers:
        if identifier.get("identifier_scheme") in COUNTRY_OF_SCHEME:
            number = str(identifier.get("identifier", ""))
            country = COUNTRY_OF_SCHEME[identifier["identifier_scheme"]]
    if country not in SCHEMES:
        raise ValidationError({"organizations": _("An organisation has no Swedish or Norwegian identifier.")})
    existing = None
    if number:
        existing = Organisation.objects.filter(country=country, organisation_number=number).first()
    slug = str(item.get("alternate_name") or "")
    if existing is None and slug:
        existing = Organisation.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    org = Organisation(
        name=str(item["name"])[:200],
        slug=slug[:80],
        kind=_first(pairs, "kind", Organisation.Kind.OTHER),
        country=country,
        organisation_number=number,
        email=str(item.get("email") or ""),
        website=str(item.get("website") or ""),
        phone=str(((item.get("phones") or [{}])[0]).get("number", "")),
        description_sv=str(item.get("description") or "") if item.get("description") != item.get("name") else "",
        description_nb=_first(pairs, "description:nb"),
        description_en=_first(pairs, "description:en"),
    )
    org.full_clean()
    org.save()
    return org


def _import_service(item: dict[str, Any], organisations: dict[str, Organisation]) -> Offering:
    pairs = _attrs(item)
    org = organisations.get(str(item.get("organization_id")))
    if org is None:
        raise ValidationError({"services": _("A service names an organisation that is not in the bundle.")})
    offering = Offering.objects.filter(uuid=item["id"]).first() or Offering(uuid=item["id"])
    offering.organisation = org
    offering.name_sv = str(item.get("name", ""))
    offering.name_nb = _first(pairs, "name:nb")
    offering.name_en = _first(pairs, "name:en")
    offering.description_sv = str(item.get("description") or "")
    offering.description_nb = _first(pairs, "description:nb")
    offering.description_en = _first(pairs, "description:en")
    offering.offering_type = _first(pairs, "type", "other")
    offering.cost = _first(pairs, "cost", "free")
    offering.status = str(item.get("status", OfferingStatus.ACTIVE))
    offering.eligibility = str(item.get("eligibility_description") or "")
    offering.cost_details = str(item.get("fees_description") or "")
    offering.minimum_age = item.get("minimum_age")
    offering.maximum_age = item.get("maximum_age")
    offering.url = str(item.get("url") or "")
    offering.stages = " ".join(v for c, v in pairs if c == "stage")
    offering.all_sectors = _first(pairs, "sector") == "all"
    offering.currency = _first(pairs, "currency")
    amount_min, amount_max = _first(pairs, "amount-min"), _first(pairs, "amount-max")
    offering.amount_min = Decimal(amount_min) if amount_min else None
    offering.amount_max = Decimal(amount_max) if amount_max else None
    offering.languages = " ".join(str(lang.get("code", "")) for lang in item.get("languages") or [])
    contact = (item.get("contacts") or [{}])[0]
    offering.contact_name = str(contact.get("name") or "")
    offering.contact_email = str(contact.get("email") or item.get("email") or "")
    offering.contact_phone = str(((contact.get("phones") or [{}])[0]).get("number", ""))
    assured = item.get("assured_date")
    offering.last_reviewed_on = date.fromisoformat(assured) if assured else None
    offering.area_country = ""
    counties, municipalities = [], []
    for area in item.get("service_areas") or []:
        kind, _sep, code = str(area.get("description", "")).partition(":")
        country, _sep, local = code.partition("-")
        if kind == "country":
            offering.area_country = code
        elif kind == "county":
            counties.append(County.objects.get(country=country, code=local))
        elif kind == "municipality":
            municipalities.append(Municipality.objects.get(country=country, code=local))
    offering.full_clean(exclude=["uuid"])
    offering.save()
    offering.area_counties.set(counties)
    offering.area_municipalities.set(municipalities)
    offering.sni_sections.set(SniSection.objects.filter(code__in=[v for c, v in pairs if c == "sni-section"]))
    offering.sni_divisions.set(SniDivision.objects.filter(code__in=[v for c, v in pairs if c == "sni-division"]))
    modified = item.get("last_modified")
    if modified:  # keep the source's modification time, so a re-export gives the same document
        Offering.objects.filter(pk=offering.pk).update(
            updated_at=datetime.fromisoformat(str(modified).replace("Z", "+00:00"))
        )
    return offering


@transaction.atomic
def import_bundle(*, document: dict[str, Any]) -> tuple[int, int]:
    """Create (or update) the organisations and offerings of an HSDS bundle; all or nothing.
    Returns (organisations, offerings) imported."""
    if not isinstance(document, dict) or not isinstance(document.get("services", []), list):
        raise ValidationError({"document": _("This is not an HSDS bundle.")})
    organisations: dict[str, Organisation] = {}
    for item in document.get("organizations") or []:
        organisations[str(item.get("id"))] = _import_organisation(item)
    offerings = [_import_service(item, organisations) for item in document.get("services") or []]
    return len(organisations), len(offerings)


def paged(items: Iterable[Any], *, total: int, page: int, per_page: int) -> dict[str, Any]:
    """The HSDS OpenAPI `Page` envelope around `contents`."""
    contents = list(items)
    total_pages = max((total + per_page - 1) // per_page, 1)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }

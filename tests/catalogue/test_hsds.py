"""HSDS 3.0 open data: valid against the published JSON schemas, paged as the HSDS OpenAPI says,
and export → import into an empty instance → export gives the same document."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from framja.accounts.models import Organisation
from framja.catalogue import hsds
from framja.catalogue.models import Event, Offering
from framja.places.models import SniDivision, SniSection
from tests.catalogue.conftest import make_offering

pytestmark = pytest.mark.django_db

# A copy of the Open Referral HSDS 3.0 schemas (CC BY-SA 4.0, see hsds/SOURCE.txt).
SCHEMA_DIR = Path(__file__).resolve().parent / "hsds" / "v3.0" / "schema"


def _validator(name: str) -> Draft202012Validator:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        contents = json.loads(path.read_text())
        contents.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        resources.append((path.name, Resource.from_contents(contents)))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMA_DIR / name).read_text())
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def _errors(name, document):
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator(name).iter_errors(document)]


@pytest.fixture
def catalogue(organisation, other_organisation, municipality):
    section = SniSection.objects.create(code="J", name="Informations- och kommunikationsverksamhet")
    division = SniDivision.objects.create(code="62", name="Dataprogrammering", section=section)
    loan = make_offering(
        organisation,
        name_sv="Mikrolån",
        offering_type="loan",
        amount_min=50000,
        amount_max=500000,
        currency="SEK",
        all_sectors=False,
        minimum_age=18,
        contact_name="Lena Håkansson",
        contact_email="lena@example.org",
        contact_phone="+46 63 14 00 00",
        url="https://example.org/mikrolan",
        eligibility="Företag med högst 50 anställda.",
        last_reviewed_on="2026-01-15",
    )
    loan.sni_sections.add(section)
    loan.sni_divisions.add(division)
    loan.area_counties.add(municipality.county)
    advice = make_offering(
        other_organisation, name_sv="Etablererveiledning", area_country="NO", status="temporarily closed"
    )
    return [loan, advice]


def test_services_and_organisations_are_valid_hsds(catalogue):
    document = hsds.bundle()
    assert len(document["services"]) == 2
    assert len(document["organizations"]) == 2
    for service in document["services"]:
        assert _errors("service.json", service) == []
    for organization in document["organizations"]:
        assert _errors("organization.json", organization) == []


def test_schema_check_catches_a_bad_status(catalogue):
    """The validation is real: a status outside HSDS's list fails."""
    service = hsds.bundle()["services"][0]
    service["status"] = "open"
    assert _errors("service.json", service)


def test_organisation_numbers_are_identifiers_with_org_id_schemes(catalogue, organisation, other_organisation):
    by_name = {o["name"]: o for o in hsds.bundle()["organizations"]}
    (se,) = by_name[organisation.name]["organization_identifiers"]
    (no,) = by_name[other_organisation.name]["organization_identifiers"]
    assert (se["identifier_scheme"], se["identifier"]) == ("SE-ON", "5565945689")
    assert (no["identifier_scheme"], no["identifier"]) == ("NO-BRC", "974760673")


def test_api_pages_as_the_hsds_openapi(client, catalogue):
    first = client.get("/api/v1/hsds/services?per_page=1").json()
    assert {
        k: first[k] for k in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")
    } == {
        "total_items": 2,
        "total_pages": 2,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = client.get("/api/v1/hsds/services?per_page=1&page=2").json()
    assert second["last_page"]
    assert second["contents"][0]["id"] != first["contents"][0]["id"]
    one = client.get(f"/api/v1/hsds/services/{first['contents'][0]['id']}").json()
    assert _errors("service.json", one) == []
    organisations = client.get("/api/v1/hsds/organizations").json()
    assert organisations["total_items"] == 2
    org_id = organisations["contents"][0]["id"]
    assert client.get(f"/api/v1/hsds/organizations/{org_id}").status_code == 200
    assert client.get("/api/v1/hsds/services/not-a-uuid").status_code == 404


def test_export_import_export_gives_the_same_document(catalogue, tmp_path):
    before = hsds.bundle()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(before))
    Event.objects.all().delete()
    Offering.objects.all().delete()
    Organisation.objects.all().delete()

    call_command("import_hsds", str(path))

    assert hsds.bundle() == before


def test_import_is_all_or_nothing(catalogue):
    document = hsds.bundle()
    Offering.objects.all().delete()
    document["services"][1]["organization_id"] = "00000000-0000-0000-0000-000000000000"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        hsds.import_bundle(document=document)
    assert Offering.objects.count() == 0

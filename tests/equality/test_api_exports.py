"""The API and the downloads: the same people, the same filter, the same suppression and the
same audit entry as the page; attempts to recover a hidden cell by margins or by differencing
through them fail."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from framja.accounts.models import Organisation, Role
from framja.audit.models import AuditEntry
from framja.disclosure import HIDDEN_MARK
from tests.equality.conftest import add_clients
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory, serve

pytestmark = pytest.mark.django_db

API = "/api/v1/equality/representation"


def small_group(organisation) -> None:
    """3 non-binary clients among 50: hidden, and with a partner so the total cannot give them away."""
    add_clients(organisation, 3, gender="non_binary", amount=100_000, currency="SEK")
    add_clients(organisation, 20, gender="woman", amount=50_000, currency="SEK")
    add_clients(organisation, 27, gender="man", amount=80_000, currency="SEK")


def gender_rows(payload: dict) -> dict[str, dict]:
    table = next(t for t in payload["tables"] if t["dimension"] == "gender")
    return {row["category"]: row for row in table["rows"]}


def test_api_hides_the_small_cell_and_its_margin_partner(owner_client, organisation):
    small_group(organisation)
    response = owner_client.get(API, {"organisation": organisation.slug})
    assert response.status_code == 200
    rows = gender_rows(response.json())
    assert rows["non_binary"]["clients"] is None
    assert rows["non_binary"]["clients_share"] is None
    # Margins: the total minus every shown cell must not give back 1 to 4 people.
    shown = sum(row["clients"] for key, row in rows.items() if key != "total" and row["clients"] is not None)
    total = rows["total"]["clients"]
    assert total is None or not 0 < total - shown < 5


def test_api_resources_hide_money_with_the_people(owner_client, organisation):
    small_group(organisation)
    response = owner_client.get("/api/v1/equality/resources", {"organisation": organisation.slug})
    rows = gender_rows(response.json())
    money = {m["currency"]: m for m in rows["non_binary"]["money"]}
    assert money["SEK"]["amount"] is None
    assert rows["non_binary"]["hours"] is None


def test_api_differencing_two_overlapping_periods_is_refused(owner_client, organisation):
    add_clients(organisation, 20, gender="woman", given_on=date(2026, 1, 5))
    add_clients(organisation, 3, gender="woman", given_on=date(2026, 2, 5))
    add_clients(organisation, 30, gender="man", given_on=date(2026, 7, 5))
    assert owner_client.get(API, {"organisation": organisation.slug, "period": "2026-Q1"}).status_code == 200
    response = owner_client.get(API, {"organisation": organisation.slug, "period": "2026-01"})
    assert response.status_code == 422
    assert "filter" in str(response.json()["detail"])


def test_api_bad_filter_is_422_with_the_field(owner_client, organisation):
    response = owner_client.get(API, {"organisation": organisation.slug, "period": "2026-13"})
    assert response.status_code == 422
    assert "period" in str(response.json()["detail"])


def test_api_outsider_adviser_and_anonymous_get_404_or_401(outsider_client, adviser_client, client, organisation):
    assert outsider_client.get(API, {"organisation": organisation.slug}).status_code == 404
    assert adviser_client.get(API, {"organisation": organisation.slug}).status_code == 404
    assert client.get(API, {"organisation": organisation.slug}).status_code == 401


def test_api_read_is_audited_once(owner_client, organisation):
    small_group(organisation)
    before = AuditEntry.objects.filter(action="read").count()
    owner_client.get(API, {"organisation": organisation.slug, "period": "2026"})
    assert AuditEntry.objects.filter(action="read").count() == before + 1


@pytest.mark.parametrize("fmt", ["csv", "excel.csv"])
def test_csv_shows_the_dash_where_the_page_does(owner_client, organisation, fmt):
    small_group(organisation)
    response = owner_client.get(reverse("equality-dashboard-export", args=[organisation.slug, fmt]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if fmt == "excel.csv" else ","))
    non_binary = next(row for row in rows if row and row[0] == "Icke-binär")
    assert non_binary[1] == HIDDEN_MARK
    assert "3" not in non_binary[1:3]


def test_xlsx_shows_the_dash_and_refuses_a_differencing_filter(owner_client, organisation):
    small_group(organisation)
    url = reverse("equality-dashboard-export", args=[organisation.slug, "xlsx"])
    workbook = load_workbook(io.BytesIO(owner_client.get(url).content))
    values = [[cell.value for cell in row] for row in workbook.worksheets[0].iter_rows()]
    non_binary = next(row for row in values if row[0] == "Icke-binär")
    assert non_binary[1] == HIDDEN_MARK
    add_clients(organisation, 2, gender="woman", given_on=date(2025, 5, 1))
    refused = owner_client.get(url + "?period=2025")
    assert refused.status_code == 400


@pytest.fixture
def region_world(db):
    """A region verified to serve two municipalities, two providers there, a coordinator."""
    east, west = MunicipalityFactory.create(code="2380", name="Östersund"), MunicipalityFactory.create(code="2321")
    region = OrganisationFactory.create(name="Region Test", kind=Organisation.Kind.REGION)
    serve(region, east, west)
    first, second = OrganisationFactory.create(name="Almi Test"), OrganisationFactory.create(name="Inkubator Test")
    add_clients(first, 20, gender="woman", municipality=east)
    add_clients(first, 20, gender="man", municipality=east)
    add_clients(second, 18, gender="woman", municipality=west)
    add_clients(second, 3, gender="man", municipality=west)
    coordinator = UserFactory.create(username="region-coordinator")
    MembershipFactory.create(user=coordinator, organisation=region, role=Role.COORDINATOR)
    client = Client()
    client.force_login(coordinator)
    return region, first, second, client


def test_regional_coordinator_sees_the_region_and_breaks_it_down_by_organisation(region_world):
    region, _first, _second, client = region_world
    response = client.get(API, {"organisation": region.slug, "breakdown": "organisation"})
    assert response.status_code == 200
    rows = gender_rows(response.json())
    assert rows["woman"]["clients"] == 38
    columns = {c["label"]: c for c in response.json()["breakdown"]["columns"]}
    cells = {cell["category"]: cell for cell in columns["Inkubator Test"]["cells"]}
    assert cells["man"]["clients"] is None  # 3 men
    assert cells["woman"]["clients"] is None or cells["total"]["clients"] is None


def test_regional_filter_that_differs_from_a_wider_one_by_few_is_refused(region_world):
    """West has 21 clients, all of the second organisation; 2 more of the first there make
    "west" minus "west and the second organisation" 2 people: refused."""
    region, first, second, client = region_world
    west = second.support_efforts.first().snapshot_municipality
    query = {"organisation": region.slug, "provider": second.slug, "municipality": west.pk}
    assert client.get(API, query).status_code == 200
    add_clients(first, 2, gender="man", municipality=west)
    response = client.get(API, query)
    assert response.status_code == 422
    assert "filter" in str(response.json()["detail"])


def test_provider_filter_is_not_offered_to_an_organisation(owner_client, organisation):
    small_group(organisation)
    response = owner_client.get(API, {"organisation": organisation.slug, "provider": "anything"})
    assert response.status_code == 200  # an unknown field for this scope is ignored, as on the page

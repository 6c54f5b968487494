"""The pipeline dashboard: figures on a known dataset, the page, and its CSV/XLSX exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from framja.accounts.models import Organisation, Role
from framja.ideas import stats
from framja.ideas.models import GateDecision, Idea, StageVisit
from tests.factories import (
    CountyFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    serve,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]

DASHBOARD = reverse("ideas-dashboard")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(days_ago: float) -> datetime:
    return NOW - timedelta(days=days_ago)


@pytest.fixture
def dataset(make_idea, sluice, owner):
    """Three ideas: two in Östersund (Received, Pilot), one in Trondheim (Screening)."""
    trondheim = MunicipalityFactory.create(
        country="NO",
        code="5001",
        name="Trondheim",
        county=CountyFactory.create(country="NO", code="50", name="Trøndelag"),
    )
    a = make_idea(title="A")
    b = make_idea(title="B", stage_kind="pilot")
    c = make_idea(title="C", stage_kind="screening", municipality=trondheim)
    StageVisit.objects.all().delete()
    stage = {s.kind: s for s in sluice.stages.all()}
    # Received: 10 days (open), 4 days, 2 days → mean 5.3, median 4. Screening: 6 (open). Pilot: 1 (open).
    StageVisit.objects.bulk_create(
        [
            StageVisit(idea=a, stage=stage["received"], entered_at=at(10)),
            StageVisit(idea=b, stage=stage["received"], entered_at=at(20), left_at=at(16)),
            StageVisit(idea=c, stage=stage["received"], entered_at=at(8), left_at=at(6)),
            StageVisit(idea=c, stage=stage["screening"], entered_at=at(6)),
            StageVisit(idea=b, stage=stage["pilot"], entered_at=at(1)),
        ]
    )
    decisions = [
        (b, "go", datetime(2026, 1, 15, tzinfo=UTC)),
        (b, "go", datetime(2026, 1, 20, tzinfo=UTC)),
        (c, "hold", datetime(2026, 1, 31, 22, tzinfo=UTC)),
        (c, "go", datetime(2026, 2, 3, tzinfo=UTC)),
    ]
    for idea, outcome, when in decisions:
        d = GateDecision.objects.create(
            idea=idea, outcome=outcome, from_stage=idea.stage, to_stage=idea.stage, rationale="x", decided_by=owner
        )
        GateDecision.objects.filter(pk=d.pk).update(decided_at=when)
    return a, b, c


def test_ideas_per_stage_and_municipality(dataset, organisation):
    stages, per_stage, per_municipality = stats.ideas_per_stage_and_municipality(
        Idea.objects.for_organisation(organisation)
    )
    counts = {row.stage: row.count for row in per_stage}
    assert list(counts.values()) == [1, 1, 1]
    assert stages == [row.stage for row in per_stage]  # pipeline order
    table = {row.municipality: (row.counts, row.total) for row in per_municipality}
    assert table["Östersund (SE)"][1] == 2
    assert table["Trondheim (NO)"][1] == 1


def test_time_in_stage_mean_and_median(dataset, organisation):
    rows = {r.stage: r for r in stats.time_in_stage(Idea.objects.for_organisation(organisation), now=NOW)}
    received = next(r for label, r in rows.items() if r.visits == 3)
    assert (received.mean_days, received.median_days) == (5.3, 4.0)
    assert sorted((r.visits, r.mean_days) for r in rows.values()) == [(1, 1.0), (1, 6.0), (3, 5.3)]


def test_decisions_per_month_by_outcome(dataset, organisation, settings):
    settings.TIME_ZONE = "UTC"
    outcomes, months = stats.decisions_per_month(Idea.objects.for_organisation(organisation))
    assert [value for value, _label in outcomes] == ["go", "kill", "hold", "recycle"]
    assert [(m.month, m.counts["go"], m.counts["hold"], m.total) for m in months] == [
        ("2026-01", 2, 1, 3),
        ("2026-02", 1, 0, 1),
    ]


def test_dashboard_page_shows_charts_and_tables(owner_client, dataset):
    response = owner_client.get(DASHBOARD)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('role="img"') == 3
    assert page.count("<caption>") == 3
    assert "Trondheim (NO)" in page
    assert response.context["data"].total == 3


def test_dashboard_member_outsider_anonymous(member_client, outsider_client, client, organisation, dataset):
    assert member_client.get(DASHBOARD).status_code == 404
    assert outsider_client.get(DASHBOARD, {"organisation": organisation.slug}).status_code == 404
    assert outsider_client.get(DASHBOARD).context["data"].total == 0
    assert client.get(DASHBOARD).status_code == 302


def test_dashboard_in_few_queries(owner_client, dataset, django_assert_max_num_queries):
    owner_client.get(DASHBOARD)
    with django_assert_max_num_queries(10):
        owner_client.get(DASHBOARD)


def test_csv_export_parses(owner_client, dataset):
    response = owner_client.get(reverse("ideas-dashboard-export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    flat = [cell for row in rows for cell in row]
    assert "Trondheim (NO)" in flat
    visits = {row[0]: row[1] for row in rows if len(row) == 4 and row[1].isdigit()}
    assert sorted(visits.values()) == ["1", "1", "3"]


def test_xlsx_export_has_a_sheet_per_table(owner_client, dataset):
    response = owner_client.get(reverse("ideas-dashboard-export", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 3
    first = [[c.value for c in row] for row in workbook.worksheets[0].iter_rows()]
    totals = {row[0]: row[-1] for row in first[1:]}
    assert totals == {"Östersund (SE)": 2, "Trondheim (NO)": 1}


def test_export_for_outsider_is_404(outsider_client, organisation, dataset):
    url = reverse("ideas-dashboard-export", args=["csv"])
    assert outsider_client.get(url, {"organisation": organisation.slug}).status_code == 404


def test_region_dashboard_covers_served_municipalities(client, dataset, municipality):
    region = OrganisationFactory.create(name="Region Jämtland Härjedalen", kind=Organisation.Kind.REGION)
    serve(region, municipality)
    user = UserFactory.create()
    MembershipFactory.create(user=user, organisation=region, role=Role.COORDINATOR)
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["data"].total == 2  # the two Östersund ideas

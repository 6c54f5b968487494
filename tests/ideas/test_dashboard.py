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
    assert page.count('role="img"') == 4  # stages, time in stage, intake, decisions
    assert page.count("<caption id=") == 4  # each chart with its table
    assert page.count('class="table-wrap" tabindex="0" role="region" aria-labelledby=') == 4  # Tab reaches each
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
    assert len(workbook.sheetnames) == 4
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


# --------------------------------------------------------------------------- months, period, intake (issue 9 item 9)


def _decide(idea, owner, when, outcome="go"):
    d = GateDecision.objects.create(
        idea=idea, outcome=outcome, from_stage=idea.stage, to_stage=idea.stage, rationale="x", decided_by=owner
    )
    GateDecision.objects.filter(pk=d.pk).update(decided_at=when)


def test_months_without_decisions_are_zero(dataset, organisation, owner, settings):
    settings.TIME_ZONE = "UTC"
    _decide(dataset[0], owner, datetime(2026, 4, 2, tzinfo=UTC))
    _outcomes, months = stats.decisions_per_month(Idea.objects.for_organisation(organisation))
    assert [(m.month, m.total) for m in months] == [("2026-01", 3), ("2026-02", 1), ("2026-03", 0), ("2026-04", 1)]


def test_intake_per_month_is_continuous(make_idea, organisation, settings):
    settings.TIME_ZONE = "UTC"
    make_idea(created_at=datetime(2025, 11, 3, tzinfo=UTC))
    make_idea(created_at=datetime(2026, 1, 9, tzinfo=UTC))
    make_idea(created_at=datetime(2026, 1, 20, tzinfo=UTC))
    rows = stats.intake_per_month(Idea.objects.for_organisation(organisation))
    assert [(r.month, r.count) for r in rows] == [("2025-11", 1), ("2025-12", 0), ("2026-01", 2)]


def test_period_filter_narrows_the_monthly_series(owner_client, dataset, make_idea, settings):
    settings.TIME_ZONE = "UTC"
    make_idea(created_at=datetime(2026, 2, 10, tzinfo=UTC))
    response = owner_client.get(DASHBOARD, {"from": "2026-02", "to": "2026-03"})
    data = response.context["data"]
    assert [(m.month, m.total) for m in data.decisions_per_month] == [("2026-02", 1), ("2026-03", 0)]
    assert [(m.month, m.count) for m in data.intake_per_month] == [("2026-02", 1), ("2026-03", 0)]
    assert data.total == 4  # the pipeline as it stands: not narrowed
    page = response.content.decode()
    assert 'value="2026-02"' in page  # the form keeps the period
    assert "from=2026-02&amp;to=2026-03" in page  # and the downloads follow it


def test_period_in_the_export(owner_client, dataset, settings):
    settings.TIME_ZONE = "UTC"
    url = reverse("ideas-dashboard-export", args=["xlsx"])
    workbook = load_workbook(io.BytesIO(owner_client.get(url, {"from": "2026-01", "to": "2026-01"}).content))
    decisions = [[c.value for c in row] for row in workbook.worksheets[3].iter_rows(min_row=2)]
    assert [row[0] for row in decisions] == ["2026-01"]


def test_reversed_period_is_a_translated_error(owner_client, dataset):
    response = owner_client.get(DASHBOARD, {"from": "2026-03", "to": "2026-01"})
    assert response.status_code == 200
    assert "Den sista månaden får inte komma före den första." in response.content.decode()
    assert len(response.context["data"].decisions_per_month) == 2  # no filter applied
    export = owner_client.get(reverse("ideas-dashboard-export", args=["csv"]), {"from": "2026-03", "to": "2026-01"})
    assert export.status_code == 400


@pytest.mark.parametrize("bad", ["2026-13", "januari", "2026-01-05", "0001-01"])
def test_malformed_month_is_a_translated_error(owner_client, dataset, bad):
    page = owner_client.get(DASHBOARD, {"from": bad}).content.decode()
    assert "Ange en månad" in page

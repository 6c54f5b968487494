"""Downloads of the inbox and the dashboard in three formats: standard CSV, CSV for Nordic Excel
(semicolon, BOM, decimal comma) and an XLSX workbook with real dates, fitted columns, a frozen bold
header and formulas shown as text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from framja.ideas import exports
from framja.ideas.models import GateDecision, StageVisit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]

BOM = "\ufeff".encode()
FORMULA_TITLE = "=SUM(A1:A9) och en lång titel om snöskotrar i fjällen"
LONG_TITLE = "Gemensam laddinfrastruktur för snöskotrar längs alla skoterleder i länet"


def inbox_export(client, fmt, **query):
    response = client.get(reverse("ideas-inbox-export", args=[fmt]), query)
    assert response.status_code == 200
    if response.streaming:  # CSV is streamed row by row; read it whole here
        return Download(b"".join(response.streaming_content), response.headers)
    return response


class Download(dict):
    """A streamed download read whole: its headers by name and its `content`."""

    def __init__(self, content: bytes, headers) -> None:
        super().__init__(headers)
        self.content = content


@pytest.fixture
def ideas(make_idea):
    submitted = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)  # 6 January in Stockholm and Oslo
    formula = make_idea(title=FORMULA_TITLE, created_at=submitted)
    long = make_idea(title=LONG_TITLE, created_at=submitted)
    return formula, long


# --------------------------------------------------------------------------- CSV for Nordic Excel


def test_excel_csv_opens_in_columns_in_nordic_excel(owner_client, ideas, settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    response = inbox_export(owner_client, "excel.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('-excel.csv"')
    assert response.content.startswith(BOM)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 10  # one column per field, not one column of comma-joined text
    by_reference = {row[0]: row for row in rows[1:]}
    formula, _long = ideas
    row = by_reference[formula.reference]
    assert row[2] == "Östersund"
    assert row[8] == "2026-01-06"  # the submission date in the site's time zone, ISO (Excel reads it as a date)
    assert row[1] == "'" + FORMULA_TITLE  # the CSV formula guard stays (OWASP)


def test_standard_csv_has_commas_no_bom(owner_client, ideas):
    response = inbox_export(owner_client, "csv")
    assert not response.content.startswith(BOM)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert len(rows[0]) == 10
    assert {row[1] for row in rows[1:]} == {"'" + FORMULA_TITLE, LONG_TITLE}


@pytest.fixture
def decisions(make_idea, owner, sluice):
    idea = make_idea(title="A")
    StageVisit.objects.filter(idea=idea).update(entered_at=datetime(2026, 1, 1, tzinfo=UTC))
    decision = GateDecision.objects.create(
        idea=idea, outcome="go", from_stage=idea.stage, to_stage=idea.stage, rationale="x", decided_by=owner
    )
    GateDecision.objects.filter(pk=decision.pk).update(decided_at=datetime(2026, 1, 15, tzinfo=UTC))
    return idea


def _time_rows(rows):
    """The rows of the "time in stage" table: stage, visits, mean days, median days."""
    return [row for row in rows if len(row) == 4 and row[1].isdigit()]


def test_dashboard_excel_csv_uses_decimal_comma(owner_client, decisions):
    response = owner_client.get(reverse("ideas-dashboard-export", args=["excel.csv"]))
    assert response.content.startswith(BOM)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    mean_days = _time_rows(rows)[0][2]
    assert "," in mean_days
    assert "." not in mean_days
    float(mean_days.replace(",", "."))  # a number, written the way Swedish Excel reads one


def test_dashboard_standard_csv_uses_decimal_point(owner_client, decisions):
    response = owner_client.get(reverse("ideas-dashboard-export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    mean_days = _time_rows(rows)[0][2]
    assert "." in mean_days
    assert "," not in mean_days


def test_unknown_format_is_404(owner_client, ideas):
    assert owner_client.get(reverse("ideas-inbox").replace("inbox/", "inbox/export.txt")).status_code == 404


# --------------------------------------------------------------------------- XLSX


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_xlsx_has_real_dates(owner_client, ideas, settings):
    settings.TIME_ZONE = "Europe/Oslo"
    sheet = _sheet(inbox_export(owner_client, "xlsx"))
    submitted = sheet.cell(row=2, column=9)
    assert isinstance(submitted.value, datetime)  # openpyxl reads date cells as datetime
    assert submitted.value.date() == date(2026, 1, 6)
    assert submitted.is_date
    assert submitted.number_format == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=10).value is None  # not withdrawn: an empty cell, not ""


def test_xlsx_formula_is_text_without_apostrophe(owner_client, ideas):
    sheet = _sheet(inbox_export(owner_client, "xlsx"))
    titles = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=2) for r in range(2, sheet.max_row + 1)}
    cell = titles[FORMULA_TITLE]  # exactly the title: no visible apostrophe
    assert cell.data_type == "s"


def test_xlsx_columns_fit_their_content(owner_client, ideas):
    sheet = _sheet(inbox_export(owner_client, "xlsx"))
    assert sheet.column_dimensions["B"].width >= min(len(LONG_TITLE), exports.MAX_WIDTH)  # the title column
    assert sheet.column_dimensions["A"].width > 12  # a reference IDE-…-2026-0001 is longer than 12


def test_xlsx_header_is_bold_and_frozen(owner_client, ideas):
    sheet = _sheet(inbox_export(owner_client, "xlsx"))
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet.cell(row=2, column=1).font.b


def test_dashboard_xlsx_numbers_are_numbers(owner_client, decisions):
    workbook = load_workbook(io.BytesIO(owner_client.get(reverse("ideas-dashboard-export", args=["xlsx"])).content))
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
    time_sheet = workbook.worksheets[1]
    assert time_sheet.cell(row=2, column=3).data_type == "n"  # mean days: a number Excel can sum


def test_xlsx_drops_characters_xml_cannot_hold():
    response = exports.xlsx_response("x", [("T", ["Title", "Share", "Empty"], [["bad\x0bchar", Decimal("2.5"), None]])])
    sheet = _sheet(response)
    assert [c.value for c in sheet[2]] == ["badchar", 2.5, None]


def test_aware_datetimes_are_local_and_formatted(settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    when = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    sheet = _sheet(exports.xlsx_response("x", [("T", ["When"], [[when]])]))
    assert sheet["A2"].value == datetime(2026, 6, 1, 12, 0)
    assert sheet["A2"].number_format == "yyyy-mm-dd hh:mm"
    text = exports.csv_response("x", [("T", ["When"], [[when]])]).content.decode()
    assert "2026-06-01 12:00" in text


# --------------------------------------------------------------------------- the pages offer all three


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("sv", ["Excel-arbetsbok (XLSX)", "CSV för Excel (semikolon)", "CSV, standard (kommatecken)"]),
        ("nb", ["Excel-arbeidsbok (XLSX)", "CSV for Excel (semikolon)", "CSV, standard (komma)"]),
        ("en", ["Excel workbook (XLSX)", "CSV for Excel (semicolon)", "CSV, standard (comma)"]),
    ],
)
@pytest.mark.parametrize("page", ["ideas-inbox", "ideas-dashboard"])
def test_pages_offer_three_formats(owner_client, ideas, language, labels, page):
    with translation.override(language):
        html = owner_client.get(reverse(page)).content.decode()
        urls = [reverse(f"{page}-export", args=[fmt]) for fmt in exports.FORMATS]
    for label in labels:
        assert label in html
    for url in urls:
        assert f'href="{url}?' in html


# --------------------------------------------------------------------------- streaming


def test_csv_export_streams_with_the_same_queries_per_chunk(owner_client, make_idea, monkeypatch):
    """A CSV of any length: rows are read CHUNK at a time, each chunk costing the same
    queries (its tags), never a query per row; a 100,000-row export is 50 such chunks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from framja.ideas.services import exports as export_services

    monkeypatch.setattr(export_services, "CHUNK", 2)

    def queries_and_rows() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = owner_client.get(reverse("ideas-inbox-export", args=["csv"]))
            assert response.streaming
            body = b"".join(response.streaming_content).decode()
        return len(queries), len(list(csv.reader(io.StringIO(body)))) - 1

    counts = []
    for _chunk in range(3):
        make_idea(title="Första idén i biten")
        make_idea(title="Andra idén i biten")
        counts.append(queries_and_rows())
    assert [rows for _queries, rows in counts] == [2, 4, 6]
    per_chunk = {counts[1][0] - counts[0][0], counts[2][0] - counts[1][0]}
    assert len(per_chunk) == 1  # the same for every chunk
    assert per_chunk.pop() <= 1  # at most the chunk's tags

"""The dashboard in a real browser (issue 9 items 8 and 9): the period form and the four charts
with their tables pass axe-core, and the XLSX download opens in openpyxl with real dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("public_side")]


def test_period_filter_and_xlsx_download(page, login, visit, assert_accessible, make_idea, owner, tmp_path):
    make_idea(title="=SUM(A1) snöskotrar", created_at=datetime(2026, 1, 9, tzinfo=UTC))
    make_idea(created_at=datetime(2026, 3, 2, tzinfo=UTC))
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, owner)
    visit(page, reverse("ideas-dashboard"))
    page.locator("input[name=from]").fill("2026-01")
    page.locator("input[name=to]").fill("2026-03")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    assert_accessible(page)
    rows = page.locator("#intake-heading ~ .table-wrap tbody tr")
    assert rows.count() == 3  # January, February (0), March
    assert rows.nth(1).locator("td").inner_text() == "0"

    visit(page, reverse("ideas-inbox"))
    with page.expect_download() as download:
        page.locator(f"a[href^='{reverse('ideas-inbox-export', args=['xlsx'])}']").click()
    path = tmp_path / "ideas.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    titles = [sheet.cell(row=r, column=2) for r in range(2, sheet.max_row + 1)]
    formula = next(c for c in titles if str(c.value).startswith("=SUM"))
    assert formula.data_type == "s"
    assert isinstance(sheet.cell(row=2, column=9).value, datetime)

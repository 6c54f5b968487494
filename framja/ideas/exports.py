"""CSV and XLSX downloads of casework lists and the dashboard.

Cells that a spreadsheet would run as a formula (text starting with = + - @ or a tab) are
prefixed with an apostrophe: idea titles come from the public (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(filename: str, tables: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> HttpResponse:
    """One CSV file; several tables are separated by a blank line and headed by their title."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # Excel needs the BOM to read UTF-8 (å, ä, ö, æ, ø)
    writer = csv.writer(response)
    for index, (title, header, rows) in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([title])
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(c) for c in row])
    return response


def xlsx_response(filename: str, tables: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> HttpResponse:
    """One workbook, one sheet per table, header row in bold and frozen."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        sheet.append([safe_cell(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([safe_cell(c) for c in row])
        sheet.freeze_panes = "A2"
        for i, h in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(12, min(60, len(str(h)) + 4))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31] or "Sheet"

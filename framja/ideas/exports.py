"""CSV and XLSX downloads of casework lists and the dashboard, in three formats.

* ``csv``: standard CSV (RFC 4180): comma separator, decimal point, UTF-8 without a byte order
  mark. For scripts, databases and English-language spreadsheets.
* ``excel.csv``: CSV that Excel opens in columns under Swedish, Norwegian, Danish or Finnish
  regional settings: semicolon separator (the list separator there, since the comma is the
  decimal sign), decimal comma, and a UTF-8 byte order mark so that å, ä, ö, æ and ø survive.
* ``xlsx``: an Excel workbook, one sheet per table: real dates and datetimes (with a cell number
  format), a bold header row frozen in place, and columns as wide as their content.

Formula injection (idea titles come from the public): in both CSV formats a text cell that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is prefixed
with an apostrophe, as OWASP advises for CSV; the apostrophe is visible in the cell, which is
the price of a plain-text format. The workbook needs no such mark: every text cell is stored as a
string (``data_type 's'``), which Excel shows literally and never evaluates.

Table cells are Python values: str, int, float, Decimal, date, datetime (aware datetimes are shown
in the site's time zone) or None.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The formats offered, as they appear in the download URLs (export.<format>).
FORMATS = ("csv", "excel.csv", "xlsx")
URL_FORMATS = r"csv|excel\.csv|xlsx"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH = 8, 60

Table = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def safe_cell(value: Any) -> Any:
    """CSV only: a text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _local(value: datetime) -> datetime:
    """A naive datetime in the site's time zone (Excel has no time zones)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _csv_text(value: Any, *, decimal_comma: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        text = str(value)
        return text.replace(".", ",") if decimal_comma else text
    return safe_cell(value)


def export_response(
    fmt: str, filename: str, tables: Sequence[Table], *, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """The download in one of FORMATS (anything else is a programming error). `stream=True`
    sends a CSV row by row as the rows are read (a list of any length in constant memory, the
    first bytes at once, so no proxy or worker timeout waits for the whole file)."""
    if fmt == "xlsx":
        return xlsx_response(filename, tables)
    if fmt in ("csv", "excel.csv"):
        return csv_response(filename, tables, excel=fmt == "excel.csv", stream=stream)
    raise ValueError(f"unknown export format {fmt!r}")


class _Line:
    """A file-like object whose write() hands the line back (for csv.writer in a generator)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(tables: Sequence[Table], *, excel: bool = False) -> Iterator[str]:
    """The CSV text, line by line; several tables are separated by a blank line and headed by
    their title. ``excel=True``: semicolon, decimal comma and a byte order mark, for Nordic Excel."""
    if excel:
        yield "\ufeff"  # Excel reads a CSV as UTF-8 only with the byte order mark
    writer = csv.writer(_Line(), delimiter=";" if excel else ",", lineterminator="\r\n")
    for index, (title, header, rows) in enumerate(tables):
        if len(tables) > 1:
            if index:
                yield writer.writerow([])
            yield writer.writerow([safe_cell(title)])
        yield writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            yield writer.writerow([_csv_text(c, decimal_comma=excel) for c in row])


def csv_response(
    filename: str, tables: Sequence[Table], *, excel: bool = False, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """One CSV file (`csv_lines`), whole or streamed."""
    name = f"{filename}-excel.csv" if excel else f"{filename}.csv"
    lines = csv_lines(tables, excel=excel)
    response: HttpResponse | StreamingHttpResponse
    if stream:
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters are not allowed in XML
    return value


def _shown_width(value: Any) -> int:
    """How many characters a cell shows (for the column width)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, date):
        return len(DATE_FORMAT)
    return max((len(line) for line in str(value).splitlines()), default=0)


#: Rows read before a sheet's first row is written, to fit its columns (write-only mode fixes the
#: widths before the first row): the whole sheet for a small export, a sample for a large one.
WIDTH_SAMPLE = 2_000


def write_xlsx(
    target: Any, tables: Sequence[Table], *, progress: Callable[[int], None] | None = None, every: int = WIDTH_SAMPLE
) -> int:
    """Write one workbook to `target` (a path or a binary file), one sheet per table: header row
    in bold and frozen, columns fitted to the first WIDTH_SAMPLE rows. Returns the rows written.

    Written in openpyxl's write-only mode: rows go straight to a temporary file as they are read,
    so memory stays flat however long the table is. `progress(rows)` is called every `every` rows
    and at the end (the export job shows it)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    written = 0
    for title, header, raw_rows in tables:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        rows = iter(raw_rows)
        sample = [[_xlsx_value(raw) for raw in row] for row in itertools.islice(rows, WIDTH_SAMPLE)]
        widths = [_shown_width(h) for h in header]
        for row in sample:
            for column, value in enumerate(row):
                if column < len(widths):
                    widths[column] = max(widths[column], _shown_width(value))
                else:
                    widths.append(_shown_width(value))
        sheet.freeze_panes = "A2"
        for column, width in enumerate(widths, start=1):
            # +2 for the cell padding; the header is bold, so it gets one more character
            sheet.column_dimensions[get_column_letter(column)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 3))
        sheet.append([_xlsx_cell(sheet, _xlsx_value(h), font=bold) for h in header])
        rest = ([_xlsx_value(raw) for raw in row] for row in rows)
        for row in itertools.chain(sample, rest):
            sheet.append([_xlsx_cell(sheet, value) for value in row])
            written += 1
            if progress is not None and written % every == 0:
                progress(written)
    workbook.save(target)
    if progress is not None:
        progress(written)
    return written


def xlsx_response(filename: str, tables: Sequence[Table]) -> HttpResponse:
    """One workbook (`write_xlsx`) as a download, built in the request: for small lists only;
    large ones go through the export job (`services.exports`)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, tables)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _xlsx_cell(sheet: Any, value: Any, *, font: Font | None = None) -> Any:
    """A write-only cell: text stored as a string (shown, never run as a formula), dates with
    their number format."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # shown as text, never run as a formula (no apostrophe needed)
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    return cell


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31] or "Sheet"

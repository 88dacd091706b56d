"""Excel exports of any list: sheets of headers and rows, as an HTTP download.

Every text cell is made safe: characters Excel's XML cannot hold (control characters) are dropped, and
text that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return before
one) gets a leading apostrophe-like quote so it is shown as text (OWASP "CSV injection").
"""

import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value as it should be written to a cell: numbers as numbers, text neutralised."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = ILLEGAL_CHARACTERS.sub("", str(value))
    if text.startswith(FORMULA_START):
        text = "'" + text
    return text


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]


def write_workbook(sheets: Sequence[Sheet], target) -> None:
    """Write the sheets into ``target`` (a file) with XlsxWriter in constant-memory mode: each row is
    written to disk as it comes (no shared-string table in memory), so a 100,000-row export needs the
    same memory as a 100-row one. Text is never turned into formulas or links."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    for sheet in sheets:
        ws = workbook.add_worksheet(_sheet_name(str(sheet.title)))
        headers = [safe_cell(str(h)) for h in sheet.headers]
        for index, header in enumerate(headers):
            ws.set_column(index, index, max(10, min(40, len(header) * 2 + 4)))
        ws.freeze_panes(1, 0)
        ws.write_row(0, 0, headers, bold)
        for number, row in enumerate(sheet.rows, start=1):
            for column, value in enumerate(row):
                cell = safe_cell(value)
                if cell is None:
                    continue
                if isinstance(cell, str):
                    ws.write_string(number, column, cell)
                else:
                    ws.write(number, column, cell)
    workbook.close()


def _sheet_name(title: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()


def xlsx_response(name: str, sheets: Sequence[Sheet]) -> FileResponse:
    """The workbook as a download, written to a temporary file and streamed from it."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_workbook(sheets, spool)
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        spool, as_attachment=True, filename=f"{name}-{stamp}.xlsx", content_type=XLSX_TYPE
    )

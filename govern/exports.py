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

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

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
    """Write the sheets into ``target`` (a file) in openpyxl's write-only mode: rows go to disk as
    they come, so a 100,000-row export needs constant memory."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(title=str(sheet.title)[:31])
        headers = [safe_cell(str(h)) for h in sheet.headers]
        for index, header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(index)].width = max(
                10, min(40, len(header) * 2 + 4)
            )
        ws.freeze_panes = "A2"
        ws.append(headers)
        for row in sheet.rows:
            ws.append([safe_cell(v) for v in row])
    wb.save(target)


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

"""Excel exports of any list: sheets of headers and rows, as an HTTP download.

Every text cell is made safe: characters Excel's XML cannot hold (control characters) are dropped, and
text that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return before
one) gets a leading apostrophe-like quote so it is shown as text (OWASP "CSV injection").
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from django.http import HttpResponse
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


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(title=str(sheet.title)[:31])
        headers = [safe_cell(str(h)) for h in sheet.headers]
        ws.append(headers)
        for row in sheet.rows:
            ws.append([safe_cell(v) for v in row])
        for index, header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(index)].width = max(
                10, min(40, len(header) * 2 + 4)
            )
        ws.freeze_panes = "A2"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(name: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response

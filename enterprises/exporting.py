"""Export of an enterprise list to .xlsx."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .importing import COLUMNS


def enterprises_xlsx(queryset) -> bytes:
    """One row per enterprise, with the import's columns plus state and tier, so exports re-import."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Enterprises")
    headers = [str(column.label) for column in COLUMNS] + [_("state"), _("tier")]
    ws.append(headers)
    for enterprise in queryset.iterator(chunk_size=500):
        ws.append(
            [column.export(enterprise) for column in COLUMNS]
            + [enterprise.get_state_display(), enterprise.tier]
        )
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(header) * 2 + 4))
    ws.freeze_panes = "A2"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

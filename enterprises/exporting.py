"""Export of an enterprise list to .xlsx, with the import's columns so an export re-imports."""

from django.utils.translation import gettext as _

from govern.exports import Sheet, workbook_bytes

from .importing import COLUMNS


def enterprises_xlsx(queryset) -> bytes:
    """One row per enterprise, with the import's columns plus state and tier."""
    headers = [str(column.label) for column in COLUMNS] + [_("state"), _("tier")]
    rows = (
        [column.export(enterprise) for column in COLUMNS]
        + [enterprise.get_state_display(), enterprise.tier]
        for enterprise in queryset.iterator(chunk_size=500)
    )
    return workbook_bytes([Sheet(_("Enterprises"), headers, rows)])

"""Export of an enterprise list to .xlsx, with the import's columns so an export re-imports."""

from django.utils.translation import gettext as _

from govern.exports import Sheet, workbook_bytes

from .importing import COLUMNS


def enterprises_sheet(queryset) -> Sheet:
    """One row per enterprise (the import's columns plus state and tier), read in chunks."""
    headers = [str(column.label) for column in COLUMNS] + [_("state"), _("tier")]
    rows = (
        [column.export(enterprise) for column in COLUMNS]
        + [enterprise.get_state_display(), enterprise.tier]
        for enterprise in queryset.select_related("sector", "district", "park").iterator(
            chunk_size=2000
        )
    )
    return Sheet(_("Enterprises"), headers, rows)


def enterprises_xlsx(queryset) -> bytes:
    return workbook_bytes([enterprises_sheet(queryset)])

"""The material ledger's .xlsx (or CSV) import: every row is checked first and reported by row and field;
nothing is stored while any row is bad, unless the user asks to skip the bad rows."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.importing import Column, read_table
from enterprises.models import Enterprise
from govern.errors import ApplicationError
from govern.exports import Sheet

from . import services
from .models import LedgerEntry, MaterialCategory, Unit

COLUMNS = (
    Column("month", gettext_lazy("Month (YYYY-MM)"), required=True),
    Column("product_name", gettext_lazy("Product name"), required=True),
    Column("supplier", gettext_lazy("Supplier")),
    Column("category", gettext_lazy("Category code"), required=True),
    Column("voc_content", gettext_lazy("VOC content"), required=True),
    Column("unit", gettext_lazy("Unit (g/L or %)"), required=True),
    Column("density", gettext_lazy("Density (kg/L)")),
    Column("quantity_kg", gettext_lazy("Quantity used (kg)"), required=True),
)
LABELS = {c.key: c.label for c in COLUMNS}
UNIT_WORDS = {
    "g/l": Unit.GRAMS_PER_LITRE,
    "克/升": Unit.GRAMS_PER_LITRE,
    "%": Unit.PERCENT,
    "％": Unit.PERCENT,
    "质量百分比": Unit.PERCENT,
    "% by mass": Unit.PERCENT,
}
MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(?:[-/.]\d{1,2}日?)?(?: 00:00:00)?$")


@dataclass
class RowProblem:
    number: int
    product_name: str
    errors: list[str] = field(default_factory=list)


@dataclass
class LedgerImportReport:
    total: int
    problems: list[RowProblem]
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _month(text: str) -> date | None:
    match = MONTH.match(text.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    return date(year, month, 1) if 1 <= month <= 12 else None


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _parse(row: dict[str, str], problems: list[str]) -> dict:
    data: dict = {
        "product_name": row.get("product_name", ""),
        "supplier": row.get("supplier", ""),
        "category": row.get("category", "").strip(),
    }

    def bad(key: str, message: str) -> None:
        problems.append(f"{LABELS[key]}：{message}")

    data["month"] = _month(row.get("month", ""))
    if data["month"] is None:
        bad("month", _("Enter the month as YYYY-MM."))
    for key in ("voc_content", "quantity_kg", "density"):
        text = row.get(key, "").strip()
        if key == "density" and not text:
            data[key] = None
            continue
        data[key] = _number(text)
        if data[key] is None:
            bad(key, _("Enter a number."))
    data["unit"] = UNIT_WORDS.get(row.get("unit", "").strip().lower(), "")
    if not data["unit"]:
        bad("unit", _("Choose the unit: g/L or % by mass."))
    return data


def ledger_import(*, enterprise: Enterprise, upload, skip_bad_rows: bool, by) -> LedgerImportReport:
    """Check every row; store them all (or, if asked, the good ones) in one transaction."""
    rows = read_table(
        upload,
        max_bytes=settings.GOVERN_IMPORT_MAX_BYTES,
        columns=COLUMNS,
        no_rows_message=_("The file has a header but no ledger rows."),
    )
    problems: list[RowProblem] = []
    entries: list[LedgerEntry] = []
    table = services.LimitTable()
    for number, row in enumerate(rows, start=2):
        errors: list[str] = []
        data = _parse(row, errors)
        if not errors:
            try:
                entries.append(
                    services.build_entry(enterprise=enterprise, data=data, by=by, table=table)
                )
            except ApplicationError as error:
                label = LABELS.get(error.field or "", _("Row"))
                errors.append(f"{label}：{error.message}")
        if errors:
            problems.append(RowProblem(number, row.get("product_name", ""), errors))
    report = LedgerImportReport(total=len(rows), problems=problems)
    if entries and (not problems or skip_bad_rows):
        report.imported = len(
            services.ledger_entries_add(enterprise=enterprise, entries=entries, by=by)
        )
    return report


def template_sheets() -> list[Sheet]:
    """The import template: the columns with one example row, and the categories with their limits."""
    with translation.override("zh-hans"):
        headers = [str(c.label) for c in COLUMNS]
    categories = MaterialCategory.objects.prefetch_related("limits__standard").order_by(
        "product", "id"
    )
    return [
        Sheet(
            _("Ledger"),
            headers,
            [
                [
                    "2026-10",
                    "水性柔印油墨 WB-200",
                    "某油墨有限公司",
                    "ink-water-flexo-absorbent",
                    4,
                    "%",
                    "",
                    1200,
                ]
            ],
        ),
        Sheet(
            _("Categories"),
            [_("Category code"), _("Category"), _("Standard"), _("Limit"), _("Unit"), _("Low-VOC")],
            [
                [
                    c.code,
                    str(c),
                    limit.standard.code,
                    float(limit.limit),
                    limit.unit,
                    _("yes") if limit.low_voc else _("no"),
                ]
                for c in categories
                for limit in c.limits.all()
            ],
        ),
    ]

"""Recording the material ledger and classifying each row against the limit in force in its month.

A row is classified once, when it is recorded: the limit row of the standard version in force on the
first day of the month of use, within or over it, low-VOC or not (a low-VOC category within its limit),
and its VOC input in kg (quantity × content; a content in g/L is turned into a mass with the density).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from govern import clock, roles
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict, full_clean, require
from govern.events import publish
from govern.models import StoredFileBase
from govern.uploads import EVIDENCE_KINDS, accept_upload, store_by_hash

from . import events
from .models import LedgerDocument, LedgerEntry, MaterialCategory, Unit, VocLimit, first_of_month

KG = Decimal("0.001")
EARLIEST_MONTH = date(2000, 1, 1)
MAX_DOCUMENTS = 5


@dataclass(frozen=True)
class Classification:
    limit: VocLimit
    within_limit: bool
    low_voc: bool
    voc_kg: Decimal


class LimitTable:
    """Every category and limit row, read once (two queries), so that an import of many rows checks
    each without a query of its own; the tables are small (tens of rows)."""

    def __init__(self) -> None:
        self.categories = {c.code: c for c in MaterialCategory.objects.all()}
        self.limits: dict[int, list[VocLimit]] = defaultdict(list)
        for limit in VocLimit.objects.select_related("standard", "category").order_by(
            "-standard__valid_from"
        ):
            self.limits[limit.category_id].append(limit)

    def category(self, value) -> MaterialCategory:
        if isinstance(value, MaterialCategory):
            return value
        category = self.categories.get(str(value or "").strip())
        if category is None:
            raise InvalidInput(
                _("There is no material category “%(code)s”; choose one from the VOC limit tables.")
                % {"code": value},
                field="category",
            )
        return category

    def in_force(self, category: MaterialCategory, on: date) -> VocLimit | None:
        """The category's limit in the version in force on the day (the latest, if two overlap)."""
        return next((x for x in self.limits[category.pk] if x.standard.in_force_on(on)), None)


def voc_mass_kg(*, quantity_kg: Decimal, voc_content: Decimal, unit: str, density) -> Decimal:
    """VOC input: quantity × content; g/L is per litre of product, so the mass goes through volume."""
    if unit == Unit.PERCENT:
        mass = quantity_kg * voc_content / 100
    else:
        mass = quantity_kg / Decimal(density) * voc_content / 1000
    return mass.quantize(KG, rounding=ROUND_HALF_UP)


def classify(
    *,
    category: MaterialCategory,
    month: date,
    voc_content: Decimal,
    unit: str,
    density,
    quantity_kg: Decimal,
    table: LimitTable | None = None,
) -> Classification:
    """Check one material against the limit in force; refuse input that cannot be classified."""
    limit = (table or LimitTable()).in_force(category, month)
    if limit is None:
        raise InvalidInput(
            _("No VOC limit standard for %(category)s was in force in %(month)s.")
            % {"category": category, "month": f"{month:%Y-%m}"},
            field="category",
        )
    if unit != limit.unit:
        raise InvalidInput(
            _(
                "%(standard)s states the limit for %(category)s in %(unit)s; give the VOC content "
                "in %(unit)s."
            )
            % {
                "standard": limit.standard.code,
                "category": category,
                "unit": limit.get_unit_display(),
            },
            field="unit",
        )
    if voc_content < 0:
        raise InvalidInput(_("A VOC content cannot be negative."), field="voc_content")
    if unit == Unit.PERCENT and voc_content > 100:
        raise InvalidInput(_("A content by mass cannot exceed 100 %."), field="voc_content")
    if unit == Unit.GRAMS_PER_LITRE and not density:
        raise InvalidInput(
            _("Give the density (kg/L) to turn a content in g/L into a mass."), field="density"
        )
    if quantity_kg is None or quantity_kg <= 0:
        raise InvalidInput(_("The quantity used must be more than zero."), field="quantity_kg")
    within = voc_content <= limit.limit
    return Classification(
        limit=limit,
        within_limit=within,
        low_voc=limit.low_voc and within,
        voc_kg=voc_mass_kg(
            quantity_kg=quantity_kg, voc_content=voc_content, unit=unit, density=density
        ),
    )


def _month(value) -> date:
    if not isinstance(value, date):
        raise InvalidInput(_("Enter the month as YYYY-MM."), field="month")
    month = first_of_month(value)
    if month > first_of_month(clock.today()):
        raise InvalidInput(_("A ledger month cannot be in the future."), field="month")
    if month < EARLIEST_MONTH:
        raise InvalidInput(_("A ledger month cannot be before 2000."), field="month")
    return month


def keeps_ledger(user, enterprise_id: int) -> bool:
    """Only the enterprise's own accounts write its ledger (staff read it and close findings)."""
    return roles.is_own_enterprise(user, enterprise_id)


def _require_own(enterprise: Enterprise, by) -> None:
    if not keeps_ledger(by, enterprise.pk):
        raise PermissionDenied(_("Only the enterprise's own accounts keep its material ledger."))


def build_entry(
    *, enterprise: Enterprise, data: Mapping[str, Any], by, table: LimitTable | None = None
) -> LedgerEntry:
    """An unsaved, classified and validated row (for the form and for each row of an import)."""
    table = table or LimitTable()
    month = _month(data.get("month"))
    category = table.category(data.get("category"))
    density = data.get("density") or None
    fields: dict[str, Any] = {
        "voc_content": data.get("voc_content"),
        "unit": data.get("unit") or "",
        "density": density,
        "quantity_kg": data.get("quantity_kg"),
    }
    if fields["unit"] not in Unit.values:
        raise InvalidInput(_("Choose the unit: g/L or % by mass."), field="unit")
    for name in ("voc_content", "quantity_kg"):
        if not isinstance(fields[name], Decimal):
            raise InvalidInput(_("Enter a number."), field=name)
    result = classify(
        category=category,
        month=month,
        voc_content=fields["voc_content"],
        unit=fields["unit"],
        density=density,
        quantity_kg=fields["quantity_kg"],
        table=table,
    )
    entry = LedgerEntry(
        enterprise=enterprise,
        month=month,
        product_name=str(data.get("product_name") or "").strip(),
        supplier=str(data.get("supplier") or "").strip(),
        category=category,
        limit=result.limit,
        within_limit=result.within_limit,
        low_voc=result.low_voc,
        voc_kg=result.voc_kg,
        created_by=by,
        **fields,
    )
    full_clean(entry, exclude=["enterprise", "created_by", "limit", "category"])
    return entry


def _checked_documents(uploads: Sequence) -> list:
    if len(uploads) > MAX_DOCUMENTS:
        raise InvalidInput(
            _("At most %(count)d files per row.") % {"count": MAX_DOCUMENTS}, field="documents"
        )
    return [
        (
            upload,
            *accept_upload(
                upload,
                kinds=EVIDENCE_KINDS,
                max_bytes=settings.GOVERN_EVIDENCE_MAX_BYTES,
                field="documents",
            ),
        )
        for upload in uploads
    ]


def _over_limit(entries: Sequence[LedgerEntry], enterprise: Enterprise, by) -> None:
    over = tuple(e.pk for e in entries if not e.within_limit)
    if over:
        publish(
            events.OverLimitMaterialRecorded(
                enterprise_id=enterprise.pk, entry_ids=over, by_id=by.pk
            )
        )


def ledger_entry_add(
    *, enterprise: Enterprise, data: Mapping[str, Any], documents: Sequence = (), by
) -> LedgerEntry:
    """Record one material used in a month, with its test report or safety data sheet."""
    _require_own(enterprise, by)
    entry = build_entry(enterprise=enterprise, data=data, by=by)
    checked = _checked_documents(documents)
    with transaction.atomic():
        entry.save()
        for upload, content, kind in checked:
            stored = store_by_hash(content, kind, folder="ledger", original_name=upload.name or "")
            LedgerDocument.objects.create(
                entry=entry, uploaded_by=by, **StoredFileBase.stored_fields(stored)
            )
        _over_limit([entry], enterprise, by)
    return entry


def ledger_entries_add(
    *, enterprise: Enterprise, entries: Sequence[LedgerEntry], by
) -> list[LedgerEntry]:
    """Store rows already built and checked (an import), all in one transaction."""
    _require_own(enterprise, by)
    with transaction.atomic():
        created = LedgerEntry.objects.bulk_create(entries)
        _over_limit(created, enterprise, by)
    return created


def ledger_entry_delete(*, entry: LedgerEntry, by) -> None:
    """The enterprise removes a row it recorded by mistake; a row over its limit is a finding and stays."""
    _require_own(entry.enterprise, by)
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        if not locked.within_limit:
            raise TransitionConflict(
                _("A row over its limit is a finding for the inspectors and cannot be deleted.")
            )
        locked.documents.all().delete()
        locked.delete()


def finding_close(*, entry: LedgerEntry, note: str, by) -> LedgerEntry:
    """An inspector closes an over-limit finding after checking on site, saying what was found."""
    require(roles.is_staff_role(by))
    note = note.strip()
    if not note:
        raise InvalidInput(_("Say what was found on site."), field="note")
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        if not locked.finding_open:
            raise TransitionConflict(_("This finding is already closed."))
        locked.finding_note = note
        locked.finding_closed_by = by
        locked.finding_closed_at = clock.now()
        locked.save(update_fields=["finding_note", "finding_closed_by", "finding_closed_at"])
    return locked

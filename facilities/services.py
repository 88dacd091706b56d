"""Registering treatment facilities and recording activated-carbon replacements.

The next replacement of an activated-carbon facility is due T = m·s ÷ (c·Q·t × 10⁻⁶) days after the
latest replacement (or after it went into service); the deadlines app reminds and escalates from that
date like any other deadline.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from govern import clock, roles
from govern.errors import InvalidInput, PermissionDenied, full_clean
from govern.events import publish
from govern.models import StoredFileBase
from govern.uploads import IMAGE_KINDS, accept_upload, store_by_hash

from . import events
from .models import CarbonReplacement, ReplacementPhoto, TreatmentFacility, due_after

FACILITY_FIELDS = (
    "name",
    "kind",
    "design_air_volume",
    "design_efficiency",
    "outlet",
    "commissioned_on",
    "carbon_mass_kg",
    "iodine_value",
    "adsorption_ratio",
    "inlet_concentration",
    "running_hours",
    "retired_on",
)
CARBON_FIELDS = (
    "carbon_mass_kg",
    "iodine_value",
    "adsorption_ratio",
    "inlet_concentration",
    "running_hours",
)
MAX_PHOTOS = 6


def _require_may_keep(enterprise_id: int, by) -> None:
    """Staff, or the enterprise's own accounts, keep its register."""
    if not roles.may_act_for(by, enterprise_id):
        raise PermissionDenied()


def _due(facility: TreatmentFacility):
    """The next replacement: T days after the latest replacement, else after going into service."""
    if not facility.is_carbon or facility.retired_on:
        return None
    days = facility.replacement_days
    if days is None:
        return None
    latest = (
        facility.replacements.order_by("-replaced_on").values_list("replaced_on", flat=True).first()
        if facility.pk
        else None
    )
    return due_after(latest or facility.commissioned_on, days)


def _apply(facility: TreatmentFacility, data: Mapping[str, Any]) -> list:
    for name in FACILITY_FIELDS:
        if name in data:
            setattr(facility, name, data[name])
    if facility.is_carbon:
        for name in CARBON_FIELDS:
            if getattr(facility, name) in (None, ""):
                raise InvalidInput(
                    _("An activated-carbon facility needs this to compute its replacement period."),
                    field=name,
                )
    else:
        for name in CARBON_FIELDS:
            setattr(facility, name, None)
    if facility.commissioned_on and facility.commissioned_on > clock.today():
        raise InvalidInput(_("A date in service cannot be in the future."), field="commissioned_on")
    if facility.retired_on and facility.retired_on < facility.commissioned_on:
        raise InvalidInput(
            _("A facility cannot go out of service before it went into service."),
            field="retired_on",
        )
    full_clean(facility, exclude=["enterprise", "created_by"])
    points = list(data.get("monitoring_points") or [])
    if any(p.enterprise_id != facility.enterprise_id for p in points):
        raise InvalidInput(
            _("A facility can only be linked to its own enterprise's monitoring points."),
            field="monitoring_points",
        )
    return points


def facility_register(*, enterprise: Enterprise, data: Mapping[str, Any], by) -> TreatmentFacility:
    _require_may_keep(enterprise.pk, by)
    facility = TreatmentFacility(enterprise=enterprise, created_by=by)
    points = _apply(facility, data)
    with transaction.atomic():
        facility.replacement_due = _due(facility)
        facility.save()
        facility.monitoring_points.set(points)
    return facility


def facility_update(
    *, facility: TreatmentFacility, data: Mapping[str, Any], by
) -> TreatmentFacility:
    _require_may_keep(facility.enterprise_id, by)
    with transaction.atomic():
        locked = TreatmentFacility.objects.select_for_update().get(pk=facility.pk)
        points = _apply(locked, data)
        locked.replacement_due = _due(locked)
        locked.save()
        if "monitoring_points" in data:
            locked.monitoring_points.set(points)
    return locked


def replacement_record(
    *, facility: TreatmentFacility, data: Mapping[str, Any], photos: Sequence, by
) -> CarbonReplacement:
    """Record a replacement with photos and the spent carbon's transfer form; the next one falls due
    T days later."""
    _require_may_keep(facility.enterprise_id, by)
    if not facility.is_carbon:
        raise InvalidInput(_("Only an activated-carbon facility has carbon replacements."))
    replaced_on = data.get("replaced_on")
    if replaced_on is None:
        raise InvalidInput(_("Enter the date of the replacement."), field="replaced_on")
    if replaced_on > clock.today():
        raise InvalidInput(
            _("A replacement cannot be recorded in the future."), field="replaced_on"
        )
    if replaced_on < facility.commissioned_on:
        raise InvalidInput(
            _("The facility went into service on %(day)s; a replacement cannot be earlier.")
            % {"day": facility.commissioned_on.isoformat()},
            field="replaced_on",
        )
    if not photos:
        raise InvalidInput(_("Attach at least one photo of the replacement."), field="photos")
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(_("At most %(count)d photos.") % {"count": MAX_PHOTOS}, field="photos")
    checked = [
        (
            upload,
            *accept_upload(
                upload,
                kinds=IMAGE_KINDS,
                max_bytes=settings.GOVERN_EVIDENCE_MAX_BYTES,
                field="photos",
            ),
        )
        for upload in photos
    ]
    mass_kg, iodine_value = data.get("mass_kg"), data.get("iodine_value")
    if mass_kg is None or mass_kg <= 0:
        raise InvalidInput(_("Enter the mass of the new carbon."), field="mass_kg")
    if iodine_value is None or iodine_value < 0:
        raise InvalidInput(_("Enter the iodine value of the new carbon."), field="iodine_value")
    replacement = CarbonReplacement(
        facility=facility,
        replaced_on=replaced_on,
        mass_kg=mass_kg,
        iodine_value=iodine_value,
        transfer_form_no=str(data.get("transfer_form_no") or "").strip(),
        note=str(data.get("note") or "").strip(),
        recorded_by=by,
    )
    full_clean(replacement, exclude=["facility", "recorded_by"])
    with transaction.atomic():
        locked = TreatmentFacility.objects.select_for_update().get(pk=facility.pk)
        replacement.facility = locked
        replacement.save()
        for upload, content, kind in checked:
            stored = store_by_hash(content, kind, folder="carbon", original_name=upload.name or "")
            ReplacementPhoto.objects.create(
                replacement=replacement, uploaded_by=by, **StoredFileBase.stored_fields(stored)
            )
        locked.replacement_due = _due(locked)
        locked.save(update_fields=["replacement_due"])
        publish(
            events.CarbonReplaced(
                replacement_id=replacement.pk,
                facility_id=locked.pk,
                enterprise_id=locked.enterprise_id,
                next_due=locked.replacement_due.isoformat() if locked.replacement_due else "",
                by_id=by.pk,
            )
        )
    return replacement

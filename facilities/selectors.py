"""Reads of the facility register, scoped by role, and what the visit page and dashboard show."""

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from govern import clock, roles

from .models import CarbonReplacement, TreatmentFacility

HISTORY_SHOWN = 5


def facilities(*, user, enterprise: Enterprise | None = None) -> QuerySet[TreatmentFacility]:
    qs = roles.scope_to_user(TreatmentFacility.objects.all(), user)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("enterprise").prefetch_related(
        "monitoring_points",
        Prefetch(
            "replacements",
            queryset=CarbonReplacement.objects.prefetch_related("photos").select_related(
                "recorded_by"
            ),
        ),
    )


def overdue(*, user, today: date | None = None) -> QuerySet[TreatmentFacility]:
    """Activated-carbon facilities in service whose replacement is past due, oldest first."""
    return (
        roles.scope_to_user(TreatmentFacility.objects.carbon_overdue(today or clock.today()), user)
        .select_related("enterprise__district", "enterprise__sector")
        .order_by("replacement_due", "id")
    )


def checklist_note(*, enterprise_id: int, today: date | None = None) -> str:
    """What the visit's checklist item on treatment facilities is pre-filled with."""
    today = today or clock.today()
    lines = []
    for facility in (
        TreatmentFacility.objects.filter(enterprise_id=enterprise_id, retired_on__isnull=True)
        .prefetch_related("replacements")
        .order_by("name", "id")
    ):
        if facility.is_low_efficiency:
            lines.append(
                _("%(name)s: %(kind)s, a low-efficiency technique.")
                % {"name": facility.name, "kind": facility.get_kind_display()}
            )
        if not facility.is_carbon:
            continue
        latest = next(iter(facility.replacements.all()), None)
        state = (
            _("overdue by %(days)d day(s) (due %(day)s)")
            % {"days": (today - facility.replacement_due).days, "day": facility.replacement_due}
            if facility.replacement_due and facility.replacement_due < today
            else _("due %(day)s") % {"day": facility.replacement_due}
        )
        lines.append(
            _(
                "%(name)s: last carbon replacement %(last)s (transfer form %(form)s), next %(state)s; "
                "T = %(days)s days."
            )
            % {
                "name": facility.name,
                "last": latest.replaced_on.isoformat() if latest else _("none recorded"),
                "form": latest.transfer_form_no if latest else "-",
                "state": state,
                "days": facility.replacement_days,
            }
        )
    return "\n".join(lines)


def enterprises_with_overdue_carbon(*, enterprise_ids, today: date | None = None) -> set[int]:
    """Which of these enterprises have activated carbon overdue for replacement (one query)."""
    return set(
        TreatmentFacility.objects.carbon_overdue(today or clock.today())
        .filter(enterprise_id__in=list(enterprise_ids))
        .values_list("enterprise_id", flat=True)
        .distinct()
    )

"""A heavy-pollution warning's page and its report per district: instructions and confirmations
(emergency), notice batches (notices), spot checks and their visits (inspections), and reading
comparisons. Each figure is one grouped query, whatever the number of enterprises."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from emergency import services as emergency_services
from emergency.models import (
    Instruction,
    ReadingComparison,
    SpotCheck,
    SpotCheckDraw,
    Warning,
)
from inspections.models import PlannedInspection, SiteVisit
from notices.models import Notice, NoticeBatch


def batches(*, warning: Warning) -> list[NoticeBatch]:
    return list(
        NoticeBatch.objects.filter(warning=warning)
        .annotate(
            ready=Count("notices", filter=Q(notices__status=Notice.Status.READY)),
            failed=Count("notices", filter=Q(notices__status=Notice.Status.FAILED)),
        )
        .order_by("created_at", "id")
    )


def self_determined(*, warning: Warning) -> int:
    """Grade A and leading enterprises of the districts: they set their own measures."""
    return emergency_services.self_determined(
        district_ids=[d.pk for d in warning.districts.all()]
    ).count()


@dataclass
class DrawRow:
    check: SpotCheck
    planned: PlannedInspection | None
    visit: SiteVisit | None


def draws(*, warning: Warning) -> list[tuple[SpotCheckDraw, list[DrawRow], bool]]:
    """Each draw with its picks, their planned inspection and submitted visit, and whether the seed
    replays the same picks."""
    result = []
    for draw in SpotCheckDraw.objects.filter(warning=warning).select_related("drawn_by"):
        checks = list(SpotCheck.objects.filter(draw=draw).select_related("enterprise", "planned"))
        planned_ids = [c.planned.pk for c in checks if hasattr(c, "planned")]
        visits = {
            v.planned_id: v
            for v in SiteVisit.objects.filter(
                planned_id__in=planned_ids, status=SiteVisit.Status.SUBMITTED
            )
        }
        rows = []
        for check in checks:
            planned = getattr(check, "planned", None)
            rows.append(
                DrawRow(
                    check=check, planned=planned, visit=visits.get(planned.pk) if planned else None
                )
            )
        replayed = emergency_services.spot_check_replay(draw=draw) == sorted(
            c.enterprise_id for c in checks
        )
        result.append((draw, rows, replayed))
    return result


def shortfalls(*, warning: Warning):
    return (
        ReadingComparison.objects.filter(instruction__warning=warning)
        .select_related("instruction__enterprise", "point", "alert")
        .order_by("-shortfall", "observed_pct")
    )


@dataclass
class DistrictReport:
    district: object
    issued: int = 0
    confirmed: int = 0
    late: list = field(default_factory=list)
    required: dict = field(default_factory=dict)
    monitored: int = 0
    observed_voc: Decimal = Decimal(0)
    monitored_required_voc: Decimal = Decimal(0)
    shortfalls: int = 0
    drawn: int = 0
    visited: int = 0
    conclusions: Counter = field(default_factory=Counter)
    outcomes: list = field(default_factory=list)  # (conclusion, count), for the template
    referred: list = field(default_factory=list)


def report(*, warning: Warning) -> list[DistrictReport]:
    """After the episode, per district: confirmations, reductions required versus observed at the
    monitored points, spot-check results and the violations referred for enforcement."""
    districts = list(warning.districts.order_by("id"))
    rows = {d.pk: DistrictReport(district=d) for d in districts}
    current = Instruction.objects.filter(warning=warning, replaced_at__isnull=True)
    for row in current.values("enterprise__district").annotate(
        issued=Count("pk"),
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        voc=Sum("voc_t"),
        nox=Sum("nox_t"),
        pm=Sum("pm_t"),
    ):
        report_row = rows.get(row["enterprise__district"])
        if report_row is None:
            continue
        report_row.issued = row["issued"]
        report_row.confirmed = row["confirmed"]
        report_row.required = {"voc": row["voc"], "nox": row["nox"], "pm": row["pm"]}
    for instruction in current.filter(confirmed_at__isnull=True).select_related("enterprise")[:500]:
        rows[instruction.enterprise.district_id].late.append(instruction.enterprise)
    # Observed: a monitored instruction's VOC cut scaled by what its points showed (capped at 100 %).
    comparisons = ReadingComparison.objects.filter(instruction__warning=warning).select_related(
        "instruction__enterprise"
    )
    seen: dict[int, list[ReadingComparison]] = {}
    for comparison in comparisons:
        seen.setdefault(comparison.instruction_id, []).append(comparison)
    for found in seen.values():
        instruction = found[0].instruction
        report_row = rows.get(instruction.enterprise.district_id)
        if report_row is None:
            continue
        ratio = min(
            Decimal(1),
            max(
                Decimal(0),
                min(
                    c.observed_pct / c.required_pct if c.required_pct else Decimal(1) for c in found
                ),
            ),
        )
        report_row.monitored += 1
        report_row.monitored_required_voc += instruction.voc_t
        report_row.observed_voc += (instruction.voc_t * ratio).quantize(Decimal("0.001"))
        report_row.shortfalls += any(c.shortfall for c in found)
    checks = SpotCheck.objects.filter(draw__warning=warning).select_related("enterprise")
    planned = {p.spot_check_id: p for p in PlannedInspection.objects.filter(spot_check__in=checks)}
    visits = {
        v.planned_id: v
        for v in SiteVisit.objects.filter(
            planned__in=planned.values(), status=SiteVisit.Status.SUBMITTED
        ).select_related("enterprise")
    }
    for check in checks:
        report_row = rows.get(check.enterprise.district_id)
        if report_row is None:
            continue
        report_row.drawn += 1
        p = planned.get(check.pk)
        visit = visits.get(p.pk) if p else None
        if visit is not None:
            report_row.visited += 1
            report_row.conclusions[visit.get_conclusion_display()] += 1
            if visit.conclusion == SiteVisit.Conclusion.SERIOUS:
                report_row.referred.append(visit)
    for report_row in rows.values():
        report_row.outcomes = sorted(report_row.conclusions.items())
    return list(rows.values())

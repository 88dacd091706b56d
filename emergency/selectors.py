"""Reads of lists, warnings, instructions and campaigns, scoped by role."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from enterprises.models import District, Enterprise
from govern import clock, roles

from . import rules
from .models import (
    LEVELS,
    POLLUTANTS,
    Instruction,
    OzoneCampaign,
    ProductionLine,
    ReductionList,
    Warning,
    live,
)
from .services import GONE


def list_get(*, user, pk: int) -> ReductionList:
    qs = roles.scope_to_user(
        ReductionList.objects.select_related("enterprise", "reviewed_by"), user
    )
    try:
        return qs.get(pk=pk)
    except ReductionList.DoesNotExist as error:
        raise Http404 from error


def lists_of(*, enterprise: Enterprise) -> list[ReductionList]:
    return list(ReductionList.objects.filter(enterprise=enterprise).order_by("-version"))


def approved_list(*, enterprise_id: int) -> ReductionList | None:
    return (
        ReductionList.objects.filter(
            enterprise_id=enterprise_id, status=ReductionList.Status.APPROVED
        )
        .prefetch_related("lines__monitoring_point")
        .first()
    )


def review_queue() -> QuerySet[ReductionList]:
    return (
        ReductionList.objects.filter(status=ReductionList.Status.SUBMITTED)
        .select_related("enterprise", "enterprise__district")
        .order_by("submitted_at", "id")
    )


@dataclass
class DistrictCut:
    """One district's approved lists against its emissions at each level and pollutant."""

    district: District
    enterprises: int
    listed: int
    emissions: dict[str, Decimal]
    cuts: dict[tuple[str, str], Decimal]
    short: list[tuple[str, str]] = field(default_factory=list)

    def pct(self, level: str, pollutant: str) -> Decimal | None:
        total = self.emissions[pollutant]
        if total <= 0:
            return None
        return (self.cuts[(level, pollutant)] / total * 100).quantize(Decimal("0.1"))

    def rows(self):
        """(level, threshold %, [(pollutant, pct, short)]) for the template."""
        for level in LEVELS:
            needed = int(rules.threshold(level) * 100)
            yield (
                level,
                needed,
                [(p, self.pct(level, p), (level, p) in self.short) for p in POLLUTANTS],
            )


def district_cuts() -> list[DistrictCut]:
    """Each district's total emissions (operating enterprises) and what the approved lists cut at
    each level — a constant number of queries, whatever the number of enterprises."""
    operating = Enterprise.objects.exclude(state__in=GONE)
    totals = {
        row["district"]: row
        for row in operating.values("district").annotate(
            n=Count("pk"),
            voc=Sum("baseline_voc_tpa"),
            nox=Sum("baseline_nox_tpa"),
            pm=Sum("baseline_pm_tpa"),
        )
    }
    approved = ReductionList.objects.filter(
        status=ReductionList.Status.APPROVED, enterprise__in=operating
    )
    listed = dict(
        approved.values("enterprise__district")
        .annotate(n=Count("pk"))
        .values_list("enterprise__district", "n")
    )
    cuts: dict[int, dict[tuple[str, str], Decimal]] = {}
    lines = ProductionLine.objects.filter(reduction_list__in=approved).annotate(
        district_id=F("reduction_list__enterprise__district")
    )
    for line in lines.iterator(chunk_size=2000):
        bucket = cuts.setdefault(line.district_id, {})
        for level in LEVELS:
            for p in POLLUTANTS:
                bucket[(level, p)] = bucket.get((level, p), Decimal(0)) + line.reduction(level, p)
    result = []
    for district in District.objects.order_by("id"):
        row = totals.get(district.pk)
        if row is None:
            continue
        emissions = {p: row[p] or Decimal(0) for p in POLLUTANTS}
        dc = DistrictCut(
            district=district,
            enterprises=row["n"],
            listed=listed.get(district.pk, 0),
            emissions=emissions,
            cuts={
                (level, p): cuts.get(district.pk, {}).get((level, p), Decimal(0))
                for level in LEVELS
                for p in POLLUTANTS
            },
        )
        dc.short = [
            (level, p)
            for level in LEVELS
            for p in POLLUTANTS
            if emissions[p] > 0 and dc.cuts[(level, p)] < emissions[p] * rules.threshold(level)
        ]
        result.append(dc)
    return result


def shortfall_enterprises(*, district_id: int, level: str, pollutant: str, most: int = 50):
    """The enterprises that make a district fall short: the largest emitters whose approved list
    cuts less than the level's share of their own emissions, or that have no approved list."""
    share = rules.threshold(level)
    field_name = f"baseline_{pollutant}_tpa"
    enterprises = (
        Enterprise.objects.filter(district_id=district_id)
        .exclude(state__in=GONE)
        .filter(**{f"{field_name}__gt": 0})
        .order_by(f"-{field_name}", "pk")
    )
    approved = {
        rl.enterprise_id: rl
        for rl in ReductionList.objects.filter(
            status=ReductionList.Status.APPROVED, enterprise__district_id=district_id
        ).prefetch_related("lines")
    }
    found = []
    for enterprise in enterprises.iterator(chunk_size=500):
        total = getattr(enterprise, field_name)
        rl = approved.get(enterprise.pk)
        cut = (
            sum((line.reduction(level, pollutant) for line in rl.lines.all()), Decimal(0))
            if rl
            else Decimal(0)
        )
        if cut < total * share:
            found.append(
                {
                    "enterprise": enterprise,
                    "emission": total,
                    "cut": cut,
                    "missing": total * share - cut,
                    "has_list": rl is not None,
                }
            )
    found.sort(key=lambda row: row["missing"], reverse=True)
    return found[:most]


def warning_get(*, pk: int) -> Warning:
    try:
        return Warning.objects.prefetch_related("districts", "changes__by").get(pk=pk)
    except Warning.DoesNotExist as error:
        raise Http404 from error


def warnings_recent(*, most: int = 30) -> list[Warning]:
    return list(
        Warning.objects.prefetch_related("districts").annotate(
            issued=Count("instructions", filter=Q(instructions__replaced_at__isnull=True)),
            confirmed=Count(
                "instructions",
                filter=Q(
                    instructions__replaced_at__isnull=True,
                    instructions__confirmed_at__isnull=False,
                ),
            ),
        )[:most]
    )


def warning_counts(*, warning: Warning) -> dict:
    current = Instruction.objects.filter(warning=warning, replaced_at__isnull=True)
    return current.aggregate(
        issued=Count("pk"),
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        chased=Count("pk", filter=Q(chases__gt=0, confirmed_at__isnull=True)),
    )


def unconfirmed(*, warning: Warning, most: int = 200) -> QuerySet[Instruction]:
    return (
        Instruction.objects.filter(
            warning=warning, replaced_at__isnull=True, confirmed_at__isnull=True
        )
        .select_related("enterprise", "enterprise__district")
        .order_by("enterprise__district_id", "enterprise__name")[:most]
    )


def instructions_for(*, enterprise_id: int) -> QuerySet[Instruction]:
    return (
        Instruction.objects.filter(enterprise_id=enterprise_id)
        .select_related("warning")
        .order_by("-issued_at", "-id")
    )


def instruction_get(*, user, pk: int) -> Instruction:
    qs = roles.scope_to_user(Instruction.objects.select_related("warning", "enterprise"), user)
    try:
        return qs.get(pk=pk)
    except Instruction.DoesNotExist as error:
        raise Http404 from error


def warnings_live(*, now=None) -> list[Warning]:
    """Warnings scheduled or in force (not ended, not lifted), soonest first: the dashboard's banner."""
    now = now or clock.now()
    return list(
        Warning.objects.filter(live(now=now)).prefetch_related("districts").order_by("starts_at")
    )


# Ozone campaigns


def campaigns_for(*, enterprise: Enterprise, on: date | None = None) -> list[OzoneCampaign]:
    """The campaigns covering the enterprise's sector, current or coming (or on a given day)."""
    qs = OzoneCampaign.objects.filter(sectors=enterprise.sector_id)
    if on is not None:
        qs = qs.filter(starts_on__lte=on, ends_on__gte=on)
    else:
        qs = qs.filter(ends_on__gte=clock.today())
    return list(qs.order_by("starts_on"))


def campaign_sector_ids(*, on: date | None = None) -> set[int]:
    """Sectors under a campaign on a day (today by default): one query for the due list."""
    on = on or clock.today()
    return set(
        OzoneCampaign.sectors.through.objects.filter(
            ozonecampaign__starts_on__lte=on, ozonecampaign__ends_on__gte=on
        ).values_list("sector_id", flat=True)
    )


def campaign_calendar(*, enterprise: Enterprise, year: int, month: int) -> list[list[dict]]:
    """Weeks of the month (Monday first); each day says which campaign restricts it."""
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    campaigns = list(
        OzoneCampaign.objects.filter(
            sectors=enterprise.sector_id, starts_on__lte=last, ends_on__gte=first
        )
    )
    today = clock.today()
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            covering = [c for c in campaigns if c.covers(day)]
            row.append(
                {
                    "day": day,
                    "in_month": day.month == month,
                    "campaign": covering[0] if covering else None,
                    "today": day == today,
                }
            )
        weeks.append(row)
    return weeks

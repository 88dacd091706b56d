"""The managers' dashboard: every figure from a fixed number of aggregate queries, whatever the data size."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from deadlines import selectors as deadline_selectors
from enterprises.models import (
    District,
    DistrictTarget,
    Enterprise,
    RelocationProject,
    RemediationTask,
    Sector,
    State,
    Tier,
    TransitionLog,
)
from enterprises.parks import park_fill
from enterprises.selectors import built_up_exit_left, built_up_exit_queryset
from inspections.selectors import enterprises_with_next_inspection

UNGRADED = "-"
OVERDUE_KINDS = ("inspection", "order", "task", "milestone")
TREND_STATES = (State.COMPLIANT, State.RELOCATED, State.CLOSED)
ZERO = Decimal("0")


@dataclass
class ProjectRow:
    """A relocation project as the dashboard shows it."""

    enterprise_id: int
    enterprise_name: str
    district_name: str
    park_name: str
    done: int
    total: int


@dataclass
class ParkRow:
    """A park's fill as the dashboard shows it."""

    park_name: str
    district_name: str
    plots: int | None
    taken: int
    incoming: int
    percent: int | None


# The dashboard lists the relocation projects furthest behind; the rest are one click away.
PROJECTS_SHOWN = 25


@dataclass
class Dashboard:
    year: int
    today: date
    districts: list
    sectors: list
    refreshed_at: datetime | None = None
    project_count: int = 0
    project_done: int = 0
    project_total: int = 0
    by_district_state: dict = field(default_factory=dict)  # (district_id, state) -> n
    by_sector_tier: dict = field(default_factory=dict)  # (sector_id, tier or "-") -> n
    projects: list = field(default_factory=list)
    overdue: dict = field(default_factory=dict)  # (kind, district_id) -> n
    achieved: dict = field(default_factory=dict)  # district_id -> verified t/a
    declared: dict = field(default_factory=dict)  # district_id -> t/a the plans expect this year
    exit_left: dict = field(default_factory=dict)  # district_id -> built-up-area exits left
    parks: list = field(default_factory=list)  # [ParkRow]
    targets: dict = field(default_factory=dict)  # district_id -> t/a
    trend: list = field(default_factory=list)  # [(month date, {state: n}, reduction)]

    def state_totals(self) -> dict:
        totals: defaultdict[str, int] = defaultdict(int)
        for (_district, state), n in self.by_district_state.items():
            totals[state] += n
        return {s: totals.get(s, 0) for s in State.values}

    def tier_totals(self) -> dict:
        totals: defaultdict[str, int] = defaultdict(int)
        for (_sector, tier), n in self.by_sector_tier.items():
            totals[tier] += n
        return {t: totals.get(t, 0) for t in [*Tier.values, UNGRADED]}

    @property
    def total(self) -> int:
        return sum(self.by_district_state.values())

    def overdue_totals(self) -> dict:
        totals: defaultdict[str, int] = defaultdict(int)
        for (kind, _district), n in self.overdue.items():
            totals[kind] += n
        return {k: totals.get(k, 0) for k in OVERDUE_KINDS}

    @property
    def relocation_overall(self) -> int:
        total = self.project_total
        return round(100 * self.project_done / total) if total else 0

    def to_data(self) -> dict:
        """The figures as JSON (for the snapshot)."""
        return {
            "year": self.year,
            "today": self.today.isoformat(),
            "by_district_state": [[d, s, n] for (d, s), n in self.by_district_state.items()],
            "by_sector_tier": [[s, t, n] for (s, t), n in self.by_sector_tier.items()],
            "projects": [vars(p) for p in self.projects],
            "project_count": self.project_count,
            "project_done": self.project_done,
            "project_total": self.project_total,
            "overdue": [[k, d, n] for (k, d), n in self.overdue.items()],
            "achieved": [[d, str(v)] for d, v in self.achieved.items()],
            "declared": [[d, str(v)] for d, v in self.declared.items()],
            "exit_left": [[d, n] for d, n in self.exit_left.items()],
            "parks": [vars(p) for p in self.parks],
            "targets": [[d, str(v)] for d, v in self.targets.items()],
            "trend": [[m.isoformat(), c, str(r)] for m, c, r in self.trend],
        }

    @classmethod
    def from_data(cls, data: dict, *, refreshed_at: datetime) -> "Dashboard":
        return cls(
            year=data["year"],
            today=date.fromisoformat(data["today"]),
            districts=list(District.objects.all()),
            sectors=list(Sector.objects.all()),
            refreshed_at=refreshed_at,
            project_count=data["project_count"],
            project_done=data["project_done"],
            project_total=data["project_total"],
            by_district_state={(d, s): n for d, s, n in data["by_district_state"]},
            by_sector_tier={(s, t): n for s, t, n in data["by_sector_tier"]},
            projects=[ProjectRow(**p) for p in data["projects"]],
            overdue={(k, d): n for k, d, n in data["overdue"]},
            achieved={d: Decimal(v) for d, v in data["achieved"]},
            declared={d: Decimal(v) for d, v in data.get("declared", [])},
            exit_left={d: n for d, n in data.get("exit_left", [])},
            parks=[ParkRow(**p) for p in data.get("parks", [])],
            targets={d: Decimal(v) for d, v in data["targets"]},
            trend=[(date.fromisoformat(m), c, Decimal(r)) for m, c, r in data["trend"]],
        )


def relocation_projects():
    """Relocation projects under way, with milestones done and in all."""
    return (
        RelocationProject.objects.filter(completed_at__isnull=True, cancelled_at__isnull=True)
        .select_related("enterprise", "enterprise__district", "target_park", "cluster")
        .annotate(
            done=Count("milestones", filter=Q(milestones__actual_date__isnull=False)),
            total=Count("milestones"),
        )
    )


def _year_bounds(year: int):
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime(year, 1, 1), tz),
        timezone.make_aware(datetime(year + 1, 1, 1), tz),
    )


def dashboard(*, user, year: int | None = None, today: date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    year = year or today.year
    board = Dashboard(
        year=year,
        today=today,
        districts=list(District.objects.all()),
        sectors=list(Sector.objects.all()),
    )
    enterprises = Enterprise.objects.all()

    for row in enterprises.values("district_id", "state").annotate(n=Count("id")):
        board.by_district_state[(row["district_id"], row["state"])] = row["n"]
    for row in enterprises.values("sector_id", "tier").annotate(n=Count("id")):
        board.by_sector_tier[(row["sector_id"], row["tier"] or UNGRADED)] = row["n"]

    projects = relocation_projects().order_by()
    overall = projects.aggregate(
        count=Count("pk", distinct=True),
        done=Count("milestones", filter=Q(milestones__actual_date__isnull=False)),
        total=Count("milestones"),
    )
    board.project_count = overall["count"] or 0
    board.project_done, board.project_total = overall["done"] or 0, overall["total"] or 0
    board.projects = [
        ProjectRow(
            enterprise_id=p.enterprise_id,
            enterprise_name=str(p.cluster) if p.cluster_id else p.enterprise.name,
            district_name=str(p.enterprise.district),
            park_name=str(p.target_park),
            done=p.done,
            total=p.total,
        )
        for p in relocation_projects().order_by("done", "enterprise__name")[:PROJECTS_SHOWN]
    ]

    board.overdue = overdue_counts(user=user, today=today)

    start, end = _year_bounds(year)
    became = TransitionLog.objects.filter(
        enterprise=OuterRef("pk"), created_at__gte=start, created_at__lt=end
    )
    compliant = (
        enterprises.filter(state=State.COMPLIANT)
        .filter(Exists(became.filter(to_state=State.COMPLIANT)))
        .values("district_id")
        .annotate(t=Sum("verified_voc_reduction_tpa"))
    )
    closed = (
        enterprises.filter(state=State.CLOSED)
        .filter(Exists(became.filter(to_state=State.CLOSED)))
        .values("district_id")
        .annotate(t=Sum("baseline_voc_tpa"))
    )
    for row in [*compliant, *closed]:
        board.achieved[row["district_id"]] = board.achieved.get(row["district_id"], ZERO) + (
            row["t"] or ZERO
        )
    board.targets = dict(
        DistrictTarget.objects.filter(year=year).values_list("district_id", "voc_reduction_tpa")
    )
    # Declared: what the plans' tasks due this year expect (cancelled tasks promise nothing).
    for row in (
        RemediationTask.objects.filter(deadline__year=year)
        .exclude(status=RemediationTask.Status.CANCELLED)
        .values("plan__enterprise__district_id")
        .annotate(t=Sum("expected_voc_reduction_tpa"))
    ):
        board.declared[row["plan__enterprise__district_id"]] = row["t"] or ZERO
    board.exit_left = dict(
        built_up_exit_left(built_up_exit_queryset(user=user))
        .order_by()
        .values("district_id")
        .annotate(n=Count("id"))
        .values_list("district_id", "n")
    )
    board.parks = [
        ParkRow(
            park_name=str(f.park),
            district_name=str(f.park.district),
            plots=f.park.capacity_plots,
            taken=f.plots_taken,
            incoming=f.plots_incoming,
            percent=f.percent,
        )
        for f in park_fill().values()
    ]

    board.trend = monthly_trend(today=today)
    return board


def overdue_querysets(*, user, today: date) -> dict:
    """What counts as overdue, per kind; the dashboard counts them and the drill-down lists them."""
    now_start = timezone.make_aware(datetime.combine(today, time.min))
    open_items = deadline_selectors.open_querysets(user=user)
    overdue = {
        kind: open_items[kind].filter(**{f"{deadline_selectors.DUE_FIELD[kind]}__lt": today})
        for kind in ("order", "task", "milestone")
    }
    return {
        "inspection": enterprises_with_next_inspection(user=user).filter(next_due__lt=now_start),
        **overdue,
    }


DISTRICT_PATH = {
    "inspection": "district_id",
    "order": "enterprise__district_id",
    "task": "plan__enterprise__district_id",
    "milestone": "project__enterprise__district_id",  # a cluster's, by its lead
}


def overdue_counts(*, user, today: date) -> dict:
    counts = {}
    for kind, qs in overdue_querysets(user=user, today=today).items():
        path = DISTRICT_PATH[kind]
        for row in qs.order_by().values(path).annotate(n=Count("pk", distinct=True)):
            counts[(kind, row[path])] = row["n"]
    return counts


def monthly_trend(*, today: date, months: int = 12) -> list:
    """Per month: enterprises that became compliant, relocated or closed, and the VOC reduction that brought."""
    first = date(today.year, today.month, 1)
    for _ in range(months - 1):
        first = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    reduction = Case(
        When(to_state=State.COMPLIANT, then=F("enterprise__verified_voc_reduction_tpa")),
        When(to_state=State.CLOSED, then=F("enterprise__baseline_voc_tpa")),
        default=Value(ZERO),
        output_field=DecimalField(max_digits=12, decimal_places=3),
    )
    rows = (
        TransitionLog.objects.filter(created_at__gte=start, to_state__in=TREND_STATES)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "to_state")
        .annotate(n=Count("id"), t=Sum(reduction))
    )
    by_month: dict = defaultdict(lambda: ({s: 0 for s in TREND_STATES}, [ZERO]))
    for row in rows:
        month = (
            timezone.localtime(row["month"]).date()
            if isinstance(row["month"], datetime)
            else row["month"]
        )
        counts, total = by_month[month]
        counts[row["to_state"]] = row["n"]
        total[0] += row["t"] or ZERO
    series = []
    month = first
    for _ in range(months):
        counts, total = by_month[month]
        series.append((month, counts, total[0]))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return series

"""Reads of the material ledger: the month-by-month trend, findings, and the figures other decisions use
(substitution evidence, the raw-material score suggestion, the reduction computed from the ledger)."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from enterprises.models import CRITERION_MAX, Enterprise
from govern import clock, roles

from .models import LedgerEntry, first_of_month

SUBSTITUTION_MONTHS = (
    3  # a substitute counts as "in use" if the ledger shows it in this many months
)
SCORE_MONTHS = 12
OVER_LIMIT_PENALTY = 4  # points off the raw-material score per over-limit row in the window
TONNE = Decimal("1000")
TPA_PLACES = Decimal("0.001")  # t/a is kept to three decimals, as on the enterprise


def months_back(day: date, count: int) -> date:
    """The first day of the month ``count - 1`` months before ``day``'s (count 1: this month)."""
    index = day.year * 12 + day.month - 1 - (count - 1)
    return date(index // 12, index % 12 + 1, 1)


def ledger(*, user, enterprise: Enterprise) -> QuerySet[LedgerEntry]:
    return roles.scope_to_user(
        LedgerEntry.objects.filter(enterprise=enterprise), user
    ).select_related("category", "limit__standard", "finding_closed_by")


@dataclass(frozen=True)
class MonthFigures:
    month: date
    rows: int
    total_kg: Decimal
    low_voc_kg: Decimal
    voc_kg: Decimal
    over_limit: int

    @property
    def low_voc_share(self) -> int:
        """Per cent of the mass used that was low-VOC and within its limit."""
        return round(100 * self.low_voc_kg / self.total_kg) if self.total_kg else 0


_FIGURES = {
    "rows": Count("id"),
    "total_kg": Sum("quantity_kg"),
    "low_voc_kg": Sum("quantity_kg", filter=Q(low_voc=True)),
    "voc_kg": Sum("voc_kg"),
    "over_limit": Count("id", filter=Q(within_limit=False)),
}


def _figures(month, row: dict) -> MonthFigures:
    return MonthFigures(
        month=month,
        rows=row["rows"],
        total_kg=row["total_kg"] or Decimal(0),
        low_voc_kg=row["low_voc_kg"] or Decimal(0),
        voc_kg=row["voc_kg"] or Decimal(0),
        over_limit=row["over_limit"],
    )


def monthly_trend(*, enterprise_id: int, since: date | None = None) -> list[MonthFigures]:
    """One row per month with entries, oldest first, in one query."""
    qs = LedgerEntry.objects.filter(enterprise_id=enterprise_id)
    if since:
        qs = qs.filter(month__gte=since)
    rows = qs.values("month").annotate(**_FIGURES).order_by("month")
    return [_figures(r["month"], r) for r in rows]


def window_figures(*, enterprise_id: int, since: date, until: date | None = None) -> MonthFigures:
    qs = LedgerEntry.objects.filter(enterprise_id=enterprise_id, month__gte=since)
    if until:
        qs = qs.filter(month__lte=until)
    return _figures(since, qs.aggregate(**_FIGURES))


def open_findings(*, enterprise_id: int) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.open_findings()
        .filter(enterprise_id=enterprise_id)
        .select_related("category", "limit__standard")
    )


def substitution_in_use(*, enterprise_id: int, today: date | None = None) -> bool:
    """A low-VOC row within its limit in the latest months: the substitute is in use."""
    since, _until = substitution_window(today)
    return LedgerEntry.objects.filter(
        enterprise_id=enterprise_id, month__gte=since, low_voc=True
    ).exists()


def substitution_window(today: date | None = None) -> tuple[date, date]:
    today = today or clock.today()
    return months_back(today, SUBSTITUTION_MONTHS), first_of_month(today)


@dataclass(frozen=True)
class ScoreSuggestion:
    score: int
    basis: str


def score_suggestion(*, enterprise_id: int, today: date | None = None) -> ScoreSuggestion | None:
    """The raw-material criterion's score from the last 12 months of the ledger: the low-VOC share of
    the mass used × 20, less 4 points per row over its limit (at least 0). None without a ledger."""
    today = today or clock.today()
    since = months_back(today, SCORE_MONTHS)
    figures = window_figures(enterprise_id=enterprise_id, since=since)
    if not figures.rows:
        return None
    share = figures.low_voc_kg / figures.total_kg
    score = int((share * CRITERION_MAX).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    score = max(0, score - OVER_LIMIT_PENALTY * figures.over_limit)
    basis = _(
        "Ledger %(since)s to %(until)s: %(share)d %% of %(total)s kg used was low-VOC within its limit, "
        "%(over)d row(s) over the limit → %(score)d of %(max)d."
    ) % {
        "since": f"{since:%Y-%m}",
        "until": f"{today:%Y-%m}",
        "share": figures.low_voc_share,
        "total": f"{figures.total_kg:,.0f}",
        "over": figures.over_limit,
        "score": score,
        "max": CRITERION_MAX,
    }
    return ScoreSuggestion(score=score, basis=basis)


@dataclass(frozen=True)
class LedgerReduction:
    tpa: Decimal
    basis: str  # the whole computation, shown beside the figure
    reference: str  # short, for the certification's reference field


def ledger_reduction(
    *, enterprise_id: int, since: date, today: date | None = None
) -> LedgerReduction | None:
    """The VOC reduction the ledger shows: the monthly VOC input in up to 12 months before ``since``
    (the start of remediation) against the months from it, annualised in t/a (0 if it rose).
    None unless both periods have ledger months."""
    today = today or clock.today()
    start = first_of_month(since)
    before = [
        m
        for m in monthly_trend(enterprise_id=enterprise_id, since=months_back(start, 13))
        if m.month < start
    ]
    after = [m for m in monthly_trend(enterprise_id=enterprise_id, since=start)][-SCORE_MONTHS:]
    if not before or not after:
        return None
    base = sum((m.voc_kg for m in before), Decimal(0)) / len(before)
    now = sum((m.voc_kg for m in after), Decimal(0)) / len(after)
    tpa = max(Decimal(0), (base - now) * 12 / TONNE).quantize(TPA_PLACES, rounding=ROUND_HALF_UP)
    basis = _(
        "Material ledger: VOC input %(base)s kg a month over %(n_before)d month(s) from %(b_from)s to "
        "%(b_to)s, against %(now)s kg a month over %(n_after)d month(s) from %(a_from)s to %(a_to)s; "
        "(%(base)s − %(now)s) × 12 ÷ 1000 = %(tpa)s t/a."
    ) % {
        "base": f"{base:.1f}",
        "now": f"{now:.1f}",
        "n_before": len(before),
        "n_after": len(after),
        "b_from": f"{before[0].month:%Y-%m}",
        "b_to": f"{before[-1].month:%Y-%m}",
        "a_from": f"{after[0].month:%Y-%m}",
        "a_to": f"{after[-1].month:%Y-%m}",
        "tpa": tpa,
    }
    reference = _("Material ledger %(b_from)s–%(b_to)s against %(a_from)s–%(a_to)s") % {
        "b_from": f"{before[0].month:%Y-%m}",
        "b_to": f"{before[-1].month:%Y-%m}",
        "a_from": f"{after[0].month:%Y-%m}",
        "a_to": f"{after[-1].month:%Y-%m}",
    }
    return LedgerReduction(tpa=tpa, basis=basis, reference=reference)


@dataclass(frozen=True)
class GroupFigures:
    name: str
    enterprises: int
    total_kg: Decimal
    low_voc_kg: Decimal
    over_limit: int

    @property
    def low_voc_share(self) -> int:
        return round(100 * self.low_voc_kg / self.total_kg) if self.total_kg else 0


def figures_by(*, group: str, today: date | None = None) -> list[GroupFigures]:
    """Low-VOC share and over-limit rows over the last 12 months by ``sector`` or ``district``, one query."""
    since = months_back(today or clock.today(), SCORE_MONTHS)
    path = f"enterprise__{group}__name"
    rows = (
        LedgerEntry.objects.filter(month__gte=since)
        .values(path)
        .annotate(
            enterprises=Count("enterprise", distinct=True),
            total_kg=Sum("quantity_kg"),
            low_voc_kg=Sum("quantity_kg", filter=Q(low_voc=True)),
            over_limit=Count("id", filter=Q(within_limit=False)),
        )
        .order_by(path)
    )
    return [
        GroupFigures(
            name=r[path],
            enterprises=r["enterprises"],
            total_kg=r["total_kg"] or Decimal(0),
            low_voc_kg=r["low_voc_kg"] or Decimal(0),
            over_limit=r["over_limit"],
        )
        for r in rows
    ]


def over_limit_open(*, user) -> QuerySet[LedgerEntry]:
    """Open over-limit findings the user may see, newest first (the dashboard's list)."""
    return roles.scope_to_user(LedgerEntry.objects.open_findings(), user).select_related(
        "enterprise__district", "enterprise__sector", "category", "limit__standard"
    )


def checklist_note(*, enterprise_id: int, today: date | None = None) -> str:
    """What the visit's checklist item on VOC materials is pre-filled with."""
    since, until = substitution_window(today)
    figures = window_figures(enterprise_id=enterprise_id, since=since)
    if not figures.rows:
        return _("No material ledger rows from %(since)s to %(until)s.") % {
            "since": f"{since:%Y-%m}",
            "until": f"{until:%Y-%m}",
        }
    lines = [
        _(
            "Ledger %(since)s to %(until)s: %(rows)d row(s), low-VOC share %(share)d %%, "
            "VOC input %(voc)s kg, %(over)d over the limit."
        )
        % {
            "since": f"{since:%Y-%m}",
            "until": f"{until:%Y-%m}",
            "rows": figures.rows,
            "share": figures.low_voc_share,
            "voc": f"{figures.voc_kg:,.1f}",
            "over": figures.over_limit,
        }
    ]
    for entry in open_findings(enterprise_id=enterprise_id)[:5]:
        lines.append(
            _(
                "Open finding: %(product)s (%(month)s) %(content)s %(unit)s, limit %(limit)s %(unit)s."
            )
            % {
                "product": entry.product_name,
                "month": f"{entry.month:%Y-%m}",
                "content": entry.voc_content.normalize(),
                "unit": entry.unit,
                "limit": entry.limit.limit.normalize(),
            }
        )
    return "\n".join(lines)


def enterprises_with_findings(*, enterprise_ids) -> set[int]:
    """Which of these enterprises have open over-limit findings (one query, for lists)."""
    return set(
        LedgerEntry.objects.open_findings()
        .filter(enterprise_id__in=list(enterprise_ids))
        .values_list("enterprise_id", flat=True)
        .distinct()
    )

"""Reads for inspections: the due list, visit histories, and what each user may see."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    F,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from enterprises import selectors as enterprise_selectors
from enterprises.models import Enterprise, State
from govern import roles
from govern.models import User

from .models import PlannedInspection, PublicResult, RectificationOrder, SiteVisit


def enterprises_with_next_inspection(*, user) -> QuerySet:
    """Enterprises the user may see with their last inspection and next due time.

    Due = (end of the last submitted visit, else registration) + the tier's inspection interval, kept
    on the enterprise by the services (``enterprises.services.inspection_schedule_refresh``) so this is
    an index scan. Closed enterprises are not inspected on a schedule.
    """
    return (
        enterprise_selectors.enterprise_list(user=user)
        .exclude(state=State.CLOSED)
        .filter(next_inspection_due__isnull=False)
        .annotate(last_inspected=F("last_inspected_at"), next_due=F("next_inspection_due"))
    )


def inspection_due_list(*, user, today: date | None = None, within_days: int = 14) -> QuerySet:
    """Enterprises due within ``within_days`` or overdue, most overdue first."""
    today = today or timezone.localdate()
    horizon = timezone.make_aware(datetime.combine(today + timedelta(days=within_days), time.max))
    return (
        enterprises_with_next_inspection(user=user)
        .filter(next_due__lte=horizon)
        .order_by("next_due", "id")
    )


def planned_for(*, user) -> QuerySet[PlannedInspection]:
    """Planned inspections still to do: an inspector's own; all of them for a manager."""
    qs = PlannedInspection.objects.filter(status=PlannedInspection.Status.PLANNED).select_related(
        "enterprise", "enterprise__district", "draw", "spot_check__draw"
    )
    if not roles.is_manager(user):
        qs = qs.filter(inspectors=user)
    return qs.prefetch_related("inspectors").order_by("due_date", "id")


def visit_list(*, user) -> QuerySet[SiteVisit]:
    qs = SiteVisit.objects.select_related("enterprise", "checklist").prefetch_related("inspectors")
    if roles.is_staff_role(user):
        return qs  # staff also see drafts
    return roles.scope_to_user(qs.filter(status=SiteVisit.Status.SUBMITTED), user)


def visit_get(*, user, pk: int) -> SiteVisit:
    try:
        return visit_list(user=user).select_related("enterprise__sector", "created_by").get(pk=pk)
    except SiteVisit.DoesNotExist as error:
        raise Http404 from error


def order_list(*, user) -> QuerySet[RectificationOrder]:
    qs = RectificationOrder.objects.select_related(
        "enterprise", "visit", "finding__item", "closed_by_visit"
    )
    if roles.is_staff_role(user):
        return qs  # staff also see orders drafted in visits not yet submitted
    return roles.scope_to_user(qs.issued(), user)


def latest_visit_team(*, enterprise_id: int) -> list:
    """The active inspectors of the enterprise's latest submitted visit (none if never visited)."""
    visit = (
        SiteVisit.objects.filter(enterprise_id=enterprise_id, status=SiteVisit.Status.SUBMITTED)
        .order_by("-submitted_at", "-id")
        .first()
    )
    return list(visit.inspectors.filter(is_active=True)) if visit is not None else []


def enterprise_inspectors(*, enterprise_id: int) -> list:
    """The inspectors who know the enterprise: the team of its latest submitted visit, else of its
    latest planned inspection, else every active inspector (a first alert at a never-visited site)."""
    team = latest_visit_team(enterprise_id=enterprise_id)
    if team:
        return team
    planned = (
        PlannedInspection.objects.filter(enterprise_id=enterprise_id)
        .order_by("-created_at", "-id")
        .first()
    )
    if planned is not None:
        team = list(planned.inspectors.filter(is_active=True))
        if team:
            return team
    return list(
        User.objects.filter(groups__name=roles.INSPECTOR, is_active=True).distinct().order_by("pk")
    )


def results_to_publish() -> QuerySet:
    """Random inspections' results not yet published, the most urgent first."""
    return (
        PublicResult.objects.filter(published_at__isnull=True)
        .select_related("enterprise", "planned__draw")
        .order_by("publish_due", "id")
    )


def public_results(*, q: str = "", year: int | None = None) -> QuerySet:
    """What the public page shows: published results only, with the draw's items."""
    qs = PublicResult.objects.filter(published_at__isnull=False).select_related(
        "enterprise", "enterprise__district", "planned__draw"
    )
    if q:
        qs = qs.filter(enterprise__name__icontains=q.strip()[:50])
    if year:
        qs = qs.filter(inspected_on__year=year)
    return qs.prefetch_related("planned__draw__items").order_by("-inspected_on", "-id")


@dataclass
class DayLine:
    """One enterprise on one day in an inspector's list: every reason it is planned, the orders its
    follow-ups verify, and the planned inspection to start from."""

    enterprise: Enterprise
    due_date: date
    planned: list
    orders: list

    @property
    def first(self):
        return self.planned[0]

    @property
    def reasons(self) -> list[str]:
        return sorted({str(p.get_reason_display()) for p in self.planned})


def _day_lines(planned) -> list[DayLine]:
    lines: dict[tuple[int, date], DayLine] = {}
    for p in planned:
        key = (p.enterprise_id, p.due_date)
        if key not in lines:
            lines[key] = DayLine(p.enterprise, p.due_date, [], [])
        lines[key].planned.append(p)
        if p.order_id:
            lines[key].orders.append(p.order)
    return sorted(lines.values(), key=lambda line: (line.due_date, line.enterprise.name))


def inspector_today(*, user, today: date, ahead_days: int = 7) -> dict:
    """The inspector's start page: my drafts, my inspections due today or overdue, and the week ahead."""
    drafts = list(
        SiteVisit.objects.filter(status=SiteVisit.Status.DRAFT, inspectors=user)
        .select_related("enterprise")
        .order_by("-started_at")[:20]
    )
    mine = list(
        PlannedInspection.objects.filter(
            status=PlannedInspection.Status.PLANNED,
            inspectors=user,
            due_date__lte=today + timedelta(days=ahead_days),
        )
        .select_related("enterprise", "enterprise__district", "order")
        .order_by("due_date", "id")[:200]
    )
    lines = _day_lines(mine)
    return {
        "drafts": drafts,
        "due": [line for line in lines if line.due_date <= today],
        "ahead": [line for line in lines if line.due_date > today],
    }

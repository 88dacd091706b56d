"""Reads for penalty cases: the case list, one case with the evidence it carries, and the referrals
still waiting for a case. Cases are the bureau's: enterprise accounts see none of these pages."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.http import Http404

from evidence.models import DeadlineExtension, EvidenceSubmission
from govern import clock
from inspections.models import RectificationOrder, SiteVisit, VisitPhoto
from monitoring.models import Alert

from .models import DROPPED_STAGE, OPEN_STAGES, PenaltyCase

READINGS_WINDOW_DAYS = (
    30  # the monitoring record carried by a case: alerts in the 30 days before it
)


def case_list(*, stage: str | None = None, open_only: bool = False) -> QuerySet[PenaltyCase]:
    qs = PenaltyCase.objects.select_related("enterprise", "enterprise__district")
    if stage:
        qs = qs.filter(stage=stage)
    if open_only:
        qs = qs.filter(stage__in=OPEN_STAGES)
    return qs.order_by("due_on", "-opened_on", "-id")


def case_get(*, pk: int) -> PenaltyCase:
    try:
        return PenaltyCase.objects.select_related(
            "enterprise",
            "enterprise__district",
            "enterprise__sector",
            "visit",
            "order",
            "order__visit",
            "created_by",
        ).get(pk=pk)
    except PenaltyCase.DoesNotExist as error:
        raise Http404 from error


@dataclass
class CaseEvidence:
    """What the case carries: the visit record and its photos, the order and its history, and the
    monitoring alerts around it."""

    visit: SiteVisit | None
    failed_results: list
    photos: list
    order: RectificationOrder | None
    submissions: list
    extensions: list
    alerts: list


def case_evidence(*, case: PenaltyCase) -> CaseEvidence:
    visit = case.visit or (case.order.visit if case.order is not None else None)
    failed, photos = [], []
    if visit is not None:
        failed = list(
            visit.results.filter(outcome="fail").select_related("item").order_by("item__order")
        )
        photos = list(VisitPhoto.objects.filter(visit=visit).order_by("uploaded_at", "id"))
    submissions, extensions = [], []
    if case.order_id:
        submissions = list(
            EvidenceSubmission.objects.filter(order_id=case.order_id).order_by("version")
        )
        extensions = list(
            DeadlineExtension.objects.filter(order_id=case.order_id).order_by("requested_at")
        )
    since = (visit.started_at if visit else clock.now()) - timedelta(days=READINGS_WINDOW_DAYS)
    alerts = list(
        Alert.objects.filter(enterprise_id=case.enterprise_id, last_time__gte=since)
        .select_related("point")
        .order_by("-last_time")[:50]
    )
    return CaseEvidence(
        visit=visit,
        failed_results=failed,
        photos=photos,
        order=case.order,
        submissions=submissions,
        extensions=extensions,
        alerts=alerts,
    )


def referrals_without_case(*, since_days: int = 365) -> tuple[QuerySet, QuerySet]:
    """Visits referred for enforcement and overdue orders that no live case was opened from."""
    since = clock.now() - timedelta(days=since_days)
    live = PenaltyCase.objects.exclude(stage=DROPPED_STAGE)
    visits = (
        SiteVisit.objects.filter(
            status=SiteVisit.Status.SUBMITTED,
            conclusion=SiteVisit.Conclusion.SERIOUS,
            started_at__gte=since,
        )
        .exclude(pk__in=live.filter(visit__isnull=False).values("visit_id"))
        .select_related("enterprise")
        .order_by("-started_at")
    )
    orders = (
        RectificationOrder.objects.issued()
        .filter(status=RectificationOrder.Status.OVERDUE)
        .exclude(pk__in=live.filter(order__isnull=False).values("order_id"))
        .select_related("enterprise")
        .order_by("deadline")
    )
    return visits, orders


def cases_of(*, enterprise_id: int) -> QuerySet[PenaltyCase]:
    return PenaltyCase.objects.filter(enterprise_id=enterprise_id).order_by("-opened_on", "-id")

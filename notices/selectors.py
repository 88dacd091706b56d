"""Reads of notices, scoped: staff see all, an enterprise account only its own."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from enterprises.models import Enterprise, GradingAssessment, State
from govern import roles

from .models import Notice, NoticeBatch, NoticeKind


def notice_list(*, user) -> QuerySet[Notice]:
    return roles.scope_to_user(
        Notice.objects.select_related("enterprise", "supersedes", "superseded_by", "service"), user
    )


def notice_get(*, user, pk: int) -> Notice:
    try:
        return notice_list(user=user).get(pk=pk)
    except Notice.DoesNotExist as error:
        raise Http404 from error


def batch_progress(*, batch_id: int) -> NoticeBatch:
    try:
        return (
            NoticeBatch.objects.select_related("district", "created_by")
            .annotate(
                ready=Count("notices", filter=Q(notices__status=Notice.Status.READY)),
                failed=Count("notices", filter=Q(notices__status=Notice.Status.FAILED)),
            )
            .get(pk=batch_id)
        )
    except NoticeBatch.DoesNotExist as error:
        raise Http404 from error


def grading_batch_candidates(*, district=None):
    """Graded enterprises whose current grading has no notice yet."""
    latest = (
        GradingAssessment.objects.filter(enterprise=OuterRef("pk"))
        .order_by("-assessed_at", "-id")
        .values("pk")[:1]
    )
    qs = (
        Enterprise.objects.exclude(tier="")
        .exclude(state__in=[State.CLOSED, State.RELOCATED])
        .annotate(current_assessment=Subquery(latest))
        .filter(current_assessment__isnull=False)  # a tier set without a grading has no notice
        .exclude(
            Exists(
                Notice.objects.filter(
                    kind=NoticeKind.GRADING, assessment=OuterRef("current_assessment")
                )
            )
        )
    )
    return qs.filter(district=district) if district else qs


def notice_register(
    *, user, number: str = "", enterprise: str = "", kind: str = "", since=None, until=None
) -> QuerySet[Notice]:
    """The register of notices the user may see, newest first, searched by number, enterprise (name
    or credit code, every word), type and issue date."""
    qs = notice_list(user=user)
    if number.strip():
        qs = qs.filter(number__icontains=number.strip())
    for word in enterprise.split()[:5]:
        qs = qs.filter(Q(enterprise__name__icontains=word) | Q(enterprise__uscc__iexact=word))
    if kind in NoticeKind.values:
        qs = qs.filter(kind=kind)
    if since:
        qs = qs.filter(issued_at__date__gte=since)
    if until:
        qs = qs.filter(issued_at__date__lte=until)
    return qs.order_by("-issued_at", "-id")


def current_assessment(*, enterprise) -> GradingAssessment | None:
    return enterprise.assessments.order_by("-assessed_at", "-id").first()


def grading_notice_of(*, assessment) -> Notice | None:
    """The grading notice already issued for a grading (the original, not a correction)."""
    return Notice.objects.filter(
        kind=NoticeKind.GRADING, assessment=assessment, supersedes__isnull=True
    ).first()

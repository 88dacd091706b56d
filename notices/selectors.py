"""Reads of notices, scoped: staff see all, an enterprise account only its own."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from govern import roles

from .models import Notice, NoticeBatch


def notice_list(*, user) -> QuerySet[Notice]:
    qs = Notice.objects.select_related("enterprise", "supersedes", "superseded_by")
    if roles.is_staff_role(user):
        return qs
    if roles.is_enterprise_user(user) and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


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

"""Celery tasks: take primary keys, call the service, safe to run twice."""

from celery import shared_task

from . import services
from .models import Notice


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_notice(notice_id: int) -> str:
    return services.notice_render(notice_id=notice_id).status


@shared_task
def render_batch(batch_id: int) -> int:
    """Render a batch in this one process, so fonts are loaded once for all of its notices."""
    rendered = 0
    for notice_id in Notice.objects.filter(
        batch_id=batch_id, status=Notice.Status.PENDING
    ).values_list("pk", flat=True):
        try:
            services.notice_render(notice_id=notice_id)
            rendered += 1
        except Exception:  # noqa: BLE001 - recorded as failed on the notice; the batch goes on
            continue
    return rendered

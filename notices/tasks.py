"""Celery tasks: take primary keys, call the service, safe to run twice.

With acks_late and reject_on_worker_lost (settings) a task whose worker dies is delivered again; the
sweep (every 10 minutes, scheduled in the database by a migration) renders whatever is still pending.
"""

import logging

from celery import shared_task

from . import services
from .models import Notice

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(Exception,), retry_backoff=5, retry_backoff_max=300, max_retries=3)
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
            logger.exception("Notice %s of batch %s failed to render", notice_id, batch_id)
    return rendered


@shared_task
def render_stale_notices() -> int:
    """Render every notice left pending or failed (lost task, killed worker, broker outage)."""
    rendered = 0
    for notice_id in services.notices_stale():
        try:
            services.notice_render(notice_id=notice_id)
            rendered += 1
        except Exception:  # noqa: BLE001 - recorded on the notice; tried again next sweep
            logger.exception("Notice %s failed to render in the sweep", notice_id)
    return rendered

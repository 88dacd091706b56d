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


# Notices per rendering task: small enough that every worker gets a share of a large batch, large
# enough that a worker keeps its loaded fonts for many notices.
RENDER_CHUNK = 50


@shared_task
def render_batch(batch_id: int) -> int:
    """Split a batch into chunks, one task each, so every worker renders a share (fonts load once per
    worker process, not per notice). Returns the number of chunks."""
    ids = list(
        Notice.objects.filter(batch_id=batch_id, status=Notice.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chunks = [ids[i : i + RENDER_CHUNK] for i in range(0, len(ids), RENDER_CHUNK)]
    for chunk in chunks:
        render_notices.delay(chunk)
    return len(chunks)


@shared_task
def render_notices(notice_ids: list[int]) -> int:
    """Render some notices of a batch in this process; a failure is recorded on its notice."""
    rendered = 0
    for notice_id in notice_ids:
        try:
            services.notice_render(notice_id=notice_id)
            rendered += 1
        except Exception:  # noqa: BLE001 - recorded as failed on the notice; the batch goes on
            logger.exception("Notice %s failed to render in its batch", notice_id)
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

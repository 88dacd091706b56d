"""The daily deadline job, scheduled by django-celery-beat (the schedule lives in the database)."""

from dataclasses import asdict
from datetime import date

from celery import group, shared_task
from django.conf import settings

from . import services


@shared_task
def daily_deadlines(today: str | None = None) -> dict:
    """Run the job for today, or for the ISO date given (to catch up a day the scheduler missed).

    With ``GOVERN_DAILY_JOB_SHARDS`` above 1 the work is split by enterprise into that many tasks,
    which the workers run side by side (no item is in two shards; each shard is idempotent)."""
    shards = settings.GOVERN_DAILY_JOB_SHARDS
    if shards > 1:
        group(
            daily_deadlines_shard.s(today, shard, shards) for shard in range(shards)
        ).apply_async()
        return {"shards": shards}
    return asdict(services.run_daily(today=date.fromisoformat(today) if today else None))


@shared_task
def daily_deadlines_shard(today: str | None, shard: int, shards: int) -> dict:
    day = date.fromisoformat(today) if today else None
    return asdict(services.run_daily(today=day, shard=shard, shards=shards))

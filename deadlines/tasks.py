"""The daily deadline job, scheduled by django-celery-beat (the schedule lives in the database)."""

from dataclasses import asdict
from datetime import date

from celery import shared_task

from . import services


@shared_task
def daily_deadlines(today: str | None = None) -> dict:
    """Run the job for today, or for the ISO date given (to catch up a day the scheduler missed)."""
    return asdict(services.run_daily(today=date.fromisoformat(today) if today else None))

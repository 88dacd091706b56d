"""The periodic refresh of the dashboard's figures (scheduled in the database by a migration)."""

from celery import shared_task

from govern import clock

from . import services


@shared_task
def refresh_dashboard(year: int | None = None) -> int:
    return services.dashboard_refresh(year=year or clock.today().year).took_ms

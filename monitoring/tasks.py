"""Monitoring's periodic jobs (scheduled in the database by migration 0002): safe to run twice."""

from celery import shared_task
from django.db import connection

from . import partitions, services


@shared_task
def check_silent_points() -> int:
    """Hourly: hourly values rolled up from minute data (and checked for alerts), then points with
    no hourly value for the configured hours open a missing-data alert."""
    services.alerts_evaluate(hours=services.hourly_rollup())
    return len(services.alerts_check_silent())


@shared_task
def create_partitions_ahead() -> int:
    """Daily: this month's and the next two months' reading partitions exist before data arrives;
    quarantined packets older than 90 days are deleted."""
    services.quarantine_prune(days=90)
    return len(partitions.ensure_ahead(connection=connection))

"""The dashboard's snapshot: figures computed by a periodic job and read by every view.

At a province's 100,000 enterprises computing the figures takes seconds; reading the snapshot costs the
same few queries at any size. The page shows when the figures were computed; a manager can refresh them.
"""

import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from enterprises.models import DistrictTarget
from govern import clock, roles

from .models import DashboardSnapshot
from .selectors import Dashboard, dashboard


def dashboard_refresh(*, year: int | None = None) -> DashboardSnapshot:
    """Compute the city-wide figures of a year and store them as its snapshot."""
    year = year or clock.today().year
    started = time.monotonic()
    board = dashboard(user=roles.SYSTEM, year=year)
    took = round(1000 * (time.monotonic() - started))
    with transaction.atomic():
        snapshot, _created = DashboardSnapshot.objects.update_or_create(
            year=year,
            defaults={"data": board.to_data(), "refreshed_at": timezone.now(), "took_ms": took},
        )
    return snapshot


def dashboard_current(*, year: int | None = None) -> Dashboard:
    """The figures of a year from its snapshot, computed now when there is none or it is older than
    ``GOVERN_DASHBOARD_MAX_AGE_MINUTES`` (the periodic refresh keeps it fresher than that)."""
    year = year or clock.today().year
    snapshot = DashboardSnapshot.objects.filter(year=year).first()
    max_age = settings.GOVERN_DASHBOARD_MAX_AGE_MINUTES * 60
    if snapshot is None or (timezone.now() - snapshot.refreshed_at).total_seconds() > max_age:
        snapshot = dashboard_refresh(year=year)
    board = Dashboard.from_data(snapshot.data, refreshed_at=snapshot.refreshed_at)
    # Targets are a manager's own input: always shown as just entered (one small query).
    board.targets = dict(
        DistrictTarget.objects.filter(year=year).values_list("district_id", "voc_reduction_tpa")
    )
    return board

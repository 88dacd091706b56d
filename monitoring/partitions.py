"""Monthly partitions of the readings table on PostgreSQL (declarative range partitioning on
``data_time``, months in the bureau's time zone).

A month's partition is created before its first row arrives: by the monthly job two months ahead, and by
the writer for any month a batch holds that is not there yet (a logger sending its backlog after an
outage). Old months are detached (kept as plain tables to archive with ``pg_dump -t``) or dropped, one
statement each, without touching the rows of other months. On SQLite the table is plain and these are
no-ops.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from govern import clock

PARENT = "monitoring_reading"
_NAME = re.compile(r"^monitoring_reading_p(\d{4})_(\d{2})$")
# pg_advisory_xact_lock key: two receivers creating the same month wait for each other.
LOCK_KEY = 212_0001


def month_of(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        moment = moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return moment.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def name_of(month: date) -> str:
    return f"{PARENT}_p{month:%Y_%m}"


def _bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def existing(*, connection) -> set[date]:
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [PARENT],
        )
        found = set()
        for (name,) in cursor.fetchall():
            match = _NAME.match(name)
            if match:
                found.add(date(int(match[1]), int(match[2]), 1))
        return found


def ensure(*, connection, months: Iterable[date]) -> list[date]:
    """Create the partitions of these months that do not exist; returns those created."""
    if connection.vendor != "postgresql":
        return []
    wanted = sorted({month_of(m) for m in months})
    if not wanted:
        return []
    created = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        have = existing(connection=connection)
        for month in wanted:
            if month in have:
                continue
            # Names and bounds are built here from dates, never from input: safe to format.
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {name_of(month)} PARTITION OF {PARENT} "
                f"FOR VALUES FROM ('{_bound(month)}') TO ('{_bound(next_month(month))}')"
            )
            created.append(month)
    return created


def ensure_ahead(*, connection, ahead: int = 2, today: date | None = None) -> list[date]:
    """This month's partition and the next ``ahead`` months'."""
    month = month_of(today or clock.today())
    months = [month]
    for _ in range(ahead):
        month = next_month(month)
        months.append(month)
    return ensure(connection=connection, months=months)


def detach_before(*, connection, month: date, drop: bool = False) -> list[str]:
    """Detach (and with ``drop`` delete) every partition of a month before ``month``."""
    if connection.vendor != "postgresql":
        return []
    done = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for old in sorted(existing(connection=connection)):
            if old >= month_of(month):
                continue
            name = name_of(old)
            cursor.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {name}")
            if drop:
                cursor.execute(f"DROP TABLE {name}")
            done.append(name)
    return done

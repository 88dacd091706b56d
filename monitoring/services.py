"""Monitoring rules: storing HJ 212 packets (once, in batches), points and their limits, and the
alerts readings open, with their lifecycle (open → explained by the enterprise → resolved by staff).

The receiver (``monitoring.receiver``) and the demo both store through ``packets_store``; views and the
API change points, limits and alerts only through the functions here.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, Max, Min, Q
from django.db.models.functions import TruncHour
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from govern import clock, roles
from govern.errors import InvalidInput, TransitionConflict, full_clean, require
from govern.events import publish

from . import events, partitions
from .hj212 import Packet
from .models import (
    ALERT_FLAGS,
    VALID_FLAGS,
    Alert,
    Fault,
    Interval,
    MonitoringPoint,
    PollutantLimit,
    QuarantinedPacket,
    Reading,
    ReceiverCount,
)

_PASSWORD = re.compile(r"PW=[^;]*;")  # never kept: a quarantined frame shows PW=***
STORED_CNS = {str(i.value) for i in Interval}
REALTIME_CN = "2011"
HOUR = timedelta(hours=1)


# ---------------------------------------------------------------- storing packets


@dataclass
class Incoming:
    """A parsed packet as a receiver got it."""

    packet: Packet
    received_at: datetime
    peer: str = ""
    frame: str = ""


@dataclass
class StoreResult:
    outcomes: list[str]  # one Fault value per incoming packet, in order
    rows: int = 0  # readings inserted (resent ones not counted)
    hours: dict[int, set[datetime]] = field(default_factory=dict)  # point → new hourly times


def local_time(naive: datetime) -> datetime:
    """HJ 212 data times are the site's local time (Beijing time for every Chinese site)."""
    return naive.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


_known_months: set = set()


def _ensure_months(months: set) -> None:
    missing = months - _known_months
    if missing:
        partitions.ensure(connection=connection, months=missing)
        _known_months.update(missing)


def points_by_mn(mns) -> dict[str, dict]:
    """The points these MNs name: id, password, retirement (one query)."""
    return {
        p["mn"]: dict(p)
        for p in MonitoringPoint.objects.filter(mn__in=list(mns)).values(
            "pk", "mn", "password", "retired_at"
        )
    }


def packets_store(
    *, incoming: list[Incoming], points_of: Callable[[set[str]], dict[str, dict]] = points_by_mn
) -> StoreResult:
    """Store a batch of packets in one transaction; every packet gets an outcome.

    Data from an unknown MN, with a wrong password, for a retired point or with a data time out of range
    is quarantined, never stored. Values are inserted with COPY on PostgreSQL and ``ON CONFLICT DO
    NOTHING``, so a resent packet (same MN, CN and DataTime) is stored once, also by several receivers
    at the same time. Returns the new hourly times per point for the alert check."""
    now = clock.now()
    oldest = now - timedelta(days=settings.GOVERN_HJ212_MAX_AGE_DAYS)
    newest = now + timedelta(hours=settings.GOVERN_HJ212_MAX_AHEAD_HOURS)
    points = points_of({item.packet.mn for item in incoming})
    outcomes: list[str] = []
    rows: list[tuple] = []
    keys: list[tuple | None] = []  # (point, cn, data_time) of each packet's rows
    quarantine: list[QuarantinedPacket] = []
    seen: dict[int, datetime] = {}
    times: set[datetime] = set()
    for item in incoming:
        packet = item.packet
        point = points.get(packet.mn)
        fault = None
        if packet.cn not in STORED_CNS and packet.cn != REALTIME_CN:
            outcomes.append(Fault.NOT_DATA)
            keys.append(None)
            continue
        if point is None:
            fault = Fault.UNKNOWN_MN
        elif point["password"] != packet.pw:
            fault = Fault.WRONG_PASSWORD
        elif point["retired_at"] is not None:
            fault = Fault.RETIRED_POINT
        elif packet.data_time is None or not (oldest <= local_time(packet.data_time) <= newest):
            fault = Fault.BAD_TIME
        if fault is not None:
            outcomes.append(fault)
            keys.append(None)
            quarantine.append(
                QuarantinedPacket(
                    received_at=item.received_at,
                    reason=fault,
                    mn=packet.mn[:64],
                    cn=packet.cn[:8],
                    peer=item.peer[:64],
                    frame=_PASSWORD.sub("PW=***;", item.frame[:1100]),
                )
            )
            continue
        assert point is not None and packet.data_time is not None
        pk = point["pk"]
        seen[pk] = max(seen.get(pk, item.received_at), item.received_at)
        if packet.cn == REALTIME_CN:
            outcomes.append(Fault.REALTIME)
            keys.append(None)
            continue
        cn = int(packet.cn)
        at = local_time(packet.data_time)
        keys.append((pk, cn, at))
        times.add(at)
        outcomes.append(Fault.STORED)
        for value in packet.values:
            f = value.fields
            rows.append(
                (
                    pk,
                    value.code,
                    cn,
                    at,
                    f.get("Avg", f.get("Rtd")),
                    f.get("Min"),
                    f.get("Max"),
                    f.get("Cou"),
                    value.flag,
                    item.received_at,
                )
            )
    result = StoreResult(outcomes=outcomes)
    nested = connection.in_atomic_block
    with transaction.atomic():
        inserted: set[tuple] = set()  # (point, cn, epoch seconds) that got at least one new row
        if rows:
            result.rows, inserted = _insert(rows, nested=nested)
        hours: dict[int, set[datetime]] = defaultdict(set)
        for i, key in enumerate(keys):
            if key is None:
                continue
            if incoming[i].packet.values and (
                (key[0], key[1], int(key[2].timestamp())) not in inserted
            ):
                result.outcomes[i] = Fault.DUPLICATE
            elif key[1] == Interval.HOUR:
                hours[key[0]].add(key[2])
        result.hours = dict(hours)
        _points_seen(seen, hours)
        if quarantine:
            QuarantinedPacket.objects.bulk_create(quarantine)
    return result


def _insert(rows: list[tuple], *, nested: bool) -> tuple[int, set[tuple]]:
    """Insert reading rows (resent ones skipped): COPY on PostgreSQL, the ORM elsewhere. ``nested``:
    the caller was already in a transaction (the staging table then empties only at its commit).

    Months known to have a partition are cached per process; if one was dropped or detached meanwhile
    (``monitoring_partitions``), PostgreSQL refuses the row: the cache is cleared and the month created
    again, once, instead of failing every batch that holds a late packet for it."""
    if connection.vendor != "postgresql":
        return _insert_orm(rows)
    months = {partitions.month_of(r[3]) for r in rows}
    _ensure_months(months)
    try:
        with transaction.atomic():  # a savepoint: the retry starts clean
            return _insert_copy(rows, empty_stage=nested)
    except IntegrityError as error:
        if "no partition" not in str(error):
            raise
    _known_months.clear()
    _ensure_months(months)
    return _insert_copy(rows, empty_stage=nested)


_staged: weakref.WeakSet = weakref.WeakSet()  # psycopg connections that have the staging table
STAGE_COLUMNS = "point_id, code, cn, data_time, avg, min, max, cou, flag, received_at"


def _insert_copy(rows: list[tuple], *, empty_stage: bool = False) -> tuple[int, set[tuple]]:
    """COPY into a session-local staging table, then one INSERT … ON CONFLICT DO NOTHING. Returns
    the rows inserted and the (point, cn, epoch) keys that got any. Times are written as text once
    per distinct value (COPY parses them), which is most of the cost of dumping a row."""
    text_of: dict[datetime, str] = {}

    def text(moment: datetime) -> str:
        found = text_of.get(moment)
        if found is None:
            found = text_of[moment] = moment.isoformat()
        return found

    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        if raw.connection not in _staged:  # once per database connection
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS monitoring_reading_stage ("
                "point_id bigint, code varchar(12), cn smallint, data_time timestamptz, "
                "avg double precision, min double precision, max double precision, "
                "cou double precision, flag varchar(1), received_at timestamptz"
                ") ON COMMIT DELETE ROWS"
            )
            # Remembered only when this is the outermost transaction, once committed: a rolled-back
            # CREATE leaves no table behind.
            if not empty_stage:
                psycopg_connection = raw.connection
                transaction.on_commit(lambda: _staged.add(psycopg_connection))
        with raw.copy(f"COPY monitoring_reading_stage ({STAGE_COLUMNS}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(
                    (r[0], r[1], r[2], text(r[3]), r[4], r[5], r[6], r[7], r[8], text(r[9]))
                )
        cursor.execute(
            f"WITH new AS (INSERT INTO monitoring_reading ({STAGE_COLUMNS}) "
            f"SELECT {STAGE_COLUMNS} FROM monitoring_reading_stage "
            "ON CONFLICT DO NOTHING RETURNING point_id, cn, data_time) "
            "SELECT point_id, cn, extract(epoch FROM data_time)::bigint, count(*) FROM new "
            "GROUP BY 1, 2, 3"
        )
        found = cursor.fetchall()
        if empty_stage:
            cursor.execute("DELETE FROM monitoring_reading_stage")
    return sum(n for *_k, n in found), {(p, c, t) for p, c, t, _n in found}


def _insert_orm(rows: list[tuple]) -> tuple[int, set[tuple]]:
    """The embedded database: the same rows through the ORM, existing keys skipped."""
    wanted = {(r[0], r[2], r[3], r[1]): r for r in rows}
    points = {r[0] for r in rows}
    times = {r[3] for r in rows}
    existing = set(
        Reading.objects.filter(point_id__in=points, data_time__in=times).values_list(
            "point_id", "cn", "data_time", "code"
        )
    )
    new = [r for key, r in wanted.items() if key not in existing]
    Reading.objects.bulk_create(
        [
            Reading(
                point_id=r[0],
                code=r[1],
                cn=r[2],
                data_time=r[3],
                avg=r[4],
                min=r[5],
                max=r[6],
                cou=r[7],
                flag=r[8],
                received_at=r[9],
            )
            for r in new
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    return len(new), {(r[0], r[2], int(r[3].timestamp())) for r in new}


def _points_seen(seen: dict[int, datetime], hours: dict[int, set[datetime]]) -> None:
    """Last packet and last hourly value of each point, in one statement on PostgreSQL."""
    if not seen and not hours:
        return
    values = [
        (pk, seen.get(pk), max(hours[pk]) if hours.get(pk) else None)
        for pk in sorted(set(seen) | set(hours))
    ]
    table = MonitoringPoint._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} p SET last_seen_at = GREATEST(p.last_seen_at, v.seen), "
                "last_hour_at = GREATEST(p.last_hour_at, v.hour) "
                "FROM (SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[])) "
                "AS v(id, seen, hour) WHERE p.id = v.id",
                [[v[0] for v in values], [v[1] for v in values], [v[2] for v in values]],
            )
        return
    by_point = {v[0]: v for v in values}
    for point in MonitoringPoint.objects.filter(pk__in=by_point).only(
        "pk", "last_seen_at", "last_hour_at"
    ):
        _, last_seen, last_hour = by_point[point.pk]
        if last_seen is not None:
            point.last_seen_at = max(filter(None, (point.last_seen_at, last_seen)))
        if last_hour is not None:
            point.last_hour_at = max(filter(None, (point.last_hour_at, last_hour)))
        point.save(update_fields=["last_seen_at", "last_hour_at"])


def hourly_rollup(*, now: datetime | None = None, hours: int = 6) -> dict[int, set[datetime]]:
    """Hourly values computed from minute data, for loggers that send minute data only.

    For each complete hour of the last ``hours`` that ended at least
    ``GOVERN_HOURLY_ROLLUP_DELAY_MINUTES`` ago (so a logger's own hourly packet, sent a few minutes
    after the hour, comes first and wins) and that has minute values but no hourly value: the average
    of the valid minute values (flags N, S, T), their minimum and maximum. An hour with fewer than
    ``GOVERN_HOURLY_MIN_VALID_MINUTES`` valid minutes (45, HJ 75-2017's rule for a valid hourly mean,
    as we understand it; not confirmed against the text) carries the flag of its invalid minutes, or B
    when minutes are simply missing, so it opens a flag alert, not an exceedance. Aggregated by the
    database; returns the new hours per point (alerts are checked on them)."""
    now = now or clock.now()
    until = (now - timedelta(minutes=settings.GOVERN_HOURLY_ROLLUP_DELAY_MINUTES)).replace(
        minute=0, second=0, microsecond=0
    )
    since = until - timedelta(hours=hours)
    window = {"data_time__gte": since, "data_time__lt": until}
    have = set(
        Reading.objects.filter(cn=Interval.HOUR, **window).values_list(
            "point_id", "code", "data_time"
        )
    )
    valid = Q(flag__in=sorted(VALID_FLAGS))
    groups = (
        Reading.objects.filter(cn=Interval.MINUTE, **window)
        .annotate(hour=TruncHour("data_time"))
        .values("point_id", "code", "hour")
        .annotate(
            good=Count("id", filter=valid),
            mean=Avg("avg", filter=valid),
            low=Min("avg", filter=valid),
            high=Max("avg", filter=valid),
            bad_flag=Max("flag", filter=~valid),
        )
    )
    received = clock.now()
    rows = []
    for g in groups:
        if (g["point_id"], g["code"], g["hour"]) in have:
            continue
        enough = g["good"] >= settings.GOVERN_HOURLY_MIN_VALID_MINUTES
        rows.append(
            (
                g["point_id"],
                g["code"],
                int(Interval.HOUR),
                g["hour"],
                g["mean"],
                g["low"],
                g["high"],
                None,
                "N" if enough else (g["bad_flag"] or "B"),
                received,
            )
        )
    if not rows:
        return {}
    new_hours: dict[int, set[datetime]] = defaultdict(set)
    nested = connection.in_atomic_block
    with transaction.atomic():
        _n, keys = _insert(rows, nested=nested)
        for point_id, _cn, epoch in keys:
            new_hours[point_id].add(datetime.fromtimestamp(epoch, tz=ZoneInfo("UTC")))
        _points_seen({}, new_hours)
    return dict(new_hours)


def counts_add(*, counts: dict[str, int], day=None) -> None:
    """Add a receiver's counters to the day's totals (one upsert, safe from several receivers)."""
    day = day or clock.today()
    items = [(reason, n) for reason, n in sorted(counts.items()) if n]
    if not items:
        return
    table = ReceiverCount._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s)"] * len(items))
    params: list = []
    for reason, n in items:
        params += [day, reason, n]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, reason, count) VALUES {placeholders} "
            "ON CONFLICT (day, reason) DO UPDATE SET count = "
            f"{table}.count + excluded.count",
            params,
        )


def quarantine_prune(*, days: int = 90) -> int:
    """Quarantined packets are kept for ``days`` (the daily job); the counters are kept for good."""
    deleted, _ = QuarantinedPacket.objects.filter(
        received_at__lt=clock.now() - timedelta(days=days)
    ).delete()
    return deleted


# ---------------------------------------------------------------- points and limits


def point_create(
    *,
    enterprise: Enterprise,
    mn: str,
    outlet: str,
    st: str,
    by,
    password: str = "123456",
    pollutants: Iterable[tuple[str, Decimal | None, str]] = (),
) -> MonitoringPoint:
    """A monitoring point with the pollutants it reports: (code, limit or None, legal source)."""
    require(roles.is_manager(by))
    point = MonitoringPoint(
        enterprise=enterprise, mn=mn.strip(), outlet=outlet.strip(), st=st, password=password
    )
    full_clean(point)
    with transaction.atomic():
        point.save()
        for code, limit, source in pollutants:
            row = PollutantLimit(point=point, code=code, limit=limit, legal_source=source)
            _check_limit(row)
            row.updated_by_id = getattr(by, "pk", None)
            row.save()
    return point


def _check_limit(row: PollutantLimit) -> None:
    if row.limit is not None and not row.legal_source.strip():
        raise InvalidInput(
            _("Name the standard and clause that sets this limit."), field="legal_source"
        )
    full_clean(row, exclude=["point", "updated_by"])


def limit_update(
    *, limit: PollutantLimit, value: Decimal | None, legal_source: str, by
) -> PollutantLimit:
    """A manager changes a pollutant's limit or its source; alerts already open keep theirs."""
    require(roles.is_manager(by))
    limit.limit = value
    limit.legal_source = legal_source.strip()
    _check_limit(limit)
    limit.updated_by_id = getattr(by, "pk", None)
    limit.updated_at = clock.now()
    limit.save()
    return limit


def point_retire(*, point: MonitoringPoint, by) -> MonitoringPoint:
    """A retired point's packets are quarantined from now on; its history stays."""
    require(roles.is_manager(by))
    if point.retired_at is None:
        point.retired_at = clock.now()
        point.save(update_fields=["retired_at"])
    return point


# ---------------------------------------------------------------- alerts


def alerts_evaluate(*, hours: dict[int, set[datetime]]) -> list[int]:
    """Check new hourly values: an average above its limit (on valid data) or a fault, maintenance,
    stopped, calibration or communication flag opens an alert, or extends the unresolved one of the
    same point and kind. Returns the ids of alerts opened."""
    if not hours:
        return []
    limits = {
        (row.point_id, row.code): row
        for row in PollutantLimit.objects.filter(point_id__in=hours, limit__isnull=False)
    }
    times = set().union(*hours.values())
    found: dict[tuple, list] = defaultdict(list)
    for point_id, code, at, avg, flag in Reading.objects.filter(
        point_id__in=hours, cn=Interval.HOUR, data_time__in=times
    ).values_list("point_id", "code", "data_time", "avg", "flag"):
        if at not in hours[point_id]:
            continue
        if flag in ALERT_FLAGS:
            found[(point_id, Alert.Kind.FLAG, "", flag)].append((at, None))
            continue
        row = limits.get((point_id, code))
        if (
            row is not None
            and row.limit is not None
            and flag in VALID_FLAGS
            and avg is not None
            and avg > float(row.limit)
        ):
            found[(point_id, Alert.Kind.EXCEEDANCE, code, "")].append((at, avg))
    if not found:
        return []
    enterprises = dict(
        MonitoringPoint.objects.filter(pk__in={k[0] for k in found}).values_list(
            "pk", "enterprise_id"
        )
    )
    opened = []
    for (point_id, kind, code, flag), hits in sorted(found.items()):
        row = limits.get((point_id, code)) if kind == Alert.Kind.EXCEEDANCE else None
        alert_id = _alert_raise(
            point_id=point_id,
            enterprise_id=enterprises[point_id],
            kind=kind,
            code=code,
            flag=flag,
            times=[at for at, _v in hits],
            peak=max((v for _at, v in hits if v is not None), default=None),
            limit=row.limit if row else None,
            legal_source=row.legal_source if row else "",
        )
        if alert_id:
            opened.append(alert_id)
    return opened


def _alert_raise(
    *,
    point_id: int,
    enterprise_id: int,
    kind: str,
    times: list[datetime],
    code: str = "",
    flag: str = "",
    peak: float | None = None,
    limit: Decimal | None = None,
    legal_source: str = "",
    hours: int | None = None,
) -> int | None:
    """Extend the unresolved alert of this point and kind, or open one. Returns the id if opened."""
    first, last = min(times), max(times)
    count = hours if hours is not None else len(set(times))
    for _attempt in range(2):
        try:
            with transaction.atomic():
                alert = (
                    Alert.objects.select_for_update()
                    .filter(point_id=point_id, kind=kind, code=code, flag=flag)
                    .exclude(status=Alert.Status.RESOLVED)
                    .first()
                )
                if alert is not None:
                    if kind == Alert.Kind.MISSING:
                        alert.hours = max(alert.hours, count)
                    else:
                        alert.hours += count
                    alert.first_time = min(alert.first_time, first)
                    alert.last_time = max(alert.last_time, last)
                    if peak is not None:
                        alert.peak = max(alert.peak or peak, peak)
                    alert.save(update_fields=["hours", "first_time", "last_time", "peak"])
                    return None
                alert = Alert.objects.create(
                    point_id=point_id,
                    enterprise_id=enterprise_id,
                    kind=kind,
                    code=code,
                    flag=flag,
                    first_time=first,
                    last_time=last,
                    hours=count,
                    peak=peak,
                    limit=limit,
                    legal_source=legal_source,
                )
                publish(
                    events.AlertOpened(alert_id=alert.pk, enterprise_id=enterprise_id, kind=kind)
                )
                return alert.pk
        except IntegrityError:
            continue  # another receiver opened it a moment ago: extend that one
    return None


def shortfall_alert_raise(
    *,
    point_id: int,
    enterprise_id: int,
    code: str,
    first: datetime,
    last: datetime,
    hours: int,
    observed: float,
    allowed: float,
    source: str,
) -> int | None:
    """A warning's required cut was not seen at a point (emergency.services.readings_compare): an
    alert with the average during the warning as its value and the most it should have been as its
    limit. Returns the id if a new alert was opened."""
    return _alert_raise(
        point_id=point_id,
        enterprise_id=enterprise_id,
        kind=Alert.Kind.SHORTFALL,
        times=[first, last],
        code=code,
        peak=observed,
        limit=Decimal(str(round(allowed, 3))),
        legal_source=source[:200],
        hours=hours,
    )


def alerts_check_silent(*, now: datetime | None = None) -> list[int]:
    """Open (or extend) a missing-data alert for every active point without an hourly value for
    ``GOVERN_MONITORING_SILENT_HOURS`` hours. Run hourly by the beat schedule."""
    now = now or clock.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    silent_after = timedelta(hours=settings.GOVERN_MONITORING_SILENT_HOURS)
    opened = []
    for point in MonitoringPoint.objects.silent(now=now).only(
        "pk", "enterprise_id", "last_hour_at", "created_at"
    ):
        since = (point.last_hour_at + HOUR) if point.last_hour_at else point.created_at
        if hour - since < silent_after - HOUR:
            continue
        alert_id = _alert_raise(
            point_id=point.pk,
            enterprise_id=point.enterprise_id,
            kind=Alert.Kind.MISSING,
            times=[since, hour],
            hours=max(int((hour - since) / HOUR), 1),
        )
        if alert_id:
            opened.append(alert_id)
    return opened


def silent_points(*, now: datetime | None = None):
    """Active points with no hourly value for the configured number of hours."""
    now = now or clock.now()
    cutoff = now - timedelta(hours=settings.GOVERN_MONITORING_SILENT_HOURS)
    return MonitoringPoint.objects.filter(retired_at__isnull=True, created_at__lt=cutoff).filter(
        Q(last_hour_at__lt=cutoff) | Q(last_hour_at__isnull=True)
    )


_STEP_FIELDS = {
    "explanation": ("explained_by", "explained_at"),
    "resolution": ("resolved_by", "resolved_at"),
}


def _alert_step(alert: Alert, *, step: str, text: str, by, status: str) -> Alert:
    """Write the step's text, who and when, and the status, under a row lock; a resolved alert takes
    no further step."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == Alert.Status.RESOLVED:
            raise TransitionConflict(_("This alert is already resolved."))
        by_field, at_field = _STEP_FIELDS[step]
        setattr(alert, step, text)
        setattr(alert, by_field, by)
        setattr(alert, at_field, clock.now())
        alert.status = status
        alert.save(update_fields=[step, by_field, at_field, "status"])
        if status == Alert.Status.EXPLAINED:
            publish(events.AlertExplained(alert_id=alert.pk, enterprise_id=alert.enterprise_id))
    return alert


def alert_explain(*, alert: Alert, explanation: str, by) -> Alert:
    """The enterprise says what happened (a fault repaired, a calibration, a stoppage); staff resolve."""
    require(roles.is_own_enterprise(by, alert.enterprise_id))
    if not explanation.strip():
        raise InvalidInput(_("Say what happened and what you did."), field="explanation")
    return _alert_step(
        alert, step="explanation", text=explanation.strip(), by=by, status=Alert.Status.EXPLAINED
    )


def alert_resolve(*, alert: Alert, resolution: str, by) -> Alert:
    """An inspector or manager closes the alert with what was found. An open alert may be resolved
    without an explanation (checked on site, or a known stoppage), but the resolution must say so."""
    require(roles.is_staff_role(by))
    if not resolution.strip():
        raise InvalidInput(_("Say how the alert was resolved."), field="resolution")
    return _alert_step(
        alert, step="resolution", text=resolution.strip(), by=by, status=Alert.Status.RESOLVED
    )

"""Reads for monitoring: points, readings and alerts as each user may see them, the hourly chart data,
data completeness, and the managers' live list. Each is a fixed number of queries, whatever the number
of points or readings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString

from govern import clock, roles

from .charts import hourly_chart
from .models import (
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

CHART_DAYS = 30


def point_list(*, user) -> QuerySet[MonitoringPoint]:
    return roles.scope_to_user(
        MonitoringPoint.objects.select_related("enterprise"), user
    ).prefetch_related("pollutants")


def point_get(*, user, pk: int) -> MonitoringPoint:
    point = point_list(user=user).filter(pk=pk).first()
    if point is None:
        raise Http404
    return point


def alert_list(*, user) -> QuerySet[Alert]:
    return roles.scope_to_user(
        Alert.objects.select_related("point", "enterprise", "enterprise__district"), user
    )


def alert_get(*, user, pk: int) -> Alert:
    alert = alert_list(user=user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


def reading_list(*, user) -> QuerySet[Reading]:
    return roles.scope_to_user(Reading.objects.all(), user, enterprise_field="point__enterprise")


def _hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def hourly_values(
    *, point_ids, start: datetime, end: datetime
) -> dict[tuple[int, str], list[tuple[datetime, float | None, str]]]:
    """Hourly values of these points between two times, per (point, pollutant), in one query."""
    found: dict[tuple[int, str], list] = defaultdict(list)
    for point_id, code, at, avg, flag in (
        Reading.objects.filter(
            point_id__in=list(point_ids),
            cn=Interval.HOUR,
            data_time__gte=start,
            data_time__lte=end,
        )
        .order_by("point_id", "code", "data_time")
        .values_list("point_id", "code", "data_time", "avg", "flag")
    ):
        found[(point_id, code)].append((at, avg, flag))
    return found


def completeness(*, points, start: datetime, end: datetime) -> dict[int, float]:
    """Percentage of the hours since ``start`` (or the point's creation) with a valid hourly value."""
    valid = dict(
        Reading.objects.filter(
            point_id__in=[p.pk for p in points],
            cn=Interval.HOUR,
            data_time__gte=start,
            data_time__lte=end,
            flag__in=sorted(VALID_FLAGS),
        )
        .values("point_id")
        .annotate(hours=Count("data_time", distinct=True))
        .values_list("point_id", "hours")
    )
    result = {}
    for point in points:
        begin = max(start, point.created_at)
        expected = max(int((end - begin).total_seconds() // 3600), 1)
        result[point.pk] = min(100.0, 100.0 * valid.get(point.pk, 0) / expected)
    return result


@dataclass
class PollutantChart:
    code: str
    name: str
    limit: float | None
    legal_source: str
    unit: str
    svg: SafeString
    exceeded_hours: int


@dataclass
class PointPanel:
    point: MonitoringPoint
    completeness: float
    silent: bool
    charts: list[PollutantChart] = field(default_factory=list)


def enterprise_panels(*, enterprise, user, now: datetime | None = None) -> list[PointPanel]:
    """Per point of the enterprise: the last 30 days of hourly values of each limited pollutant
    against its limit, and the data completeness. Three queries whatever the number of points."""
    now = now or clock.now()
    end = _hour(now)
    start = end - timedelta(days=CHART_DAYS)
    points = list(point_list(user=user).filter(enterprise=enterprise))
    if not points:
        return []
    series = hourly_values(point_ids=[p.pk for p in points], start=start, end=end)
    ratio = completeness(points=points, start=start, end=end)
    panels = []
    for point in points:
        panel = PointPanel(
            point=point,
            completeness=ratio[point.pk],
            silent=point.is_silent(now=now),
        )
        for row in point.pollutants.all():
            if row.limit is None:
                continue
            values = series.get((point.pk, row.code), [])
            limit = float(row.limit)
            panel.charts.append(
                PollutantChart(
                    code=row.code,
                    name=row.name,
                    limit=limit,
                    legal_source=row.legal_source,
                    unit=row.unit,
                    svg=hourly_chart(
                        values,
                        start=start,
                        end=end,
                        limit=limit,
                        unit=row.unit,
                        title=f"{point.outlet} {row.name}",
                    ),
                    exceeded_hours=sum(
                        1 for _t, v, f in values if v is not None and f in VALID_FLAGS and v > limit
                    ),
                )
            )
        panels.append(panel)
    return panels


def enterprise_monitoring(*, enterprise, user) -> dict:
    """What the enterprise page and the portal show: the point panels and the latest alerts."""
    return {
        "panels": enterprise_panels(enterprise=enterprise, user=user),
        "alerts": alert_list(user=user).filter(enterprise=enterprise)[:10],
    }


def live_summary(rows: list[LiveRow]) -> tuple[list, list]:
    """Per district and per sector: (name, [points in exceedance, silent points]), by name."""
    by_district: dict[str, list[int]] = {}
    by_sector: dict[str, list[int]] = {}
    for row in rows:
        for table, key in (
            (by_district, row.point.enterprise.district.name),
            (by_sector, row.point.enterprise.sector.name),
        ):
            counts = table.setdefault(key, [0, 0])
            counts[0] += bool(row.exceeding)
            counts[1] += row.silent
    return sorted(by_district.items()), sorted(by_sector.items())


def alert_readings(*, alert: Alert, margin_hours: int = 6, most: int = 200) -> list[Reading]:
    """The hourly values around an alert (attached to its alert page and to the visit it planned)."""
    margin = timedelta(hours=margin_hours)
    queryset = Reading.objects.filter(
        point_id=alert.point_id,
        cn=Interval.HOUR,
        data_time__gte=alert.first_time - margin,
        data_time__lte=alert.last_time + margin,
    )
    if alert.code:
        queryset = queryset.filter(code=alert.code)
    return list(queryset.order_by("data_time", "code")[:most])


def alert_chart(
    *, alert: Alert, readings: list[Reading], margin_hours: int = 6
) -> SafeString | None:
    """The alert's pollutant around the alert against the limit (exceedances only)."""
    if not alert.code:
        return None
    margin = timedelta(hours=margin_hours)
    return hourly_chart(
        [(r.data_time, r.avg, r.flag) for r in readings if r.code == alert.code],
        start=alert.first_time - margin,
        end=alert.last_time + margin,
        limit=float(alert.limit) if alert.limit is not None else None,
        unit=alert.point.pollutants.filter(code=alert.code).values_list("unit", flat=True).first()
        or "mg/m³",
        title=f"{alert.point.outlet} {alert.subject}",
    )


@dataclass
class LiveRow:
    point: MonitoringPoint
    exceeding: list[Alert]
    silent: bool


def live_points(
    *, user, district: int | None = None, sector: int | None = None, now: datetime | None = None
) -> list[LiveRow]:
    """Points now in exceedance (an unresolved exceedance alert) or silent (no hourly value for the
    configured hours), by district and sector. Two queries."""
    now = now or clock.now()
    unresolved = Alert.objects.filter(point=OuterRef("pk"), kind=Alert.Kind.EXCEEDANCE).exclude(
        status=Alert.Status.RESOLVED
    )
    points = (
        point_list(user=user)
        .select_related("enterprise__district", "enterprise__sector")
        .filter(retired_at__isnull=True)
        .annotate(exceeding=Exists(unresolved))
        .filter(Q(exceeding=True) | MonitoringPoint.silent_q(now=now))
        .order_by("enterprise__district__name", "enterprise__name", "outlet")
    )
    if district:
        points = points.filter(enterprise__district_id=district)
    if sector:
        points = points.filter(enterprise__sector_id=sector)
    found = list(points)
    alerts: dict[int, list[Alert]] = defaultdict(list)
    for alert in (
        Alert.objects.filter(point__in=[p.pk for p in found if p.exceeding])
        .filter(kind=Alert.Kind.EXCEEDANCE)
        .exclude(status=Alert.Status.RESOLVED)
    ):
        alerts[alert.point_id].append(alert)
    return [
        LiveRow(
            point=p,
            exceeding=alerts.get(p.pk, []),
            silent=p.is_silent(now=now),
        )
        for p in found
    ]


def live_counts(*, now: datetime | None = None) -> dict[str, int]:
    """City-wide: points in exceedance and silent points (the dashboard's figures)."""
    now = now or clock.now()
    active = MonitoringPoint.objects.active()
    exceeding = (
        Alert.objects.filter(kind=Alert.Kind.EXCEEDANCE, point__retired_at__isnull=True)
        .exclude(status=Alert.Status.RESOLVED)
        .values("point")
        .distinct()
        .count()
    )
    silent = MonitoringPoint.objects.silent(now=now).count()
    return {"points": active.count(), "exceeding": exceeding, "silent": silent}


def receiver_counts(
    *, days: int = 7, today: date | None = None
) -> list[tuple[str, str, list[int]]]:
    """Per reason: its label and the count of each of the last ``days`` days (oldest first)."""
    today = today or clock.today()
    first = today - timedelta(days=days - 1)
    grid: dict[str, dict[date, int]] = defaultdict(dict)
    for day, reason, count in ReceiverCount.objects.filter(day__gte=first).values_list(
        "day", "reason", "count"
    ):
        grid[reason][day] = count
    days_list = [first + timedelta(days=i) for i in range(days)]
    return [
        (reason.value, str(reason.label), [grid[reason.value].get(d, 0) for d in days_list])
        for reason in Fault
        if reason.value in grid
    ]


def quarantine(*, most: int = 100) -> list[QuarantinedPacket]:
    return list(QuarantinedPacket.objects.all()[:most])


def limits_of(*, point: MonitoringPoint) -> QuerySet[PollutantLimit]:
    return point.pollutants.select_related("updated_by").all()

"""Demo monitoring for load_demo: a few dozen points with a week of hourly data (and the last three
hours of minute data), stored through the same path as the receiver, so charts, completeness and
alerts are populated: exceedances (with their planned inspections), a fault, a silent point, one alert
explained by its enterprise and one resolved by an inspector."""

import random
from collections import Counter
from datetime import timedelta

from django.utils import timezone

from enterprises.models import Enterprise, State
from govern import clock
from monitoring import hj212, limits, services
from monitoring.models import Alert, MonitoringPoint
from monitoring.simulator import Device

DEMO_POINTS = 30
DAYS = 7
SILENT_POINTS = 2  # stop reporting 10 hours ago


def _mn(i: int) -> str:
    return f"QZ3505{i:08d}"


def create_demo_monitoring(*, rng: random.Random, users) -> int:
    own = users["enterprise"].enterprise  # the demo enterprise account sees its own point
    enterprises = [own] if own and own.state != State.CLOSED else []
    enterprises += list(
        Enterprise.objects.exclude(state=State.CLOSED)
        .exclude(pk__in=[e.pk for e in enterprises])
        .filter(
            sector__code__in=["industrial_coating", "packaging_printing", "chemical", "footwear"]
        )
        .order_by("pk")[: DEMO_POINTS - len(enterprises)]
    )
    if len(enterprises) < DEMO_POINTS:
        enterprises += list(
            Enterprise.objects.exclude(state=State.CLOSED)
            .exclude(pk__in=[e.pk for e in enterprises])
            .order_by("pk")[: DEMO_POINTS - len(enterprises)]
        )
    now = clock.now()
    local_now = timezone.localtime(now).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    start = local_now - timedelta(days=DAYS)
    points = []
    # Points installed when their data starts, so completeness reads as it would.
    with clock.at(timezone.make_aware(start)):
        for i, enterprise in enumerate(enterprises):
            points.append(
                services.point_create(
                    enterprise=enterprise,
                    mn=_mn(i + 1),
                    outlet=f"{i % 3 + 1}# 有机废气排放口",
                    st="31" if i % 4 else "27",
                    pollutants=limits.DEFAULTS,
                    by=users["manager"],
                )
            )
    counts: Counter[str] = Counter()
    for i, point in enumerate(points):
        device = Device(
            mn=point.mn,
            seed=rng.randrange(1 << 30),
            fault_rate=0.001,
            exceed_rate=0.04 if i == 0 else 0.005,
        )
        if i == 0:  # the demo enterprise's own point: a busy coating line
            device.base["a24088"] = 40.0
        silent = len(points) - SILENT_POINTS <= i
        end = local_now - timedelta(hours=10) if silent else local_now
        incoming = []
        hour = start
        n = 0
        while hour < end:
            frame = device.hour_packet(hour, qn=f"{hour:%Y%m%d%H%M%S}000")
            incoming.append(_incoming(frame))
            if end - hour <= timedelta(hours=3):
                for minute in range(60):
                    n += 1
                    at = hour + timedelta(minutes=minute)
                    incoming.append(_incoming(device.minute_packet(at, qn=f"M{n}")))
            hour += timedelta(hours=1)
        result = services.packets_store(incoming=incoming)
        services.alerts_evaluate(hours=result.hours)
        counts.update(result.outcomes)
    # What a receiver also meets: a logger nobody registered, and one with an old password.
    stranger = Device(mn="QZ3505UNKNOWN1", seed=1)
    wrong = Device(mn=points[0].mn, password="000000", seed=2) if points else stranger
    result = services.packets_store(
        incoming=[
            _incoming(stranger.hour_packet(local_now, qn="U1")),
            _incoming(wrong.hour_packet(local_now, qn="W1")),
        ]
    )
    counts.update(result.outcomes)
    counts.update({"answered": counts["stored"], "crc_mismatch": 3, "garbage": 1})
    services.counts_add(counts=dict(counts))
    services.alerts_check_silent()
    _demo_lifecycle(users)
    return len(points)


def _incoming(frame: bytes) -> services.Incoming:
    return services.Incoming(
        packet=hj212.parse_frame(frame),
        received_at=clock.now(),
        peer="demo",
        frame=frame.decode(),
    )


def _demo_lifecycle(users) -> None:
    """One exceedance explained by the enterprise, one fault resolved by the inspector."""
    exceedance = (
        Alert.objects.filter(kind=Alert.Kind.EXCEEDANCE, enterprise__accounts__isnull=False)
        .order_by("pk")
        .first()
    )
    if exceedance is not None:
        account = exceedance.enterprise.accounts.first()
        if account is not None:
            services.alert_explain(
                alert=exceedance,
                explanation="喷涂线更换批次时活性炭吸附箱旁路阀未关闭，已关闭并加装铅封，附整改照片。",
                by=account,
            )
    fault = Alert.objects.filter(kind=Alert.Kind.FLAG).order_by("pk").first()
    if fault is not None:
        services.alert_resolve(
            alert=fault,
            resolution="现场核实：分析仪采样管堵塞，运维单位已疏通并校准，数据恢复正常。",
            by=users["inspector"],
        )


def demo_point_count() -> int:
    return MonitoringPoint.objects.count()

"""Spot checks during a warning and the monitoring comparison."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from emergency import services
from emergency.models import CheckMethod, ReadingComparison, SpotCheck
from govern import clock
from inspections import services as inspection_services
from inspections.models import PlannedInspection
from monitoring import partitions
from monitoring.models import Alert, Interval, MonitoringPoint, Reading
from tests import factories

from .conftest import approved_list, declare, graded, line

pytestmark = pytest.mark.django_db


def store(rows):
    partitions.ensure(
        connection=connection, months={partitions.month_of(r.data_time) for r in rows}
    )
    Reading.objects.bulk_create(rows)


def hourly(point, start, *, normal: float, during: float, normal_hours=range(1, 24 * 30, 3)):
    """NMHC hourly values: ``normal`` before the warning's first hour, ``during`` for 12 hours after."""
    hour = start.replace(minute=0, second=0, microsecond=0)

    def reading(at, value):
        return Reading(
            point=point,
            code="a24088",
            cn=Interval.HOUR,
            data_time=at,
            avg=value,
            flag="N",
            received_at=timezone.now(),
        )

    store(
        [reading(hour - timedelta(hours=h), normal) for h in normal_hours]
        + [reading(hour + timedelta(hours=h), during) for h in range(1, 13)]
    )


def test_the_draw_replays_from_its_seed_and_favours_grades_c_and_d():
    pool = [[i, "CD"[i % 2] if i % 4 < 2 else "AB"[i % 2]] for i in range(1, 201)]
    weights = services.DEFAULT_WEIGHTS
    first = services.spot_check_compute(pool=pool, weights=weights, count=20, seed=424242)
    assert first == services.spot_check_compute(pool=pool, weights=weights, count=20, seed=424242)
    assert first != services.spot_check_compute(pool=pool, weights=weights, count=20, seed=424243)
    grades = dict(map(tuple, pool))
    drawn = Counter(
        grades[pk]
        for seed in range(200)
        for pk in services.spot_check_compute(pool=pool, weights=weights, count=20, seed=seed)
    )
    assert drawn["C"] + drawn["D"] > 2 * (drawn["A"] + drawn["B"])


def test_a_draw_plans_inspections_with_a_checklist_from_the_list(grades, manager, inspector):
    factories.inspector_user(username="insp2")
    approved_list(grades["C"], inspector)
    warning = declare(manager, level="red")
    draw = services.spot_check_draw(
        warning=warning, count=10, due_date=timezone.localdate(), by=manager
    )
    assert draw.seed and len(str(draw.seed)) > 3  # server-generated
    assert sorted(SpotCheck.objects.filter(draw=draw).values_list("enterprise_id", flat=True)) == (
        services.spot_check_replay(draw=draw)
    )
    planned = PlannedInspection.objects.get(spot_check__draw=draw, enterprise=grades["C"])
    assert planned.reason == PlannedInspection.Reason.EMERGENCY
    visit = inspection_services.visit_start(
        enterprise=grades["C"], inspectors=[inspector], by=manager, planned=planned
    )
    items = list(visit.checklist.items.values_list("text", "guidance"))
    assert items[0][0] == "1号涂装线：红色预警期间停产"
    assert "用电" in items[0][1] or "electricity" in items[0][1]
    assert any("确认" in text for text, _ in items)


def test_a_monitoring_shortfall_opens_an_alert(
    manager, inspector, django_capture_on_commit_callbacks
):
    enterprise = graded("D", voc="10", nox="0", pm="0")
    point = MonitoringPoint.objects.create(
        enterprise=enterprise, mn="QZSHORT1", outlet="1#", st="31"
    )
    approved_list(
        enterprise,
        inspector,
        [line(nox="0", pm="0", check=CheckMethod.MONITORING, point=point, red=("limit", 50))],
    )
    warning = declare(manager, level="red", hours_ahead=2, hours=24, short_notice_reason="紧急")
    # normal 40 mg/m³ in the 30 days before; 36 during: a 10 % cut where 50 % was required
    hourly(point, warning.starts_at, normal=40.0, during=36.0)
    with (
        clock.at(warning.starts_at + timedelta(hours=13)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        opened = services.warnings_check_readings()
    assert len(opened) == 1
    alert = Alert.objects.get(pk=opened[0])
    assert alert.kind == Alert.Kind.SHORTFALL and alert.enterprise == enterprise
    assert alert.peak == pytest.approx(36.0) and float(alert.limit) == pytest.approx(20.0)
    comparison = ReadingComparison.objects.get(point=point)
    assert comparison.shortfall and float(comparison.observed_pct) == pytest.approx(10.0)
    with clock.at(warning.starts_at + timedelta(hours=14)):
        assert services.warnings_check_readings() == []  # not opened twice


def test_a_cut_seen_in_the_readings_opens_no_alert(manager, inspector):
    enterprise = graded("D", voc="10", nox="0", pm="0")
    point = MonitoringPoint.objects.create(enterprise=enterprise, mn="QZOK1", outlet="1#", st="31")
    approved_list(
        enterprise, inspector, [line(nox="0", pm="0", check=CheckMethod.MONITORING, point=point)]
    )
    warning = declare(manager, level="red", hours_ahead=2, hours=24, short_notice_reason="紧急")
    hourly(point, warning.starts_at, normal=40.0, during=1.0, normal_hours=range(1, 100))
    with clock.at(warning.starts_at + timedelta(hours=13)):
        assert services.warnings_check_readings() == []
    assert not ReadingComparison.objects.get(point=point).shortfall


def test_a_point_not_named_in_the_list_is_compared_with_the_whole_cut(manager, inspector):
    """No line is checked by monitoring, but the enterprise has a point: the point is compared with
    the instruction's whole VOC cut (here 100 %: red stops the only line)."""
    enterprise = graded("D", voc="10", nox="0", pm="0")
    point = MonitoringPoint.objects.create(
        enterprise=enterprise, mn="QZALL1", outlet="总排口", st="31"
    )
    approved_list(enterprise, inspector, [line(nox="0", pm="0")])
    warning = declare(manager, level="red", hours_ahead=2, hours=24, short_notice_reason="紧急")
    hourly(point, warning.starts_at, normal=40.0, during=30.0, normal_hours=range(1, 50))
    with clock.at(warning.starts_at + timedelta(hours=13)):
        opened = services.warnings_check_readings()
    comparison = ReadingComparison.objects.get(point=point)
    assert float(comparison.required_pct) == pytest.approx(100.0)
    assert comparison.shortfall and len(opened) == 1

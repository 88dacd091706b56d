"""Alerts from stored hourly values, their lifecycle, points and limits (services)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from enterprises.models import State
from govern import clock
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from inspections.models import PlannedInspection
from monitoring import hj212, services
from monitoring.models import Alert, PollutantLimit, QuarantinedPacket, Reading
from tests import factories

from .conftest import data_packet

HOUR = datetime(2026, 11, 25, 10, 0)
NOW = timezone.make_aware(datetime(2026, 11, 25, 20, 30))


def store(*frames: bytes) -> services.StoreResult:
    with clock.at(NOW):
        result = services.packets_store(
            incoming=[
                services.Incoming(packet=hj212.parse_frame(f), received_at=clock.now())
                for f in frames
            ]
        )
        services.alerts_evaluate(hours=result.hours)
    return result


def hour(i: int, **kwargs) -> bytes:
    return data_packet(at=HOUR + timedelta(hours=i), qn=f"H{i}", **kwargs)


def test_values_are_stored_once_with_flags_and_local_time(point):
    first = store(hour(0, nmhc=12.5, flag="M"))
    again = store(hour(0, nmhc=12.5, flag="M"))
    assert first.outcomes == ["stored"] and again.outcomes == ["duplicate"]
    reading = Reading.objects.get(point=point, code="a24088")
    assert reading.flag == "M" and reading.cn == 2061
    assert timezone.localtime(reading.data_time).hour == 10  # DataTime is Beijing time


def test_exceedances_open_one_alert_extended_by_later_hours(point, inspector):
    store(hour(0, nmhc=61), hour(1, nmhc=70))
    store(hour(2, nmhc=90))
    alert = Alert.objects.get()
    assert (alert.hours, alert.peak, alert.status) == (3, 90, "open")
    assert timezone.localtime(alert.last_time).hour == 12
    # A value at the limit is not above it; a value above it but flagged is a flag alert instead.
    store(hour(3, nmhc=60), hour(4, nmhc=300, flag="D"))
    assert Alert.objects.get(kind="exceedance").hours == 3
    flag = Alert.objects.get(kind="flag")
    assert (flag.flag, flag.subject, flag.hours) == ("D", "故障", 1)


def test_a_resolved_alert_stays_closed_and_new_exceedances_open_another(point, inspector):
    store(hour(0, nmhc=80))
    services.alert_resolve(alert=Alert.objects.get(), resolution="现场核实，已整改", by=inspector)
    store(hour(5, nmhc=85))
    assert list(Alert.objects.order_by("pk").values_list("status", "hours")) == [
        ("resolved", 1),
        ("open", 1),
    ]
    assert PlannedInspection.objects.filter(reason="monitoring").count() == 2


def test_a_closed_enterprise_gets_the_alert_but_no_inspection(point):
    point.enterprise.__class__.objects.filter(pk=point.enterprise_id).update(state=State.CLOSED)
    store(hour(0, nmhc=80))
    assert Alert.objects.count() == 1
    assert not PlannedInspection.objects.exists()


def test_silent_points_open_a_missing_data_alert_extended_hourly(point):
    point.created_at = timezone.make_aware(HOUR - timedelta(days=1))
    point.save()
    store(hour(0))
    silent_at = timezone.make_aware(HOUR + timedelta(hours=5, minutes=10))
    assert services.alerts_check_silent(now=silent_at)
    alert = Alert.objects.get(kind="missing")
    assert alert.hours == 4  # 11:00 to 15:00 without an hourly value
    assert services.alerts_check_silent(now=silent_at + timedelta(hours=2)) == []
    alert.refresh_from_db()
    assert alert.hours == 6
    point.retired_at = silent_at
    point.save()
    Alert.objects.update(status="resolved")
    assert services.alerts_check_silent(now=silent_at + timedelta(hours=3)) == []


def test_the_enterprise_explains_and_staff_resolve(
    point, enterprise_account, inspector, django_capture_on_commit_callbacks
):
    store(hour(0, nmhc=80))
    alert = Alert.objects.get()
    other = factories.enterprise_user(factories.EnterpriseFactory(), username="other")
    with pytest.raises(PermissionDenied):
        services.alert_explain(alert=alert, explanation="不是我们", by=other)
    with pytest.raises(PermissionDenied):
        services.alert_explain(alert=alert, explanation="检修", by=inspector)
    with pytest.raises(InvalidInput) as blank:
        services.alert_explain(alert=alert, explanation="  ", by=enterprise_account)
    assert blank.value.field == "explanation"
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_explain(alert=alert, explanation="旁路阀未关，已铅封", by=enterprise_account)
    alert.refresh_from_db()
    assert alert.status == "explained" and alert.explained_by == enterprise_account
    assert inspector.notifications.filter(title__contains="说明").exists()
    with pytest.raises(PermissionDenied):
        services.alert_resolve(alert=alert, resolution="好", by=enterprise_account)
    with pytest.raises(InvalidInput) as empty:
        services.alert_resolve(alert=alert, resolution="", by=inspector)
    assert empty.value.field == "resolution"
    services.alert_resolve(alert=alert, resolution="现场核实属实", by=inspector)
    with pytest.raises(TransitionConflict):
        services.alert_resolve(alert=alert, resolution="again", by=inspector)
    with pytest.raises(TransitionConflict):
        services.alert_explain(alert=alert, explanation="late", by=enterprise_account)


def test_the_enterprise_and_its_inspectors_are_told_of_an_exceedance(
    point, enterprise_account, django_capture_on_commit_callbacks
):
    inspector = factories.inspector_user(username="field")
    with django_capture_on_commit_callbacks(execute=True):
        store(hour(0, nmhc=80))
    planned = PlannedInspection.objects.get()
    message = inspector.notifications.get()
    assert "非甲烷总烃" in message.title and planned.due_date.isoformat() in message.body
    assert enterprise_account.notifications.filter(url__contains="/monitoring/alerts/").exists()


def test_limits_are_managed_by_managers_with_their_legal_source(point, manager, inspector):
    row = PollutantLimit.objects.get(point=point, code="a24088")
    with pytest.raises(PermissionDenied):
        services.limit_update(limit=row, value=Decimal("50"), legal_source="x", by=inspector)
    with pytest.raises(InvalidInput) as caught:
        services.limit_update(limit=row, value=Decimal("50"), legal_source=" ", by=manager)
    assert caught.value.field == "legal_source"
    with pytest.raises(InvalidInput) as negative:
        services.limit_update(limit=row, value=Decimal("-1"), legal_source="DB35", by=manager)
    assert negative.value.field == "limit"
    services.limit_update(
        limit=row, value=Decimal("50"), legal_source="DB35/1782-2018 表1", by=manager
    )
    store(hour(0, nmhc=55))
    alert = Alert.objects.get()
    assert alert.limit == 50 and alert.legal_source == "DB35/1782-2018 表1"


def test_a_point_with_a_duplicate_mn_is_refused_naming_the_field(point, manager):
    with pytest.raises(InvalidInput) as caught:
        services.point_create(
            enterprise=point.enterprise, mn=point.mn, outlet="2#", st="31", by=manager
        )
    assert caught.value.field == "mn"


def test_data_out_of_time_range_is_quarantined(point):
    result = store(data_packet(at=datetime(2001, 1, 1, 10, 0)))
    assert result.outcomes == ["bad_time"]
    assert QuarantinedPacket.objects.get().reason == "bad_time"
    assert not Reading.objects.exists()


def _minutes(point_mn: str, start: datetime, values, flag="N"):
    return [
        data_packet(
            mn=point_mn, cn="2051", at=start + timedelta(minutes=m), nmhc=v, flag=flag, qn=f"m{m}"
        )
        for m, v in values
    ]


def test_loggers_sending_minute_data_only_get_hourly_values_and_alerts(point):
    # 10:00 hour: 60 valid minutes around 80 (above the 60 limit); 11:00: 30 valid + 15 faulty.
    store(*_minutes(point.mn, HOUR, [(m, 79 + m % 3) for m in range(60)]))
    store(*_minutes(point.mn, HOUR + timedelta(hours=1), [(m, 20) for m in range(30)]))
    store(
        *_minutes(
            point.mn, HOUR + timedelta(hours=1, minutes=30), [(m, 20) for m in range(15)], "D"
        )
    )
    # 12:00 already has the logger's own hourly value; 13:00 ended too recently to roll up.
    store(hour(2, nmhc=25))
    store(*_minutes(point.mn, HOUR + timedelta(hours=2), [(m, 99) for m in range(60)]))
    store(*_minutes(point.mn, HOUR + timedelta(hours=3), [(m, 99) for m in range(60)]))
    at = timezone.make_aware(HOUR + timedelta(hours=4, minutes=10))  # 14:10: 13:00 is too recent
    with clock.at(at):
        new = services.hourly_rollup(now=at)
        services.alerts_evaluate(hours=new)
    hourly = {
        timezone.localtime(r.data_time).hour: r
        for r in Reading.objects.filter(point=point, code="a24088", cn=2061)
    }
    assert sorted(hourly) == [10, 11, 12]
    assert hourly[10].avg == pytest.approx(80, abs=0.1) and hourly[10].flag == "N"
    assert (hourly[11].flag, hourly[11].avg) == ("D", 20)  # 30 valid minutes: not a valid hour
    assert hourly[12].avg == 25  # the logger's own value stands
    assert Alert.objects.get(kind="exceedance").peak == pytest.approx(80, abs=0.1)
    assert Alert.objects.get(kind="flag").flag == "D"
    point.refresh_from_db()
    assert timezone.localtime(point.last_hour_at).hour == 12
    assert services.hourly_rollup(now=at) == {}  # nothing twice

"""Monitoring as people see it: pages (charts, live list, alert forms) and the API."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govern import clock
from monitoring import hj212, services
from monitoring.models import Alert, MonitoringPoint, PollutantLimit
from tests import factories

from .conftest import data_packet

pytestmark = pytest.mark.django_db


def _local_hour(hours_ago: int) -> datetime:
    now = timezone.localtime(clock.now()).replace(minute=0, second=0, microsecond=0)
    return (now - timedelta(hours=hours_ago)).replace(tzinfo=None)


def fill(point, hours=48, spike_at=(5,)):
    frames = [
        data_packet(mn=point.mn, at=_local_hour(h), nmhc=90 if h in spike_at else 20, qn=f"P{h}")
        for h in range(1, hours + 1)
    ]
    result = services.packets_store(
        incoming=[
            services.Incoming(packet=hj212.parse_frame(f), received_at=clock.now()) for f in frames
        ]
    )
    services.alerts_evaluate(hours=result.hours)


def test_the_enterprise_page_shows_30_days_against_the_limit(client_for, manager, point):
    fill(point)
    page = client_for(manager).get(f"/enterprises/{point.enterprise_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "在线监测" in html and '<svg class="chart hourly"' in html
    assert "<style" not in html  # the CSP refuses style elements: the chart is styled by govern.css
    assert "GB 16297-1996 表2" in html  # the limit's legal source beside the chart
    assert "数据完整率" in html
    assert "超过限值" in html  # the exceedance hour counted


def test_the_portal_shows_the_own_alert_and_the_explain_form_keeps_input(
    client_for, point, enterprise_account
):
    fill(point)
    alert = Alert.objects.get()
    client = client_for(enterprise_account)
    assert f"/monitoring/alerts/{alert.pk}/" in client.get("/portal/").content.decode()
    refused = client.post(
        f"/monitoring/alerts/{alert.pk}/", {"action": "explain", "explanation": "   "}
    )
    assert refused.status_code == 400
    assert "这个字段是必填项" in refused.content.decode() or "必填" in refused.content.decode()
    done = client.post(
        f"/monitoring/alerts/{alert.pk}/", {"action": "explain", "explanation": "更换活性炭"}
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "explained"
    other = factories.enterprise_user(factories.EnterpriseFactory(), username="nosy")
    assert client_for(other).get(f"/monitoring/alerts/{alert.pk}/").status_code == 404


def test_staff_resolve_on_the_alert_page_and_see_the_readings(client_for, inspector, point):
    fill(point)
    alert = Alert.objects.get()
    client = client_for(inspector)
    page = client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    assert "90.00" in page and "处理" in page
    assert (
        client.post(
            f"/monitoring/alerts/{alert.pk}/", {"action": "resolve", "resolution": "现场核实"}
        ).status_code
        == 302
    )
    assert Alert.objects.get().status == "resolved"


def test_the_live_list_shows_points_in_exceedance_or_silent_by_district(client_for, manager, point):
    fill(point)
    silent = MonitoringPoint.objects.create(
        enterprise=factories.EnterpriseFactory(),
        mn="SILENT0001",
        outlet="2# 排放口",
        st="27",
        created_at=clock.now() - timedelta(days=2),
    )
    client = client_for(manager)
    page = client.get("/monitoring/").content.decode()
    assert point.enterprise.name in page and silent.enterprise.name in page
    filtered = client.get(f"/monitoring/?district={silent.enterprise.district_id}").content.decode()
    assert silent.enterprise.name in filtered
    dashboard = client.get("/dashboard/").content.decode()
    assert "超标监测点" in dashboard


def test_the_live_list_does_not_query_per_point(client_for, manager):
    client = client_for(manager)
    for i in range(3):
        MonitoringPoint.objects.create(
            enterprise=factories.EnterpriseFactory(),
            mn=f"Q{i}",
            outlet="1#",
            st="31",
            created_at=clock.now() - timedelta(days=2),
        )
    with CaptureQueriesContext(connection) as few:
        client.get("/monitoring/")
    for i in range(3, 13):
        MonitoringPoint.objects.create(
            enterprise=factories.EnterpriseFactory(),
            mn=f"Q{i}",
            outlet="1#",
            st="31",
            created_at=clock.now() - timedelta(days=2),
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/monitoring/")
    assert len(many) == len(few)


def test_a_manager_edits_a_limit_and_a_missing_source_keeps_what_was_typed(
    client_for, manager, inspector, point
):
    row = PollutantLimit.objects.get(point=point, code="a24088")
    client = client_for(manager)
    refused = client.post(
        f"/monitoring/points/{point.pk}/",
        {"limit_id": row.pk, f"l{row.pk}-limit": "45.5", f"l{row.pk}-legal_source": ""},
    )
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "45.5" in html and "标准" in html
    assert (
        client.post(
            f"/monitoring/points/{point.pk}/",
            {
                "limit_id": row.pk,
                f"l{row.pk}-limit": "45.5",
                f"l{row.pk}-legal_source": "DB35/1782",
            },
        ).status_code
        == 302
    )
    row.refresh_from_db()
    assert str(row.limit) == "45.500" and row.updated_by == manager
    assert client_for(inspector).get(f"/monitoring/points/{point.pk}/").status_code == 200
    assert client_for(inspector).get("/monitoring/receiver/").status_code == 403


def test_a_manager_adds_a_point_from_the_enterprise_page(client_for, manager, enterprise):
    client = client_for(manager)
    page = client.post(
        f"/monitoring/enterprise/{enterprise.pk}/points/new/",
        {"mn": "", "password": "123456", "outlet": "1#", "st": "31", "default_pollutants": "on"},
    )
    assert page.status_code == 400 and "1#" in page.content.decode()
    done = client.post(
        f"/monitoring/enterprise/{enterprise.pk}/points/new/",
        {
            "mn": "NEW0001",
            "password": "123456",
            "outlet": "1#",
            "st": "31",
            "default_pollutants": "on",
        },
    )
    assert done.status_code == 302
    point = MonitoringPoint.objects.get(mn="NEW0001")
    assert set(point.pollutants.values_list("code", flat=True)) >= {"a24088", "a25002"}


# ------------------------------------------------------------------ API


def test_api_readings_are_filtered_and_paged_by_cursor(client_for, manager, point):
    fill(point, hours=30)
    client = client_for(manager)
    first = client.get(
        "/api/readings/", {"point": point.pk, "pollutant": "a24088", "page_size": 20}
    ).json()
    assert len(first["results"]) == 20 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 10 and second["next"] is None
    times = [r["data_time"] for r in first["results"] + second["results"]]
    assert times == sorted(times) and len(set(times)) == 30
    start = timezone.localtime(clock.now() - timedelta(hours=5)).isoformat()
    recent = client.get(
        "/api/readings/", {"point": point.pk, "pollutant": "a24088", "start": start}
    )
    assert len(recent.json()["results"]) == 4
    bad = client.get("/api/readings/", {"start": "yesterday"})
    assert bad.status_code == 400 and "ISO 8601" in bad.json()["start"][0]
    impossible = client.get("/api/readings/", {"end": "2026-13-45T00:00:00"})
    assert impossible.status_code == 400 and "end" in impossible.json()
    assert client.get("/api/readings/", {"point": "x"}).status_code == 400


def test_api_enterprise_sees_only_its_own_points_readings_and_alerts(
    client_for, point, enterprise_account
):
    fill(point)
    other_point = MonitoringPoint.objects.create(
        enterprise=factories.EnterpriseFactory(), mn="OTHER1", outlet="1#", st="31"
    )
    client = client_for(enterprise_account)
    assert [p["mn"] for p in client.get("/api/monitoring-points/").json()["results"]] == [point.mn]
    assert client.get(f"/api/monitoring-points/{other_point.pk}/").status_code == 404
    assert client.get("/api/readings/", {"point": other_point.pk}).json()["results"] == []
    alerts = client.get("/api/alerts/").json()["results"]
    assert len(alerts) == 1 and alerts[0]["planned_inspection"]
    explained = client.post(
        f"/api/alerts/{alerts[0]['id']}/explain/",
        {"explanation": "已整改"},
        content_type="application/json",
    )
    assert explained.status_code == 200 and explained.json()["status"] == "explained"
    assert (
        client.post(
            f"/api/alerts/{alerts[0]['id']}/resolve/",
            {"resolution": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert client.get("/api/monitoring/live/").status_code == 403


def test_api_managers_create_points_and_edit_limits(client_for, manager, inspector, enterprise):
    client = client_for(manager)
    made = client.post(
        "/api/monitoring-points/",
        {"mn": "API0001", "enterprise": enterprise.pk, "outlet": "1#", "st": "27"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    point = made.json()["id"]
    refused = client.patch(
        f"/api/monitoring-points/{point}/limits/a24088/",
        {"limit": "50", "legal_source": ""},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "legal_source" in refused.json()
    ok = client.patch(
        f"/api/monitoring-points/{point}/limits/a24088/",
        {"limit": "50", "legal_source": "DB35/1782-2018"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["limit"] == "50.000"
    assert (
        client.patch(
            f"/api/monitoring-points/{point}/limits/zzz/",
            {"limit": "1"},
            content_type="application/json",
        ).status_code
        == 400
    )
    assert (
        client_for(inspector)
        .post(
            "/api/monitoring-points/",
            {"mn": "API0002", "enterprise": enterprise.pk, "outlet": "1#", "st": "27"},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_the_planned_inspection_carries_the_alert_and_its_readings_to_the_visit(
    client_for, inspector, point
):
    from inspections import services as inspection_services
    from inspections.models import PlannedInspection

    fill(point)
    planned = PlannedInspection.objects.get(alert__isnull=False)
    client = client_for(inspector)
    due = client.get("/inspections/").content.decode()
    assert "针对性检查：在线监测超标" in due and f"/monitoring/alerts/{planned.alert_id}/" in due
    partner = factories.inspector_user(username="partner")
    visit = inspection_services.visit_start(
        enterprise=point.enterprise, inspectors=[inspector, partner], by=inspector, planned=planned
    )
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert "本次检查对应的监测报警" in page and "90.00" in page


def test_old_quarantined_packets_are_pruned(point):
    from monitoring.models import QuarantinedPacket

    with clock.at(clock.now() - timedelta(days=100)):
        services.packets_store(
            incoming=[
                services.Incoming(
                    packet=hj212.parse_frame(data_packet(mn="NOPE")), received_at=clock.now()
                )
            ]
        )
    services.packets_store(
        incoming=[
            services.Incoming(
                packet=hj212.parse_frame(data_packet(mn="NOPE2")), received_at=clock.now()
            )
        ]
    )
    assert services.quarantine_prune(days=90) == 1
    assert list(QuarantinedPacket.objects.values_list("mn", flat=True)) == ["NOPE2"]

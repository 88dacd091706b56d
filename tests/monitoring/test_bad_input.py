"""Bad input on every monitoring form and API route: a Chinese message on the field, what was typed
kept, never a 500."""

import pytest

from monitoring.models import Alert, MonitoringPoint, PollutantLimit

from .test_pages_and_api import fill

pytestmark = pytest.mark.django_db

LONG = "x" * 3000


@pytest.mark.parametrize(
    ("data", "field_words"),
    [
        ({"mn": "", "outlet": "1#", "st": "31", "password": "123456"}, "该字段是必填项"),
        ({"mn": "A" * 30, "outlet": "1#", "st": "31", "password": "1"}, "最多 24"),
        ({"mn": "OK01", "outlet": "1#", "st": "99", "password": "1"}, "不在可用的选项中"),
        ({"mn": "OK02", "outlet": "", "st": "31", "password": "1"}, "该字段是必填项"),
    ],
)
def test_the_point_form_names_the_field_and_keeps_the_input(
    client_for, manager, enterprise, data, field_words
):
    page = client_for(manager).post(f"/monitoring/enterprise/{enterprise.pk}/points/new/", data)
    html = page.content.decode()
    assert page.status_code == 400 and field_words in html
    for value in data.values():
        if value and len(value) < 40:
            assert f'value="{value}"' in html or f'"{value}" selected' in html or value == "99"


def test_a_duplicate_mn_is_refused_on_the_form(client_for, manager, enterprise, point):
    page = client_for(manager).post(
        f"/monitoring/enterprise/{enterprise.pk}/points/new/",
        {"mn": point.mn, "outlet": "2# 排放口", "st": "31", "password": "123456"},
    )
    html = page.content.decode()
    assert page.status_code == 400 and "已存在" in html and "2# 排放口" in html


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        ("abc", "输入一个数字"),
        ("-5", "大于零"),
        ("12345678901234", "不超过 10 个数字"),
        ("1.23456", "小数"),
    ],
)
def test_the_limit_form_refuses_bad_numbers_and_keeps_them(
    client_for, manager, point, limit, words
):
    row = PollutantLimit.objects.get(point=point, code="a24088")
    page = client_for(manager).post(
        f"/monitoring/points/{point.pk}/",
        {"limit_id": row.pk, f"l{row.pk}-limit": limit, f"l{row.pk}-legal_source": "DB35"},
    )
    html = page.content.decode()
    assert page.status_code == 400 and words in html and "DB35" in html
    row.refresh_from_db()
    assert row.limit == 60


def test_alert_forms_refuse_blank_and_too_long_text_and_unknown_actions(
    client_for, point, enterprise_account, inspector
):
    fill(point)
    alert = Alert.objects.get()
    url = f"/monitoring/alerts/{alert.pk}/"
    ent = client_for(enterprise_account)
    too_long = ent.post(url, {"action": "explain", "explanation": LONG})
    assert too_long.status_code == 400 and "2000" in too_long.content.decode()
    assert ent.post(url, {"action": "nonsense"}).status_code == 400
    assert ent.post(url, {"action": "resolve", "resolution": "我自己处理"}).status_code == 400
    assert Alert.objects.get().status == "open"
    staff = client_for(inspector)
    blank = staff.post(url, {"action": "resolve", "resolution": "  "})
    assert blank.status_code == 400 and "必填" in blank.content.decode()
    assert staff.get("/monitoring/alerts/999999/").status_code == 404
    assert staff.get("/monitoring/points/999999/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"district": "abc", "sector": "中"},
        {"district": "99999999999999999999"},
        {"status": "weird", "kind": "nope", "page": "x"},
    ],
)
def test_list_filters_with_nonsense_are_not_errors(client_for, manager, query):
    client = client_for(manager)
    assert client.get("/monitoring/", query).status_code == 200
    assert client.get("/monitoring/alerts/", query).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mn": "", "enterprise": "ENT", "outlet": "1#", "st": "31"}, "mn"),
        ({"mn": "A" * 30, "enterprise": "ENT", "outlet": "1#", "st": "31"}, "mn"),
        ({"mn": "B1", "enterprise": 99999999, "outlet": "1#", "st": "31"}, "enterprise"),
        ({"mn": "B2", "enterprise": "ENT", "outlet": "1#", "st": "7"}, "st"),
        (
            {
                "mn": "B3",
                "enterprise": "ENT",
                "outlet": "1#",
                "st": "31",
                "default_pollutants": "maybe",
            },
            "default_pollutants",
        ),
        ({"mn": "DUP", "enterprise": "ENT", "outlet": "1#", "st": "31"}, "mn"),
    ],
)
def test_api_point_create_refuses_bad_input_on_its_field(
    client_for, manager, enterprise, body, field
):
    MonitoringPoint.objects.create(enterprise=enterprise, mn="DUP", outlet="1#", st="31")
    body = {k: (enterprise.pk if v == "ENT" else v) for k, v in body.items()}
    answer = client_for(manager).post(
        "/api/monitoring-points/", body, content_type="application/json"
    )
    assert answer.status_code == 400, answer.content
    assert field in answer.json()


@pytest.mark.parametrize(
    "body", [{"limit": "abc"}, {"limit": "-1", "legal_source": "x"}, {"legal_source": "y" * 300}]
)
def test_api_limit_patch_refuses_bad_input(client_for, manager, point, body):
    answer = client_for(manager).patch(
        f"/api/monitoring-points/{point.pk}/limits/a24088/", body, content_type="application/json"
    )
    assert answer.status_code == 400 and set(answer.json()) & {"limit", "legal_source"}


def test_api_alert_actions_refuse_bad_input(client_for, point, enterprise_account, inspector):
    fill(point)
    alert = Alert.objects.get()
    ent = client_for(enterprise_account)
    for body in ({}, {"explanation": "   "}, {"explanation": LONG}):
        answer = ent.post(f"/api/alerts/{alert.pk}/explain/", body, content_type="application/json")
        assert answer.status_code == 400 and "explanation" in answer.json()
    staff = client_for(inspector)
    assert (
        staff.post(
            f"/api/alerts/{alert.pk}/resolve/", "not json", content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        staff.post(
            f"/api/alerts/{alert.pk}/resolve/",
            {"resolution": "ok"},
            content_type="application/json",
        ).status_code
        == 200
    )
    again = staff.post(
        f"/api/alerts/{alert.pk}/resolve/", {"resolution": "ok"}, content_type="application/json"
    )
    assert again.status_code == 409 and "已处理" in again.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        {"interval": "7"},
        {"interval": "x"},
        {"point": "1e5"},
        {"cursor": "garbage"},
        {"page_size": "-1"},
        {"pollutant": "'; drop table --"},
    ],
)
def test_api_readings_with_bad_parameters_are_never_500(client_for, manager, query):
    answer = client_for(manager).get("/api/readings/", query)
    assert answer.status_code in (200, 400, 404)
    if answer.status_code == 400:
        assert answer.json()

"""The pages: what each role sees, forms that keep what was typed, and no 500 on bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.models import Instruction, ReductionList, Warning
from enterprises.importing import enterprise_import
from enterprises.models import Enterprise
from tests import factories
from tests.enterprises.test_import_export import csv_file

from .conftest import approved_list, declare, graded, line

pytestmark = pytest.mark.django_db


def line_post(prefix="lines", **overrides):
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
        f"{prefix}-0-name": "2号印刷线",
        f"{prefix}-0-voc_tpa": "10",
        f"{prefix}-0-nox_tpa": "2",
        f"{prefix}-0-pm_tpa": "1",
        f"{prefix}-0-yellow_measure": "limit",
        f"{prefix}-0-yellow_keep_pct": "80",
        f"{prefix}-0-orange_measure": "limit",
        f"{prefix}-0-orange_keep_pct": "60",
        f"{prefix}-0-red_measure": "stop",
        f"{prefix}-0-red_keep_pct": "",
        f"{prefix}-0-check_method": "production_log",
        f"{prefix}-0-check_detail": "生产日报",
        "note": "",
    }
    data.update(
        {f"{prefix}-0-{k}" if not k.startswith(prefix) else k: v for k, v in overrides.items()}
    )
    return data


def test_the_enterprise_drafts_and_submits_its_list_in_the_portal(client_for, inspector):
    enterprise = graded("C")
    account = factories.enterprise_user(enterprise)
    client = client_for(account)
    assert client.get(reverse("portal:emergency")).status_code == 200
    url = reverse("emergency:list", args=[enterprise.pk])
    client.post(url, {"action": "start"})
    draft = ReductionList.objects.get(enterprise=enterprise)
    response = client.post(url, {**line_post(), "action": "submit"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReductionList.Status.SUBMITTED
    assert draft.lines.get().name == "2号印刷线"
    review = client_for(inspector).get(reverse("emergency:review", args=[draft.pk]))
    assert "2号印刷线" in review.content.decode()
    other = factories.enterprise_user(factories.EnterpriseFactory(), username="nosy")
    assert client_for(other).get(url).status_code == 404


def test_a_bad_line_keeps_what_was_typed_and_names_the_field(client_for):
    enterprise = graded("C")
    client = client_for(factories.enterprise_user(enterprise))
    url = reverse("emergency:list", args=[enterprise.pk])
    client.post(url, {"action": "start"})
    response = client.post(
        url, {**line_post(voc_tpa="十吨", name="3号涂布线 <b>"), "action": "save"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "3号涂布线 &lt;b&gt;" in page and "十吨" in page
    assert "has-error" in page
    assert not ReductionList.objects.get(enterprise=enterprise).lines.exists()


def test_a_list_that_does_not_add_up_is_saved_and_the_submit_refused_with_the_reason(client_for):
    enterprise = graded("C", voc="50")
    client = client_for(factories.enterprise_user(enterprise))
    url = reverse("emergency:list", args=[enterprise.pk])
    client.post(url, {"action": "start"})
    response = client.post(url, {**line_post(), "action": "submit"}, follow=True)
    page = response.content.decode()
    assert "50.000" in page
    rl = ReductionList.objects.get(enterprise=enterprise)
    assert rl.status == ReductionList.Status.DRAFT and rl.lines.count() == 1


def test_declaring_from_the_page_and_bad_dates_keep_the_form(client_for, manager):
    graded("B")
    client = client_for(manager)
    start = timezone.localtime() + timedelta(days=2)
    form = {
        "level": "red",
        "districts": [factories.District.objects.get(code="jinjiang").pk],
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "重污染过程预报",
    }
    response = client.post(reverse("emergency:warnings"), form)
    assert response.status_code == 200
    assert "重污染过程预报" in response.content.decode() and not Warning.objects.exists()
    assert "has-error" in response.content.decode()
    form["ends_at"] = (start + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("emergency:warnings"), form)
    warning = Warning.objects.get()
    assert response.url == reverse("dashboard:warning", args=[warning.pk])
    page = client.get(response.url).content.decode()
    assert "1" in page and Instruction.objects.filter(warning=warning).count() == 1
    assert client.get(reverse("dashboard:warning-report", args=[warning.pk])).status_code == 200
    response = client.post(reverse("emergency:level", args=[warning.pk]), {"level": "bogus"})
    assert response.status_code == 302  # refused with a message, never a 500


def test_the_confirm_button_and_the_districts_page(client_for, manager, inspector):
    enterprise = graded("D")
    approved_list(enterprise, inspector)
    account = factories.enterprise_user(enterprise, username="d-user")
    warning = declare(manager)
    instruction = Instruction.objects.get(warning=warning)
    client = client_for(account)
    assert (
        "Confirm" in client.get(reverse("portal:emergency")).content.decode()
        or "确认" in client.get(reverse("portal:emergency")).content.decode()
    )
    client.post(reverse("emergency:confirm", args=[instruction.pk]))
    instruction.refresh_from_db()
    assert instruction.confirmed_at is not None
    page = client_for(manager).get(
        reverse("emergency:districts")
        + f"?district={enterprise.district_id}&level=red&pollutant=voc"
    )
    assert page.status_code == 200
    assert (
        client_for(manager)
        .get(reverse("emergency:districts") + "?district=x&level=<b>")
        .status_code
        == 200
    )
    assert client_for(account).get(reverse("emergency:districts")).status_code == 403


def test_the_campaign_calendar_and_due_list_badge(client_for, manager, inspector):
    enterprise = graded("B")
    today = timezone.localdate()
    client = client_for(manager)
    response = client.post(
        reverse("emergency:campaigns"),
        {
            "name": "臭氧攻坚",
            "starts_on": (today - timedelta(days=3)).isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
            "sectors": [enterprise.sector_id],
            "restricted_from": "10:00",
            "restricted_to": "16:00",
            "measures": "10时至16时不得进行喷涂和溶剂清洗作业",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("emergency:campaigns"),
        {
            "name": "倒置",
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
            "sectors": [enterprise.sector_id],
            "restricted_from": "16:00",
            "restricted_to": "10:00",
            "measures": "x",
        },
    )
    assert response.status_code == 200 and "倒置" in response.content.decode()
    portal = client_for(factories.enterprise_user(enterprise)).get(
        reverse("portal:emergency") + "?year=abc&month=13"
    )
    assert portal.status_code == 200 and "臭氧攻坚" in portal.content.decode()
    due = client_for(inspector).get(reverse("inspections:due") + "?within=365")
    assert "ozone" in due.content.decode() or "臭氧" in due.content.decode()


def test_performance_grades_are_imported_by_value_or_label(manager):
    rows = [
        [
            "晋江鸿达鞋业有限公司",
            "91440300708461136T",
            "制鞋",
            "晋江市",
            "晋江市池店镇1号",
            "陈建华",
            "否",
            "12.5",
            "引领性",
            "2026-03-01",
            "闽环绩效〔2026〕3号",
        ],
        [
            "石狮锦华印染有限公司",
            "91110000100010433L",
            "textile_dyeing",
            "Shishi City",
            "石狮市伍堡2号",
            "林志明",
            "否",
            "30",
            "C级",
            "2026-03-02",
            "",
        ],
    ]
    header = [
        "企业名称",
        "统一社会信用代码",
        "行业",
        "区县",
        "地址",
        "法定代表人",
        "位于建成区",
        "VOCs基准排放量（吨/年）",
        "performance_grade",
        "performance_graded_on",
        "performance_basis",
    ]
    report = enterprise_import(
        upload=csv_file(rows, header=header), by=manager, skip_bad_rows=False
    )
    assert not report.bad_rows, [r.errors for r in report.bad_rows]
    assert Enterprise.objects.get(uscc="91440300708461136T").performance_grade == "leading"
    assert Enterprise.objects.get(uscc="91110000100010433L").performance_grade == "C"
    rows[0][1], rows[0][8], rows[0][9] = "91350582MA2Y12345X", "E", ""
    report = enterprise_import(
        upload=csv_file(rows[:1], header=header), by=manager, skip_bad_rows=False
    )
    assert report.bad_rows and not Enterprise.objects.filter(uscc="91350582MA2Y12345X").exists()


def test_the_dashboard_shows_a_live_warning_and_the_report_exports(client_for, manager):
    graded("B")
    warning = declare(manager, level="orange")
    client = client_for(manager)
    assert (
        reverse("dashboard:warning", args=[warning.pk])
        in client.get(reverse("dashboard:home")).content.decode()
    )
    response = client.get(reverse("dashboard:warning-report", args=[warning.pk]) + "?format=xlsx")
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[1][0] == "晋江市" and rows[1][1] == 1  # one instruction issued in 晋江


def test_the_enterprise_list_filters_by_performance_grade(client_for, inspector):
    c = graded("C")
    a = graded("A")
    none = graded("")
    page = (
        client_for(inspector)
        .get(reverse("enterprises:list") + "?performance_grade=C")
        .content.decode()
    )
    assert c.name in page and a.name not in page
    page = (
        client_for(inspector)
        .get(reverse("enterprises:list") + "?performance_grade=-")
        .content.decode()
    )
    assert none.name in page and c.name not in page


def test_bad_review_and_draw_input_is_refused_with_a_message(client_for, manager, inspector):
    enterprise = graded("C")
    account = factories.enterprise_user(enterprise, username="c-acct")
    from emergency import services

    draft = services.list_open(enterprise=enterprise, by=account)
    services.list_save(reduction_list=draft, lines=[line()], note="", by=account)
    services.list_submit(reduction_list=draft, by=account)
    reviewer = client_for(inspector)
    response = reviewer.post(
        reverse("emergency:review", args=[draft.pk]), {"decision": "maybe", "comment": "保留的意见"}
    )
    assert response.status_code == 200 and "保留的意见" in response.content.decode()
    warning = declare(manager)
    response = client_for(manager).post(
        reverse("emergency:spot-checks", args=[warning.pk]),
        {"count": "abc", "due_date": "2026-13-40"},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "抽查企业数" in page and "核查截止日期" in page  # each message names its field

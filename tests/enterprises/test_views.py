"""Pages for each role: who sees what, which buttons show, and that forms reach the services."""

import pytest
from django.urls import reverse

from enterprises.models import Criterion, Enterprise, RemediationTask, State
from tests import factories


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client, enterprise):
    for url in [
        reverse("enterprises:list"),
        reverse("dossier:detail", args=[enterprise.pk]),
        reverse("home"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_english_can_be_chosen(client, manager):
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Register an enterprise" in client.get(reverse("enterprises:list")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "登记企业" in client.get(reverse("enterprises:list")).content.decode()


@pytest.mark.django_db
def test_login_with_password_works(client):
    factories.manager_user(username="chen")
    response = client.post(reverse("login"), {"username": "chen", "password": "pw-test-123"})
    assert response.status_code == 302
    assert client.get(reverse("enterprises:list")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "inspector"])
def test_staff_see_every_enterprise_with_filters(role, client_for, request):
    user = request.getfixturevalue(role)
    footwear = factories.EnterpriseFactory(name="晋江甲鞋业有限公司")
    coating = factories.EnterpriseFactory(
        name="南安乙机械有限公司", sector=factories.Sector.objects.get(code="industrial_coating")
    )
    client = client_for(user)
    page = client.get(reverse("enterprises:list")).content.decode()
    assert footwear.name in page and coating.name in page
    page = client.get(reverse("enterprises:list"), {"sector": coating.sector_id}).content.decode()
    assert coating.name in page and footwear.name not in page
    page = client.get(reverse("enterprises:list"), {"q": footwear.uscc.lower()}).content.decode()
    assert footwear.name in page and coating.name not in page


@pytest.mark.django_db
def test_enterprise_user_sees_only_its_own_enterprise(client_for, enterprise_account, enterprise):
    other = factories.EnterpriseFactory(name="别家企业有限公司")
    client = client_for(enterprise_account)
    assert client.get(reverse("home"))["Location"] == reverse("portal:home")
    listing = client.get(reverse("enterprises:list")).content.decode()
    assert enterprise.name in listing and other.name not in listing
    assert client.get(reverse("dossier:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("dossier:detail", args=[enterprise.pk])).status_code == 200


@pytest.mark.django_db
def test_enterprise_user_cannot_use_staff_pages(client_for, enterprise_account, enterprise):
    client = client_for(enterprise_account)
    for url in [
        reverse("enterprises:create"),
        reverse("enterprises:import"),
        reverse("enterprises:edit", args=[enterprise.pk]),
        reverse("dossier:grade", args=[enterprise.pk]),
        reverse("dossier:transition", args=[enterprise.pk, "close"]),
        reverse("enterprises:tier-policy"),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("dossier:transition", args=[enterprise.pk, "close"]), {"reason": "x"}
    )
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.state == State.REGISTERED


@pytest.mark.django_db
def test_export_of_enterprise_user_holds_only_its_enterprise(
    client_for, enterprise_account, enterprise
):
    import io

    from openpyxl import load_workbook

    factories.EnterpriseFactory(name="别家企业有限公司")
    response = client_for(enterprise_account).get(reverse("enterprises:export"))
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert [r[0] for r in rows[1:]] == [enterprise.name]


@pytest.mark.django_db
def test_detail_shows_only_the_actions_the_user_may_take(client_for, inspector, manager):
    enterprise = factories.EnterpriseFactory(state=State.GRADED)
    close_url = reverse("dossier:transition", args=[enterprise.pk, "close"])
    grade_url = reverse("dossier:grade", args=[enterprise.pk])
    as_inspector = (
        client_for(inspector).get(reverse("dossier:detail", args=[enterprise.pk])).content.decode()
    )
    assert grade_url in as_inspector and close_url not in as_inspector
    as_manager = (
        client_for(manager).get(reverse("dossier:detail", args=[enterprise.pk])).content.decode()
    )
    assert grade_url in as_manager and close_url in as_manager
    # Remediation needs a plan: the button is replaced by the reason.
    assert (
        reverse("dossier:transition", args=[enterprise.pk, "start_remediation"]) not in as_manager
    )
    assert "整治方案" in as_manager


@pytest.mark.django_db
def test_inspector_posting_a_manager_transition_is_refused(client_for, inspector):
    enterprise = factories.EnterpriseFactory(state=State.GRADED)
    response = client_for(inspector).post(
        reverse("dossier:transition", args=[enterprise.pk, "close"]), {"reason": "关停"}
    )
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.state == State.GRADED


@pytest.mark.django_db
def test_manager_closes_through_the_form(client_for, manager):
    enterprise = factories.EnterpriseFactory(state=State.GRADED)
    url = reverse("dossier:transition", args=[enterprise.pk, "close"])
    client = client_for(manager)
    assert (
        client.post(url, {"reason": "", "expected_state": "graded"}).status_code == 200
    )  # form error
    response = client.post(url, {"reason": "无证经营", "expected_state": "graded"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.state == State.CLOSED
    page = client.get(reverse("dossier:detail", args=[enterprise.pk])).content.decode()
    assert "无证经营" in page and "已关停" in page


@pytest.mark.django_db
def test_stale_form_shows_a_conflict_instead_of_acting(client_for, manager):
    enterprise = factories.EnterpriseFactory(state=State.RELOCATING)
    response = client_for(manager).post(
        reverse("dossier:transition", args=[enterprise.pk, "close"]),
        {"reason": "关停", "expected_state": "graded"},
    )
    assert response.status_code == 200 and "请刷新" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.state == State.RELOCATING


@pytest.mark.django_db
def test_grading_form_records_assessment(client_for, inspector, enterprise):
    data = {c: 16 for c in Criterion.values} | {
        "reason": "现场核查",
        "expected_state": "registered",
    }
    response = client_for(inspector).post(reverse("dossier:grade", args=[enterprise.pk]), data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.state, enterprise.tier) == (State.GRADED, "B")


@pytest.mark.django_db
def test_grading_override_without_reason_shows_field_error(client_for, inspector, enterprise):
    data = {c: 16 for c in Criterion.values} | {"reason": "现场核查", "tier": "D"}
    response = client_for(inspector).post(reverse("dossier:grade", args=[enterprise.pk]), data)
    assert response.status_code == 200
    assert "override_reason" in response.context["form"].errors
    enterprise.refresh_from_db()
    assert enterprise.state == State.REGISTERED


@pytest.mark.django_db
def test_register_form_names_the_expected_check_character(client_for, inspector):
    data = {
        "uscc": "91440300708461136A",
        "name": "测试",
        "sector": factories.Sector.objects.first().pk,
        "district": factories.District.objects.first().pk,
        "address": "泉州",
        "legal_representative": "陈",
        "baseline_voc_tpa": "1",
        "baseline_nox_tpa": "0",
    }
    response = client_for(inspector).post(reverse("enterprises:create"), data)
    assert response.status_code == 200
    assert "应为 T" in " ".join(response.context["form"].errors["uscc"])
    assert not Enterprise.objects.exists()
    data["uscc"] = "91440300708461136T"
    assert client_for(inspector).post(reverse("enterprises:create"), data).status_code == 302
    assert Enterprise.objects.get().transitions.count() == 1


@pytest.mark.django_db
def test_manager_registers_pilot_code_with_reason_through_the_form(client_for, manager):
    data = {
        "uscc": "91350100M0001TGQXM",
        "name": "试点企业",
        "sector": factories.Sector.objects.first().pk,
        "district": factories.District.objects.first().pk,
        "address": "泉州",
        "legal_representative": "陈",
        "baseline_voc_tpa": "1",
        "baseline_nox_tpa": "0",
    }
    client = client_for(manager)
    assert client.post(reverse("enterprises:create"), data).status_code == 200
    data["uscc_override_reason"] = "早期试点代码"
    assert client.post(reverse("enterprises:create"), data).status_code == 302
    assert Enterprise.objects.get().uscc_override_reason == "早期试点代码"


@pytest.mark.django_db
def test_import_page_reports_bad_rows(client_for, manager):
    from tests.enterprises.test_import_export import BAD_ROWS, GOOD_ROWS, csv_file

    response = client_for(manager).post(
        reverse("enterprises:import"), {"file": csv_file(GOOD_ROWS + BAD_ROWS)}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "未导入任何数据" in page and "火星区" in page
    assert not Enterprise.objects.exists()
    # The rows with errors download as .xlsx, as they were typed, with their line and errors; the
    # fixed file imports again (the two report columns are ignored).
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    client = client_for(manager)
    client.post(reverse("enterprises:import"), {"file": csv_file(GOOD_ROWS + BAD_ROWS)})
    report = client.get(reverse("enterprises:import-errors"))
    report_bytes = b"".join(report.streaming_content)
    sheet = load_workbook(BytesIO(report_bytes)).active
    rows = [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[-2:] == ["在文件中的行号", "错误"] and "企业名称" in header
    assert len(rows) == 1 + len(BAD_ROWS)
    district = header.index("区县")
    mars = next(r for r in rows[1:] if r[district] == "火星区")
    assert "火星区" in mars[-1]
    # The report is itself an import file: uploaded again, the same rows are read and checked.
    again = client.post(
        reverse("enterprises:import"),
        {"file": SimpleUploadedFile("errors.xlsx", report_bytes)},
    ).content.decode()
    assert "火星区" in again and "缺少必填列" not in again


@pytest.mark.django_db
def test_the_import_template_is_an_xlsx_with_the_accepted_values(client_for, manager):
    from io import BytesIO

    from openpyxl import load_workbook

    district = factories.District.objects.first()
    response = client_for(manager).get(reverse("enterprises:import-template-xlsx"))
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    first, values = book.worksheets
    headers = [c.value for c in first[1]]
    assert "统一社会信用代码" in headers and "区县" in headers
    accepted = [tuple(r) for r in values.iter_rows(min_row=2, values_only=True)]
    assert ("区县", district.name) in accepted


@pytest.mark.django_db
def test_manager_edits_tier_policy_inspector_cannot(client_for, manager, inspector):
    from enterprises.models import TierPolicy

    policy = TierPolicy.objects.get(tier="B")
    url = reverse("enterprises:tier-policy-edit", args=[policy.pk])
    data = {
        "min_score": 72,
        "governance_path": "remediate",
        "remediation_deadline_days": 120,
        "rectification_deadline_days": 20,
        "inspection_interval_days": 90,
    }
    assert client_for(inspector).post(url, data).status_code == 403
    # The first submit shows what the edit would change and saves nothing.
    preview = client_for(manager).post(url, data)
    assert preview.status_code == 200 and 'name="confirm"' in preview.content.decode()
    policy.refresh_from_db()
    assert policy.min_score == 70
    assert client_for(manager).post(url, {**data, "confirm": "1"}).status_code == 302
    policy.refresh_from_db()
    assert (policy.min_score, policy.remediation_deadline_days, policy.updated_by) == (
        72,
        120,
        manager,
    )


@pytest.mark.django_db
def test_list_and_detail_query_counts_do_not_grow_with_rows(
    client_for, manager, django_assert_max_num_queries
):
    for _ in range(30):
        factories.EnterpriseFactory(park=factories.park())
    enterprise = Enterprise.objects.first()
    plan = factories.RemediationPlanFactory(enterprise=enterprise)
    factories.RemediationTaskFactory.create_batch(5, plan=plan, status=RemediationTask.Status.OPEN)
    client = client_for(manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("enterprises:list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("enterprises:export")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("dossier:detail", args=[enterprise.pk])).status_code == 200

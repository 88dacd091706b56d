"""Journeys in a real browser (Chromium): what a user does, on a phone or a desktop, with no
JavaScript error on any page."""

import io
import re

import pytest
from django.utils import timezone
from PIL import Image

from enterprises.models import State
from inspections.models import PlannedInspection, RectificationOrder, SiteVisit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 90, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_inspector_on_a_phone_records_a_visit_with_a_photo_and_an_order(session):
    inspector = factories.inspector_user(username="lin", last_name="林", first_name="志强")
    partner = factories.inspector_user(username="huang", last_name="黄", first_name="晓梅")
    enterprise = factories.EnterpriseFactory(
        state=State.GRADED, tier="C", name="晋江恒达鞋业有限公司"
    )
    planned = PlannedInspection.objects.create(
        enterprise=enterprise,
        reason=PlannedInspection.Reason.ROUTINE,
        due_date=timezone.localdate(),
    )
    planned.inspectors.set([inspector, partner])

    s = session("inspector", phone=True)
    s.login("lin")
    page = s.page
    assert page.url.endswith("/inspections/today/")  # an inspector lands on today's work
    s.shot("today")
    page.get_by_role("link", name=re.compile("开始检查|Start visit")).first.click()
    page.get_by_label(re.compile("黄晓梅")).check()
    s.shot("start")
    page.get_by_role("button", name=re.compile("打开检查记录|Open the record")).click()
    page.wait_for_url(re.compile(r"/inspections/visits/\d+/"))

    items = page.locator("ol.checklist > li")
    for index in range(items.count()):
        items.nth(index).locator("label.outcome-pass").click()
    first = items.nth(0)
    first.locator("label.outcome-fail").click()
    first.locator("textarea").fill("刷胶工位未密闭，废气无组织排放")
    first.locator("input[type=file]").set_input_files(
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    # The order is added from the same page: the typed checklist is saved with it.
    page.locator("#id_order-finding").select_option(index=1)
    page.locator("#id_order-requirement").fill("刷胶工位加装密闭围挡并接入治理设施")
    s.shot("before-order")
    page.get_by_role("button", name=re.compile("添加整改要求|Add rectification order")).click()
    page.wait_for_load_state()
    first = page.locator("ol.checklist > li").nth(0)
    assert "刷胶工位未密闭" in first.locator("textarea").input_value()
    assert "刷胶工位加装密闭围挡" in page.locator("#orders").inner_text()
    assert page.locator("ol.checklist img").count() >= 1  # the photo is shown
    page.locator("input[name=conclusion][value=issues]").check()
    s.shot("ready")
    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation before the submit
    page.get_by_role("button", name=re.compile("提交记录|Submit record")).click()
    page.wait_for_load_state()
    s.shot("submitted")
    visit = SiteVisit.objects.get(enterprise=enterprise)
    assert visit.is_submitted and visit.photos.count() == 1
    assert RectificationOrder.objects.get(visit=visit).issued_at is not None


def test_a_refused_submit_lists_every_problem_and_keeps_what_was_typed(session):
    inspector = factories.inspector_user(username="lin")
    partner = factories.inspector_user(username="huang")
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    from inspections import services

    visit = services.visit_start(enterprise=enterprise, inspectors=[partner], by=inspector)
    s = session("refused", phone=True)
    s.login("lin")
    page = s.page
    s.go(f"/inspections/visits/{visit.pk}/")
    first = page.locator("ol.checklist > li").nth(0)
    first.locator("label.outcome-fail").click()
    page.locator("#id_conclusion_text").fill("企业负责人在场，已告知检查情况")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("提交记录|Submit record")).click()
    page.wait_for_load_state()
    s.shot("problems")
    summary = page.locator("#problems")
    assert summary.is_visible()
    assert summary.locator("li").count() >= 3  # unanswered items, the missing note, the conclusion
    assert page.locator("#id_conclusion_text").input_value() == "企业负责人在场，已告知检查情况"
    visit.refresh_from_db()
    assert not visit.is_submitted


def test_enterprise_on_a_phone_sees_its_order_uploads_evidence_and_downloads_a_notice(session):
    enterprise = factories.EnterpriseFactory(
        state=State.GRADED, tier="C", name="石狮鸿运印务有限公司"
    )
    factories.enterprise_user(enterprise, username="owner")
    inspector = factories.inspector_user(username="lin")
    partner = factories.inspector_user(username="huang")
    from inspections import services

    visit = services.visit_start(enterprise=enterprise, inspectors=[partner], by=inspector)
    first = visit.results.first()
    services.visit_record(
        visit=visit,
        results={
            r.pk: ("fail" if r.pk == first.pk else "pass", "油墨桶未加盖")
            for r in visit.results.all()
        },
        by=inspector,
    )
    services.order_issue(
        visit=visit, finding=first, requirement="油墨桶全部加盖密封", legal_basis="", by=inspector
    )
    services.visit_record(visit=visit, conclusion=SiteVisit.Conclusion.ISSUES, by=inspector)
    services.visit_submit(visit=visit, by=inspector)

    s = session("enterprise", phone=True)
    s.login("owner")
    page = s.page
    s.go("/portal/")
    s.shot("portal")
    assert "油墨桶全部加盖密封" in page.content()
    # A notice issued by the visit is listed and downloads as a PDF.
    with page.expect_download() as download:
        page.locator("a[href$='.pdf']").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    # Upload evidence for the order, from the order's own card.
    evidence = page.locator("details", has_text=re.compile("提交佐证材料|Submit evidence")).first
    if evidence.get_attribute("open") is None:
        evidence.locator("summary").click()
    evidence.locator("textarea").fill("已全部加盖，见照片。")
    evidence.locator("input[type=file]").set_input_files(
        {"name": "整改后.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    evidence.locator("button[type=submit]").click()
    page.wait_for_load_state()
    s.shot("evidence-sent")
    order = RectificationOrder.objects.get(visit=visit)
    assert order.status == RectificationOrder.Status.EVIDENCE_SUBMITTED

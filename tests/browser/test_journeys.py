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


def sign(page, pad) -> None:
    """Draw a signature with the pointer, as a finger would."""
    pad.locator("canvas").evaluate("canvas => canvas.scrollIntoView({block: 'center'})")
    box = pad.locator("canvas").bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + w * (0.1 + step * 0.07), y + h * (0.3 if step % 2 else 0.75), steps=3)
    page.mouse.up()


def test_inspector_on_a_phone_records_a_visit_with_a_photo_and_an_order(session, settings):
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
    enterprise.latitude, enterprise.longitude = 24.781, 118.552
    enterprise.save()
    settings.GOVERN_VISIT_SIGNATURES_REQUIRED = True

    s = session(
        "inspector",
        phone=True,
        geolocation={"latitude": 24.7815, "longitude": 118.5524, "accuracy": 15},
        permissions=["geolocation"],
    )
    s.login("lin")
    page = s.page
    assert page.url.endswith("/inspections/today/")  # an inspector lands on today's work
    s.shot("today")
    page.get_by_role("link", name=re.compile("开始检查|Start visit")).first.click()
    page.get_by_label(re.compile("黄晓梅")).check()
    page.wait_for_function("document.querySelector('[name=checkin_latitude]').value !== ''")
    s.shot("start")
    page.get_by_role("button", name=re.compile("打开检查记录|Open the record")).click()
    page.wait_for_url(re.compile(r"/inspections/visits/\d+/"))

    page.wait_for_function("document.querySelector('[name=device_latitude]').value !== ''")
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
    # The representative and both inspectors sign on the phone.
    page.locator("#id_party_representative").fill("王建国")
    pads = page.locator(".signature-pad")
    assert pads.count() == 3
    for index in range(3):
        sign(page, pads.nth(index))
    s.shot("ready")
    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation before the submit
    page.get_by_role("button", name=re.compile("提交记录|Submit record")).click()
    page.wait_for_load_state()
    s.shot("submitted")
    visit = SiteVisit.objects.get(enterprise=enterprise)
    assert visit.is_submitted and visit.photos.count() == 1
    assert RectificationOrder.objects.get(visit=visit).issued_at is not None
    # Checked in where the phone was; the photo is stamped with that position; three signatures.
    assert visit.checkin_latitude is not None and visit.checkin_distance_m < 100
    assert visit.photos.get().place_source == "device" and visit.photos.get().stamped
    assert visit.signatures.count() == 3 and visit.party_representative == "王建国"


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


# True once the phone's draft store (IndexedDB) holds a draft with the given value.
KEPT_ON_THE_PHONE = """(value) => new Promise((resolve) => {
  const open = indexedDB.open("govern-drafts");
  open.onsuccess = () => {
    const all = open.result.transaction("visits").objectStore("visits").getAll();
    all.onsuccess = () => resolve(all.result.some((d) => Object.values(d.values).includes(value)));
    all.onerror = () => resolve(false);
  };
  open.onerror = () => resolve(false);
})"""


def test_an_offline_draft_survives_a_reload_and_is_sent_with_conflicts_shown(session):
    """The network is cut at the factory gate: what is typed stays on the phone through a reload,
    and is sent when the network is back; a note changed on the server meanwhile is a conflict
    the inspector decides, not an overwrite."""
    from inspections import services

    inspector = factories.inspector_user(username="lin")
    partner = factories.inspector_user(username="huang")
    enterprise = factories.EnterpriseFactory(
        state=State.GRADED, tier="B", name="南安离线鞋业有限公司"
    )
    visit = services.visit_start(enterprise=enterprise, inspectors=[partner], by=inspector)
    first, second = list(visit.results.all())[:2]

    s = session("offline", phone=True)
    s.login("lin")
    page = s.page
    s.go(f"/inspections/visits/{visit.pk}/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now the service worker controls the page, and has kept a copy of it
    assert page.evaluate("!!navigator.serviceWorker.controller")

    s.context.set_offline(True)
    page.locator(f"textarea[name=note_{first.pk}]").fill("离线：VOCs收集罩破损")
    page.locator(f"#item-{first.pk} label.outcome-fail").click()
    page.locator(f"textarea[name=note_{second.pk}]").fill("离线：台账齐全")
    for _ in range(50):  # until it is in IndexedDB, not just typed (evaluate awaits the promise)
        if page.evaluate(KEPT_ON_THE_PHONE, "离线：台账齐全"):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the draft was not kept on the phone")
    page.reload()  # served by the service worker; the draft comes back from the phone's storage
    page.locator("#offline-banner", has_text=re.compile("恢复|restored")).wait_for()
    assert page.locator(f"textarea[name=note_{first.pk}]").input_value() == "离线：VOCs收集罩破损"
    assert page.locator(f"#item-{first.pk} input[value=fail]").is_checked()
    s.shot("offline-restored")

    # Meanwhile the partner changed the second item's note on the server.
    services.visit_record(
        visit=visit, results={second.pk: ("pass", "黄：台账缺两个月")}, by=partner
    )
    s.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    conflicts = page.locator(".conflicts")
    conflicts.wait_for()
    assert (
        "黄：台账缺两个月" in conflicts.inner_text() and "离线：台账齐全" in conflicts.inner_text()
    )
    s.shot("conflict")
    conflicts.get_by_role("button", name=re.compile("保留服务器的|Keep the server")).click()
    conflicts.get_by_role("button", name=re.compile("按所选内容发送|Send with these")).click()
    page.wait_for_load_state()
    page.locator("#offline-banner").wait_for()
    s.shot("sent")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.note == "离线：VOCs收集罩破损" and first.outcome == "fail"
    assert second.note == "黄：台账缺两个月"  # the server's note, as chosen


def test_manager_drills_down_completes_a_milestone_and_issues_a_batch_with_progress(
    session, settings
):
    from enterprises import services as enterprise_services
    from enterprises.models import Criterion, RelocationMilestone
    from notices.models import Notice

    settings.GOVERN_BACKGROUND_THREADS = True  # the batch renders on a thread, as in the demo
    manager = factories.manager_user(username="chen")
    jinjiang = factories.District.objects.get(code="jinjiang")
    moving = factories.EnterpriseFactory(
        state=State.GRADED, tier="C", district=jinjiang, name="晋江搬迁制革有限公司"
    )
    enterprise_services.enterprise_start_relocation(
        enterprise=moving, park=factories.park("jinjiang_edz"), by=manager, reason="退城入园"
    )
    for i in range(3):
        graded = factories.EnterpriseFactory(district=jinjiang, name=f"晋江告知{i}彩印有限公司")
        enterprise_services.enterprise_grade(
            enterprise=graded,
            scores=dict.fromkeys(Criterion.values, 14),
            by=manager,
            reason="评定",
        )

    s = session("manager")
    s.login("chen")
    page = s.page
    s.go("/dashboard/")
    s.shot("dashboard")
    # Drill down: the district's "relocating" count opens the list behind it.
    row = page.locator("tr", has=page.locator("th", has_text="晋江市")).first
    row.locator("a[href*='state=relocating']").click()
    page.wait_for_load_state()
    assert "晋江搬迁制革有限公司" in page.content()
    page.get_by_role("link", name="晋江搬迁制革有限公司").click()
    page.wait_for_load_state()
    # The first milestone: a date in the future is refused at its field, and the note stays.
    first = page.locator("details.upload", has_text=re.compile("标记完成|Mark done")).first
    first.locator("summary").click()
    first.locator("input[name=actual_date]").fill("2099-01-01")
    first.locator("textarea[name=note]").fill("已签订入园协议")
    first.locator("input[type=file]").set_input_files(
        {"name": "协议.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    first = page.locator("details.upload", has_text=re.compile("标记完成|Mark done")).first
    assert first.get_attribute("open") is not None  # opened again at the refused form
    assert first.locator("textarea[name=note]").input_value() == "已签订入园协议"
    assert first.locator("p.error").count() == 1
    s.shot("milestone-refused")
    first.locator("input[name=actual_date]").fill(timezone.localdate().isoformat())
    first.locator("input[type=file]").set_input_files(
        {"name": "协议.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert (
        RelocationMilestone.objects.filter(
            project__enterprise=moving, actual_date__isnull=False
        ).count()
        == 1
    )
    s.shot("milestone-done")
    # The district's grading notices: reviewed with a preview, issued, rendered with progress.
    s.go("/notices/batches/")
    row = page.locator("tr", has_text="晋江市")
    row.get_by_role("link", name=re.compile("核对并签发|Review and issue")).click()
    page.wait_for_load_state()
    assert page.locator("iframe.notice-preview").count() == 1
    for i in range(3):
        assert f"晋江告知{i}彩印有限公司" in page.content()
    frame = page.frame_locator("iframe.notice-preview")
    assert "分级告知书" in frame.locator("body").inner_text()
    s.shot("batch-confirm")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#issue-batch").click()
    page.wait_for_url(re.compile(r"/notices/batches/\d+/"))
    assert page.locator("#batch-progress").get_attribute("max") == "3"
    s.shot("batch-progress")
    # The request returned at once; the page follows the rendering until every notice is ready.
    page.locator("a[href$='.zip']").wait_for(timeout=60_000)
    assert page.locator("#batch-progress").evaluate("p => p.value") == 3
    s.shot("batch-done")
    assert Notice.objects.filter(batch__isnull=False, status=Notice.Status.READY).count() == 3
    assert "晋江告知0彩印有限公司" in page.content()  # numbers with the enterprises' names

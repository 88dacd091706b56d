"""Notices: issued from their workflow steps, numbered without gaps, immutable, verifiable, private."""

import subprocess
import threading

import pytest
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from enterprises import services as enterprise_services
from enterprises.models import Criterion, GradingAssessment, State
from govern.errors import TransitionConflict
from inspections import services as inspection_services
from inspections.models import SiteVisit
from notices import services
from notices.models import Notice, NoticeKind
from tests import factories

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(notice: Notice) -> str:
    notice.refresh_from_db()
    assert notice.status == Notice.Status.READY, notice.render_error
    return subprocess.run(
        ["pdftotext", "-layout", notice.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout


def flat(text: str) -> str:
    return "".join(text.split())


def chinese(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def graded(inspector):
    enterprise = factories.EnterpriseFactory(
        name="晋江鸿达鞋业有限公司", legal_representative="陈建华", address="晋江市池店镇工业路8号"
    )
    enterprise_services.enterprise_grade(
        enterprise=enterprise,
        scores=dict.fromkeys(Criterion.values, 15),
        by=inspector,
        reason="评定",
    )
    enterprise.refresh_from_db()
    return enterprise


@pytest.mark.django_db
def test_grading_notice_carries_number_names_and_deadline(
    graded, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.grading_notice_issue(enterprise=graded, by=inspector)
    text = flat(pdf_text(notice))
    assert notice.number == f"泉环VOC分〔{YEAR}〕1号"
    for expected in (
        notice.number,
        "分级告知书",
        "晋江鸿达鞋业有限公司",
        graded.uscc,
        "陈建华",
        "晋江市池店镇工业路8号",
        "B级",
        chinese(notice.deadline),
        "六十日内",
        "六个月内",
        notice.verification_code,
    ):
        assert flat(expected) in text, expected
    with pytest.raises(TransitionConflict):
        services.grading_notice_issue(enterprise=graded, by=inspector)


@pytest.mark.django_db
def test_visit_submission_issues_the_record_and_the_order_notice(
    graded, inspector, django_capture_on_commit_callbacks
):
    partner = factories.inspector_user(last_name="黄", first_name="晓梅")
    visit = inspection_services.visit_start(enterprise=graded, inspectors=[partner], by=inspector)
    first = visit.results.first()
    inspection_services.visit_record(
        visit=visit,
        results={r.pk: ("pass", "") for r in visit.results.all()}
        | {first.pk: ("fail", "刷胶线未密闭")},
        conclusion=SiteVisit.Conclusion.ISSUES,
        by=inspector,
    )
    order = inspection_services.order_issue(
        visit=visit, finding=first, requirement="刷胶线加装密闭围挡", legal_basis="", by=inspector
    )
    with django_capture_on_commit_callbacks(execute=True):
        inspection_services.visit_submit(visit=visit, by=inspector)
    rectification = Notice.objects.get(kind=NoticeKind.RECTIFICATION)
    text = flat(pdf_text(rectification))
    for expected in (
        f"泉环VOC改〔{YEAR}〕1号",
        "限期整改通知书",
        "晋江鸿达鞋业有限公司",
        "刷胶线未密闭",
        "刷胶线加装密闭围挡",
        first.item.legal_basis,
        chinese(order.deadline),
    ):
        assert flat(expected) in text, expected
    record = flat(pdf_text(Notice.objects.get(kind=NoticeKind.INSPECTION_RECORD)))
    assert "现场检查笔录" in record and "黄晓梅" in record and first.item.text[:10] in record


@pytest.mark.django_db
def test_relocation_and_closure_issue_their_notices(manager, django_capture_on_commit_callbacks):
    moving = factories.EnterpriseFactory(state=State.GRADED, tier="C", name="石狮锦华印染有限公司")
    closing = factories.EnterpriseFactory(state=State.GRADED, tier="D", name="泉港通达化工有限公司")
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_services.enterprise_start_relocation(
            enterprise=moving, park=factories.park("nanan_edz"), by=manager, reason="入园"
        )
        enterprise_services.enterprise_close(
            enterprise=closing, by=manager, reason="D级企业，依法关停"
        )
    relocation = flat(pdf_text(Notice.objects.get(kind=NoticeKind.RELOCATION)))
    assert (
        f"泉环VOC迁〔{YEAR}〕1号" in relocation
        and "南安经济开发区" in relocation
        and "石狮锦华印染有限公司" in relocation
    )
    closure_notice = Notice.objects.get(kind=NoticeKind.CLOSURE)
    closure = flat(pdf_text(closure_notice))
    assert (
        "关停通知书" in closure
        and "断工业用水" in closure
        and chinese(closure_notice.deadline) in closure
    )


@pytest.mark.django_db
def test_numbers_have_no_gaps_when_an_issue_rolls_back(graded, inspector):
    first = services.notice_issue(
        kind=NoticeKind.INSPECTION_RECORD, enterprise=graded, by=inspector
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notice_issue(kind=NoticeKind.INSPECTION_RECORD, enterprise=graded, by=inspector)
        raise RuntimeError("the triggering transaction fails")
    third = services.notice_issue(
        kind=NoticeKind.INSPECTION_RECORD, enterprise=graded, by=inspector
    )
    assert (first.sequence, third.sequence) == (1, 2)
    assert third.number == f"泉环VOC查〔{YEAR}〕2号"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issues_get_distinct_consecutive_numbers(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    inspector = factories.inspector_user()
    enterprise = factories.EnterpriseFactory()
    barrier = threading.Barrier(4)
    numbers, problems = [], []

    def issue():
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(
                    services.notice_issue(
                        kind=NoticeKind.INSPECTION_RECORD, enterprise=enterprise, by=inspector
                    ).sequence
                )
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            problems.append(repr(error))
        finally:
            connections.close_all()

    # Rendering is not what is tested here: numbers are taken inside the transaction.
    from notices import tasks

    original = tasks.render_notice.delay
    tasks.render_notice.delay = lambda *a, **k: None
    try:
        threads = [threading.Thread(target=issue) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        tasks.render_notice.delay = original
    assert problems == []
    assert sorted(numbers) == [1, 2, 3, 4]


@pytest.mark.django_db
def test_rendered_pdf_never_changes_and_a_correction_supersedes(
    graded, manager, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.grading_notice_issue(enterprise=graded, by=inspector)
    notice.refresh_from_db()
    original = (notice.file.name, notice.sha256, notice.rendered_at)
    services.notice_render(notice_id=notice.pk)  # a retried task
    notice.refresh_from_db()
    assert (notice.file.name, notice.sha256, notice.rendered_at) == original
    with django_capture_on_commit_callbacks(execute=True):
        corrected = services.notice_correct(notice=notice, reason="法定代表人姓名有误", by=manager)
    assert corrected.number == f"泉环VOC分〔{YEAR}〕2号" and corrected.supersedes == notice
    text = flat(pdf_text(corrected))
    assert notice.number in text and "法定代表人姓名有误" in text
    notice.refresh_from_db()
    assert (notice.file.name, notice.sha256) == original[:2]
    with pytest.raises(TransitionConflict):
        services.notice_correct(notice=notice, reason="again", by=manager)


@pytest.mark.django_db
def test_public_verification_page_shows_only_what_it_should(
    client, graded, manager, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.grading_notice_issue(enterprise=graded, by=inspector)
    notice.refresh_from_db()
    page = client.get(
        reverse("notice-verify", args=[notice.verification_code.lower()])
    ).content.decode()
    for shown in (notice.number, graded.name, notice.sha256, "分级告知书"):
        assert shown in page
    for private in (graded.uscc, graded.legal_representative, graded.address):
        assert private not in page
    assert client.get(reverse("notice-verify", args=["NOSUCHCODE00"])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        corrected = services.notice_correct(notice=notice, reason="更正", by=manager)
    assert (
        corrected.number
        in client.get(reverse("notice-verify", args=[notice.verification_code])).content.decode()
    )


@pytest.mark.django_db
def test_downloads_are_permission_checked(
    client, graded, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.grading_notice_issue(enterprise=graded, by=inspector)
    url = reverse("notices:download", args=[notice.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(factories.enterprise_user(graded))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert notice.number in client.get(reverse("portal:home")).content.decode()
    client.force_login(factories.enterprise_user(factories.EnterpriseFactory()))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_batch_issue_of_a_district_renders_every_notice(
    client, manager, inspector, django_capture_on_commit_callbacks
):
    jinjiang = factories.District.objects.get(code="jinjiang")
    for i in range(3):
        enterprise = factories.EnterpriseFactory(name=f"晋江批量{i}有限公司", district=jinjiang)
        enterprise_services.enterprise_grade(
            enterprise=enterprise,
            scores=dict.fromkeys(Criterion.values, 18),
            by=inspector,
            reason="评定",
        )
    elsewhere = factories.EnterpriseFactory(district=factories.District.objects.get(code="shishi"))
    enterprise_services.enterprise_grade(
        enterprise=elsewhere,
        scores=dict.fromkeys(Criterion.values, 18),
        by=inspector,
        reason="评定",
    )
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notices:batches"), {"district": jinjiang.pk})
    batch_url = response["Location"]
    progress = client.get(batch_url, HTTP_ACCEPT="application/json").json()
    assert progress == {"total": 3, "ready": 3, "failed": 0}
    page = client.get(batch_url).content.decode()
    assert "<progress" in page and 'value="3"' in page
    assert sorted(Notice.objects.values_list("sequence", flat=True)) == [1, 2, 3]
    assert not Notice.objects.filter(enterprise=elsewhere).exists()


@pytest.mark.django_db
def test_rare_characters_outside_gb2312_still_render(inspector, django_capture_on_commit_callbacks):
    enterprise = factories.EnterpriseFactory(
        name="南安磘垵鞋业有限公司"
    )  # 磘 and 垵 are not in GB 2312
    enterprise_services.enterprise_grade(
        enterprise=enterprise,
        scores=dict.fromkeys(Criterion.values, 15),
        by=inspector,
        reason="评定",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.grading_notice_issue(enterprise=enterprise, by=inspector)
    assert "南安磘垵鞋业有限公司" in flat(pdf_text(notice))
    fonts = subprocess.run(
        ["pdffonts", notice.file.path], capture_output=True, text=True, check=True
    ).stdout
    # The prepared font set the text; the full system font supplied the two rare glyphs.
    assert "GovernSerif" in fonts and "Noto-Serif-CJK-SC" in fonts
    assert notice.size < 300 * 1024


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_grading_notice_requests_issue_one(monkeypatch):
    from notices import tasks

    monkeypatch.setattr(tasks.render_notice, "delay", lambda *a, **k: None)
    inspector = factories.inspector_user()
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="B")
    GradingAssessment.objects.create(
        enterprise=enterprise,
        **dict.fromkeys(Criterion.values, 15),
        total_score=75,
        suggested_tier="B",
        tier="B",
        assessed_by=inspector,
    )
    barrier = threading.Barrier(20)
    outcomes = []

    def issue():
        try:
            barrier.wait()
            services.grading_notice_issue(enterprise=enterprise, by=inspector)
            outcomes.append("issued")
        except TransitionConflict:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - a 500 in the request
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["issued"] + ["refused"] * 19
    assert Notice.objects.filter(kind=NoticeKind.GRADING, enterprise=enterprise).count() == 1

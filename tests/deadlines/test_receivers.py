"""Every event a person must act on tells the right people: one test per row of deadlines/receivers.py."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from enterprises import services as enterprise_services
from enterprises.models import RemediationTask, State
from evidence import services as evidence_services
from evidence.models import EvidenceSubmission
from govern import clock, events
from govern.models import Notification
from inspections import services as inspection_services
from inspections.models import RectificationOrder, SiteVisit
from notices.models import Notice
from tests import factories
from tests.evidence.conftest import files
from tests.inspections.conftest import image_bytes


@pytest.fixture(autouse=True)
def run_after_commit(monkeypatch):
    """The test's transaction never commits: run the after-commit handlers as soon as they are
    scheduled (tests/govern/test_events.py shows they wait for a real commit)."""
    monkeypatch.setattr(
        events, "transaction", SimpleNamespace(on_commit=lambda run, robust=False: run())
    )


def told(user) -> list[str]:
    return [n.key.split(":")[0] for n in Notification.objects.filter(recipient=user)]


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.fixture
def partner(db):
    return factories.inspector_user(username="partner")


@pytest.fixture
def graded(db):
    return factories.EnterpriseFactory(state=State.GRADED, tier="B", name="晋江甲鞋业有限公司")


@pytest.fixture
def owner(graded):
    return factories.enterprise_user(graded, username="owner", email="owner@example.com")


@pytest.fixture
def bystander(db):
    """Another enterprise's account: never told about someone else's business."""
    return factories.enterprise_user(factories.EnterpriseFactory(), username="other")


def submit_visit_with_order(enterprise, inspector, partner) -> SiteVisit:
    visit = inspection_services.visit_start(
        enterprise=enterprise, inspectors=[partner], by=inspector
    )
    first = visit.results.first()
    inspection_services.visit_record(
        visit=visit,
        results={r.pk: ("pass", "") for r in visit.results.all()} | {first.pk: ("fail", "未密闭")},
        conclusion=SiteVisit.Conclusion.ISSUES,
        by=inspector,
    )
    inspection_services.order_issue(
        visit=visit, finding=first, requirement="车间密闭", legal_basis="", by=inspector
    )
    return inspection_services.visit_submit(visit=visit, by=inspector)


def add_task(enterprise, inspector) -> RemediationTask:
    return enterprise_services.remediation_task_add(
        enterprise=enterprise,
        data={"measure": "treatment", "description": "升级治理设施", "owner": "蔡"},
        by=inspector,
    )


@pytest.mark.django_db
def test_order_issued_tells_the_enterprise_and_only_it(
    graded, owner, bystander, inspector, partner, manager
):
    submit_visit_with_order(graded, inspector, partner)
    assert "order-issued" in told(owner)
    assert any("新的整改通知书" in t or "整改" in t for t in titles(owner))
    assert "order-issued" not in told(bystander)
    assert "order-issued" not in told(manager)


@pytest.mark.django_db
def test_a_drafted_order_tells_nobody_until_the_visit_is_submitted(
    graded, owner, inspector, partner
):
    visit = inspection_services.visit_start(enterprise=graded, inspectors=[partner], by=inspector)
    inspection_services.order_issue(
        visit=visit, requirement="车间密闭", legal_basis="大气法", by=inspector
    )
    assert told(owner) == []


@pytest.mark.django_db
def test_order_overdue_tells_the_enterprise(graded, owner, inspector, partner):
    visit = submit_visit_with_order(graded, inspector, partner)
    order = visit.orders.get()
    inspection_services.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    assert "order-overdue" in told(owner)


@pytest.mark.django_db
def test_order_accepted_by_a_follow_up_tells_the_enterprise(graded, owner, inspector, partner):
    order = submit_visit_with_order(graded, inspector, partner).orders.get()
    follow_up = inspection_services.visit_start(
        enterprise=graded, inspectors=[partner], by=inspector, is_follow_up=True
    )
    inspection_services.visit_record(
        visit=follow_up,
        results={r.pk: ("pass", "") for r in follow_up.results.all()},
        conclusion=SiteVisit.Conclusion.COMPLIANT,
        by=inspector,
    )
    inspection_services.visit_submit(visit=follow_up, verified_orders=[order.pk], by=inspector)
    assert "order-accepted" in told(owner)
    order.refresh_from_db()
    assert order.closed_at is not None and order.closed_by == inspector


@pytest.mark.django_db
def test_a_random_draw_tells_each_drawn_inspector_once(manager, inspector, partner, graded):
    factories.EnterpriseFactory(state=State.GRADED, tier="B")
    factories.officer(inspector), factories.officer(partner)
    factories.ratios(general=100)
    inspection_services.draw_create(
        period="2026-Q4",
        pool_queryset=graded.__class__.objects.all(),
        items=factories.items(),
        inspectors=[inspector, partner],
        due_date=clock.today() + timedelta(days=30),
        by=manager,
    )
    assert told(inspector) == ["planned"] and told(partner) == ["planned"]
    assert "2 inspection(s)" in titles(inspector)[0] or "2" in titles(inspector)[0]


@pytest.mark.django_db
def test_remediation_started_tells_the_enterprise_its_tasks(graded, owner, inspector):
    add_task(graded, inspector)
    enterprise_services.enterprise_start_remediation(enterprise=graded, by=inspector, reason="启动")
    note = Notification.objects.get(recipient=owner, key__startswith="remediation-started")
    assert "升级治理设施" in note.body


@pytest.fixture
def remediating_with_evidence(graded, owner, inspector, partner):
    """A remediating enterprise with a task and an order, each with evidence awaiting review."""
    task = add_task(graded, inspector)
    enterprise_services.enterprise_start_remediation(enterprise=graded, by=inspector, reason="启动")
    order = submit_visit_with_order(graded, inspector, partner).orders.get()
    photo = ("整改.png", image_bytes("PNG"))
    on_task = evidence_services.evidence_submit(
        target=task, uploads=files(photo), note="", by=owner
    )
    on_order = evidence_services.evidence_submit(
        target=order, uploads=files(photo), note="", by=owner
    )
    return on_task, on_order


@pytest.mark.django_db
def test_evidence_on_an_order_tells_the_inspectors_who_issued_it(
    remediating_with_evidence, inspector, partner, manager
):
    assert told(inspector).count("evidence-submitted") == 2  # the plan's author sees the task's too
    assert told(partner).count("evidence-submitted") == 2  # on the latest visit, so both
    assert "evidence-submitted" not in told(manager)


@pytest.mark.django_db
def test_evidence_on_a_task_tells_the_plan_author_when_nobody_visited(graded, owner, inspector):
    task = add_task(graded, inspector)
    enterprise_services.enterprise_start_remediation(enterprise=graded, by=inspector, reason="启动")
    others = factories.inspector_user(username="other-inspector")
    evidence_services.evidence_submit(
        target=task, uploads=files(("a.png", image_bytes("PNG"))), note="", by=owner
    )
    assert told(inspector) == ["evidence-submitted"]
    assert told(others) == []


@pytest.mark.django_db
def test_rejected_evidence_tells_the_enterprise_with_the_comment(
    remediating_with_evidence, owner, inspector
):
    on_task, _ = remediating_with_evidence
    evidence_services.evidence_review(
        submission=on_task, accept=False, comment="照片不清晰，请重拍", by=inspector
    )
    note = Notification.objects.get(recipient=owner, key__startswith="evidence-rejected")
    assert note.body == "照片不清晰，请重拍"


@pytest.mark.django_db
def test_accepted_evidence_tells_the_enterprise_the_task_and_order_are_done(
    remediating_with_evidence, owner, inspector
):
    on_task, on_order = remediating_with_evidence
    evidence_services.evidence_review(submission=on_task, accept=True, comment="", by=inspector)
    evidence_services.evidence_review(submission=on_order, accept=True, comment="", by=inspector)
    assert {"task-accepted", "order-accepted"} <= set(told(owner))
    order = RectificationOrder.objects.get(pk=on_order.order_id)
    # Accepting through the portal records when and by whom, like a follow-up visit does.
    assert order.closed_at is not None and order.closed_by == inspector


@pytest.mark.django_db
def test_reviewing_evidence_of_an_order_accepted_meanwhile_is_refused_in_words(
    remediating_with_evidence, graded, inspector, partner
):
    from govern.errors import TransitionConflict

    _, on_order = remediating_with_evidence
    follow_up = inspection_services.visit_start(
        enterprise=graded, inspectors=[partner], by=inspector, is_follow_up=True
    )
    inspection_services.visit_record(
        visit=follow_up,
        results={r.pk: ("pass", "") for r in follow_up.results.all()},
        conclusion=SiteVisit.Conclusion.COMPLIANT,
        by=inspector,
    )
    inspection_services.visit_submit(
        visit=follow_up, verified_orders=[on_order.order_id], by=inspector
    )
    for accept in (True, False):
        with pytest.raises(TransitionConflict, match="already|已"):
            evidence_services.evidence_review(
                submission=on_order, accept=accept, comment="不清晰", by=inspector
            )
    on_order.refresh_from_db()
    assert on_order.status == EvidenceSubmission.Status.PENDING


@pytest.mark.django_db
def test_extension_request_tells_every_manager_and_the_decision_tells_the_enterprise(
    graded, owner, inspector, manager
):
    second_manager = factories.manager_user(username="mgr2")
    task = add_task(graded, inspector)
    extension = evidence_services.extension_request(
        target=task,
        requested_deadline=task.deadline + timedelta(days=30),
        reason="设备供货延迟",
        by=owner,
    )
    assert told(manager) == ["extension-requested"]
    assert told(second_manager) == ["extension-requested"]
    assert "extension-requested" not in told(inspector)
    evidence_services.extension_decide(extension=extension, approve=True, comment="", by=manager)
    assert "extension-decided" in told(owner)
    assert (task.deadline + timedelta(days=30)).isoformat() in " ".join(titles(owner))


@pytest.mark.django_db
def test_compliance_tells_the_enterprise(remediating_with_evidence, graded, owner, inspector):
    for submission in remediating_with_evidence:
        evidence_services.evidence_review(
            submission=submission, accept=True, comment="", by=inspector
        )
    enterprise_services.enterprise_certify_compliant(
        enterprise=graded, by=inspector, reason="验收", **factories.VERIFIED
    )
    assert "compliant" in told(owner)


@pytest.mark.django_db
def test_relocation_ordered_and_completed_tell_the_enterprise(graded, owner, manager):
    enterprise_services.enterprise_start_relocation(
        enterprise=graded, park=factories.park(), by=manager, reason="入园"
    )
    assert "relocation-ordered" in told(owner)
    assert "notice" in told(owner)  # the relocation notice was served
    graded.refresh_from_db()
    for milestone in graded.relocation_project.milestones.all():
        enterprise_services.milestone_complete(
            milestone=milestone,
            actual_date=clock.today(),
            uploads=files(("a.png", image_bytes("PNG"))),
            note="",
            by=manager,
        )
    enterprise_services.enterprise_complete_relocation(enterprise=graded, by=manager, reason="验收")
    assert "relocated" in told(owner)


@pytest.mark.django_db
def test_closure_tells_the_enterprise_its_shutdown_deadline(graded, owner, manager, settings):
    enterprise_services.enterprise_close(enterprise=graded, by=manager, reason="依法关停")
    deadline = clock.today() + timedelta(days=settings.GOVERN_CLOSURE_DAYS)
    note = Notification.objects.get(recipient=owner, key__startswith="closed")
    assert deadline.isoformat() in note.title
    assert note.level == Notification.Level.ESCALATION


@pytest.mark.django_db
def test_an_issued_notice_tells_the_enterprise(graded, owner, inspector, partner):
    submit_visit_with_order(graded, inspector, partner)
    numbers = set(Notice.objects.filter(enterprise=graded).values_list("number", flat=True))
    assert len(numbers) == 2  # the inspection record and the rectification order
    notice_titles = [t for t in titles(owner) if t.startswith(("Notice", "文书", "送达"))] or [
        n.title for n in Notification.objects.filter(recipient=owner, key__startswith="notice:")
    ]
    assert len(notice_titles) == 2
    assert all(any(number in t for number in numbers) for t in notice_titles)


@pytest.mark.django_db
def test_messages_are_written_in_chinese_whatever_the_actors_language(
    graded, owner, inspector, partner
):
    from django.utils import translation

    with translation.override("en"):
        submit_visit_with_order(graded, inspector, partner)
    note = Notification.objects.get(recipient=owner, key__startswith="order-issued")
    assert "整改" in note.title, note.title

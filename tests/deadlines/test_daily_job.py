"""The daily job: two reminders before a deadline, then overdue, escalation and a follow-up — once each."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from deadlines import services
from enterprises.models import RemediationTask, State
from govern.models import Notification
from govern.workdays import add_working_days, is_workday
from inspections import services as inspection_services
from inspections.models import PlannedInspection, RectificationOrder, SiteVisit
from tests import factories


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_order(inspector) -> RectificationOrder:
    """A submitted visit's rectification order, due by the tier policy's deadline."""
    enterprise = factories.EnterpriseFactory(
        state=State.GRADED, tier="B", name="晋江鸿达鞋业有限公司"
    )
    partner = factories.inspector_user()
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
    order = inspection_services.order_issue(
        visit=visit, finding=first, requirement="车间密闭改造", legal_basis="", by=inspector
    )
    inspection_services.visit_submit(visit=visit, by=inspector)
    return order


@pytest.fixture
def order(inspector):
    return make_order(inspector)


def working_days_before(day, n):
    current = day
    for _ in range(n):
        current -= timedelta(days=1)
        while not is_workday(current):
            current -= timedelta(days=1)
    return current


@pytest.mark.django_db
def test_order_is_reminded_twice_then_overdue_escalated_and_followed_up(
    order, manager, django_capture_on_commit_callbacks
):
    account = factories.enterprise_user(order.enterprise, email="hongda@example.com")
    deadline = order.deadline
    days = [
        working_days_before(deadline, 7),
        working_days_before(deadline, 1),
        deadline + timedelta(days=1),
    ]
    for today in days:
        for _ in range(2):  # the job runs twice every day
            with django_capture_on_commit_callbacks(execute=True):
                services.run_daily(today=today)
    told = list(Notification.objects.filter(recipient=account).order_by("created_at", "id"))
    # Two reminders before the deadline, then (once, though the job ran twice) the overdue notice.
    assert [n.key.split(":")[0] for n in told] == ["remind7", "remind1", "order-overdue"]
    assert [m.to for m in mail.outbox if "hongda@example.com" in m.to] == [
        ["hongda@example.com"]
    ] * 3
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.OVERDUE
    escalations = Notification.objects.filter(
        recipient=manager, level=Notification.Level.ESCALATION, key__startswith="escalate"
    )
    assert escalations.count() == 1 and "晋江鸿达鞋业有限公司" in escalations.get().title
    follow_up = PlannedInspection.objects.get(order=order)
    assert follow_up.reason == PlannedInspection.Reason.FOLLOW_UP
    assert set(follow_up.inspectors.all()) == set(order.visit.inspectors.all())
    assert follow_up.due_date == add_working_days(days[-1], 5)


@pytest.mark.django_db
def test_an_extended_deadline_gets_its_own_reminders(order):
    account = factories.enterprise_user(order.enterprise)
    services.run_daily(today=working_days_before(order.deadline, 1))
    RectificationOrder.objects.filter(pk=order.pk).update(
        deadline=order.deadline + timedelta(days=30)
    )
    services.run_daily(today=working_days_before(order.deadline + timedelta(days=30), 1))
    assert Notification.objects.filter(recipient=account).count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_reminder(order):
    account = factories.enterprise_user(order.enterprise)
    Notification.objects.create(recipient=account, key="remind1:order:1:2026-12-01", title="x")
    with pytest.raises(IntegrityError):
        Notification.objects.create(recipient=account, key="remind1:order:1:2026-12-01", title="x")


@pytest.mark.django_db
def test_overdue_tasks_are_escalated_but_accepted_ones_are_not(manager):
    enterprise = factories.EnterpriseFactory(state=State.REMEDIATING)
    plan = factories.RemediationPlanFactory(enterprise=enterprise)
    past = factories.date.today() - timedelta(days=2)
    factories.RemediationTaskFactory(plan=plan, deadline=past)
    factories.RemediationTaskFactory(
        plan=plan, status=RemediationTask.Status.ACCEPTED, deadline=past
    )
    assert services.run_daily().escalations == 1
    assert services.run_daily().escalations == 0


@pytest.mark.django_db
def test_deadline_list_is_scoped_and_filtered(client, order, inspector):
    other = factories.EnterpriseFactory(state=State.REMEDIATING, name="别家企业有限公司")
    factories.RemediationTaskFactory(plan__enterprise=other, description="别家的任务")
    client.force_login(inspector)
    page = client.get(reverse("deadlines")).content.decode()
    assert "车间密闭改造" in page and "别家的任务" in page
    only_orders = client.get(reverse("deadlines"), {"kind": "order"}).content.decode()
    assert "车间密闭改造" in only_orders and "别家的任务" not in only_orders
    assert client.get(reverse("deadlines"), {"format": "xlsx"})["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    client.force_login(factories.enterprise_user(order.enterprise))
    own = client.get(reverse("deadlines")).content.decode()
    assert "车间密闭改造" in own and "别家的任务" not in own


@pytest.mark.django_db
def test_notification_centre_counts_unread_and_marks_read(client, order):
    account = factories.enterprise_user(order.enterprise)
    services.run_daily(today=working_days_before(order.deadline, 1))
    client.force_login(account)
    page = client.get(reverse("notifications"))
    assert (
        page.context["unread_notifications"] == 1
        and '<span class="count">1</span>' in page.content.decode()
    )
    client.post(reverse("notifications-read"), {})
    assert client.get(reverse("notifications")).context["unread_notifications"] == 0

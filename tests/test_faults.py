"""Nothing lost, nothing doubled under faults: a bad row in the daily job, the broker down when a
notice is issued, a notice left pending."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from deadlines import services as deadline_services
from enterprises import services as enterprise_services
from enterprises.models import State
from govern.models import Notification
from notices import services as notice_services
from notices.models import Notice, NoticeKind
from tests import factories
from tests.deadlines.test_daily_job import make_order, working_days_before


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_a_bad_row_does_not_stop_the_daily_job_for_everyone(
    inspector, manager, monkeypatch, django_capture_on_commit_callbacks
):
    first, second = make_order(inspector), make_order(inspector)
    accounts = [factories.enterprise_user(o.enterprise) for o in (first, second)]
    real = deadline_services._title_and_url

    def title_and_url(kind, pk, enterprise_id, rest):
        if enterprise_id == first.enterprise_id:
            raise RuntimeError("a broken row")
        return real(kind, pk, enterprise_id, rest)

    monkeypatch.setattr(deadline_services, "_title_and_url", title_and_url)
    report = deadline_services.run_daily(today=working_days_before(first.deadline, 1))
    assert report.errors == 1
    assert not Notification.objects.filter(recipient=accounts[0]).exists()
    assert Notification.objects.filter(recipient=accounts[1], key__startswith="remind").exists()
    # Later steps ran too: escalation of the readable order and follow-ups of both.
    later = deadline_services.run_daily(today=first.deadline + timedelta(days=1))
    assert later.escalations == 1 and len(later.follow_ups) == 2


@pytest.mark.django_db
def test_a_line_break_in_a_task_never_breaks_the_reminder_mail(
    inspector, django_capture_on_commit_callbacks
):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="B")
    account = factories.enterprise_user(enterprise, email="owner@example.com")
    task = enterprise_services.remediation_task_add(
        enterprise=enterprise,
        data={"measure": "treatment", "description": "更换活性炭\n并建立台账", "owner": "蔡"},
        by=inspector,
    )
    with django_capture_on_commit_callbacks(execute=True):
        deadline_services.run_daily(today=working_days_before(task.deadline, 1))
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert "\n" not in mail.outbox[0].subject
    assert Notification.objects.filter(recipient=account).count() == 1


def graded_enterprise(inspector):
    enterprise = factories.EnterpriseFactory(state=State.REGISTERED)
    enterprise_services.enterprise_grade(
        enterprise=enterprise,
        scores={c: 15 for c in enterprise_services.Criterion.values},
        by=inspector,
        reason="评定",
    )
    return enterprise


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issuing_with_the_broker_down_commits_a_pending_notice_the_sweep_renders(settings):
    from govern.celery import app

    settings.GOVERN_NOTICE_STALE_MINUTES = 0
    inspector = factories.inspector_user()
    enterprise = graded_enterprise(inspector)
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "broker_write_url")}
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app.conf.update(task_always_eager=False, broker_url=dead, broker_write_url=dead)
    try:
        notice = notice_services.grading_notice_issue(enterprise=enterprise, by=inspector)
    finally:
        app.conf.update(saved)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PENDING and notice.number
    assert notice_services.notices_stale(now=timezone.now() + timedelta(seconds=1)) == [notice.pk]
    from notices.tasks import render_stale_notices

    assert render_stale_notices() == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.READY and notice.render_attempts == 1
    # A second sweep finds nothing; the issue was not repeated.
    assert render_stale_notices() == 0
    assert Notice.objects.filter(kind=NoticeKind.GRADING, enterprise=enterprise).count() == 1


@pytest.mark.django_db
def test_a_notice_that_keeps_failing_is_retried_a_bounded_number_of_times(
    settings, inspector, monkeypatch
):
    from notices import rendering

    settings.GOVERN_NOTICE_STALE_MINUTES = 0
    settings.GOVERN_NOTICE_MAX_RENDER_ATTEMPTS = 3
    enterprise = graded_enterprise(inspector)
    notice = notice_services.grading_notice_issue(enterprise=enterprise, by=inspector)

    def broken(html):
        raise OSError("disk full")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    later = timezone.now() + timedelta(seconds=1)
    for _ in range(3):
        assert notice_services.notices_stale(now=later) == [notice.pk]
        with pytest.raises(OSError):
            notice_services.notice_render(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.FAILED and "disk full" in notice.render_error
    assert notice_services.notices_stale(now=later) == []  # visible as failed, no longer retried

"""The portal through its pages: an enterprise sees and touches only its own work."""

import pytest
from django.urls import reverse

from enterprises.models import RemediationTask, State
from evidence import services
from evidence.models import EvidenceFile, EvidenceSubmission
from inspections.models import RectificationOrder, SiteVisit
from tests import factories
from tests.evidence.conftest import files
from tests.evidence.test_evidence import task_of


def build_remediating(inspector, name):
    from decimal import Decimal

    from enterprises import services as enterprise_services
    from inspections import services as inspection_services

    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="B", name=name)
    enterprise_services.remediation_task_add(
        enterprise=enterprise,
        data={
            "measure": "treatment",
            "description": f"{name}的任务",
            "owner": "王",
            "expected_voc_reduction_tpa": Decimal("1"),
        },
        by=inspector,
    )
    visit = inspection_services.visit_start(
        enterprise=enterprise, inspectors=[factories.inspector_user()], by=inspector
    )
    first = visit.results.first()
    inspection_services.visit_record(
        visit=visit,
        results={r.pk: ("pass", "") for r in visit.results.all()} | {first.pk: ("fail", "问题")},
        conclusion=SiteVisit.Conclusion.ISSUES,
        by=inspector,
    )
    inspection_services.order_issue(
        visit=visit, finding=first, requirement=f"{name}的整改", legal_basis="", by=inspector
    )
    inspection_services.visit_submit(visit=visit, by=inspector)
    return enterprise, visit


@pytest.mark.django_db
def test_enterprise_user_cannot_reach_another_enterprises_data(
    client, remediating, account, inspector, photo
):
    other, other_visit = build_remediating(inspector, "石狮乙印染有限公司")
    other_account = factories.enterprise_user(other)
    other_task = task_of(other)
    other_order = RectificationOrder.objects.get(enterprise=other)
    other_file = services.evidence_submit(
        target=other_task, uploads=files(photo), note="", by=other_account
    ).files.get()

    client.force_login(account)
    home = client.get(reverse("portal:home")).content.decode()
    assert (
        "晋江甲鞋业有限公司" in home
        and "石狮乙印染有限公司" not in home
        and other_task.description not in home
    )
    for url in [
        reverse("dossier:detail", args=[other.pk]),
        reverse("inspections:visit", args=[other_visit.pk]),
        reverse("evidence:file", args=[other_file.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("portal:evidence-submit", args=["task", other_task.pk]),
        reverse("portal:evidence-submit", args=["order", other_order.pk]),
        reverse("portal:extension-request", args=["task", other_task.pk]),
    ]:
        assert (
            client.post(
                url, {"files": files(photo), "requested_deadline": "2030-01-01", "reason": "x"}
            ).status_code
            == 404
        ), url
    for url in [
        reverse("dossier:plan", args=[other.pk]),
        reverse("evidence:reviews"),
        reverse("evidence:extensions"),
    ]:
        assert client.get(url).status_code == 403, url
    assert EvidenceFile.objects.count() == 1


@pytest.mark.django_db
def test_enterprise_uploads_inspector_reviews_enterprise_sees_result(
    client, remediating, account, inspector, photo
):
    task = task_of(remediating)
    client.force_login(account)
    assert client.get(reverse("home"))["Location"] == reverse("portal:home")
    response = client.post(
        reverse("portal:evidence-submit", args=["task", task.pk]),
        {"files": files(photo), "note": "已更换"},
    )
    assert response.status_code == 302
    submission = EvidenceSubmission.objects.get()
    file_url = reverse("evidence:file", args=[submission.files.get().pk])
    assert client.get(file_url).status_code == 200

    client.force_login(inspector)
    queue = client.get(reverse("evidence:reviews")).content.decode()
    assert "晋江甲鞋业有限公司" in queue and file_url in queue
    client.post(
        reverse("evidence:review-decide", args=[submission.pk]),
        {"decision": "no", "comment": "请提供活性炭采购发票"},
    )

    client.force_login(account)
    home = client.get(reverse("portal:home")).content.decode()
    assert "请提供活性炭采购发票" in home
    task.refresh_from_db()
    assert task.status == RemediationTask.Status.OPEN


@pytest.mark.django_db
def test_bad_upload_in_the_portal_shows_the_file_name(client, remediating, account):
    client.force_login(account)
    response = client.post(
        reverse("portal:evidence-submit", args=["task", task_of(remediating).pk]),
        {"files": files(("病毒.exe", b"MZ\x90\x00"))},
        follow=True,
    )
    assert "病毒.exe" in response.content.decode()
    assert not EvidenceFile.objects.exists()


@pytest.mark.django_db
def test_staff_builds_the_plan_with_policy_deadlines(client, inspector):
    from datetime import timedelta

    from django.utils import timezone

    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="B")
    client.force_login(inspector)
    response = client.post(
        reverse("dossier:plan", args=[enterprise.pk]),
        {
            "form": "task",
            "measure": "collection",
            "description": "车间密闭改造",
            "owner": "陈",
            "expected_voc_reduction_tpa": "2.5",
        },
    )
    assert response.status_code == 302
    task = task_of(enterprise)
    assert task.deadline == timezone.localdate() + timedelta(
        days=180
    )  # tier B's remediation deadline
    page = client.get(reverse("dossier:detail", args=[enterprise.pk])).content.decode()
    assert reverse("dossier:transition", args=[enterprise.pk, "start_remediation"]) in page


@pytest.mark.django_db
def test_portal_page_queries_do_not_grow_with_items(
    client, remediating, account, photo, django_assert_max_num_queries
):
    for task in RemediationTask.objects.filter(plan__enterprise=remediating):
        for _ in range(3):
            services.evidence_submit(target=task, uploads=files(photo), note="", by=account)
    client.force_login(account)
    with django_assert_max_num_queries(16):  # + the warning-instruction banner
        assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.django_db
def test_a_refused_small_form_comes_back_with_its_errors_at_their_fields(
    client, remediating, account
):
    """The page the form returns to carries the refusal (field, message) once: govern.js puts the
    typed text back and shows each message at its field; the top message names the field."""
    import json
    import re

    client.force_login(account)
    url = reverse("portal:extension-request", args=["task", task_of(remediating).pk])
    response = client.post(
        url, {"requested_deadline": "not-a-date", "reason": "设备供货延迟"}, follow=True
    )
    page = response.content.decode()
    record = re.search(r'<script id="failed-form" type="application/json">(.+?)</script>', page)
    failed = json.loads(record.group(1))
    assert failed["action"] == url
    assert list(failed["errors"]) == ["requested_deadline"]
    assert (
        "新的期限" in page or failed["labels"]["requested_deadline"] in page
    )  # the field is named
    assert "未保存" in page
    # A domain refusal lands on its field too (a date before the current deadline).
    response = client.post(
        url, {"requested_deadline": "2000-01-01", "reason": "设备供货延迟"}, follow=True
    )
    failed = json.loads(
        re.search(
            r'<script id="failed-form" type="application/json">(.+?)</script>',
            response.content.decode(),
        ).group(1)
    )
    assert "requested_deadline" in failed["errors"]
    # Read once: the next page shows nothing of it.
    assert "failed-form" not in client.get(reverse("portal:home")).content.decode()

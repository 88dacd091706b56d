"""Evidence: file checks, versions that never overwrite, the review loop, and reaching compliant."""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from enterprises import services as enterprise_services
from enterprises.models import RemediationTask, State
from evidence import services
from evidence.models import EvidenceFile, EvidenceSubmission
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from inspections.models import RectificationOrder
from tests import factories
from tests.evidence.conftest import PDF_BYTES, files, office_bytes


def task_of(enterprise):
    return RemediationTask.objects.filter(plan__enterprise=enterprise).order_by("id").first()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("整改报告.pdf", PDF_BYTES, "application/pdf"),
        (
            "台账.xlsx",
            office_bytes("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "说明.docx",
            office_bytes("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_documents_are_accepted_by_content(name, data, content_type, remediating, account):
    submission = services.evidence_submit(
        target=task_of(remediating), uploads=files((name, data)), note="", by=account
    )
    stored = submission.files.get()
    assert (stored.content_type, stored.original_name) == (content_type, name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.exe", b"MZ\x90\x00\x03"),
        ("报告.pdf", b"just text named pdf"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),  # legacy Office is not accepted
        ("archive.zip", office_bytes("docx")[:30]),
    ],
)
def test_other_files_are_refused_and_nothing_is_stored(name, data, remediating, account, photo):
    task = task_of(remediating)
    with pytest.raises(InvalidInput) as error:
        services.evidence_submit(
            target=task, uploads=files(photo, (name, data)), note="", by=account
        )
    assert name in str(error.value.message)
    assert not EvidenceSubmission.objects.exists() and not EvidenceFile.objects.exists()
    task.refresh_from_db()
    assert task.status == RemediationTask.Status.OPEN


@pytest.mark.django_db
def test_too_large_evidence_is_refused(remediating, account, settings):
    settings.GOVERN_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(InvalidInput, match="MB"):
        services.evidence_submit(
            target=task_of(remediating),
            uploads=files(("big.pdf", PDF_BYTES + b" " * 2000)),
            note="",
            by=account,
        )


@pytest.mark.django_db
def test_resubmission_is_a_new_version_and_nothing_is_overwritten(remediating, account, photo):
    task = task_of(remediating)
    first = services.evidence_submit(target=task, uploads=files(photo), note="第一次", by=account)
    second = services.evidence_submit(
        target=task, uploads=files(photo, ("报告.pdf", PDF_BYTES)), note="补充", by=account
    )
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.status == EvidenceSubmission.Status.SUPERSEDED and first.note == "第一次"
    assert (
        first.files.get().file.name == second.files.order_by("id").first().file.name
    )  # same bytes, one copy
    for stored in EvidenceFile.objects.all():
        assert default_storage.exists(stored.file.name)


@pytest.mark.django_db
def test_rejection_reopens_the_task_and_resubmission_can_be_accepted(
    remediating, account, inspector, photo
):
    task = task_of(remediating)
    submission = services.evidence_submit(target=task, uploads=files(photo), note="", by=account)
    task.refresh_from_db()
    assert task.status == RemediationTask.Status.SUBMITTED
    with pytest.raises(InvalidInput):
        services.evidence_review(submission=submission, accept=False, comment="", by=inspector)
    services.evidence_review(
        submission=submission, accept=False, comment="照片看不清活性炭型号", by=inspector
    )
    task.refresh_from_db()
    assert task.status == RemediationTask.Status.OPEN
    with pytest.raises(TransitionConflict):
        services.evidence_review(submission=submission, accept=True, comment="", by=inspector)
    again = services.evidence_submit(target=task, uploads=files(photo), note="已补拍", by=account)
    services.evidence_review(submission=again, accept=True, comment="", by=inspector)
    task.refresh_from_db()
    assert task.status == RemediationTask.Status.ACCEPTED
    with pytest.raises(TransitionConflict):
        services.evidence_submit(target=task, uploads=files(photo), note="", by=account)


@pytest.mark.django_db
def test_rejected_evidence_for_a_late_order_leaves_it_overdue(
    remediating, account, inspector, photo
):
    order = RectificationOrder.objects.get(enterprise=remediating)
    submission = services.evidence_submit(target=order, uploads=files(photo), note="", by=account)
    RectificationOrder.objects.filter(pk=order.pk).update(
        deadline=order.deadline.replace(year=2020)
    )
    services.evidence_review(
        submission=submission, accept=False, comment="未整改到位", by=inspector
    )
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.OVERDUE


@pytest.mark.django_db
def test_only_the_enterprise_submits_and_only_staff_review(remediating, account, inspector, photo):
    with pytest.raises(PermissionDenied):
        services.evidence_submit(
            target=task_of(remediating), uploads=files(photo), note="", by=inspector
        )
    other = factories.enterprise_user(factories.EnterpriseFactory())
    with pytest.raises(PermissionDenied):
        services.evidence_submit(
            target=task_of(remediating), uploads=files(photo), note="", by=other
        )
    submission = services.evidence_submit(
        target=task_of(remediating), uploads=files(photo), note="", by=account
    )
    with pytest.raises(PermissionDenied):
        services.evidence_review(submission=submission, accept=True, comment="", by=account)


@pytest.mark.django_db
def test_enterprise_reaches_compliant_when_everything_is_accepted(
    remediating, account, inspector, photo
):
    targets = [
        *RemediationTask.objects.filter(plan__enterprise=remediating),
        RectificationOrder.objects.get(enterprise=remediating),
    ]
    for target in targets:
        assert not enterprise_services.transition_allowed(
            enterprise=remediating, name="certify_compliant", user=inspector
        )
        submission = services.evidence_submit(
            target=target, uploads=files(photo), note="", by=account
        )
        services.evidence_review(submission=submission, accept=True, comment="", by=inspector)
        remediating.refresh_from_db()
    assert enterprise_services.transition_allowed(
        enterprise=remediating, name="certify_compliant", user=inspector
    )
    enterprise_services.enterprise_certify_compliant(
        enterprise=remediating,
        by=inspector,
        reason="全部验收",
        verified_voc_reduction_tpa=Decimal("4.2"),
        reduction_basis="material_ledger",
        reduction_reference="2026年上半年原辅材料台账",
    )
    remediating.refresh_from_db()
    assert remediating.state == State.COMPLIANT
    # The verified figure is recorded as measured; the plan's declared one is not copied over it.
    assert remediating.verified_voc_reduction_tpa == Decimal("4.2")
    assert enterprise_services.declared_reduction(enterprise=remediating) == Decimal("5.5")

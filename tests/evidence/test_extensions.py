"""Deadline extensions: asked by the enterprise, decided once by a manager, kept as the audit."""

from datetime import timedelta

import pytest

from evidence import services
from evidence.models import DeadlineExtension
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from inspections.models import RectificationOrder
from tests.evidence.test_evidence import task_of


@pytest.mark.django_db
def test_approved_extension_moves_the_deadline(remediating, account, manager):
    task = task_of(remediating)
    old = task.deadline
    request = services.extension_request(
        target=task, requested_deadline=old + timedelta(days=30), reason="设备到货延迟", by=account
    )
    services.extension_decide(extension=request, approve=True, comment="", by=manager)
    task.refresh_from_db()
    request.refresh_from_db()
    assert task.deadline == old + timedelta(days=30)
    assert (request.status, request.current_deadline, request.decided_by) == (
        DeadlineExtension.Status.APPROVED,
        old,
        manager,
    )


@pytest.mark.django_db
def test_refusal_keeps_the_deadline_and_needs_a_reason(remediating, account, manager):
    task = task_of(remediating)
    request = services.extension_request(
        target=task, requested_deadline=task.deadline + timedelta(days=9), reason="x", by=account
    )
    with pytest.raises(InvalidInput):
        services.extension_decide(extension=request, approve=False, comment="", by=manager)
    services.extension_decide(extension=request, approve=False, comment="理由不充分", by=manager)
    with pytest.raises(TransitionConflict):
        services.extension_decide(extension=request, approve=True, comment="", by=manager)
    task.refresh_from_db()
    assert task.deadline == request.current_deadline


@pytest.mark.django_db
def test_bad_extension_requests_are_refused(remediating, account, inspector):
    task = task_of(remediating)
    with pytest.raises(InvalidInput):
        services.extension_request(
            target=task, requested_deadline=task.deadline, reason="x", by=account
        )
    request = services.extension_request(
        target=task, requested_deadline=task.deadline + timedelta(days=5), reason="x", by=account
    )
    with pytest.raises(TransitionConflict):
        services.extension_request(
            target=task,
            requested_deadline=task.deadline + timedelta(days=9),
            reason="y",
            by=account,
        )
    with pytest.raises(PermissionDenied):
        services.extension_decide(extension=request, approve=True, comment="", by=inspector)


@pytest.mark.django_db
def test_approval_reopens_an_overdue_order(remediating, account, manager):
    order = RectificationOrder.objects.get(enterprise=remediating)
    order.mark_overdue()
    order.save()
    request = services.extension_request(
        target=order, requested_deadline=order.deadline + timedelta(days=20), reason="x", by=account
    )
    services.extension_decide(extension=request, approve=True, comment="同意", by=manager)
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.OPEN

"""Evidence submission and review, and deadline extensions: how an enterprise proves its remediation.

The task or order an item of evidence is for belongs to another app's state machine; this module never
changes its status itself but calls that app's service (``enterprises.services.task_*``,
``inspections.services.order_*``).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from enterprises import services as enterprise_services
from enterprises.models import RemediationTask
from govern import clock, roles
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from govern.events import publish
from govern.models import StoredFileBase
from govern.uploads import EVIDENCE_KINDS, accept_upload, store_by_hash
from govern.workdays import add_working_days
from inspections import services as inspection_services
from inspections.models import RectificationOrder
from materials import selectors as material_selectors

from . import events
from .models import DeadlineExtension, EvidenceFile, EvidenceSubmission

Target = RemediationTask | RectificationOrder


@dataclass(frozen=True)
class TargetKind:
    """How evidence reaches a kind of target: its owner's services for each step."""

    key: str
    enterprise_path: str
    # Each takes the target of its own kind (the dict below pairs them), so typed loosely here.
    received: Callable[[Any], Target]
    accept: Callable[[Any, Any], Target]
    reject: Callable[[Any, Any], Target]
    extend: Callable[[Any, date, Any], Target]


KINDS: dict[type, TargetKind] = {
    RemediationTask: TargetKind(
        key="task",
        enterprise_path="plan__enterprise",
        received=lambda t: enterprise_services.task_evidence_received(task=t),
        accept=lambda t, by: enterprise_services.task_accept(task=t, by=by),
        reject=lambda t, by: enterprise_services.task_reject(task=t, by=by),
        extend=lambda t, d, by: enterprise_services.task_deadline_extend(task=t, deadline=d, by=by),
    ),
    RectificationOrder: TargetKind(
        key="order",
        enterprise_path="enterprise",
        received=lambda o: inspection_services.order_evidence_received(order=o),
        accept=lambda o, by: inspection_services.order_accept(order=o, by=by),
        reject=lambda o, by: inspection_services.order_evidence_rejected(order=o, by=by),
        extend=lambda o, d, by: inspection_services.order_deadline_extend(
            order=o, deadline=d, by=by
        ),
    ),
}


def _kind(target: Target) -> TargetKind:
    return KINDS[type(target)]


def _fresh(target: Target) -> Target:
    """The target as it is now, with its enterprise (the caller's copy may be stale)."""
    model = type(target)
    return model.objects.select_related(_kind(target).enterprise_path).get(pk=target.pk)


def _enterprise_id(target: Target) -> int:
    return (
        target.plan.enterprise_id if isinstance(target, RemediationTask) else target.enterprise_id
    )


def _target_fields(target: Target) -> dict:
    return {_kind(target).key: target, "enterprise_id": _enterprise_id(target)}


def _event_fields(submission: EvidenceSubmission) -> dict:
    return {
        "submission_id": submission.pk,
        "enterprise_id": submission.enterprise_id,
        "task_id": submission.task_id,
        "order_id": submission.order_id,
    }


def _require_own_enterprise(target: Target, by) -> None:
    if not roles.is_own_enterprise(by, _enterprise_id(target)):
        raise PermissionDenied()


def evidence_submit(*, target: Target, uploads: Sequence, note: str, by) -> EvidenceSubmission:
    """Store a new version of the evidence for a task or order and send it for review.

    Every file is checked before any is stored, so a bad file leaves nothing behind.
    """
    _require_own_enterprise(target, by)
    if not uploads:
        raise InvalidInput(_("Attach at least one file."), field="files")
    if len(uploads) > settings.GOVERN_EVIDENCE_MAX_FILES:
        raise InvalidInput(
            _("At most %(count)d files per submission.")
            % {"count": settings.GOVERN_EVIDENCE_MAX_FILES},
            field="files",
        )
    checked = [
        (
            upload,
            *accept_upload(
                upload,
                kinds=EVIDENCE_KINDS,
                max_bytes=settings.GOVERN_EVIDENCE_MAX_BYTES,
                field="files",
            ),
        )
        for upload in uploads
    ]
    kind = _kind(target)
    with transaction.atomic():
        locked = kind.received(target)  # locks the target, refuses an accepted one
        previous = EvidenceSubmission.objects.select_for_update().filter(**{kind.key: locked})
        version = (previous.aggregate(latest=Max("version"))["latest"] or 0) + 1
        previous.filter(status=EvidenceSubmission.Status.PENDING).update(
            status=EvidenceSubmission.Status.SUPERSEDED
        )
        submission = EvidenceSubmission.objects.create(
            version=version,
            note=note.strip(),
            submitted_by=by,
            review_due=add_working_days(clock.today(), settings.GOVERN_REVIEW_WORKING_DAYS),
            **_target_fields(locked),
        )
        for upload, data, file_kind in checked:
            stored = store_by_hash(
                data, file_kind, folder="evidence", original_name=upload.name or ""
            )
            EvidenceFile.objects.create(
                submission=submission, **StoredFileBase.stored_fields(stored)
            )
        publish(events.EvidenceSubmitted(**_event_fields(submission), by_id=by.pk))
    return submission


def _check_acceptable(target: Target) -> None:
    """A source-substitution task is accepted only when the material ledger shows the substitute in
    use: a low-VOC material within its limit in the latest months."""
    if not (
        isinstance(target, RemediationTask)
        and target.measure == RemediationTask.Measure.SOURCE_SUBSTITUTION
    ):
        return
    if material_selectors.substitution_in_use(enterprise_id=_enterprise_id(target)):
        return
    since, until = material_selectors.substitution_window()
    raise TransitionConflict(
        _(
            "A source-substitution task is accepted only with ledger evidence that the substitute is "
            "in use: the material ledger has no low-VOC material within its limit from %(since)s to "
            "%(until)s."
        )
        % {"since": f"{since:%Y-%m}", "until": f"{until:%Y-%m}"}
    )


def evidence_review(
    *, submission: EvidenceSubmission, accept: bool, comment: str, by
) -> EvidenceSubmission:
    """Accept or reject one submission; acceptance closes its task or order, rejection reopens it.

    The target's owner decides whether it can still move: an order accepted meanwhile by a follow-up
    visit refuses the review with its reason instead of failing.
    """
    if not roles.is_staff_role(by):
        raise PermissionDenied()
    comment = comment.strip()
    if not accept and not comment:
        raise InvalidInput(
            _("Say why the evidence is rejected, so the enterprise can fix it."), field="comment"
        )
    with transaction.atomic():
        locked = (
            EvidenceSubmission.objects.select_for_update(of=("self",))
            .select_related("task", "order")
            .get(pk=submission.pk)
        )
        if locked.status != EvidenceSubmission.Status.PENDING:
            raise TransitionConflict(
                _("This submission was already reviewed or replaced by a newer version.")
            )
        target = locked.target
        if accept:
            _check_acceptable(target)
            _kind(target).accept(target, by)
        else:
            _kind(target).reject(target, by)
        locked.status = (
            EvidenceSubmission.Status.ACCEPTED if accept else EvidenceSubmission.Status.REJECTED
        )
        locked.review_comment = comment
        locked.reviewed_by = by
        locked.reviewed_at = clock.now()
        locked.save()
        if accept:
            publish(events.EvidenceAccepted(**_event_fields(locked), by_id=by.pk))
        else:
            publish(events.EvidenceRejected(**_event_fields(locked), comment=comment, by_id=by.pk))
    return locked


def extension_request(
    *, target: Target, requested_deadline: date, reason: str, by
) -> DeadlineExtension:
    _require_own_enterprise(target, by)
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the extension."), field="reason")
    kind = _kind(target)
    with transaction.atomic():
        locked = type(target).objects.select_for_update(of=("self",)).get(pk=target.pk)
        if locked.is_accepted:
            raise TransitionConflict(_("This item is already accepted."))
        if requested_deadline <= locked.deadline:
            raise InvalidInput(
                _("The requested deadline must be later than the current one."),
                field="requested_deadline",
            )
        if DeadlineExtension.objects.filter(
            status=DeadlineExtension.Status.PENDING, **{kind.key: locked}
        ).exists():
            raise TransitionConflict(_("A request for this item is already awaiting a decision."))
        extension = DeadlineExtension.objects.create(
            current_deadline=locked.deadline,
            requested_deadline=requested_deadline,
            reason=reason.strip(),
            requested_by=by,
            **_target_fields(_fresh(locked)),
        )
        publish(
            events.ExtensionRequested(
                extension_id=extension.pk, enterprise_id=extension.enterprise_id, by_id=by.pk
            )
        )
    return extension


def extension_decide(
    *, extension: DeadlineExtension, approve: bool, comment: str, by
) -> DeadlineExtension:
    """A manager approves (the deadline moves) or refuses (it stays); decided once, kept as the audit."""
    if not roles.is_manager(by):
        raise PermissionDenied()
    comment = comment.strip()
    if not approve and not comment:
        raise InvalidInput(_("Say why the extension is refused."), field="comment")
    with transaction.atomic():
        locked = (
            DeadlineExtension.objects.select_for_update(of=("self",))
            .select_related("task", "order")
            .get(pk=extension.pk)
        )
        if locked.status != DeadlineExtension.Status.PENDING:
            raise TransitionConflict(_("This request was already decided."))
        if approve:
            target = locked.target
            if target.deadline != locked.current_deadline:
                raise TransitionConflict(
                    _(
                        "The deadline changed since the request; ask the enterprise to request again."
                    )
                )
            _kind(target).extend(target, locked.requested_deadline, by)
        locked.status = (
            DeadlineExtension.Status.APPROVED if approve else DeadlineExtension.Status.REFUSED
        )
        locked.decision_comment = comment
        locked.decided_by = by
        locked.decided_at = clock.now()
        locked.save()
        publish(
            events.ExtensionDecided(
                extension_id=locked.pk,
                enterprise_id=locked.enterprise_id,
                approved=approve,
                by_id=by.pk,
            )
        )
    return locked

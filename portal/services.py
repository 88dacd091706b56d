"""Evidence submission and review, and deadline extensions: how an enterprise proves its remediation."""

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import RemediationTask
from govern import roles
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from govern.models import StoredFileBase
from govern.uploads import EVIDENCE_KINDS, accept_upload, store_by_hash
from inspections.models import RectificationOrder

from .models import DeadlineExtension, EvidenceFile, EvidenceSubmission

Target = RemediationTask | RectificationOrder


def _lock_target(target: Target) -> Target:
    model = type(target)
    related = ("plan__enterprise",) if model is RemediationTask else ("enterprise",)
    return model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=target.pk)


def _enterprise_of(target: Target):
    return target.plan.enterprise if isinstance(target, RemediationTask) else target.enterprise


def _key(target: Target) -> str:
    return "task" if isinstance(target, RemediationTask) else "order"


def _target_fields(target: Target) -> dict:
    return {_key(target): target, "enterprise": _enterprise_of(target)}


def _is_closed(target: Target) -> bool:
    accepted = (
        RemediationTask.Status.ACCEPTED
        if isinstance(target, RemediationTask)
        else RectificationOrder.Status.ACCEPTED
    )
    return target.status == accepted


def _require_own_enterprise(target: Target, by) -> None:
    if not (roles.is_enterprise_user(by) and by.enterprise_id == _enterprise_of(target).pk):
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
    with transaction.atomic():
        locked = _lock_target(target)
        if _is_closed(locked):
            raise TransitionConflict(
                _("This item is already accepted; no more evidence is needed.")
            )
        previous = EvidenceSubmission.objects.filter(**{_key(locked): locked})
        version = (previous.aggregate(latest=Max("version"))["latest"] or 0) + 1
        previous.filter(status=EvidenceSubmission.Status.PENDING).update(
            status=EvidenceSubmission.Status.SUPERSEDED
        )
        submission = EvidenceSubmission.objects.create(
            version=version, note=note.strip(), submitted_by=by, **_target_fields(locked)
        )
        for upload, data, kind in checked:
            stored = store_by_hash(data, kind, folder="evidence", original_name=upload.name or "")
            EvidenceFile.objects.create(
                submission=submission,
                **StoredFileBase.stored_fields(stored),
            )
        awaiting = (
            locked.Status.SUBMITTED if _key(locked) == "task" else locked.Status.EVIDENCE_SUBMITTED
        )
        if locked.status != awaiting:
            locked.submit_evidence()
            locked.save()
    return submission


def evidence_review(
    *, submission: EvidenceSubmission, accept: bool, comment: str, by
) -> EvidenceSubmission:
    """Accept or reject one submission; acceptance closes its task or order, rejection reopens it."""
    if not roles.is_staff_role(by):
        raise PermissionDenied()
    comment = comment.strip()
    if not accept and not comment:
        raise InvalidInput(
            _("Say why the evidence is rejected, so the enterprise can fix it."), field="comment"
        )
    with transaction.atomic():
        locked = EvidenceSubmission.objects.select_for_update().get(pk=submission.pk)
        if locked.status != EvidenceSubmission.Status.PENDING:
            raise TransitionConflict(
                _("This submission was already reviewed or replaced by a newer version.")
            )
        target = _lock_target(locked.target)
        if accept:
            target.accept()
        elif isinstance(target, RemediationTask):
            target.reject()
        else:
            target.reject_evidence()
            if target.deadline < timezone.localdate():
                target.mark_overdue()
        target.save()
        locked.status = (
            EvidenceSubmission.Status.ACCEPTED if accept else EvidenceSubmission.Status.REJECTED
        )
        locked.review_comment = comment
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.save()
    return locked


def extension_request(
    *, target: Target, requested_deadline: date, reason: str, by
) -> DeadlineExtension:
    _require_own_enterprise(target, by)
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the extension."), field="reason")
    with transaction.atomic():
        locked = _lock_target(target)
        if _is_closed(locked):
            raise TransitionConflict(_("This item is already accepted."))
        if requested_deadline <= locked.deadline:
            raise InvalidInput(
                _("The requested deadline must be later than the current one."),
                field="requested_deadline",
            )
        if DeadlineExtension.objects.filter(
            status=DeadlineExtension.Status.PENDING, **{_key(locked): locked}
        ).exists():
            raise TransitionConflict(_("A request for this item is already awaiting a decision."))
        return DeadlineExtension.objects.create(
            current_deadline=locked.deadline,
            requested_deadline=requested_deadline,
            reason=reason.strip(),
            requested_by=by,
            **_target_fields(locked),
        )


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
        locked = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
        if locked.status != DeadlineExtension.Status.PENDING:
            raise TransitionConflict(_("This request was already decided."))
        if approve:
            target = _lock_target(locked.target)
            if target.deadline != locked.current_deadline:
                raise TransitionConflict(
                    _(
                        "The deadline changed since the request; ask the enterprise to request again."
                    )
                )
            target.deadline = locked.requested_deadline
            if (
                isinstance(target, RectificationOrder)
                and target.status == RectificationOrder.Status.OVERDUE
            ):
                target.reopen()
            target.save()
        locked.status = (
            DeadlineExtension.Status.APPROVED if approve else DeadlineExtension.Status.REFUSED
        )
        locked.decision_comment = comment
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save()
    return locked

"""Issuing notices: numbers without gaps or duplicates, PDFs rendered after commit, never overwritten."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.models import Instruction
from enterprises.models import Enterprise, GradingAssessment, TierPolicy
from govern import clock, roles
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from govern.events import publish
from govern.models import StoredFileBase
from govern.uploads import IMAGE_KINDS, PDF, accept_upload, store_by_hash

from . import events, rendering, selectors
from .models import Notice, NoticeBatch, NoticeKind, NoticeSequence, NoticeService, ServiceMethod

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed from paper


def document_number(kind: str, year: int, sequence: int) -> str:
    """GB/T 9704-2012: prefix, the full year in 〔〕, the sequence without leading zeros, 号."""
    return f"{settings.GOVERN_NOTICE_PREFIXES[kind]}〔{year}〕{sequence}号"


def _take_number(kind: str, year: int) -> int:
    """The next number of a kind in a year; the row lock makes concurrent issuers wait their turn,
    and a rolled-back issue gives its number back, so the sequence has no gaps."""
    NoticeSequence.objects.bulk_create(
        [NoticeSequence(kind=kind, year=year)], ignore_conflicts=True
    )
    sequence = NoticeSequence.objects.select_for_update().get(kind=kind, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _take_numbers(kind: str, year: int, count: int) -> range:
    """``count`` consecutive numbers at once, under the same row lock as ``_take_number``."""
    NoticeSequence.objects.bulk_create(
        [NoticeSequence(kind=kind, year=year)], ignore_conflicts=True
    )
    sequence = NoticeSequence.objects.select_for_update().get(kind=kind, year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return range(first, sequence.last + 1)


def _verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def notice_issue(
    *,
    kind: str,
    enterprise: Enterprise,
    by,
    assessment=None,
    visit=None,
    relocation=None,
    closure=None,
    case=None,
    supersedes: Notice | None = None,
    correction_reason: str = "",
    batch: NoticeBatch | None = None,
) -> Notice:
    """Number a notice inside the caller's transaction; its PDF is rendered once that commits."""
    with transaction.atomic():
        today = clock.today()
        sequence = _take_number(kind, today.year)
        notice = Notice.objects.create(
            kind=kind,
            year=today.year,
            sequence=sequence,
            number=document_number(kind, today.year, sequence),
            enterprise=enterprise,
            assessment=assessment,
            visit=visit,
            relocation=relocation,
            closure=closure,
            case=case,
            deadline=rendering.notice_deadline(
                kind=kind,
                assessment=assessment,
                visit=visit,
                relocation=relocation,
                closure=closure,
                case=case,
                today=today,
            ),
            supersedes=supersedes,
            correction_reason=correction_reason,
            batch=batch,
            verification_code=_verification_code(),
            issued_by=by,
        )
        publish(
            events.NoticeIssued(
                notice_id=notice.pk,
                enterprise_id=enterprise.pk,
                kind=kind,
                batch_id=batch.pk if batch else None,
                by_id=by.pk,
            )
        )
    return notice


def grading_notice_issue(*, enterprise: Enterprise, by, batch: NoticeBatch | None = None) -> Notice:
    """The grading notice for the enterprise's current grading (issued once per grading)."""
    if not roles.is_staff_role(by):
        raise PermissionDenied()
    already = TransitionConflict(_("The grading notice for this grading was already issued."))
    with transaction.atomic():
        # The row lock makes simultaneous requests (a double click, twenty tabs) queue here, so the
        # second sees the first one's notice; the unique constraint is the last line of defence.
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        assessment = selectors.current_assessment(enterprise=enterprise)
        if assessment is None or not enterprise.tier:
            raise InvalidInput(_("The enterprise has not been graded."))
        if selectors.grading_notice_of(assessment=assessment) is not None:
            raise already
        try:
            with transaction.atomic():
                return notice_issue(
                    kind=NoticeKind.GRADING,
                    enterprise=enterprise,
                    assessment=assessment,
                    by=by,
                    batch=batch,
                )
        except IntegrityError as error:
            raise already from error


def notice_batch_issue(*, district, by) -> NoticeBatch:
    """Issue the grading notice of every enterprise of a district that lacks one, as one batch.

    Numbered in a few statements whatever the district's size (the enterprises are locked, the
    numbers taken at once, the notices inserted in bulk), so the request returns at once; the PDFs
    are rendered afterwards by the batch workers, with progress on the batch page."""
    if not roles.is_manager(by):
        raise PermissionDenied()
    with transaction.atomic():
        # Lock the candidates: a single grading notice issued meanwhile waits, then finds this one.
        locked = list(
            Enterprise.objects.select_for_update()
            .filter(pk__in=selectors.grading_batch_candidates(district=district).values("pk"))
            .values_list("pk", flat=True)
        )
        enterprises = list(
            selectors.grading_batch_candidates(district=district)
            .filter(pk__in=locked)
            .order_by("name", "id")
        )
        if not enterprises:
            raise InvalidInput(
                _("Every graded enterprise of this district already has its grading notice.")
            )
        assessments = GradingAssessment.objects.in_bulk([e.current_assessment for e in enterprises])
        today = clock.today()
        deadlines = {  # one policy read per tier, not per notice
            tier: today + timedelta(days=TierPolicy.terms_for(tier).remediation_deadline_days)
            for tier in {a.tier for a in assessments.values()}
        }
        return _batch_issue(
            kind=NoticeKind.GRADING,
            by=by,
            district=district,
            rows=[
                {
                    "enterprise": enterprise,
                    "assessment": assessments[enterprise.current_assessment],
                    "deadline": deadlines[assessments[enterprise.current_assessment].tier],
                }
                for enterprise in enterprises
            ],
        )


def instruction_notices_issue(*, warning_id: int, instruction_ids, by) -> NoticeBatch:
    """The warning instructions' notices, numbered together in one batch inside the declaring
    transaction (a few statements for any number), rendered afterwards by the batch workers with
    progress on the batch page. The enterprises are told by the deadlines app (one bulk step)."""
    instructions = list(
        Instruction.objects.filter(pk__in=list(instruction_ids)).order_by("enterprise_id", "pk")
    )
    with transaction.atomic():
        return _batch_issue(
            kind=NoticeKind.EMERGENCY,
            by=by,
            warning_id=warning_id,
            rows=[
                {"enterprise_id": instruction.enterprise_id, "instruction": instruction}
                for instruction in instructions
            ],
        )


def _batch_issue(*, kind: str, by, rows: list[dict], **batch_fields) -> NoticeBatch:
    """Notices numbered together, inside the caller's transaction: one batch, the numbers taken in
    one step under the sequence lock, the notices inserted in bulk (a few statements for any number).
    ``rows`` are each notice's own fields: its enterprise, the record it is about, its deadline.
    The PDFs are rendered after commit by the batch workers (``NoticeBatchIssued``)."""
    today = clock.today()
    batch = NoticeBatch.objects.create(kind=kind, total=len(rows), created_by=by, **batch_fields)
    numbers = _take_numbers(kind, today.year, len(rows))
    now = clock.now()
    Notice.objects.bulk_create(
        [
            Notice(
                kind=kind,
                year=today.year,
                sequence=sequence,
                number=document_number(kind, today.year, sequence),
                batch=batch,
                verification_code=_verification_code(),
                issued_by=by,
                issued_at=now,
                **fields,
            )
            for sequence, fields in zip(numbers, rows, strict=True)
        ],
        batch_size=1000,
    )
    publish(events.NoticeBatchIssued(batch_id=batch.pk, by_id=by.pk))
    return batch


def notice_correct(*, notice: Notice, reason: str, by) -> Notice:
    """Issue a corrected notice with a new number that supersedes the old one; the old PDF stays as it was."""
    if not roles.is_manager(by):
        raise PermissionDenied()
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the correction."), field="reason")
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if Notice.objects.filter(supersedes=locked).exists():
            raise TransitionConflict(
                _("This notice was already superseded; correct the newest version.")
            )
        return notice_issue(
            kind=locked.kind,
            enterprise=locked.enterprise,
            assessment=locked.assessment,
            visit=locked.visit,
            relocation=locked.relocation,
            closure=locked.closure,
            supersedes=locked,
            correction_reason=reason.strip(),
            by=by,
        )


def notice_render(*, notice_id: int) -> Notice:
    """Render and store the PDF once; a second call (a retried task) changes nothing."""
    notice = (
        Notice.objects.select_related("enterprise", "supersedes", "instruction__warning")
        .prefetch_related("instruction__warning__districts")
        .get(pk=notice_id)
    )
    if notice.is_ready:
        return notice
    Notice.objects.filter(pk=notice.pk).update(render_attempts=F("render_attempts") + 1)
    try:
        pdf = rendering.render_pdf(rendering.notice_html(notice))
    except Exception as error:  # noqa: BLE001 - any rendering failure is recorded on the notice
        Notice.objects.filter(pk=notice.pk).exclude(status=Notice.Status.READY).update(
            status=Notice.Status.FAILED, render_error=repr(error)[:2000]
        )
        raise
    stored = store_by_hash(pdf, PDF, folder="notices", original_name=f"{notice.number}.pdf")
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.is_ready:  # another worker finished first; keep its PDF
            return locked
        for field, value in StoredFileBase.stored_fields(stored).items():
            setattr(locked, field, value)
        locked.status = Notice.Status.READY
        locked.render_error = ""
        locked.rendered_at = timezone.now()
        locked.save()
    return locked


def notices_stale(*, now=None) -> list[int]:
    """Notices that should have been rendered by now: pending or failed for longer than
    ``GOVERN_NOTICE_STALE_MINUTES`` (a lost task, a killed worker, a broker outage when issued),
    with attempts left. The sweep renders them again."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.GOVERN_NOTICE_STALE_MINUTES)
    return list(
        Notice.objects.filter(
            Q(status=Notice.Status.PENDING) | Q(status=Notice.Status.FAILED),
            issued_at__lt=cutoff,
            render_attempts__lt=settings.GOVERN_NOTICE_MAX_RENDER_ATTEMPTS,
        )
        .order_by("issued_at", "id")
        .values_list("pk", flat=True)[:500]
    )


# What each way of service must show (民事诉讼法 第一编第七章第二节 送达, applied by 行政处罚法
# 第六十一条): the signed receipt of a direct service; the refusal and a witness or a photo/video
# record of a notice left at the premises; the postal receipt; the party's signed consent to
# electronic service; where the announcement was published.
RECEIPT_NEEDED = {ServiceMethod.DIRECT, ServiceMethod.MAIL}


def notice_service_record(
    *,
    notice: Notice,
    method: str,
    served_on,
    by,
    recipient: str = "",
    address: str = "",
    witness: str = "",
    note: str = "",
    consent: bool = False,
    receipt=None,
) -> NoticeService:
    """Record how, when and to whom a notice was served; once per notice, with its receipt."""
    if not roles.is_staff_role(by):
        raise PermissionDenied()
    recipient, address, witness, note = (v.strip() for v in (recipient, address, witness, note))
    if method not in ServiceMethod.values:
        raise InvalidInput(_("Choose how the notice was served."), field="method")
    issued_on = timezone.localtime(notice.issued_at).date()
    if served_on > clock.today():
        raise InvalidInput(_("The date of service cannot lie in the future."), field="served_on")
    if served_on < issued_on:
        raise InvalidInput(
            _("The notice was issued on %(date)s; it cannot have been served before.")
            % {"date": issued_on.isoformat()},
            field="served_on",
        )
    if method in (ServiceMethod.DIRECT, ServiceMethod.MAIL) and not recipient:
        raise InvalidInput(_("Name who received the notice."), field="recipient")
    if method in RECEIPT_NEEDED and receipt is None:
        raise InvalidInput(
            _("Upload the signed receipt (送达回证) or the postal receipt."), field="receipt"
        )
    if method == ServiceMethod.LEFT:
        if not note:
            raise InvalidInput(
                _("Describe the refusal: who refused, and where the notice was left."),
                field="note",
            )
        if not witness and receipt is None:
            raise InvalidInput(
                _("Name a witness, or upload the photo or video record of the notice being left."),
                field="witness",
            )
    if method == ServiceMethod.ELECTRONIC:
        if not consent:
            raise InvalidInput(
                _("Electronic service needs the party's signed consent (送达地址确认书)."),
                field="consent",
            )
        if not address:
            raise InvalidInput(_("Give the mailbox or number it was sent to."), field="address")
    if method == ServiceMethod.ANNOUNCEMENT and not address:
        raise InvalidInput(_("Say where the announcement was published."), field="address")
    stored = None
    if receipt is not None:
        data, kind = accept_upload(
            receipt,
            kinds=(*IMAGE_KINDS, PDF),
            max_bytes=settings.GOVERN_EVIDENCE_MAX_BYTES,
            field="receipt",
        )
        stored = store_by_hash(
            data, kind, folder="receipts", original_name=getattr(receipt, "name", "")
        )
    with transaction.atomic():
        Notice.objects.select_for_update().get(pk=notice.pk)
        if NoticeService.objects.filter(notice=notice).exists():
            raise TransitionConflict(_("The service of this notice is already recorded."))
        service = NoticeService.objects.create(
            notice=notice,
            method=method,
            served_on=served_on,
            recipient=recipient,
            address=address,
            witness=witness,
            note=note,
            receipt=stored.name if stored else "",
            receipt_sha256=stored.sha256 if stored else "",
            receipt_name=stored.original_name if stored else "",
            receipt_type=stored.content_type if stored else "",
            recorded_by=by,
        )
        publish(
            events.NoticeServed(
                notice_id=notice.pk, enterprise_id=notice.enterprise_id, method=method, by_id=by.pk
            )
        )
    return service

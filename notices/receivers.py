"""What the notices app does when things happen: which fact issues which formal notice.

| event                          | reaction                                                        |
| ------------------------------ | --------------------------------------------------------------- |
| inspections.VisitSubmitted     | site-inspection record; rectification order notice if it has orders (in the transaction) |
| enterprises.RelocationOrdered  | relocation notice (in the transaction)                          |
| enterprises.EnterpriseClosed   | closure notice with the shutdown deadline (in the transaction)  |
| emergency.InstructionsIssued   | the warning instructions' notices, numbered as one batch (in the transaction) |
| enforcement.AdvanceNoticeServed | advance notice of the intended penalty (in the transaction)    |
| enforcement.PenaltyDecided     | penalty decision (in the transaction)                           |
| notices.NoticeIssued           | render the PDF, unless the notice belongs to a batch (after commit) |
| notices.NoticeBatchIssued      | render the batch in chunks across the workers, or on a thread in the embedded demo (after commit) |

Notices are numbered inside the publishing transaction, so a rolled-back step returns its number.
"""

from emergency.events import InstructionsIssued
from enforcement.events import AdvanceNoticeServed, PenaltyDecided
from enforcement.models import PenaltyCase
from enterprises.events import EnterpriseClosed, RelocationOrdered
from enterprises.models import ClosureRecord, Enterprise, RelocationProject
from govern.background import in_background
from govern.events import Event, subscribe
from govern.models import User
from inspections.events import VisitSubmitted
from inspections.models import SiteVisit

from . import tasks
from .events import NoticeBatchIssued, NoticeIssued
from .models import NoticeKind
from .services import instruction_notices_issue, notice_issue


def _actor(event: Event) -> User:
    assert event.by_id is not None, "a notice is issued by a person"
    return User.objects.get(pk=event.by_id)


@subscribe(VisitSubmitted, in_transaction=True)
def issue_visit_notices(event: VisitSubmitted) -> None:
    visit = SiteVisit.objects.select_related("enterprise").get(pk=event.visit_id)
    by = _actor(event)
    notice_issue(kind=NoticeKind.INSPECTION_RECORD, enterprise=visit.enterprise, visit=visit, by=by)
    if event.order_ids:
        notice_issue(kind=NoticeKind.RECTIFICATION, enterprise=visit.enterprise, visit=visit, by=by)


@subscribe(RelocationOrdered, in_transaction=True)
def issue_relocation_notice(event: RelocationOrdered) -> None:
    notice_issue(
        kind=NoticeKind.RELOCATION,
        enterprise=Enterprise.objects.get(pk=event.enterprise_id),
        relocation=RelocationProject.objects.get(pk=event.project_id),
        by=_actor(event),
    )


@subscribe(EnterpriseClosed, in_transaction=True)
def issue_closure_notice(event: EnterpriseClosed) -> None:
    notice_issue(
        kind=NoticeKind.CLOSURE,
        enterprise=Enterprise.objects.get(pk=event.enterprise_id),
        closure=ClosureRecord.objects.get(pk=event.closure_id),
        by=_actor(event),
    )


@subscribe(InstructionsIssued, in_transaction=True)
def issue_instruction_notices(event: InstructionsIssued) -> None:
    instruction_notices_issue(
        warning_id=event.warning_id, instruction_ids=event.instruction_ids, by=_actor(event)
    )


def _case_notice(case_id: int, kind: str, event: Event) -> None:
    case = PenaltyCase.objects.select_related("enterprise").get(pk=case_id)
    notice_issue(kind=kind, enterprise=case.enterprise, case=case, by=_actor(event))


@subscribe(AdvanceNoticeServed, in_transaction=True)
def issue_advance_notice(event: AdvanceNoticeServed) -> None:
    _case_notice(event.case_id, NoticeKind.PENALTY_ADVANCE, event)


@subscribe(PenaltyDecided, in_transaction=True)
def issue_decision_notice(event: PenaltyDecided) -> None:
    _case_notice(event.case_id, NoticeKind.PENALTY_DECISION, event)


@subscribe(NoticeIssued)
def render_issued_notice(event: NoticeIssued) -> None:
    if event.batch_id is None:  # a batch renders its notices together
        tasks.render_notice.delay(event.notice_id)


@subscribe(NoticeBatchIssued)
def render_issued_batch(event: NoticeBatchIssued) -> None:
    in_background(tasks.render_batch, event.batch_id)

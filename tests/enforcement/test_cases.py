"""Penalty cases: filing, the order of stages, the legal clocks on working days, hearings, recusal,
payment and enforcement, daily penalties, sealing and the two notices."""

import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest

from deadlines.selectors import deadline_items
from deadlines.services import escalate_overdue
from enforcement import rules, services
from enforcement.models import CaseStep, Stage
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from govern.models import Notification
from inspections import services as inspection_services
from inspections.models import Conflict, RectificationOrder
from notices.models import Notice, NoticeKind
from tests import factories

from .conftest import at, open_case, serious_visit, to_notice

pytestmark = pytest.mark.django_db

MONDAY_BEFORE_NATIONAL_DAY = date(2026, 9, 28)
# Served Mon 28 Sep 2026: 5 working days are 29 Sep, 30 Sep, 8 Oct, 9 Oct and Sat 10 Oct (a make-up
# working day); 1–7 October are the National Day holiday.
STATEMENT_DUE = date(2026, 10, 10)


def pdf_text(notice: Notice) -> str:
    notice.refresh_from_db()
    assert notice.status == Notice.Status.READY, notice.render_error
    out = subprocess.run(
        ["pdftotext", notice.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return "".join(out.split())


def test_a_case_is_filed_from_a_serious_visit_with_two_certified_officers(
    enterprise, officers, manager
):
    first, second, _third = officers
    case = open_case(enterprise, first, second)
    assert case.stage == Stage.INVESTIGATION
    assert case.number.startswith("泉环罚立〔") and case.number.endswith("1号")
    assert case.decision_due == case.opened_on + timedelta(days=90)  # 第六十条, calendar days
    assert case.due_on == case.decision_due
    assert case.officers.count() == 2
    assert CaseStep.objects.filter(case=case).count() == 1
    # One live case per visit.
    with pytest.raises(TransitionConflict):
        services.case_open(
            enterprise=enterprise,
            visit=case.visit,
            facts="x",
            legal_basis="y",
            officers=[first, second],
            by=first,
        )


def test_filing_is_refused_without_two_officers_or_with_one_in_conflict(
    enterprise, officers, manager
):
    first, second, third = officers
    visit = serious_visit(enterprise, first, second)
    kwargs = {
        "enterprise": enterprise,
        "visit": visit,
        "facts": "直排",
        "legal_basis": "第四十五条",
        "by": first,
    }
    with pytest.raises(InvalidInput) as one:
        services.case_open(officers=[first], **kwargs)
    assert (
        one.value.field == "officers"
        and "two" in str(one.value.message).lower()
        or "两" in str(one.value.message)
    )
    inspection_services.conflict_declare(
        officer=third.officer, enterprise=enterprise, reason="其兄为该企业股东", by=manager
    )
    with pytest.raises(InvalidInput) as conflicted:
        services.case_open(officers=[first, third], **kwargs)
    assert "其兄为该企业股东" in str(conflicted.value.message)
    uncertified = factories.inspector_user()
    with pytest.raises(InvalidInput) as no_certificate:
        services.case_open(officers=[first, uncertified], **kwargs)
    assert uncertified.display_name in str(no_certificate.value.message)


def test_only_a_serious_visit_or_an_overdue_order_opens_a_case(enterprise, officers):
    first, second, _ = officers
    order = factories.open_order(enterprise, first)
    with pytest.raises(InvalidInput) as not_overdue:
        services.case_open(
            enterprise=enterprise,
            order=order,
            facts="逾期未整改",
            legal_basis="第一百零八条",
            officers=[first, second],
            by=first,
        )
    assert not_overdue.value.field == "order"
    RectificationOrder.objects.filter(pk=order.pk).update(status=RectificationOrder.Status.OVERDUE)
    order.refresh_from_db()
    case = services.case_open(
        enterprise=enterprise,
        order=order,
        facts="逾期未整改",
        legal_basis="第一百零八条",
        officers=[first, second],
        by=first,
    )
    assert case.source == case.Source.ORDER


def test_stages_out_of_order_are_refused_with_the_rule(enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second)
    with pytest.raises(TransitionConflict) as no_notice:
        services.case_decide(case=case, fine="1000", decided_on=case.opened_on, by=manager)
    assert "advance notice" in str(no_notice.value.message) or "告知" in str(
        no_notice.value.message
    )
    with pytest.raises(TransitionConflict) as skipped_review:
        services.case_serve_advance_notice(
            case=case, served_on=case.opened_on, hearing_right=False, by=manager
        )
    assert "→" in str(skipped_review.value.message)
    with pytest.raises(TransitionConflict):
        services.case_serve_decision(
            case=case, served_on=case.opened_on, method="直接送达", by=first
        )


def test_a_penalty_below_zero_is_refused(enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second)
    with pytest.raises(InvalidInput) as negative:
        services.case_submit_review(
            case=case, proposed_fine="-5", penalty_basis="第一百零八条", by=first
        )
    assert negative.value.field == "proposed_fine"
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATION


def test_the_statement_window_counts_working_days_across_the_national_day_holiday(
    enterprise, officers, manager, django_capture_on_commit_callbacks
):
    first, second, _ = officers
    case = open_case(enterprise, first, second, day=date(2026, 9, 21))
    with django_capture_on_commit_callbacks(execute=True):
        case = to_notice(case, manager, served_on=MONDAY_BEFORE_NATIONAL_DAY)
    assert case.statement_due == STATEMENT_DUE
    assert rules.statement_due(MONDAY_BEFORE_NATIONAL_DAY) == STATEMENT_DUE
    # The advance notice is a numbered PDF with the rights and the window.
    notice = Notice.objects.get(case=case, kind=NoticeKind.PENALTY_ADVANCE)
    text = pdf_text(notice)
    assert "行政处罚事先告知书" in text and "陈述和申辩" in text and "2026年10月10日" in text
    assert "100,000.00" in text and notice.number.startswith("泉环罚告〔2026〕")
    # A decision on the last day of the window is refused; the next day it is allowed.
    with at(STATEMENT_DUE), pytest.raises(InvalidInput) as early:
        services.case_decide(case=case, fine="80000", decided_on=STATEMENT_DUE, by=manager)
    assert early.value.field == "decided_on" and "2026-10-10" in str(early.value.message)
    with at(date(2026, 10, 12)), django_capture_on_commit_callbacks(execute=True):
        case = services.case_decide(
            case=case, fine="80000", decided_on=date(2026, 10, 12), by=manager
        )
    assert case.stage == Stage.DECIDED
    # Service within 7 working days of the decision (第六十一条).
    assert case.service_due == date(2026, 10, 21)
    decision = Notice.objects.get(case=case, kind=NoticeKind.PENALTY_DECISION)
    text = pdf_text(decision)
    assert "行政处罚决定书" in text and "80,000.00" in text and "十五日内" in text


def test_a_fine_above_the_notified_amount_needs_a_new_notice(enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second, day=date(2026, 9, 21))
    case = to_notice(case, manager, served_on=MONDAY_BEFORE_NATIONAL_DAY, fine="50000")
    with at(date(2026, 10, 12)), pytest.raises(InvalidInput) as higher:
        services.case_decide(case=case, fine="60000", decided_on=date(2026, 10, 12), by=manager)
    assert higher.value.field == "fine"


def test_no_decision_while_a_requested_hearing_is_pending(enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second, day=date(2026, 9, 21))
    case = to_notice(case, manager, served_on=MONDAY_BEFORE_NATIONAL_DAY, hearing_right=True)
    with at(date(2026, 10, 9)):
        case = services.case_request_hearing(case=case, requested_on=date(2026, 10, 9), by=first)
    assert case.stage == Stage.HEARING
    with at(date(2026, 10, 20)), pytest.raises(TransitionConflict) as pending:
        services.case_decide(case=case, fine="80000", decided_on=date(2026, 10, 20), by=manager)
    assert "hearing" in str(pending.value.message).lower() or "听证" in str(pending.value.message)
    # Told on Mon 12 Oct, the hearing can be on Wed 21 Oct at the earliest (7 working days).
    with at(date(2026, 10, 12)), pytest.raises(InvalidInput) as too_soon:
        services.case_schedule_hearing(
            case=case, hearing_on=date(2026, 10, 20), notified_on=date(2026, 10, 12), by=manager
        )
    assert too_soon.value.field == "hearing_on" and "2026-10-21" in str(too_soon.value.message)
    with at(date(2026, 10, 12)):
        case = services.case_schedule_hearing(
            case=case, hearing_on=date(2026, 10, 21), notified_on=date(2026, 10, 12), by=manager
        )
    with at(date(2026, 10, 21)):
        case = services.case_record_hearing(
            case=case, held_on=date(2026, 10, 21), record="当事人称设施故障，已修复。", by=first
        )
    with at(date(2026, 10, 22)):
        case = services.case_decide(
            case=case, fine="60000", decided_on=date(2026, 10, 22), by=manager
        )
    assert case.stage == Stage.DECIDED and case.fine == Decimal("60000.00")


def test_a_hearing_requested_after_five_working_days_is_refused(enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second, day=date(2026, 9, 21))
    case = to_notice(case, manager, served_on=MONDAY_BEFORE_NATIONAL_DAY, hearing_right=True)
    with at(date(2026, 10, 12)), pytest.raises(InvalidInput) as late:
        services.case_request_hearing(case=case, requested_on=date(2026, 10, 12), by=first)
    assert "第六十四条" in str(late.value.message) and late.value.field == "requested_on"


def test_a_recused_officer_leaves_too_few_and_the_case_waits_for_another(
    enterprise, officers, manager
):
    first, second, third = officers
    case = open_case(enterprise, first, second)
    case = services.case_recuse(case=case, user=second, reason="与法定代表人系同学", by=second)
    assert Conflict.objects.filter(officer=second.officer, enterprise=enterprise).exists()
    with pytest.raises(TransitionConflict) as waiting:
        services.case_submit_review(
            case=case, proposed_fine="1000", penalty_basis="第一百零八条", by=first
        )
    assert "two" in str(waiting.value.message).lower() or "两名" in str(waiting.value.message)
    # The recused officer cannot come back, and does not act on the case any more.
    with pytest.raises(InvalidInput):
        services.case_add_officer(case=case, user=second, by=manager)
    with pytest.raises(PermissionDenied):
        services.case_record_statement(case=case, text="x", received_on=case.opened_on, by=second)
    services.case_add_officer(case=case, user=third, by=manager)
    case = services.case_submit_review(
        case=case, proposed_fine="1000", penalty_basis="第一百零八条", by=first
    )
    assert case.stage == Stage.REVIEW


def test_payment_late_fee_and_the_enforcement_window(enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second, day=date(2026, 9, 21))
    case = to_notice(case, manager, served_on=MONDAY_BEFORE_NATIONAL_DAY, fine="10000")
    with at(date(2026, 10, 12)):
        case = services.case_decide(
            case=case, fine="10000", decided_on=date(2026, 10, 12), by=manager
        )
        case = services.case_serve_decision(
            case=case, served_on=date(2026, 10, 12), method="直接送达", by=first
        )
    assert case.payment_due == date(2026, 10, 27)  # 15 calendar days (第六十七条)
    assert case.due_on == date(2026, 10, 27)
    # Three days late: 3 % a day; capped at the fine itself.
    assert case.late_fee(date(2026, 10, 30)) == Decimal("900.00")
    assert case.late_fee(date(2027, 3, 1)) == Decimal("10000.00")
    with at(date(2026, 10, 30)), pytest.raises(InvalidInput) as short:
        services.case_record_payment(
            case=case, paid_on=date(2026, 10, 30), amount="10000", by=first
        )
    assert "10900" in str(short.value.message)
    # The court may be asked only after the 6 months to sue have run out.
    with at(date(2026, 11, 20)), pytest.raises(InvalidInput) as early:
        services.case_apply_enforcement(case=case, applied_on=date(2026, 11, 20), by=manager)
    assert "第五十三条" in str(early.value.message)
    with at(date(2027, 4, 20)):
        case = services.case_apply_enforcement(case=case, applied_on=date(2027, 4, 20), by=manager)
        case = services.case_close(case=case, by=manager)
    assert case.stage == Stage.CLOSED and case.execution == case.Execution.COURT


def test_continuous_daily_penalty_counts_days_cumulatively(enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second, day=date(2026, 9, 21))
    case = to_notice(case, manager, served_on=MONDAY_BEFORE_NATIONAL_DAY, fine="20000")
    with at(date(2026, 10, 12)):
        with pytest.raises(TransitionConflict):  # not before the decision is served
            services.daily_penalty_start(
                case=case, correction_served_on=date(2026, 10, 12), by=manager
            )
        case = services.case_decide(
            case=case, fine="20000", decided_on=date(2026, 10, 12), by=manager
        )
        case = services.case_serve_decision(
            case=case, served_on=date(2026, 10, 12), method="直接送达", by=first
        )
        penalty = services.daily_penalty_start(
            case=case, correction_served_on=date(2026, 10, 12), by=manager
        )
    assert penalty.reinspect_by == date(2026, 11, 11)
    with at(date(2026, 11, 2)):
        penalty = services.reinspection_record(
            penalty=penalty,
            checked_on=date(2026, 11, 2),
            still_violating=True,
            note="仍直排",
            by=first,
        )
    # From 13 Oct to 2 Nov: 21 days × 20,000 yuan (第十七条、第十九条).
    assert penalty.days == 21 and penalty.amount == Decimal("420000.00")
    with at(date(2026, 11, 20)):
        penalty = services.reinspection_record(
            penalty=penalty, checked_on=date(2026, 11, 20), still_violating=True, by=first
        )
    assert penalty.days == 39  # cumulative, not restarted
    with at(date(2026, 11, 25)):
        penalty = services.reinspection_record(
            penalty=penalty, checked_on=date(2026, 11, 25), still_violating=False, by=first
        )
        assert penalty.corrected_on == date(2026, 11, 25) and penalty.days == 39
        with pytest.raises(TransitionConflict):
            services.reinspection_record(
                penalty=penalty, checked_on=date(2026, 11, 25), still_violating=True, by=first
            )


def test_sealing_lasts_thirty_days_and_is_extended_once(enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second, day=date(2026, 9, 21))
    with at(date(2026, 9, 22)):
        seizure = services.seizure_record(
            case=case,
            kind="seal",
            items="1号喷涂线及其废气治理设施",
            started_on=date(2026, 9, 22),
            by=manager,
        )
    assert seizure.ends_on == date(2026, 10, 22)  # 30 days (《行政强制法》第二十五条)
    with at(date(2026, 10, 20)):
        with pytest.raises(InvalidInput):
            services.seizure_extend(seizure=seizure, days=31, reason="检测未完成", by=manager)
        seizure = services.seizure_extend(seizure=seizure, days=30, reason="检测未完成", by=manager)
        assert seizure.ends_on == date(2026, 11, 21)
        with pytest.raises(TransitionConflict) as twice:
            services.seizure_extend(seizure=seizure, days=5, reason="再延", by=manager)
    assert "第二十五条" in str(twice.value.message)


def test_clocks_show_in_the_deadlines_list_and_escalate_when_missed(enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second, day=date(2026, 6, 1))
    items = [i for i in deadline_items(user=manager, kind="case")]
    assert [(i.pk, i.due) for i in items] == [(case.pk, date(2026, 8, 30))]
    escalate_overdue(today=date(2026, 8, 31))
    note = Notification.objects.get(recipient=manager, key__startswith="escalate:case:")
    assert case.number in note.body or enterprise.name in note.title

"""Writes for penalty cases: the only driver of a case's stage.

Every step checks its legal condition (the clocks are in ``rules`` with their sources) and refuses with
the rule's name; every step is recorded as a ``CaseStep``.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from enterprises.models import Enterprise
from govern import clock, roles
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict, require
from govern.events import publish
from govern.language import bureau_language
from inspections.models import Conflict, Officer, RectificationOrder, SiteVisit

from . import events, rules
from .models import (
    CaseOfficer,
    CaseStep,
    DailyPenalty,
    PenaltyCase,
    Reinspection,
    Seizure,
    Stage,
)

MIN_OFFICERS = 2  # 生态环境行政处罚办法: at least two officers holding enforcement certificates


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("Give an amount in yuan."), field=field) from None
    if not amount.is_finite():
        raise InvalidInput(_("Give an amount in yuan."), field=field)
    if amount < 0:
        raise InvalidInput(
            _("A penalty cannot be below zero (《行政处罚法》第九条: a fine is an amount to pay)."),
            field=field,
        )
    if amount >= Decimal("1e10"):
        raise InvalidInput(_("The amount is too large."), field=field)
    return amount.quantize(Decimal("0.01"))


def _not_future(day: date, field: str) -> None:
    if day > clock.today():
        raise InvalidInput(_("The date cannot be in the future."), field=field)


def _locked(case: PenaltyCase) -> PenaltyCase:
    return PenaltyCase.objects.select_for_update().get(pk=case.pk)


def _step(case: PenaltyCase, what: str, by, note: str = "") -> None:
    CaseStep.objects.create(case=case, stage=case.stage, what=what, note=note, by=by)


def _refresh_clock(case: PenaltyCase) -> None:
    """The bureau's next legal deadline, for the deadlines list and its escalations."""
    clocks = {c.key: c for c in case.clocks()}
    for key in ("service", "decision", "payment"):
        if key in clocks:
            case.due_on, case.due_what = clocks[key].due, clocks[key].label
            return
    case.due_on, case.due_what = None, ""


def _save(case: PenaltyCase, what: str, by, note: str = "") -> PenaltyCase:
    _refresh_clock(case)
    case.save()
    _step(case, what, by, note)
    return case


def _active_officers(case: PenaltyCase) -> list[CaseOfficer]:
    return list(case.officers.filter(recused_at__isnull=True).select_related("user"))


def _require_team(case: PenaltyCase) -> None:
    """A step is taken only while at least two certified officers without a conflict are on the case."""
    team = _active_officers(case)
    today = clock.today()
    certified = set(
        Officer.objects.filter(
            user__in=[o.user_id for o in team], active=True, certificate_valid_until__gte=today
        ).values_list("user_id", flat=True)
    )
    if len([o for o in team if o.user_id in certified]) < MIN_OFFICERS:
        raise TransitionConflict(
            _(
                "At least two officers holding valid enforcement certificates must act on a case "
                "(生态环境行政处罚办法); assign another officer first."
            )
        )


def _require_actor(case: PenaltyCase, by) -> None:
    if roles.is_manager(by):
        return
    if (
        not roles.is_staff_role(by)
        or not case.officers.filter(user=by, recused_at__isnull=True).exists()
    ):
        raise PermissionDenied(_("Only the case's officers or a manager may act on this case."))


def _officer_refusal(user, enterprise: Enterprise) -> str | None:
    officer = Officer.objects.filter(user=user).first()
    if officer is None or not officer.is_certified_on(clock.today()):
        return _(
            "%(name)s does not hold a valid enforcement certificate in the officer register."
        ) % {"name": user.display_name}
    conflict = Conflict.objects.filter(officer=officer, enterprise=enterprise).first()
    if conflict is not None:
        return _(
            "%(name)s declared a conflict of interest with %(enterprise)s (%(reason)s) and is "
            "recused."
        ) % {"name": user.display_name, "enterprise": enterprise.name, "reason": conflict.reason}
    return None


def _assign(case: PenaltyCase, users: Iterable) -> None:
    for user in users:
        refusal = _officer_refusal(user, case.enterprise)
        if refusal:
            raise InvalidInput(refusal, field="officers")
        CaseOfficer.objects.create(case=case, user=user, certificate_no=user.officer.certificate_no)


def _number(year: int) -> tuple[int, str]:
    last = (
        PenaltyCase.objects.filter(year=year)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
    ).first() or 0
    sequence = last + 1
    return sequence, f"泉环罚立〔{year}〕{sequence}号"


def case_open(
    *,
    enterprise: Enterprise,
    facts: str,
    legal_basis: str,
    officers: Iterable,
    by,
    visit: SiteVisit | None = None,
    order: RectificationOrder | None = None,
    opened_on: date | None = None,
) -> PenaltyCase:
    """File a case (立案) from a visit referred for enforcement or an order ignored past its deadline."""
    require(roles.is_staff_role(by))
    if (visit is None) == (order is None):
        raise InvalidInput(
            _("A case is opened from one visit or one overdue order."), field="source"
        )
    if visit is not None:
        if visit.enterprise_id != enterprise.pk or not visit.is_submitted:
            raise InvalidInput(_("Choose a submitted visit of this enterprise."), field="visit")
        if visit.conclusion != SiteVisit.Conclusion.SERIOUS:
            raise InvalidInput(
                _(
                    "Only a visit that concluded with serious violations is referred for enforcement."
                ),
                field="visit",
            )
    if order is not None:
        if order.enterprise_id != enterprise.pk:
            raise InvalidInput(_("The order is for another enterprise."), field="order")
        if order.status != RectificationOrder.Status.OVERDUE:
            raise InvalidInput(
                _("Only an order ignored past its deadline (overdue) opens a case."), field="order"
            )
    if not (facts or "").strip():
        raise InvalidInput(_("Describe the facts of the violation."), field="facts")
    if not (legal_basis or "").strip():
        raise InvalidInput(_("Name the provisions violated."), field="legal_basis")
    team = list({u.pk: u for u in officers}.values())
    if len(team) < MIN_OFFICERS:
        raise InvalidInput(
            _(
                "At least two officers holding valid enforcement certificates must act on a case "
                "(生态环境行政处罚办法)."
            ),
            field="officers",
        )
    opened_on = opened_on or clock.today()
    _not_future(opened_on, "opened_on")
    with transaction.atomic():
        Enterprise.objects.select_for_update().get(pk=enterprise.pk)  # numbers taken one at a time
        sequence, number = _number(opened_on.year)
        case = PenaltyCase(
            year=opened_on.year,
            sequence=sequence,
            number=number,
            enterprise=enterprise,
            source=PenaltyCase.Source.VISIT if visit else PenaltyCase.Source.ORDER,
            visit=visit,
            order=order,
            facts=facts.strip(),
            legal_basis=legal_basis.strip()[:300],
            opened_on=opened_on,
            created_by=by,
        )
        _refresh_clock(case)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as error:
            raise TransitionConflict(
                _("A case is already open for this visit or order.")
            ) from error
        _assign(case, team)
        with bureau_language():
            _step(case, _("Case filed"), by, number)
        publish(events.CaseOpened(case_id=case.pk, enterprise_id=enterprise.pk, by_id=by.pk))
    return case


def case_add_officer(*, case: PenaltyCase, user, by) -> PenaltyCase:
    require(roles.is_manager(by))
    with transaction.atomic():
        locked = _locked(case)
        if not locked.is_open:
            raise TransitionConflict(_("The case is no longer open."))
        if locked.officers.filter(user=user).exists():
            raise InvalidInput(_("This officer is already on the case."), field="user")
        _assign(locked, [user])
        with bureau_language():
            _step(locked, _("Officer assigned"), by, user.display_name)
    return locked


def case_recuse(*, case: PenaltyCase, user, reason: str, by) -> PenaltyCase:
    """回避: an officer leaves the case (their own declaration, or a manager's decision)."""
    require(roles.is_manager(by) or user.pk == by.pk)
    if not (reason or "").strip():
        raise InvalidInput(_("Say why the officer is recused."), field="reason")
    with transaction.atomic():
        locked = _locked(case)
        row = locked.officers.filter(user=user, recused_at__isnull=True).first()
        if row is None:
            raise InvalidInput(_("This officer is not acting on the case."), field="user")
        row.recused_at = clock.now()
        row.recusal_reason = reason.strip()[:200]
        row.save(update_fields=["recused_at", "recusal_reason"])
        officer = Officer.objects.filter(user=user).first()
        if officer is not None:
            Conflict.objects.get_or_create(
                officer=officer,
                enterprise=locked.enterprise,
                defaults={"reason": row.recusal_reason},
            )
        with bureau_language():
            _step(locked, _("Officer recused"), by, f"{user.display_name}：{row.recusal_reason}")
    return locked


def _transition(locked: PenaltyCase, name: str) -> None:
    method = getattr(locked, name)
    if not can_proceed(method):
        raise TransitionConflict(
            _("Not possible at this stage (%(stage)s): the steps go %(order)s.")
            % {
                "stage": locked.get_stage_display(),
                "order": " → ".join(str(s.label) for s in Stage if s != Stage.DROPPED),
            }
        )
    method()


def case_extend(*, case: PenaltyCase, reason: str, by) -> PenaltyCase:
    """Extend the decision period once by 30 days with the head's approval."""
    require(roles.is_manager(by))
    if not (reason or "").strip():
        raise InvalidInput(_("Say why the case needs more time."), field="reason")
    with transaction.atomic():
        locked = _locked(case)
        if locked.decision_extended:
            raise TransitionConflict(
                _(
                    "The decision period was already extended once; a further delay needs the "
                    "collective decision of the bureau's heads."
                )
            )
        if locked.stage not in (Stage.INVESTIGATION, Stage.REVIEW, Stage.NOTIFIED, Stage.HEARING):
            raise TransitionConflict(_("The decision is already made."))
        locked.decision_extended = True
        locked.extension_reason = reason.strip()
        with bureau_language():
            return _save(locked, _("Decision period extended by 30 days"), by, reason.strip())


def case_submit_review(
    *, case: PenaltyCase, proposed_fine, penalty_basis: str, other_penalties: str = "", by
) -> PenaltyCase:
    """The investigation is done: the proposed penalty goes to legal review (法制审核)."""
    fine = _money(proposed_fine, "proposed_fine")
    if not (penalty_basis or "").strip():
        raise InvalidInput(_("Name the provision the penalty is based on."), field="penalty_basis")
    with transaction.atomic():
        locked = _locked(case)
        _require_actor(locked, by)
        _require_team(locked)
        _transition(locked, "to_review")
        locked.proposed_fine = fine
        locked.penalty_basis = penalty_basis.strip()[:300]
        locked.other_penalties = (other_penalties or "").strip()[:300]
        with bureau_language():
            return _save(locked, _("Investigation ended, sent for legal review"), by, f"{fine} 元")


def case_serve_advance_notice(
    *, case: PenaltyCase, served_on: date, hearing_right: bool, by
) -> PenaltyCase:
    """The advance notice (行政处罚事先告知书) is issued and served: the statement and hearing windows
    start on the day it is served."""
    require(roles.is_manager(by))
    _not_future(served_on, "served_on")
    with transaction.atomic():
        locked = _locked(case)
        _require_team(locked)
        if served_on < locked.opened_on:
            raise InvalidInput(
                _("The notice cannot be served before the case was filed."), field="served_on"
            )
        _transition(locked, "notify")
        locked.notice_served_on = served_on
        locked.hearing_right = hearing_right
        with bureau_language():
            _save(locked, _("Advance notice served"), by, served_on.isoformat())
        publish(
            events.AdvanceNoticeServed(
                case_id=locked.pk, enterprise_id=locked.enterprise_id, by_id=by.pk
            )
        )
    return locked


def case_record_statement(*, case: PenaltyCase, text: str, received_on: date, by) -> PenaltyCase:
    """The party's statement and defence (陈述、申辩), received within its window."""
    if not (text or "").strip():
        raise InvalidInput(_("Write down what the party stated."), field="text")
    _not_future(received_on, "received_on")
    with transaction.atomic():
        locked = _locked(case)
        _require_actor(locked, by)
        if locked.stage not in (Stage.NOTIFIED, Stage.HEARING):
            raise TransitionConflict(
                _("A statement is recorded after the advance notice is served.")
            )
        if received_on > locked.statement_due:
            raise InvalidInput(
                _("The statement window ended on %(day)s (5 working days after the notice).")
                % {"day": locked.statement_due.isoformat()},
                field="received_on",
            )
        locked.statement = text.strip()
        locked.statement_received_on = received_on
        with bureau_language():
            return _save(locked, _("Statement and defence recorded"), by, text.strip()[:200])


def case_request_hearing(*, case: PenaltyCase, requested_on: date, by) -> PenaltyCase:
    """The party asks for a hearing, within 5 working days of the notice (第六十四条（一）)."""
    _not_future(requested_on, "requested_on")
    with transaction.atomic():
        locked = _locked(case)
        _require_actor(locked, by)
        if locked.stage == Stage.NOTIFIED and not locked.hearing_right:
            raise TransitionConflict(
                _("The advance notice gave no right to a hearing for this penalty (第六十三条).")
            )
        _transition(locked, "request_hearing")
        if requested_on > locked.statement_due:
            raise InvalidInput(
                _(
                    "A hearing must be requested within 5 working days of the advance notice "
                    "(《行政处罚法》第六十四条、第八十五条): the window ended on %(day)s."
                )
                % {"day": locked.statement_due.isoformat()},
                field="requested_on",
            )
        locked.hearing_requested_on = requested_on
        with bureau_language():
            return _save(locked, _("Hearing requested"), by, requested_on.isoformat())


def case_schedule_hearing(
    *, case: PenaltyCase, hearing_on: date, notified_on: date, by
) -> PenaltyCase:
    """Fix the hearing, telling the parties at least 7 working days before (第六十四条（二）)."""
    require(roles.is_manager(by))
    _not_future(notified_on, "notified_on")
    with transaction.atomic():
        locked = _locked(case)
        if locked.stage != Stage.HEARING or locked.hearing_held_on:
            raise TransitionConflict(_("There is no requested hearing to schedule."))
        earliest = rules.earliest_hearing(notified_on)
        if hearing_on < earliest:
            raise InvalidInput(
                _(
                    "The parties must be told 7 working days before the hearing (《行政处罚法》"
                    "第六十四条（二）、第八十五条): told on %(told)s, the hearing can be on %(day)s "
                    "at the earliest."
                )
                % {"told": notified_on.isoformat(), "day": earliest.isoformat()},
                field="hearing_on",
            )
        locked.hearing_on = hearing_on
        locked.hearing_notified_on = notified_on
        with bureau_language():
            return _save(locked, _("Hearing scheduled"), by, hearing_on.isoformat())


def case_record_hearing(*, case: PenaltyCase, held_on: date, record: str, by) -> PenaltyCase:
    _not_future(held_on, "held_on")
    if not (record or "").strip():
        raise InvalidInput(_("Summarise the hearing record."), field="record")
    with transaction.atomic():
        locked = _locked(case)
        _require_actor(locked, by)
        if locked.stage != Stage.HEARING or not locked.hearing_on:
            raise TransitionConflict(_("Schedule the hearing before recording it."))
        if held_on < locked.hearing_on:
            raise InvalidInput(
                _("The hearing was scheduled for %(day)s.")
                % {"day": locked.hearing_on.isoformat()},
                field="held_on",
            )
        locked.hearing_held_on = held_on
        locked.hearing_record = record.strip()
        with bureau_language():
            return _save(locked, _("Hearing held"), by, record.strip()[:200])


def case_decide(
    *, case: PenaltyCase, fine, decided_on: date, other_penalties: str = "", by
) -> PenaltyCase:
    """The penalty decision: never before the statement window has passed, nor while a requested
    hearing is pending."""
    require(roles.is_manager(by))
    amount = _money(fine, "fine")
    _not_future(decided_on, "decided_on")
    with transaction.atomic():
        locked = _locked(case)
        _require_team(locked)
        if locked.stage in (Stage.INVESTIGATION, Stage.REVIEW):
            raise TransitionConflict(
                _(
                    "No decision without an advance notice: the party must first be told of the "
                    "intended penalty and of its rights (《行政处罚法》第四十四条、第六十二条)."
                )
            )
        if locked.stage == Stage.HEARING and not locked.hearing_held_on:
            raise TransitionConflict(
                _(
                    "A hearing was requested and has not been held: no decision before it "
                    "(《行政处罚法》第六十三条、第六十五条)."
                )
            )
        if locked.stage == Stage.NOTIFIED and decided_on <= locked.statement_due:
            raise InvalidInput(
                _(
                    "The party has until %(day)s to state its case or ask for a hearing "
                    "(5 working days, 《行政处罚法》第六十四条、第八十五条): decide after that day."
                )
                % {"day": locked.statement_due.isoformat()},
                field="decided_on",
            )
        if locked.proposed_fine is not None and amount > locked.proposed_fine:
            raise InvalidInput(
                _(
                    "The fine cannot exceed the %(amount)s yuan stated in the advance notice without a "
                    "new notice (the party was heard on that amount)."
                )
                % {"amount": locked.proposed_fine},
                field="fine",
            )
        _transition(locked, "decide")
        locked.fine = amount
        locked.decided_on = decided_on
        if other_penalties:
            locked.other_penalties = other_penalties.strip()[:300]
        with bureau_language():
            _save(locked, _("Penalty decided"), by, f"{amount} 元")
        publish(
            events.PenaltyDecided(
                case_id=locked.pk, enterprise_id=locked.enterprise_id, by_id=by.pk
            )
        )
    return locked


def case_serve_decision(*, case: PenaltyCase, served_on: date, method: str, by) -> PenaltyCase:
    """The decision was served (送达): the 15 days to pay start the next day."""
    _not_future(served_on, "served_on")
    if not (method or "").strip():
        raise InvalidInput(_("Say how the decision was served."), field="method")
    with transaction.atomic():
        locked = _locked(case)
        _require_actor(locked, by)
        _transition(locked, "serve")
        if locked.decided_on and served_on < locked.decided_on:
            raise InvalidInput(_("A decision is served after it is made."), field="served_on")
        locked.decision_served_on = served_on
        locked.service_method = method.strip()[:100]
        with bureau_language():
            return _save(
                locked, _("Decision served"), by, f"{served_on.isoformat()} {method.strip()}"
            )


def case_record_payment(*, case: PenaltyCase, paid_on: date, amount, by) -> PenaltyCase:
    """Payment received: the fine plus any late fee (3 % a day, 第七十二条)."""
    paid = _money(amount, "amount")
    _not_future(paid_on, "paid_on")
    with transaction.atomic():
        locked = _locked(case)
        _require_actor(locked, by)
        if locked.stage != Stage.SERVED:
            raise TransitionConflict(_("A payment is recorded after the decision is served."))
        owed = (locked.fine or Decimal("0")) + rules.late_fee(
            locked.fine or Decimal("0"), due=locked.payment_due, paid_or_today=paid_on
        )
        if paid < owed:
            raise InvalidInput(
                _("%(owed)s yuan is owed on %(day)s (the fine and the late fee of 3 %% a day).")
                % {"owed": owed, "day": paid_on.isoformat()},
                field="amount",
            )
        _transition(locked, "execute")
        locked.execution = PenaltyCase.Execution.PAID
        locked.paid_on = paid_on
        locked.amount_paid = paid
        with bureau_language():
            return _save(locked, _("Fine paid"), by, f"{paid} 元")


def case_apply_enforcement(*, case: PenaltyCase, applied_on: date, by) -> PenaltyCase:
    """Unpaid, and the time to seek review or to sue has passed: apply to the court (第五十三条)."""
    require(roles.is_manager(by))
    _not_future(applied_on, "applied_on")
    with transaction.atomic():
        locked = _locked(case)
        if locked.stage != Stage.SERVED:
            raise TransitionConflict(_("Enforcement is applied for after the decision is served."))
        opens, closes = locked.enforcement_window
        if not opens <= applied_on <= closes:
            raise InvalidInput(
                _(
                    "The court may be asked to enforce from %(opens)s to %(closes)s: after the "
                    "6 months to sue, within 3 months (《行政强制法》第五十三条)."
                )
                % {"opens": opens.isoformat(), "closes": closes.isoformat()},
                field="applied_on",
            )
        _transition(locked, "execute")
        locked.execution = PenaltyCase.Execution.COURT
        locked.enforcement_applied_on = applied_on
        with bureau_language():
            return _save(locked, _("Enforcement applied for at the court"), by)


def case_close(*, case: PenaltyCase, by) -> PenaltyCase:
    require(roles.is_manager(by))
    with transaction.atomic():
        locked = _locked(case)
        open_seizure = locked.seizures.filter(released_on__isnull=True).first()
        if open_seizure is not None:
            raise TransitionConflict(
                _("Release the %(measure)s first: a case is not closed while it lasts.")
                % {"measure": open_seizure.get_kind_display()}
            )
        _transition(locked, "close")
        locked.closed_on = clock.today()
        with bureau_language():
            return _save(locked, _("Case closed"), by)


def case_drop(*, case: PenaltyCase, reason: str, by) -> PenaltyCase:
    """No penalty (不予处罚) or the case withdrawn, before the advance notice."""
    require(roles.is_manager(by))
    if not (reason or "").strip():
        raise InvalidInput(_("Say why the case is dropped."), field="reason")
    with transaction.atomic():
        locked = _locked(case)
        _transition(locked, "drop")
        locked.drop_reason = reason.strip()
        locked.closed_on = clock.today()
        with bureau_language():
            return _save(locked, _("Case dropped"), by, reason.strip())


# Continuous daily penalties (按日连续处罚) and sealing or seizure (查封、扣押).


def daily_penalty_start(*, case: PenaltyCase, correction_served_on: date, by) -> DailyPenalty:
    """After a fine for an illegal discharge, an order to correct was served: re-inspect within 30 days."""
    require(roles.is_manager(by))
    _not_future(correction_served_on, "correction_served_on")
    with transaction.atomic():
        locked = _locked(case)
        if not locked.fine or locked.stage not in (Stage.SERVED, Stage.EXECUTED, Stage.CLOSED):
            raise TransitionConflict(
                _(
                    "Daily penalties follow a served decision with a fine (按日连续处罚办法第五条、"
                    "第七条)."
                )
            )
        if locked.decided_on and correction_served_on < locked.decided_on:
            raise InvalidInput(
                _("The order to correct comes with or after the decision."),
                field="correction_served_on",
            )
        penalty = DailyPenalty.objects.create(
            case=locked,
            correction_served_on=correction_served_on,
            daily_amount=locked.fine,
            created_by=by,
        )
        with bureau_language():
            _step(
                locked,
                _("Order to correct served: daily penalty running"),
                by,
                correction_served_on.isoformat(),
            )
    return penalty


def reinspection_record(
    *, penalty: DailyPenalty, checked_on: date, still_violating: bool, note: str = "", by
) -> DailyPenalty:
    """A re-inspection: a continuing discharge counts the days since service (cumulative, 第十七条)."""
    require(roles.is_staff_role(by))
    _not_future(checked_on, "checked_on")
    with transaction.atomic():
        locked = DailyPenalty.objects.select_for_update().get(pk=penalty.pk)
        if locked.corrected_on:
            raise TransitionConflict(
                _(
                    "The discharge was found corrected on %(day)s: a new violation needs a new decision "
                    "(第十八条)."
                )
                % {"day": locked.corrected_on.isoformat()}
            )
        if checked_on <= locked.correction_served_on:
            raise InvalidInput(
                _("A re-inspection comes after the order to correct was served."),
                field="checked_on",
            )
        last = locked.reinspections.order_by("-checked_on").first()
        if last is not None and checked_on <= last.checked_on:
            raise InvalidInput(
                _("The last re-inspection was on %(day)s.") % {"day": last.checked_on.isoformat()},
                field="checked_on",
            )
        Reinspection.objects.create(
            penalty=locked,
            checked_on=checked_on,
            still_violating=still_violating,
            note=(note or "").strip(),
            by=by,
        )
        if still_violating:
            locked.days = rules.daily_penalty_days(locked.correction_served_on, checked_on)
            locked.amount = locked.daily_amount * locked.days
        else:
            locked.corrected_on = checked_on
        locked.save(update_fields=["days", "amount", "corrected_on"])
        with bureau_language():
            _step(
                locked.case,
                _("Re-inspection: discharge continuing")
                if still_violating
                else _("Re-inspection: discharge corrected"),
                by,
                f"{checked_on.isoformat()} · {locked.days} 日 · {locked.amount} 元",
            )
    return locked


def seizure_record(*, case: PenaltyCase, kind: str, items: str, started_on: date, by) -> Seizure:
    require(roles.is_manager(by))
    _not_future(started_on, "started_on")
    if kind not in Seizure.Kind.values:
        raise InvalidInput(_("Choose sealing or seizure."), field="kind")
    if not (items or "").strip():
        raise InvalidInput(_("List the facilities or goods."), field="items")
    with transaction.atomic():
        locked = _locked(case)
        if not locked.is_open:
            raise TransitionConflict(_("The case is no longer open."))
        seizure = Seizure.objects.create(
            case=locked,
            kind=kind,
            items=items.strip(),
            started_on=started_on,
            ends_on=rules.seizure_end(started_on),
            created_by=by,
        )
        with bureau_language():
            _step(
                locked,
                str(seizure.get_kind_display()),
                by,
                f"{started_on.isoformat()} – {seizure.ends_on.isoformat()}",
            )
    return seizure


def seizure_extend(*, seizure: Seizure, days: int, reason: str, by) -> Seizure:
    """Once, by at most 30 days, before it ends (《行政强制法》第二十五条)."""
    require(roles.is_manager(by))
    if not (reason or "").strip():
        raise InvalidInput(_("Say why the measure is extended."), field="reason")
    if not 1 <= int(days) <= rules.SEIZURE_EXTENSION_DAYS:
        raise InvalidInput(
            _("An extension is at most 30 days (《行政强制法》第二十五条)."), field="days"
        )
    with transaction.atomic():
        locked = Seizure.objects.select_for_update().get(pk=seizure.pk)
        if locked.released_on:
            raise TransitionConflict(_("The measure was released."))
        if locked.extended_days:
            raise TransitionConflict(
                _(
                    "The measure was already extended once; the law allows one extension "
                    "(《行政强制法》第二十五条)."
                )
            )
        if clock.today() > locked.ends_on:
            raise TransitionConflict(
                _("The measure ended on %(day)s and must be released, not extended.")
                % {"day": locked.ends_on.isoformat()}
            )
        locked.extended_days = int(days)
        locked.extension_reason = reason.strip()
        locked.ends_on = rules.seizure_end(locked.started_on, extended_days=int(days))
        locked.save(update_fields=["extended_days", "extension_reason", "ends_on"])
        with bureau_language():
            _step(locked.case, _("Sealing or seizure extended"), by, f"{days} 日：{reason.strip()}")
    return locked


def seizure_release(*, seizure: Seizure, released_on: date, by) -> Seizure:
    require(roles.is_manager(by))
    _not_future(released_on, "released_on")
    with transaction.atomic():
        locked = Seizure.objects.select_for_update().get(pk=seizure.pk)
        if locked.released_on:
            raise TransitionConflict(_("The measure was already released."))
        if released_on < locked.started_on:
            raise InvalidInput(_("It cannot be released before it started."), field="released_on")
        locked.released_on = released_on
        locked.save(update_fields=["released_on"])
        with bureau_language():
            _step(locked.case, _("Sealing or seizure released"), by, released_on.isoformat())
    return locked

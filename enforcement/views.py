"""Case pages: the list with the referrals waiting for a case, filing a case, and one case with its
clocks, evidence, history and the form of each step (re-shown with the input on error)."""

from datetime import date

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from govern import clock, errors, roles
from govern.decorators import staff_required
from govern.params import int_param
from inspections.models import RectificationOrder, SiteVisit

from . import forms, selectors, services
from .models import STAGE_ORDER, DailyPenalty, Seizure, Stage


@staff_required
def case_list_view(request):
    stage = request.GET.get("stage") or None
    if stage not in Stage.values:
        stage = None
    cases = selectors.case_list(stage=stage, open_only=stage is None)
    visits, orders = selectors.referrals_without_case()
    return render(
        request,
        "enforcement/case_list.html",
        {
            "cases": cases[:200],
            "stage": stage,
            "stages": Stage.choices,
            "visits": visits[:50],
            "orders": orders[:50],
            "today": clock.today(),
        },
    )


@staff_required
def case_open_view(request):
    source = request.POST if request.method == "POST" else request.GET
    visit = order = None
    if int_param(source.get("visit")):
        visit = get_object_or_404(
            SiteVisit.objects.select_related("enterprise"), pk=int_param(source.get("visit"))
        )
    elif int_param(source.get("order")):
        order = get_object_or_404(
            RectificationOrder.objects.select_related("enterprise", "visit"),
            pk=int_param(source.get("order")),
        )
    else:
        messages.error(request, _("Open a case from a visit or an overdue order on this list."))
        return redirect("enforcement:cases")
    enterprise = visit.enterprise if visit else order.enterprise
    initial = {
        "opened_on": clock.today(),
        "facts": (visit.conclusion_text if visit else order.requirement),
        "legal_basis": "" if visit else order.legal_basis,
    }
    form = forms.OpenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                enterprise=enterprise,
                visit=visit,
                order=order,
                facts=form.cleaned_data["facts"],
                legal_basis=form.cleaned_data["legal_basis"],
                officers=form.cleaned_data["officers"],
                opened_on=form.cleaned_data["opened_on"],
                by=request.user,
            )
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(request, _("Case %(number)s filed.") % {"number": case.number})
            return redirect("enforcement:case", pk=case.pk)
    return render(
        request,
        "enforcement/case_open.html",
        {"form": form, "visit": visit, "order": order, "enterprise": enterprise},
    )


def _seizure(case, pk) -> Seizure:
    return get_object_or_404(Seizure, pk=pk, case=case)


def _penalty(case, pk) -> DailyPenalty:
    return get_object_or_404(DailyPenalty, pk=pk, case=case)


# Each step: its form, and the service call with the form's data.
ACTIONS = {
    "review": (
        forms.ReviewForm,
        lambda case, d, by: services.case_submit_review(case=case, by=by, **d),
        _("Sent for legal review."),
    ),
    "notice": (
        forms.AdvanceNoticeForm,
        lambda case, d, by: services.case_serve_advance_notice(case=case, by=by, **d),
        _("Advance notice issued and recorded as served."),
    ),
    "statement": (
        forms.StatementForm,
        lambda case, d, by: services.case_record_statement(case=case, by=by, **d),
        _("Statement recorded."),
    ),
    "hearing_request": (
        forms.HearingRequestForm,
        lambda case, d, by: services.case_request_hearing(case=case, by=by, **d),
        _("Hearing request recorded."),
    ),
    "hearing_schedule": (
        forms.HearingScheduleForm,
        lambda case, d, by: services.case_schedule_hearing(case=case, by=by, **d),
        _("Hearing scheduled."),
    ),
    "hearing_record": (
        forms.HearingRecordForm,
        lambda case, d, by: services.case_record_hearing(case=case, by=by, **d),
        _("Hearing recorded."),
    ),
    "decide": (
        forms.DecideForm,
        lambda case, d, by: services.case_decide(case=case, by=by, **d),
        _("Penalty decided; the decision notice is being issued."),
    ),
    "serve": (
        forms.ServeForm,
        lambda case, d, by: services.case_serve_decision(case=case, by=by, **d),
        _("Service recorded."),
    ),
    "payment": (
        forms.PaymentForm,
        lambda case, d, by: services.case_record_payment(case=case, by=by, **d),
        _("Payment recorded."),
    ),
    "enforcement": (
        forms.EnforcementForm,
        lambda case, d, by: services.case_apply_enforcement(case=case, by=by, **d),
        _("Enforcement application recorded."),
    ),
    "extend": (
        forms.ReasonForm,
        lambda case, d, by: services.case_extend(case=case, by=by, **d),
        _("Decision period extended by 30 days."),
    ),
    "drop": (
        forms.ReasonForm,
        lambda case, d, by: services.case_drop(case=case, by=by, **d),
        _("Case dropped."),
    ),
    "close": (
        None,
        lambda case, d, by: services.case_close(case=case, by=by),
        _("Case closed."),
    ),
    "officer_add": (
        forms.OfficerAddForm,
        lambda case, d, by: services.case_add_officer(case=case, by=by, **d),
        _("Officer assigned."),
    ),
    "recuse": (
        forms.RecuseForm,
        lambda case, d, by: services.case_recuse(case=case, by=by, **d),
        _("Recusal recorded."),
    ),
    "daily": (
        forms.DailyPenaltyForm,
        lambda case, d, by: services.daily_penalty_start(case=case, by=by, **d),
        _("Daily penalty started: re-inspect within 30 days."),
    ),
    "reinspect": (
        forms.ReinspectionForm,
        lambda case, d, by: services.reinspection_record(
            penalty=_penalty(case, d.pop("penalty")), by=by, **d
        ),
        _("Re-inspection recorded."),
    ),
    "seizure": (
        forms.SeizureForm,
        lambda case, d, by: services.seizure_record(case=case, by=by, **d),
        _("Sealing or seizure recorded."),
    ),
    "seizure_extend": (
        forms.SeizureExtendForm,
        lambda case, d, by: services.seizure_extend(
            seizure=_seizure(case, d.pop("seizure")), by=by, **d
        ),
        _("Extension recorded."),
    ),
    "seizure_release": (
        forms.SeizureReleaseForm,
        lambda case, d, by: services.seizure_release(
            seizure=_seizure(case, d.pop("seizure")), by=by, **d
        ),
        _("Release recorded."),
    ),
}


def _blank_forms(case, today: date) -> dict:
    """The forms of the steps open at the case's stage, with sensible dates filled in."""
    found: dict = {}
    stage = case.stage
    if stage == Stage.INVESTIGATION:
        found["review"] = forms.ReviewForm(initial={"penalty_basis": case.penalty_basis})
    if stage in (Stage.INVESTIGATION, Stage.REVIEW):
        found["drop"] = forms.ReasonForm(prefix="drop")
    if stage == Stage.REVIEW:
        found["notice"] = forms.AdvanceNoticeForm(initial={"served_on": today})
    if stage in (Stage.NOTIFIED, Stage.HEARING):
        found["statement"] = forms.StatementForm(initial={"received_on": today})
    if stage == Stage.NOTIFIED and case.hearing_right:
        found["hearing_request"] = forms.HearingRequestForm(initial={"requested_on": today})
    if stage == Stage.HEARING and not case.hearing_held_on:
        found["hearing_schedule"] = forms.HearingScheduleForm(initial={"notified_on": today})
        if case.hearing_on:
            found["hearing_record"] = forms.HearingRecordForm(initial={"held_on": case.hearing_on})
    if stage in (Stage.NOTIFIED, Stage.HEARING):
        found["decide"] = forms.DecideForm(
            initial={
                "fine": case.proposed_fine,
                "decided_on": today,
                "other_penalties": case.other_penalties,
            }
        )
    if (
        stage in (Stage.INVESTIGATION, Stage.REVIEW, Stage.NOTIFIED, Stage.HEARING)
        and not case.decision_extended
    ):
        found["extend"] = forms.ReasonForm(prefix="extend")
    if stage == Stage.DECIDED:
        found["serve"] = forms.ServeForm(initial={"served_on": today})
    if stage == Stage.SERVED:
        found["payment"] = forms.PaymentForm(
            initial={"paid_on": today, "amount": (case.fine or 0) + case.late_fee(today)}
        )
        found["enforcement"] = forms.EnforcementForm(initial={"applied_on": today})
    if case.is_open:
        found["officer_add"] = forms.OfficerAddForm()
        found["recuse"] = forms.RecuseForm(case=case)
        found["seizure"] = forms.SeizureForm(initial={"started_on": today})
    if case.fine and stage in (Stage.SERVED, Stage.EXECUTED, Stage.CLOSED):
        found["daily"] = forms.DailyPenaltyForm(
            initial={"correction_served_on": case.decision_served_on}
        )
    return found


def _stage_row(case) -> list[tuple[str, str]]:
    """The stages in order, marked done or current (a hearing only when one was requested)."""
    if case.stage == Stage.DROPPED:
        return [(str(Stage.INVESTIGATION.label), "done"), (str(Stage.DROPPED.label), "current")]
    current = STAGE_ORDER.index(case.stage)
    row = []
    for index, stage in enumerate(STAGE_ORDER):
        if stage == Stage.HEARING and not case.hearing_requested_on:
            continue
        state = "current" if index == current else "done" if index < current else ""
        row.append((str(stage.label), state))
    return row


def _bound(name: str, data, case):
    form_class = ACTIONS[name][0]
    prefix = name if name in ("drop", "extend") else None
    if form_class is forms.RecuseForm:
        return form_class(data, case=case)
    return form_class(data, prefix=prefix)


def _row_forms(bound, action: str, key: str, rows, form_class, initial: dict) -> dict:
    """One form per row (a seizure, a daily penalty): the refused one as typed, the others blank."""
    found = {}
    for row in rows:
        if bound and bound[0] == action and str(bound[1].data.get(key)) == str(row.pk):
            found[row.pk] = bound[1]
        else:
            found[row.pk] = form_class(initial={key: row.pk, **initial})
    return found


@staff_required
def case_view(request, pk: int):
    case = selectors.case_get(pk=pk)
    today = clock.today()
    bound = None
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ACTIONS:
        form_class, call, done = ACTIONS[action]
        form = _bound(action, request.POST, case) if form_class else None
        if form is None or form.is_valid():
            try:
                call(case, dict(form.cleaned_data) if form else {}, request.user)
            except errors.ApplicationError as error:
                if form is not None and error.field and error.field in form.fields:
                    errors.add_error_to_form(form, error)
                else:
                    messages.error(request, str(error.message))
                bound = (action, form)
            else:
                messages.success(request, done)
                return redirect("enforcement:case", pk=case.pk)
        else:
            bound = (action, form)
    elif action:
        messages.error(request, _("Unknown step."))
    step_forms = _blank_forms(case, today)
    if bound and bound[1] is not None:
        step_forms[bound[0]] = bound[1]
    # Forms of rows (a seizure, a daily penalty) carry the row's id.
    seizures = list(case.seizures.order_by("-started_on"))
    penalties = list(case.daily_penalties.prefetch_related("reinspections"))
    open_seizures = [s for s in seizures if not s.released_on]
    return render(
        request,
        "enforcement/case_detail.html",
        {
            "case": case,
            "today": today,
            "clocks": [(c, c.state(today)) for c in case.clocks()],
            "stages": _stage_row(case),
            "late_fee": case.late_fee(today),
            "officers": list(case.officers.select_related("user")),
            "steps": list(case.steps.select_related("by")),
            "evidence": selectors.case_evidence(case=case),
            "notices": list(case.notices.order_by("issued_at")),
            "forms": step_forms,
            "failed_action": bound[0] if bound else None,
            "seizures": seizures,
            "penalties": penalties,
            "seizure_extend_forms": _row_forms(
                bound, "seizure_extend", "seizure", open_seizures, forms.SeizureExtendForm, {}
            ),
            "seizure_release_forms": _row_forms(
                bound,
                "seizure_release",
                "seizure",
                open_seizures,
                forms.SeizureReleaseForm,
                {"released_on": today},
            ),
            "reinspect_forms": _row_forms(
                bound,
                "reinspect",
                "penalty",
                [p for p in penalties if not p.corrected_on],
                forms.ReinspectionForm,
                {"checked_on": today},
            ),
            "is_manager": roles.is_manager(request.user),
        },
    )

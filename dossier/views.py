"""The enterprise dossier (一企一档): staff's one page on an enterprise, composed from every domain app
(lifecycle, inspections, orders, evidence, notices), and its remediation plan page.

It lives above the domain apps so that none of them has to import another layer up to show its part.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcement import selectors as enforcement_selectors
from enterprises import selectors, services
from enterprises.forms import (
    CertifyForm,
    GradingForm,
    PermitForm,
    PlanForm,
    RelocationForm,
    StepForm,
    TaskForm,
)
from enterprises.models import ReductionBasis, RemediationPlan, TierPolicy, on_path
from enterprises.parks import suitable_parks
from evidence import selectors as evidence_selectors
from evidence.forms import DecisionForm
from govern import clock, errors, roles
from govern.decorators import staff_required
from inspections import selectors as inspection_selectors
from materials import selectors as material_selectors
from monitoring import selectors as monitoring_selectors
from notices import selectors as notice_selectors

HISTORY_SHOWN = 30


@login_required
def enterprise_detail_view(request, pk: int):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    allowed, blocked = selectors.transition_actions(enterprise=enterprise, user=request.user)
    # A long history is shown from its latest entries; the whole of it on request.
    everything = request.GET.get("history") == "all"
    timeline = selectors.enterprise_timeline(enterprise=enterprise)
    timeline_count = timeline.count()
    if not everything and timeline_count > HISTORY_SHOWN:
        timeline = timeline.order_by("-created_at", "-id")[:HISTORY_SHOWN][::-1]
    notices = notice_selectors.notice_list(user=request.user).filter(enterprise=enterprise)
    orders = inspection_selectors.order_list(user=request.user).filter(enterprise=enterprise)
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "timeline": timeline,
            "timeline_count": timeline_count,
            "history_shown": HISTORY_SHOWN,
            "everything": everything,
            "assessment": enterprise.assessments.select_related("assessed_by").first(),
            "tasks": enterprise.remediation_tasks(),
            "actions": [a for a in allowed if not a.get("override")],
            "override_actions": [a for a in allowed if a.get("override")],
            "blocked_actions": blocked,
            "visits": inspection_selectors.visit_list(user=request.user).filter(
                enterprise=enterprise
            )[:20],
            # Open orders always; closed ones and notices from the latest, whole on request.
            "orders": orders if everything else orders.exclude(status="accepted")[:HISTORY_SHOWN],
            "notices": notices if everything else notices[:HISTORY_SHOWN],
            "can_issue_grading_notice": roles.is_staff_role(request.user)
            and notice_selectors.grading_batch_candidates().filter(pk=enterprise.pk).exists(),
            "relocation": selectors.relocation_of(enterprise=enterprise),
            "permits": list(enterprise.permits.all()[:5]),
            "today": clock.today(),
            "cases": enforcement_selectors.cases_of(enterprise_id=enterprise.pk)
            if roles.is_staff_role(request.user)
            else [],
            "closure": selectors.closure_of(enterprise=enterprise),
            **monitoring_context(enterprise=enterprise, user=request.user),
        },
    )


def monitoring_context(*, enterprise, user) -> dict:
    return {
        **monitoring_selectors.enterprise_monitoring(enterprise=enterprise, user=user),
        "can_add_point": roles.is_manager(user),
    }


@staff_required
def remediation_plan_view(request, pk: int):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    plan = RemediationPlan.objects.filter(enterprise=enterprise).first()
    plan_form = PlanForm(initial={"summary": plan.summary if plan else ""})
    task_form = TaskForm()
    if request.method == "POST":
        try:
            if request.POST.get("form") == "plan":
                plan_form = PlanForm(request.POST)
                if plan_form.is_valid():
                    services.remediation_plan_save(
                        enterprise=enterprise,
                        summary=plan_form.cleaned_data["summary"],
                        by=request.user,
                    )
                    messages.success(request, _("Saved."))
                    return redirect("dossier:plan", pk=pk)
            else:
                task_form = TaskForm(request.POST)
                if task_form.is_valid():
                    services.remediation_task_add(
                        enterprise=enterprise, data=task_form.cleaned_data, by=request.user
                    )
                    messages.success(request, _("Task added."))
                    return redirect("dossier:plan", pk=pk)
        except errors.ApplicationError as error:
            errors.add_error_to_form(
                task_form if request.POST.get("form") != "plan" else plan_form, error
            )
    return render(
        request,
        "enterprises/plan.html",
        {
            "enterprise": enterprise,
            "plan": plan,
            "plan_form": plan_form,
            "task_form": task_form,
            "items": evidence_selectors.enterprise_work(enterprise=enterprise),
            "decision_form": DecisionForm(),
        },
    )


@staff_required
def enterprise_grade_view(request, pk: int):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    if not services.transition_allowed(enterprise=enterprise, name="grade", user=request.user):
        messages.error(request, _("This enterprise cannot be graded now."))
        return redirect("dossier:detail", pk=pk)
    suggestion = material_selectors.score_suggestion(enterprise_id=enterprise.pk)
    initial = {"expected_state": enterprise.state}
    if suggestion is not None:
        initial["score_materials"] = suggestion.score
    form = GradingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.enterprise_grade(
                enterprise=enterprise,
                scores=form.scores(),
                tier=form.cleaned_data["tier"] or None,
                override_reason=form.cleaned_data["override_reason"],
                reason=form.cleaned_data["reason"],
                expected_state=form.cleaned_data["expected_state"] or None,
                by=request.user,
            )
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Graded as tier %(tier)s (score %(score)d).")
                % {"tier": assessment.tier, "score": assessment.total_score},
            )
            return redirect("dossier:detail", pk=pk)
    return render(
        request,
        "enterprises/grade.html",
        {
            "form": form,
            "enterprise": enterprise,
            "policies": TierPolicy.objects.all(),
            "materials_suggestion": suggestion,
        },
    )


@staff_required
def enterprise_transition_view(request, pk: int, name: str):
    service = services.SIMPLE_TRANSITIONS.get(name)
    if service is None:
        raise Http404
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form_class = {"start_relocation": RelocationForm, "certify_compliant": CertifyForm}.get(
        name, StepForm
    )
    options = {"off_path": not on_path(enterprise, name)}
    if name == "start_relocation":
        options["parks"] = suitable_parks(enterprises=[enterprise])
    initial: dict = {"expected_state": enterprise.state}
    ledger = _ledger_reduction(enterprise) if name == "certify_compliant" else None
    if ledger is not None:
        initial.update(
            verified_voc_reduction_tpa=ledger.tpa,
            reduction_basis=ReductionBasis.MATERIAL_LEDGER,
            reduction_reference=ledger.reference,
        )
    form = form_class(request.POST or None, initial=initial, **options)
    label = getattr(enterprise, name)._django_fsm.get_transition(enterprise.state)
    if request.method == "POST" and form.is_valid():
        extra = {
            k: form.cleaned_data[k]
            for k in (
                "park",
                "override_reason",
                "verified_voc_reduction_tpa",
                "reduction_basis",
                "reduction_reference",
            )
            if k in form.cleaned_data
        }
        try:
            service(
                enterprise=enterprise,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_state=form.cleaned_data["expected_state"] or None,
                **extra,
            )
        except errors.PermissionDenied as error:
            raise PermissionDenied(str(error.message)) from error
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("dossier:detail", pk=pk)
    elif request.method != "POST" and not services.transition_allowed(
        enterprise=enterprise, name=name, user=request.user
    ):
        messages.error(request, _("This step is not available for this enterprise now."))
        return redirect("dossier:detail", pk=pk)
    title = label.custom.get("label", name) if label else name
    return render(
        request,
        "enterprises/transition.html",
        {
            "form": form,
            "enterprise": enterprise,
            "title": title,
            "name": name,
            "off_path": options["off_path"],
            "declared": services.declared_reduction(enterprise=enterprise)
            if name == "certify_compliant"
            else None,
            "ledger": ledger,
        },
    )


def _ledger_reduction(enterprise):
    """The reduction the material ledger shows since remediation started, if it has both periods."""
    started = selectors.remediation_started_on(enterprise=enterprise)
    if started is None:
        return None
    return material_selectors.ledger_reduction(enterprise_id=enterprise.pk, since=started)


@staff_required
def permit_add_view(request, pk: int):
    """Record the enterprise's discharge permit (or its renewal)."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    current = enterprise.permits.filter(renewed_by__isnull=True).first()
    form = PermitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.permit_record(enterprise=enterprise, data=form.cleaned_data, by=request.user)
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(request, _("Permit recorded."))
            return redirect(f"{reverse('dossier:detail', args=[enterprise.pk])}#permits")
    return render(
        request,
        "enterprises/permit_form.html",
        {"form": form, "enterprise": enterprise, "current": current},
    )

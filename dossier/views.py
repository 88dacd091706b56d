"""The enterprise dossier (一企一档): staff's one page on an enterprise, composed from every domain app
(lifecycle, inspections, orders, evidence, notices), and its remediation plan page.

It lives above the domain apps so that none of them has to import another layer up to show its part.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from enterprises import selectors, services
from enterprises.forms import PlanForm, TaskForm
from enterprises.models import RemediationPlan
from evidence import selectors as evidence_selectors
from evidence.forms import DecisionForm
from govern import errors, roles
from govern.decorators import staff_required
from inspections import selectors as inspection_selectors
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

"""Registry pages: each view parses input, calls one selector or service, and renders."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govern import clock, errors, roles
from govern.decorators import manager_required, staff_required
from govern.exports import Sheet, xlsx_response
from govern.files import stored_file_response
from govern.params import int_param
from govern.views import form_action

from . import mapping, selectors, services
from .exporting import enterprises_sheet
from .filters import EnterpriseFilter
from .forms import (
    ClosureCheckForm,
    ClusterForm,
    ConsolidateForm,
    EnterpriseForm,
    ImportForm,
    MilestoneDoneForm,
    MilestonePlanForm,
    TaskForm,
    TierPolicyForm,
)
from .importing import (
    COLUMNS,
    enterprise_import,
    error_report_headers,
    error_report_rows,
    template_sheets,
)
from .models import (
    ClosureCheck,
    ClosureEvidence,
    District,
    ImportJob,
    RelocationEvidence,
    RelocationMilestone,
    RemediationTask,
    ScatteredCluster,
    State,
    Tier,
    TierPolicy,
    TierPolicyVersion,
    on_path,
)
from .parks import suitable_parks


def _filtered(request) -> EnterpriseFilter:
    return EnterpriseFilter(
        request.GET or None, queryset=selectors.enterprise_list(user=request.user)
    )


TIER_COLOURS = {"A": "#16a34a", "B": "#2563eb", "C": "#d97706", "D": "#dc2626", "": "#6b7280"}
STATE_COLOURS = {
    State.REGISTERED: "#94a3b8",
    State.GRADED: "#2563eb",
    State.REMEDIATING: "#d97706",
    State.COMPLIANT: "#16a34a",
    State.RELOCATING: "#9333ea",
    State.RELOCATED: "#0d9488",
    State.CLOSED: "#111827",
}


@staff_required
def enterprise_map_view(request):
    """Enterprises on the city map, coloured by tier or by state, with the districts, the built-up
    areas and the parks; the list's filters apply. Every point links to its enterprise."""
    filterset = _filtered(request)
    by_state = request.GET.get("colour") == "state"
    rows = list(
        filterset.qs.order_by().values_list(
            "pk", "name", "latitude", "longitude", "tier", "state", "district__name"
        )
    )
    project = mapping.projection()
    tiers = dict(Tier.choices)
    states = dict(State.choices)
    points, unplaced = [], 0
    for pk, name, lat, lng, tier, state, district in rows:
        if lat is None or lng is None:
            unplaced += 1
            continue
        x, y = project.xy(float(lng), float(lat))
        points.append(
            {
                "pk": pk,
                "x": x,
                "y": y,
                "colour": STATE_COLOURS.get(state, "#6b7280")
                if by_state
                else TIER_COLOURS.get(tier or "", "#6b7280"),
                "label": f"{name} · {district} · {tiers.get(tier, _('ungraded'))} · {states.get(state, state)}",
            }
        )
    legend = (
        [(states[s], c) for s, c in STATE_COLOURS.items()]
        if by_state
        else [(tiers.get(t, _("ungraded")), c) for t, c in TIER_COLOURS.items()]
    )
    query = request.GET.copy()
    query.pop("colour", None)
    base = selectors.map_base()
    # A district chosen in the filter fills the map: the view box is its area, points keep their size.
    district = filterset.form.cleaned_data.get("district") if filterset.form.is_valid() else None
    cell = mapping.district_cells().get(district.code) if district else None
    if cell:
        xs, ys = [q[0] for q in cell], [q[1] for q in cell]
        pad = 20
        view = (
            min(xs) - pad,
            min(ys) - pad,
            max(xs) - min(xs) + 2 * pad,
            max(ys) - min(ys) + 2 * pad,
        )
    else:
        view = (0, 0, base["width"], base["height"])
    zoom = max(view[2] / base["width"], view[3] / base["height"])
    return render(
        request,
        "enterprises/map.html",
        {
            "filter": filterset,
            "base": base,
            "view": " ".join(f"{v:.1f}" for v in view),
            "radius": f"{view[2] / 110:.2f}",  # the same size on screen at any zoom
            "zoom": zoom,
            "points": points,
            "unplaced": unplaced,
            "legend": legend,
            "by_state": by_state,
            "query": query.urlencode(),
        },
    )


@login_required
def enterprise_list_view(request):
    filterset = _filtered(request)
    page = Paginator(filterset.qs, settings.GOVERN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enterprises/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@login_required
def enterprise_export_view(request):
    """The filtered list as .xlsx, written row by row to a temporary file and streamed."""
    return xlsx_response("enterprises", [enterprises_sheet(_filtered(request).qs)])


@staff_required
def enterprise_create_view(request):
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_register(
                data=form.registry_data(),
                uscc=form.cleaned_data["uscc"],
                uscc_override_reason=form.cleaned_data.get("uscc_override_reason", ""),
                by=request.user,
            )
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(request, _("Registered %(name)s.") % {"name": enterprise.name})
            return redirect("dossier:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "title": _("Register an enterprise"), "base": selectors.map_base()},
    )


@staff_required
def enterprise_edit_view(request, pk: int):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                enterprise=enterprise, data=form.registry_data(), by=request.user
            )
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("dossier:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": enterprise.name},
            "enterprise": enterprise,
            "base": selectors.map_base(),
        },
    )


@manager_required
def enterprise_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = enterprise_import(
                upload=form.cleaned_data["file"],
                by=request.user,
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            if isinstance(report, ImportJob):
                return redirect("enterprises:import-job", pk=report.pk)
            # The rows with errors, kept for this user's download of the error report.
            request.session["enterprise_import_errors"] = error_report_rows(report)
            if report.committed:
                messages.success(
                    request, _("Imported %(count)d enterprises.") % {"count": report.imported}
                )
            else:
                messages.error(
                    request, _("Nothing was imported: fix the rows below or choose to skip them.")
                )
    return render(request, "enterprises/import.html", {"form": form, "report": report})


@manager_required
def import_job_view(request, pk: int):
    """A background import: progress while it runs, then the rows with errors (also as .xlsx)."""
    job = get_object_or_404(ImportJob, pk=pk)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "import-errors",
            [
                Sheet(
                    _("Rows with errors"),
                    [_("Row"), _("Name"), _("Credit code"), _("Errors")],
                    (
                        [p["number"], p["name"], p["uscc"], "；".join(p["errors"])]
                        for p in job.problems
                    ),
                )
            ],
        )
    return render(request, "enterprises/import_job.html", {"job": job})


@manager_required
def import_errors_view(request):
    """The last import's rows with errors as .xlsx: the rows as read, with their line and errors."""
    rows = request.session.get("enterprise_import_errors")
    if not rows:
        raise Http404
    return xlsx_response(
        "import-errors", [Sheet(_("Rows with errors"), error_report_headers(), rows)]
    )


@login_required
def import_template_xlsx_view(request):
    """The import template as an .xlsx workbook, with the accepted values on a second sheet."""
    return xlsx_response(
        "enterprise-import-template",
        template_sheets(),
    )


@login_required
def import_template_view(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="enterprise-import-template.csv"'
    response.write("\ufeff")
    csv.writer(response).writerow([str(column.label) for column in COLUMNS])
    return response


@staff_required
def tier_policy_list_view(request):
    return render(
        request,
        "enterprises/tier_policy.html",
        {
            "policies": TierPolicy.objects.select_related("updated_by"),
            "current": services.policy_version_current(),
            "versions": TierPolicyVersion.objects.select_related("created_by")[:50],
        },
    )


@manager_required
def tier_policy_edit_view(request, pk: int):
    """Edit one tier's policy in two steps: the first submit shows how many enterprises the edit
    would move; "save" applies it."""
    policy = get_object_or_404(TierPolicy, pk=pk)
    form = TierPolicyForm(request.POST or None, instance=policy)
    impact = None
    if request.method == "POST" and form.is_valid():
        fresh = TierPolicy.objects.get(pk=pk)  # the form's instance already carries the edit
        if request.POST.get("confirm") != "1":
            impact = services.tier_policy_impact(policy=fresh, data=form.cleaned_data)
        else:
            try:
                services.tier_policy_update(policy=fresh, data=form.cleaned_data, by=request.user)
            except errors.ApplicationError as error:
                errors.add_error_to_form(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("enterprises:tier-policy")
    return render(
        request,
        "enterprises/tier_policy_edit.html",
        {"form": form, "policy": policy, "impact": impact},
    )


def _exit_filters(request) -> dict:
    return {
        "district": int_param(request.GET.get("district")),
        "left": request.GET.get("left", ""),
    }


@manager_required
def built_up_exit_view(request):
    """Enterprises of built-up areas that must move into a park or exit, with their standing."""
    filters = _exit_filters(request)
    rows = selectors.built_up_exit_list(user=request.user, today=clock.today(), filters=filters)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "built-up-exit",
            [
                Sheet(
                    _("Built-up-area exit list"),
                    [
                        _("Enterprise"),
                        _("Credit code"),
                        _("District"),
                        _("Sector"),
                        _("Hazardous chemicals"),
                        _("Decision"),
                        _("Stage"),
                        _("Due year"),
                        _("Left on"),
                        _("Standing"),
                    ],
                    (
                        [
                            r.enterprise.name,
                            r.enterprise.uscc,
                            str(r.enterprise.district),
                            str(r.enterprise.sector),
                            _("yes") if r.enterprise.handles_hazardous_chemicals else _("no"),
                            r.decision_label,
                            r.stage,
                            r.due_year,
                            r.enterprise.built_up_exit_on,
                            r.status_label,
                        ]
                        for r in rows
                    ),
                )
            ],
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "enterprises/built_up_exit.html",
        {
            "rows": rows,
            "counts": [(s, label, counts.get(s, 0)) for s, label in selectors.ExitStatus.choices],
            "districts": District.objects.all(),
            "filters": filters,
            "export_query": query.urlencode(),
            "default_year": settings.GOVERN_BUILT_UP_EXIT_YEAR,
        },
    )


@staff_required
def cluster_list_view(request):
    form = ClusterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cluster = services.cluster_create(data=form.cleaned_data, by=request.user)
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(request, _("Cluster created; add its members on their pages."))
            return redirect("enterprises:cluster", pk=cluster.pk)
    return render(
        request,
        "enterprises/clusters.html",
        {"clusters": selectors.cluster_list(), "form": form},
    )


@staff_required
def cluster_detail_view(request, pk: int):
    cluster = get_object_or_404(ScatteredCluster.objects.select_related("district"), pk=pk)
    members = list(selectors.cluster_members(cluster=cluster))
    moving = [m for m in members if m.state != State.CLOSED]
    off_path = any(not on_path(m, "start_relocation") for m in moving)
    form = ConsolidateForm(
        request.POST or None,
        parks=suitable_parks(enterprises=moving) if moving else [],
        off_path=off_path,
    )
    if request.method == "POST":
        if not roles.is_manager(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.cluster_consolidate(
                    cluster=cluster,
                    park=form.cleaned_data["park"],
                    reason=form.cleaned_data["reason"],
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    by=request.user,
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(form, error)
            else:
                messages.success(request, _("The cluster is moving into the park as one project."))
                return redirect("enterprises:cluster", pk=pk)
    return render(
        request,
        "enterprises/cluster.html",
        {
            "cluster": cluster,
            "members": members,
            "projects": selectors.cluster_projects(cluster=cluster),
            "form": form,
            "off_path": off_path,
            "can_consolidate": roles.is_manager(request.user)
            and bool(moving)
            and not any(m.state == State.RELOCATING for m in moving),
        },
    )


@staff_required
def remediation_task_edit_view(request, pk: int):
    task = get_object_or_404(RemediationTask.objects.select_related("plan__enterprise"), pk=pk)
    enterprise = task.plan.enterprise
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            services.remediation_task_update(task=task, data=form.cleaned_data, by=request.user)
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("dossier:plan", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "title": _("Edit remediation task"), "enterprise": enterprise},
    )


def _back_to_projects(pk: int):
    return redirect(f"{reverse('dossier:detail', args=[pk])}#lifecycle-projects")


@staff_required
@require_POST
def milestone_done_view(request, pk: int):
    milestone = get_object_or_404(RelocationMilestone.objects.select_related("project"), pk=pk)
    enterprise = selectors.enterprise_get(user=request.user, pk=milestone.project.enterprise_id)

    def complete(data):
        services.milestone_complete(
            milestone=milestone, uploads=request.FILES.getlist("files"), by=request.user, **data
        )
        return _("Milestone done.")

    form_action(request, MilestoneDoneForm(request.POST), complete)
    return _back_to_projects(enterprise.pk)


@staff_required
@require_POST
def milestone_plan_view(request, pk: int):
    milestone = get_object_or_404(RelocationMilestone.objects.select_related("project"), pk=pk)
    enterprise = selectors.enterprise_get(user=request.user, pk=milestone.project.enterprise_id)

    def reschedule(data):
        services.milestone_update(milestone=milestone, by=request.user, **data)
        return _("Saved.")

    form_action(request, MilestonePlanForm(request.POST), reschedule)
    return _back_to_projects(enterprise.pk)


@staff_required
@require_POST
def closure_check_view(request, pk: int):
    check = get_object_or_404(ClosureCheck.objects.select_related("closure"), pk=pk)
    enterprise = selectors.enterprise_get(user=request.user, pk=check.closure.enterprise_id)

    def verify(data):
        services.closure_check_verify(
            check=check, uploads=request.FILES.getlist("files"), by=request.user, **data
        )
        return _("Check verified.")

    form_action(request, ClosureCheckForm(request.POST), verify)
    return _back_to_projects(enterprise.pk)


@login_required
def lifecycle_evidence_view(request, kind: str, pk: int):
    """Download relocation or closure evidence: staff, or the enterprise it belongs to."""
    if kind == "relocation":
        evidence = get_object_or_404(
            RelocationEvidence.objects.select_related("milestone__project"), pk=pk
        )
        enterprise_id = evidence.milestone.project.enterprise_id
    elif kind == "closure":
        evidence = get_object_or_404(
            ClosureEvidence.objects.select_related("check_item__closure"), pk=pk
        )
        enterprise_id = evidence.check_item.closure.enterprise_id
    else:
        raise Http404
    selectors.enterprise_get(user=request.user, pk=enterprise_id)  # 404 unless the user may see it
    return stored_file_response(
        evidence.file.name,
        content_type=evidence.content_type,
        filename=evidence.original_name or evidence.sha256[:12],
        user=request.user,
    )

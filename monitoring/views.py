"""Monitoring pages: the managers' live list, alerts (explained by the enterprise, resolved by staff),
a point with its limits, and the receiver's counters and quarantine. Forms re-render with what was
typed and the error on its field."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises import selectors as enterprise_selectors
from enterprises.models import District, Sector
from govern import errors, roles
from govern.decorators import manager_required, staff_required
from govern.params import int_param

from . import limits, selectors, services
from .forms import ExplainForm, LimitForm, PointForm, ResolveForm
from .models import Alert


@staff_required
def live_view(request):
    district = int_param(request.GET.get("district"))
    sector = int_param(request.GET.get("sector"))
    rows = selectors.live_points(user=request.user, district=district, sector=sector)
    by_district, by_sector = selectors.live_summary(rows)
    return render(
        request,
        "monitoring/live.html",
        {
            "rows": rows,
            "by_district": by_district,
            "by_sector": by_sector,
            "counts": selectors.live_counts(),
            "districts": District.objects.order_by("name"),
            "sectors": Sector.objects.order_by("name"),
            "district": district,
            "sector": sector,
            "open_alerts": selectors.alert_list(user=request.user)
            .exclude(status=Alert.Status.RESOLVED)
            .count(),
        },
    )


@login_required
def alert_list_view(request):
    status = request.GET.get("status") or "unresolved"
    alerts = selectors.alert_list(user=request.user)
    if status == "unresolved":
        alerts = alerts.exclude(status=Alert.Status.RESOLVED)
    elif status in Alert.Status.values:
        alerts = alerts.filter(status=status)
    kind = request.GET.get("kind")
    if kind in Alert.Kind.values:
        alerts = alerts.filter(kind=kind)
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/alerts.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": [("unresolved", _("Unresolved"))] + list(Alert.Status.choices),
            "kinds": Alert.Kind.choices,
        },
    )


# action → (form, service, its text field, message when done)
ALERT_STEPS = {
    "explain": (
        ExplainForm,
        services.alert_explain,
        "explanation",
        gettext_lazy("Explanation sent to the inspectors."),
    ),
    "resolve": (ResolveForm, services.alert_resolve, "resolution", gettext_lazy("Alert resolved.")),
}


@login_required
def alert_detail_view(request, pk: int):
    alert = selectors.alert_get(user=request.user, pk=pk)
    forms = {
        "explain": ExplainForm(initial={"explanation": alert.explanation}),
        "resolve": ResolveForm(),
    }
    action = request.POST.get("action")
    if request.method == "POST" and action in ALERT_STEPS:
        form_class, service, field, done = ALERT_STEPS[action]
        form = forms[action] = form_class(request.POST)
        if form.is_valid():
            try:
                service(alert=alert, by=request.user, **{field: form.cleaned_data[field]})
            except errors.ApplicationError as error:
                errors.add_error_to_form(form, error)
            else:
                messages.success(request, str(done))
                return redirect("monitoring:alert", pk=alert.pk)
    explain_form, resolve_form = forms["explain"], forms["resolve"]
    user = request.user
    readings = selectors.alert_readings(alert=alert)
    return render(
        request,
        "monitoring/alert.html",
        {
            "alert": alert,
            "readings": readings,
            "chart": selectors.alert_chart(alert=alert, readings=readings),
            "planned": alert.planned_inspections.prefetch_related("inspectors").first(),
            "can_explain": alert.is_open and roles.is_own_enterprise(user, alert.enterprise_id),
            "can_resolve": alert.is_open and roles.is_staff_role(user),
            "explain_form": explain_form,
            "resolve_form": resolve_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def point_detail_view(request, pk: int):
    point = selectors.point_get(user=request.user, pk=pk)
    forms = {row.pk: LimitForm(instance=row, prefix=f"l{row.pk}") for row in point.pollutants.all()}
    status = 200
    if request.method == "POST":
        row_id = int_param(request.POST.get("limit_id"))
        row = point.pollutants.filter(pk=row_id).first()
        if request.POST.get("action") == "retire":
            try:
                services.point_retire(point=point, by=request.user)
            except errors.ApplicationError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(
                    request, _("Point retired: its packets are quarantined from now on.")
                )
            return redirect("monitoring:point", pk=point.pk)
        if row is not None:
            form = LimitForm(request.POST, instance=row, prefix=f"l{row.pk}")
            forms[row.pk] = form
            if form.is_valid():
                try:
                    services.limit_update(
                        limit=row,
                        value=form.cleaned_data["limit"],
                        legal_source=form.cleaned_data["legal_source"],
                        by=request.user,
                    )
                except errors.ApplicationError as error:
                    errors.add_error_to_form(form, error)
                else:
                    messages.success(request, _("Limit saved."))
                    return redirect("monitoring:point", pk=point.pk)
            status = 400
    panels = selectors.enterprise_panels(enterprise=point.enterprise, user=request.user)
    return render(
        request,
        "monitoring/point.html",
        {
            "point": point,
            "panel": next((p for p in panels if p.point.pk == point.pk), None),
            "limit_rows": [(row, forms[row.pk]) for row in point.pollutants.all()],
            "can_edit": roles.is_manager(request.user),
            "alerts": point.alerts.all()[:20],
        },
        status=status,
    )


@manager_required
def point_create_view(request, enterprise_pk: int):
    enterprise = enterprise_selectors.enterprise_get(user=request.user, pk=enterprise_pk)
    form = PointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            point = services.point_create(
                enterprise=enterprise,
                mn=data["mn"],
                outlet=data["outlet"],
                st=data["st"],
                password=data["password"],
                pollutants=limits.DEFAULTS if data["default_pollutants"] else (),
                by=request.user,
            )
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(request, _("Monitoring point added."))
            return redirect("monitoring:point", pk=point.pk)
    return render(
        request,
        "monitoring/point_form.html",
        {"form": form, "enterprise": enterprise},
        status=400 if request.method == "POST" else 200,
    )


@manager_required
def receiver_view(request):
    counts = selectors.receiver_counts()
    return render(
        request,
        "monitoring/receiver.html",
        {"counts": counts, "days": selectors.receiver_days(), "quarantine": selectors.quarantine()},
    )

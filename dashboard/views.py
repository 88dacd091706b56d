"""The managers' dashboard, its drill-down lists and exports."""

from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emergency import selectors as emergency_selectors
from emergency.forms import LevelForm, LiftForm, SpotCheckForm
from enterprises import services as enterprise_services
from enterprises.models import District, DistrictTarget, State, Tier, TransitionLog
from facilities import selectors as facility_selectors
from govern import clock, errors, roles
from govern.decorators import manager_required
from govern.exports import Sheet, xlsx_response
from govern.params import int_param
from materials import selectors as material_selectors
from monitoring import selectors as monitoring_selectors

from . import episodes, selectors, services
from .charts import Bar, bar_chart

KIND_LABELS = {
    "inspection": gettext_lazy("Inspections overdue"),
    "order": gettext_lazy("Rectification orders overdue"),
    "task": gettext_lazy("Remediation tasks overdue"),
    "milestone": gettext_lazy("Relocation milestones overdue"),
}


def _list_url(**params) -> str:
    return f"{reverse('enterprises:list')}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def _overdue_url(kind: str, district=None) -> str:
    params = {"kind": kind} | ({"district": district} if district else {})
    return f"{reverse('dashboard:overdue')}?{urlencode(params)}"


def _year(request) -> int:
    source = request.POST if request.method == "POST" else request.GET
    year = int_param(source.get("year"), minimum=2000, maximum=2100)
    return year or timezone.localdate().year


def _tables(board) -> dict:
    """Shape the figures into rows of (value, link) cells for the template and the export."""
    states, tiers = State.choices, [*Tier.choices, (selectors.UNGRADED, _("ungraded"))]
    state_rows = []
    for d in board.districts:
        cells = [
            (board.by_district_state.get((d.pk, s), 0), _list_url(district=d.pk, state=s))
            for s, _label in states
        ]
        state_rows.append((d, cells, sum(v for v, _u in cells)))
    tier_rows = []
    for sector in board.sectors:
        cells = [
            (board.by_sector_tier.get((sector.pk, t), 0), _list_url(sector=sector.pk, tier=t))
            for t, _label in tiers
        ]
        tier_rows.append((sector, cells, sum(v for v, _u in cells)))
    overdue_rows = []
    for d in board.districts:
        cells = [
            (board.overdue.get((k, d.pk), 0), _overdue_url(k, d.pk))
            for k in selectors.OVERDUE_KINDS
        ]
        overdue_rows.append((d, cells))
    reduction_rows = []
    for d in board.districts:
        verified, target = board.achieved.get(d.pk, Decimal("0")), board.targets.get(d.pk)
        declared = board.declared.get(d.pk, Decimal("0"))
        share = round(100 * verified / target) if target else None
        reduction_rows.append(
            (
                d,
                declared,
                verified,
                target,
                share,
                _list_url(district=d.pk, state=State.COMPLIANT),
            )
        )
    exit_rows = [
        (
            d,
            board.exit_left.get(d.pk, 0),
            f"{reverse('enterprises:built-up-exit')}?district={d.pk}&left=1",
        )
        for d in board.districts
    ]
    return {
        "exit_rows": exit_rows,
        "states": states,
        "tiers": tiers,
        "state_rows": state_rows,
        "tier_rows": tier_rows,
        "overdue_rows": overdue_rows,
        "reduction_rows": reduction_rows,
        "kinds": [(k, KIND_LABELS[k]) for k in selectors.OVERDUE_KINDS],
    }


@manager_required
def dashboard_view(request):
    if request.method == "POST":  # "refresh now"
        services.dashboard_refresh(year=_year(request))
        messages.success(request, _("The figures were recomputed."))
        return redirect(f"{reverse('dashboard:home')}?year={_year(request)}")
    board = services.dashboard_current(year=_year(request))
    tables = _tables(board)
    state_totals = board.state_totals()
    state_chart = bar_chart(
        [Bar(str(label), (state_totals[s],), _list_url(state=s)) for s, label in State.choices],
        title=_("Enterprises by state"),
    )
    trend_series = tuple(str(State(s).label) for s in selectors.TREND_STATES)
    trend_chart = bar_chart(
        [
            Bar(
                month.strftime("%y-%m"),
                tuple(counts[s] for s in selectors.TREND_STATES),
                f"{reverse('dashboard:transitions')}?month={month:%Y-%m}",
            )
            for month, counts, _t in board.trend
        ],
        series=trend_series,
        width=760,
        title=_("Monthly trend"),
    )
    reduction_chart = bar_chart(
        [
            Bar(str(d), (float(declared), float(verified), float(target or 0)), url)
            for d, declared, verified, target, _s, url in tables["reduction_rows"]
        ],
        series=(_("declared"), _("verified"), _("target")),
        width=760,
        title=_("VOC reduction in %(y)s: declared, verified and target (t/a)") % {"y": board.year},
    )
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "board": board,
            "state_totals": state_totals,
            "tier_totals": board.tier_totals(),
            "overdue_totals": board.overdue_totals(),
            "state_chart": state_chart,
            "trend_chart": trend_chart,
            "reduction_chart": reduction_chart,
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 2),
            # Live, not from the snapshot: two counts on indexed columns.
            "monitoring": monitoring_selectors.live_counts(),
            # Live as well: the ledger's last 12 months by sector and district, one query each.
            "materials_tables": (
                (
                    _("Material ledger by sector (12 months)"),
                    material_selectors.figures_by(group="sector"),
                ),
                (
                    _("Material ledger by district (12 months)"),
                    material_selectors.figures_by(group="district"),
                ),
            ),
            "open_findings": material_selectors.over_limit_open(user=request.user).count(),
            "carbon_overdue": facility_selectors.overdue(user=request.user).count(),
            "live_warnings": emergency_selectors.warnings_live(),
            **tables,
        },
    )


@manager_required
def dashboard_export_view(request):
    board = services.dashboard_current(year=_year(request))
    t = _tables(board)
    state_labels = [str(label) for _s, label in t["states"]]
    tier_labels = [str(label) for _t, label in t["tiers"]]
    sheets = [
        Sheet(
            _("By district and state"),
            [_("District"), *state_labels, _("Total")],
            [[str(d), *[v for v, _u in cells], total] for d, cells, total in t["state_rows"]],
        ),
        Sheet(
            _("By sector and tier"),
            [_("Sector"), *tier_labels, _("Total")],
            [[str(s), *[v for v, _u in cells], total] for s, cells, total in t["tier_rows"]],
        ),
        Sheet(
            _("Overdue"),
            [_("District"), *[str(label) for _k, label in t["kinds"]]],
            [[str(d), *[v for v, _u in cells]] for d, cells in t["overdue_rows"]],
        ),
        Sheet(
            _("VOC reduction %(year)d") % {"year": board.year},
            [
                _("District"),
                _("Declared (t/a)"),
                _("Verified (t/a)"),
                _("Target (t/a)"),
                _("Share verified (%)"),
            ],
            [
                [str(d), float(dc), float(a), float(tg) if tg is not None else None, s]
                for d, dc, a, tg, s, _u in t["reduction_rows"]
            ],
        ),
        Sheet(
            _("Built-up-area exits left"),
            [_("District"), _("Enterprises left")],
            [[str(d), n] for d, n, _u in t["exit_rows"]],
        ),
        Sheet(
            _("Park fill"),
            [_("Park"), _("District"), _("Plots"), _("In the park"), _("Moving in"), _("Fill (%)")],
            [
                [p.park_name, p.district_name, p.plots, p.taken, p.incoming, p.percent]
                for p in board.parks
            ],
        ),
        Sheet(
            _("Relocation"),
            [
                _("Enterprise"),
                _("District"),
                _("Target park"),
                _("Milestones done"),
                _("Progress (%)"),
            ],
            (  # every project, read from the database in chunks (the page shows the furthest behind)
                [
                    p.enterprise.name,
                    str(p.enterprise.district),
                    str(p.target_park),
                    f"{p.done}/{p.total}",
                    round(100 * p.done / p.total) if p.total else 0,
                ]
                for p in selectors.relocation_projects()
                .order_by("enterprise__district_id", "enterprise__name")
                .iterator(chunk_size=2000)
            ),
        ),
        Sheet(
            _("Monthly trend"),
            [
                _("Month"),
                *[str(State(s).label) for s in selectors.TREND_STATES],
                _("VOC reduction (t/a)"),
            ],
            [
                [m.strftime("%Y-%m"), *[c[s] for s in selectors.TREND_STATES], float(r)]
                for m, c, r in board.trend
            ],
        ),
    ]
    return xlsx_response("dashboard", sheets)


OVERDUE_ORDER = {
    "inspection": ("next_inspection_due", "id"),
    "order": ("deadline", "id"),
    "task": ("deadline", "id"),
    "milestone": ("planned_date", "id"),
}
OVERDUE_RELATED = {
    "inspection": ("district",),
    "order": ("enterprise", "enterprise__district"),
    "task": ("plan__enterprise", "plan__enterprise__district"),
    "milestone": ("project__enterprise", "project__enterprise__district"),
}


def _overdue_rows(kind: str, objects):
    """(enterprise, what, due date, link) for each overdue item of a kind."""
    for obj in objects:
        if kind == "inspection":
            yield (
                obj,
                _("inspection"),
                timezone.localdate(obj.next_due),
                reverse("dossier:detail", args=[obj.pk]),
            )
        elif kind == "order":
            yield (
                obj.enterprise,
                obj.requirement,
                obj.deadline,
                reverse("inspections:visit", args=[obj.visit_id]),
            )
        elif kind == "task":
            yield (
                obj.plan.enterprise,
                obj.description,
                obj.deadline,
                reverse("dossier:plan", args=[obj.plan.enterprise_id]),
            )
        else:
            yield (
                obj.project.enterprise,
                obj.get_kind_display(),
                obj.planned_date,
                reverse("dossier:detail", args=[obj.project.enterprise_id]),
            )


@manager_required
def overdue_list_view(request):
    kind = request.GET.get("kind", "order")
    if kind not in selectors.OVERDUE_KINDS:
        raise Http404
    qs = selectors.overdue_querysets(user=request.user, today=timezone.localdate())[kind]
    district = int_param(request.GET.get("district"))
    if district:
        qs = qs.filter(**{selectors.DISTRICT_PATH[kind]: district})
    qs = qs.select_related(*OVERDUE_RELATED[kind]).order_by(*OVERDUE_ORDER[kind])
    if request.GET.get("format") == "xlsx":  # streamed: rows read in chunks, written to disk
        return xlsx_response(
            f"overdue-{kind}",
            [
                Sheet(
                    str(KIND_LABELS[kind]),
                    [_("Enterprise"), _("District"), _("Item"), _("Due date")],
                    (
                        [e.name, str(e.district), what, due.isoformat()]
                        for e, what, due, _u in _overdue_rows(kind, qs.iterator(chunk_size=2000))
                    ),
                )
            ],
        )
    page = Paginator(qs, settings.GOVERN_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(_overdue_rows(kind, page.object_list))
    return render(
        request,
        "dashboard/overdue.html",
        {
            "kind": kind,
            "title": KIND_LABELS[kind],
            "page": page,
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
            "district": District.objects.filter(pk=district).first() if district else None,
        },
    )


@manager_required
def transitions_list_view(request):
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(year)
        start = date(year, month, 1)
    except ValueError as error:
        raise Http404 from error
    end = date(year + (month == 12), month % 12 + 1, 1)
    qs = (
        TransitionLog.objects.filter(
            created_at__date__gte=start,
            created_at__date__lt=end,
            to_state__in=selectors.TREND_STATES,
        )
        .select_related("enterprise", "enterprise__district", "actor")
        .order_by("created_at", "id")
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"transitions-{start:%Y-%m}",
            [
                Sheet(
                    f"{start:%Y-%m}",
                    [_("At"), _("Enterprise"), _("District"), _("State"), _("By"), _("Reason")],
                    [
                        [
                            timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M"),
                            t.enterprise.name,
                            str(t.enterprise.district),
                            t.get_to_state_display(),
                            t.actor.display_name,
                            t.reason,
                        ]
                        for t in qs
                    ],
                )
            ],
        )
    return render(
        request,
        "dashboard/transitions.html",
        {"entries": qs, "month": start, "query": f"month={start:%Y-%m}"},
    )


@manager_required
def targets_view(request):
    year = _year(request)
    districts = list(District.objects.all())
    current = dict(
        DistrictTarget.objects.filter(year=year).values_list("district_id", "voc_reduction_tpa")
    )
    problems = []
    if request.method == "POST":
        for district in districts:
            raw = request.POST.get(f"target_{district.pk}", "").strip()
            if not raw:
                continue
            try:
                value = Decimal(raw)
                enterprise_services.district_target_set(
                    district=district, year=year, voc_reduction_tpa=value, by=request.user
                )
            except InvalidOperation:
                problems.append(
                    _("%(district)s: “%(value)s” is not a number.")
                    % {"district": district, "value": raw}
                )
            except errors.ApplicationError as error:
                problems.append(f"{district}: {error.message}")
        if not problems:
            messages.success(request, _("Targets saved."))
            return redirect(f"{reverse('dashboard:targets')}?year={year}")
        for problem in problems:
            messages.error(request, problem)
    rows = [(d, request.POST.get(f"target_{d.pk}", current.get(d.pk, ""))) for d in districts]
    return render(request, "dashboard/targets.html", {"year": year, "rows": rows})


@manager_required
def warning_view(request, pk: int):
    """One warning: its steps, the instructions and their confirmation, the notice batches' progress,
    spot checks and monitoring comparisons, with the actions that change it."""
    warning = emergency_selectors.warning_get(pk=pk)
    phase = warning.phase()
    return render(
        request,
        "dashboard/warning.html",
        {
            "warning": warning,
            "phase": phase,
            "live": phase in ("scheduled", "active"),
            "counts": emergency_selectors.warning_counts(warning=warning),
            "self_determined": episodes.self_determined(warning=warning),
            "batches": episodes.batches(warning=warning),
            "unconfirmed": emergency_selectors.unconfirmed(warning=warning),
            "draws": episodes.draws(warning=warning),
            "comparisons": episodes.shortfalls(warning=warning)[:200],
            "level_form": LevelForm(initial={"level": warning.level}),
            "lift_form": LiftForm(),
            "draw_form": SpotCheckForm(initial={"count": 10, "due_date": clock.today()}),
            "may_draw": roles.is_staff_role(request.user),
        },
    )


@manager_required
def warning_report_view(request, pk: int):
    warning = emergency_selectors.warning_get(pk=pk)
    if request.GET.get("format") == "xlsx":
        return _warning_report_xlsx(warning)
    return render(
        request,
        "dashboard/warning_report.html",
        {
            "warning": warning,
            "phase": warning.phase(),
            "rows": episodes.report(warning=warning),
            "counts": emergency_selectors.warning_counts(warning=warning),
        },
    )


def _warning_report_xlsx(warning):
    rows = episodes.report(warning=warning)
    sheet = Sheet(
        title=str(_("Warning report")),
        headers=[
            str(_("District")),
            str(_("Instructions")),
            str(_("Confirmed")),
            str(_("Never confirmed")),
            "VOCs (t/a)",
            "NOx (t/a)",
            str(_("particulate (t/a)")),
            str(_("Monitored enterprises")),
            str(_("Observed VOC cut (t/a)")),
            str(_("Shortfalls")),
            str(_("Spot checks")),
            str(_("Visited")),
            str(_("Referred for enforcement")),
        ],
        rows=(
            [
                str(r.district),
                r.issued,
                r.confirmed,
                len(r.late),
                float(r.required.get("voc") or 0),
                float(r.required.get("nox") or 0),
                float(r.required.get("pm") or 0),
                r.monitored,
                float(r.observed_voc),
                r.shortfalls,
                r.drawn,
                r.visited,
                "、".join(v.enterprise.name for v in r.referred),
            ]
            for r in rows
        ),
    )
    return xlsx_response(f"warning-{warning.pk}-report", [sheet])

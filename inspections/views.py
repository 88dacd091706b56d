"""Inspection pages: the due list, the visit record (phone-first), orders, addenda and random draws."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from emergency import selectors as emergency_selectors
from enterprises import selectors as enterprise_selectors
from enterprises.filters import EnterpriseFilter
from enterprises.models import Enterprise, SamplingCategory, State
from facilities import selectors as facility_selectors
from govern import clock, errors, roles
from govern.decorators import manager_required, staff_required
from govern.exports import Sheet, xlsx_response
from govern.files import stored_file_response
from govern.params import int_param
from govern.views import form_action
from materials import selectors as material_selectors
from monitoring import selectors as monitoring_selectors

from . import selectors, services
from .forms import (
    AddendumForm,
    ConflictForm,
    DrawForm,
    ItemForm,
    OfficerForm,
    OrderForm,
    PublishForm,
    RatioForm,
    ReassignForm,
    VisitRecordForm,
    VisitStartForm,
)
from .models import (
    Conflict,
    InspectionItem,
    Officer,
    PlannedInspection,
    PublicResult,
    RandomDraw,
    RectificationOrder,
    VisitPhoto,
    VisitSignature,
)


@staff_required
def today_view(request):
    """The inspector's start page (phone-first): drafts to finish, today's and overdue inspections of
    mine, one line per enterprise and day, and the week ahead."""
    return render(
        request,
        "inspections/today.html",
        {
            "today": clock.today(),
            **selectors.inspector_today(user=request.user, today=clock.today()),
        },
    )


@staff_required
def due_list_view(request):
    within = int_param(request.GET.get("within"), minimum=0, maximum=365)
    within = 14 if within is None else within
    due = selectors.inspection_due_list(user=request.user, within_days=within)
    filterset = EnterpriseFilter(request.GET or None, queryset=due)
    page = Paginator(filterset.qs, settings.GOVERN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    planned_qs = selectors.planned_for(user=request.user)
    if filterset.is_bound:  # the same filters apply to the planned inspections above the list
        matching = EnterpriseFilter(request.GET, queryset=Enterprise.objects.all()).qs
        planned_qs = planned_qs.filter(enterprise__in=matching.values("pk"))
    planned = list(planned_qs[:50])
    shown = {e.pk for e in page} | {p.enterprise_id for p in planned}
    return render(
        request,
        "inspections/due.html",
        {
            "planned": planned,
            # What to look at on site: over-limit ledger materials, carbon overdue for replacement.
            "material_flags": material_selectors.enterprises_with_findings(enterprise_ids=shown),
            "carbon_flags": facility_selectors.enterprises_with_overdue_carbon(
                enterprise_ids=shown
            ),
            # Sectors under an ozone campaign today: check the staggered hours on site.
            "ozone_sectors": emergency_selectors.campaign_sector_ids(),
            "filter": filterset,
            "page": page,
            "within": within,
            "query": query.urlencode(),
            "now": timezone.now(),
        },
    )


@staff_required
def visit_start_view(request, enterprise_pk: int):
    enterprise = enterprise_selectors.enterprise_get(user=request.user, pk=enterprise_pk)
    planned = None
    if request.GET.get("planned"):
        # Only a planned inspection the user may see (a random draw's is its officers' and managers').
        planned = get_object_or_404(
            selectors.planned_for(user=request.user),
            pk=int_param(request.GET.get("planned")) or 0,
            enterprise=enterprise,
        )
    has_open_orders = RectificationOrder.objects.active().filter(enterprise=enterprise).exists()
    initial = {"location": enterprise.address, "is_follow_up": has_open_orders}
    if planned:
        initial["co_inspectors"] = [
            u.pk for u in planned.inspectors.all() if u.pk != request.user.pk
        ]
    form = VisitStartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_start(
                enterprise=enterprise,
                inspectors=form.cleaned_data["co_inspectors"],
                started_at=form.cleaned_data["started_at"],
                location=form.cleaned_data["location"],
                is_follow_up=form.cleaned_data["is_follow_up"],
                planned=planned,
                checkin_latitude=form.cleaned_data["checkin_latitude"],
                checkin_longitude=form.cleaned_data["checkin_longitude"],
                checkin_accuracy_m=form.cleaned_data["checkin_accuracy_m"],
                by=request.user,
            )
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            return redirect("inspections:visit", pk=visit.pk)
    return render(
        request,
        "inspections/visit_start.html",
        {"form": form, "enterprise": enterprise, "planned": planned},
    )


def _save_photos(request, visit, results_by_pk) -> list[str]:
    """Store each uploaded photo; a bad one is reported by name and the others are kept."""
    problems = []
    uploads = [(None, f) for f in request.FILES.getlist("photos")]
    for key in request.FILES:
        if key.startswith("photos_"):
            result = (
                results_by_pk.get(int(key.removeprefix("photos_"))) if key[7:].isdigit() else None
            )
            if result is None:
                continue
            uploads += [(result, f) for f in request.FILES.getlist(key)]
    for result, upload in uploads:
        try:
            services.visit_add_photo(
                visit=visit,
                upload=upload,
                result=result,
                device_latitude=request.POST.get("device_latitude"),
                device_longitude=request.POST.get("device_longitude"),
                by=request.user,
            )
        except errors.ApplicationError as error:
            problems.append(str(error.message))
    return problems


def _save_signatures(request, visit, form) -> None:
    """Keep the signatures drawn since the last save; a bad one is shown at its pad."""
    drawn = [("party", None, "signature_party")] + [
        ("inspector", u, f"signature_{u.pk}") for u in form.inspectors
    ]
    for role, signer, field in drawn:
        image = form.cleaned_data.get(field) or ""
        if not image:
            continue
        try:
            services.visit_sign(visit=visit, by=request.user, image=image, role=role, signer=signer)
        except errors.ApplicationError as error:
            form.add_error(field, str(error.message))


@login_required
def visit_view(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)
    inspectors = list(visit.inspectors.all())
    can_edit = not visit.is_submitted and request.user in inspectors
    if visit.is_submitted or not can_edit:
        return _visit_detail(request, visit, inspectors)
    form = VisitRecordForm(request.POST or None, visit=visit)
    action = request.POST.get("action") if request.method == "POST" else None
    order_form = OrderForm(request.POST if action == "order" else None, visit=visit, prefix="order")
    active_orders = list(
        RectificationOrder.objects.active()
        .filter(enterprise=visit.enterprise_id)
        .exclude(visit=visit)
        .select_related("visit")
    )
    problems: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        # The draft and its photos are saved first, whatever else the request asks: nothing typed is lost.
        try:
            services.visit_record(
                visit=visit,
                results=form.result_values(),
                conclusion=form.cleaned_data["conclusion"],
                conclusion_text=form.cleaned_data["conclusion_text"],
                ended_at=form.cleaned_data["ended_at"],
                party_representative=form.cleaned_data["party_representative"],
                party_refused=form.cleaned_data["party_refused"],
                by=request.user,
            )
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            for problem in _save_photos(request, visit, {r.pk: r for r in form.results}):
                messages.error(request, problem)
            _save_signatures(request, visit, form)
            done = None if form.errors else _visit_action(request, visit, action, form, order_form)
            if done is not None:
                messages.success(request, done)
                anchor = "#orders" if action == "order" else ""
                return redirect(reverse("inspections:visit", args=[visit.pk]) + anchor)
        form.refresh_photos()
    if request.method == "POST":
        problems = [
            (_problem_anchor(field), message)
            for field, field_messages in form.errors.items()
            for message in field_messages
        ]
    return render(
        request,
        "inspections/visit_edit.html",
        {
            "visit": visit,
            "form": form,
            "problems": problems,
            "inspectors": inspectors,
            "orders": visit.orders.select_related("finding__item"),
            "order_form": order_form,
            "active_orders": active_orders,
            "general_photos": visit.photos.filter(result__isnull=True),
            **_alert_context(visit),
            **_source_context(visit, request.user),
        },
    )


def _problem_anchor(field: str) -> str:
    """Where on the page a problem is fixed: the checklist item, the conclusion, or the top."""
    if field.startswith(("outcome_", "note_")):
        return "item-" + field.split("_", 1)[1]
    if field.startswith(("signature_", "party_")):
        return "signatures"
    return "conclusion" if field in ("conclusion", "conclusion_text", "ended_at") else "record"


def _visit_action(request, visit, action, form, order_form) -> str | None:
    """After the draft is saved: submit it, or add an order. The success message, or None when the
    forms now carry the reasons (every problem at once for a submit)."""
    if action == "order":
        if order_form.is_valid():
            try:
                services.order_issue(visit=visit, by=request.user, **order_form.cleaned_data)
            except errors.ApplicationError as error:
                errors.add_error_to_form(order_form, error)
            else:
                return _("Draft saved and rectification order added.")
        messages.error(
            request, _("The draft is saved; the order was not added: see the order form.")
        )
        return None
    if action == "submit":
        problems = services.submit_problems(visit=visit)
        for field, message in problems:
            form.add_error(field if field in form.fields else None, message)
        if problems:
            return None
        verified = [int(v) for v in request.POST.getlist("verified_orders") if v.isdigit()]
        try:
            services.visit_submit(visit=visit, verified_orders=verified, by=request.user)
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
            return None
        return _("The record is submitted.")
    return _("Draft saved.")


def _alert_context(visit) -> dict:
    """A visit planned by a monitoring alert carries the alert and its hourly readings."""
    planned = visit.planned
    if planned is None or planned.alert_id is None:
        return {}
    alert = planned.alert
    return {"alert": alert, "alert_readings": monitoring_selectors.alert_readings(alert=alert)}


def _source_context(visit, user) -> dict:
    """What the ledger and the facility register say about the site: the open over-limit findings and
    each facility's carbon replacements (shown to staff only)."""
    if not roles.is_staff_role(user):
        return {}
    return {
        "permit": enterprise_selectors.current_permit(enterprise_id=visit.enterprise_id),
        "today": clock.today(),
        "material_findings": material_selectors.open_findings(enterprise_id=visit.enterprise_id),
        "facilities": facility_selectors.facilities(user=user, enterprise=visit.enterprise),
    }


def _visit_detail(request, visit, inspectors):
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "inspectors": inspectors,
            "results": visit.results.select_related("item").prefetch_related("photos"),
            "general_photos": visit.photos.filter(result__isnull=True),
            "orders": visit.orders.select_related("finding__item"),
            "closed_orders": visit.closed_orders.select_related("visit"),
            "addenda": visit.addenda.select_related("author"),
            "addendum_form": AddendumForm() if visit.is_submitted else None,
            "signatures": visit.signatures.order_by("-role", "signed_at", "id"),  # the party first
            **_alert_context(visit),
            **_source_context(visit, request.user),
        },
    )


@staff_required
@require_POST
def order_add_view(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)

    def issue(data):
        services.order_issue(visit=visit, by=request.user, **data)
        return _("Rectification order added.")

    form_action(request, OrderForm(request.POST, visit=visit), issue)
    return redirect("inspections:visit", pk=visit.pk)


@staff_required
@require_POST
def order_withdraw_view(request, pk: int):
    order = get_object_or_404(RectificationOrder, pk=pk)
    try:
        services.order_withdraw(order=order, by=request.user)
    except errors.ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("inspections:visit", pk=order.visit_id)


@staff_required
@require_POST
def addendum_add_view(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)

    def add(data):
        services.visit_add_addendum(visit=visit, text=data["text"], by=request.user)
        return _("Addendum added.")

    form_action(request, AddendumForm(request.POST), add)
    return redirect("inspections:visit", pk=visit.pk)


@login_required
def photo_view(request, pk: int):
    """The stamped copy (time, inspector, position); ``?original=1`` gives the file as uploaded."""
    photo = get_object_or_404(VisitPhoto.objects.select_related("visit"), pk=pk)
    selectors.visit_get(
        user=request.user, pk=photo.visit_id
    )  # 404 unless the user may see the visit
    # Staff see the stamped copy; an enterprise gets the original without its metadata (as before
    # stamping: the place and the inspector's name are the bureau's).
    if photo.stamped and not request.GET.get("original") and roles.is_staff_role(request.user):
        return stored_file_response(
            photo.stamped.name,
            content_type="image/jpeg",
            filename=f"{photo.sha256[:12]}-stamped.jpg",
            user=request.user,
            cache_seconds=3600,
        )
    return stored_file_response(
        photo.file.name,
        content_type=photo.content_type,
        filename=photo.original_name or f"{photo.sha256[:12]}.jpg",
        user=request.user,
        cache_seconds=3600,
    )


@login_required
def signature_view(request, pk: int):
    signature = get_object_or_404(VisitSignature, pk=pk)
    selectors.visit_get(user=request.user, pk=signature.visit_id)  # 404 unless allowed
    return stored_file_response(
        signature.file.name,
        content_type="image/png",
        filename=f"signature-{signature.pk}.png",
        user=request.user,
        cache_seconds=3600,
    )


@manager_required
def draw_list_view(request):
    draws = RandomDraw.objects.select_related("created_by").order_by("-created_at")
    return render(
        request,
        "inspections/draw_list.html",
        {
            "draws": draws,
            "to_publish": selectors.results_to_publish()[:100],
            "today": clock.today(),
        },
    )


@manager_required
def draw_create_view(request):
    form = DrawForm(request.POST or None, initial={"due_date": clock.today() + timedelta(days=60)})
    if request.method == "POST" and form.is_valid():
        filters = form.filters()
        pool = EnterpriseFilter(filters, queryset=Enterprise.objects.all()).qs
        try:
            draw = services.draw_create(
                period=form.cleaned_data["period"],
                pool_queryset=pool,
                items=form.cleaned_data["items"],
                inspectors=form.cleaned_data["inspectors"] or None,
                due_date=form.cleaned_data["due_date"],
                filters=filters,
                by=request.user,
            )
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            return redirect("inspections:draw", pk=draw.pk)
    ratios = services.sampling_ratios()
    return render(
        request,
        "inspections/draw_form.html",
        {
            "form": form,
            "ratios": [(label, ratios.get(value, 0)) for value, label in SamplingCategory.choices],
        },
    )


@manager_required
def draw_detail_view(request, pk: int):
    draw = get_object_or_404(RandomDraw.objects.select_related("created_by"), pk=pk)
    reassign = None
    if request.method == "POST":
        reassign = ReassignForm(request.POST)
        if reassign.is_valid():
            planned = get_object_or_404(
                PlannedInspection, pk=reassign.cleaned_data["planned"], draw=draw
            )
            try:
                services.planned_reassign(
                    planned=planned, inspectors=reassign.cleaned_data["inspectors"], by=request.user
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(reassign, error)
            else:
                messages.success(request, _("Officers replaced."))
                return redirect("inspections:draw", pk=draw.pk)
    planned = (
        draw.planned.select_related("enterprise", "enterprise__district", "public_result")
        .prefetch_related("inspectors")
        .order_by("enterprise__name")
    )
    stored = sorted(
        (p.enterprise_id, tuple(sorted(u.pk for u in p.inspectors.all()))) for p in planned
    )
    replayed = sorted((e, tuple(sorted(pair))) for e, pair in services.draw_replay(draw=draw))
    pool_sizes = {
        str(SamplingCategory(c).label) if c in SamplingCategory.values else c: len(ids)
        for c, ids in sorted(draw.pool.items())
    }
    quotas = {
        str(SamplingCategory(c).label) if c in SamplingCategory.values else c: q
        for c, q in sorted(draw.quotas.items())
    }
    return render(
        request,
        "inspections/draw_detail.html",
        {
            "draw": draw,
            "planned": planned,
            "items": list(draw.items.all()),
            "reproducible": stored == replayed,
            "replaced": stored != replayed,
            "pool_sizes": pool_sizes,
            "quotas": quotas,
            "reassign": reassign,
            "reassign_blank": ReassignForm(),
            "today": clock.today(),
        },
    )


@manager_required
def registers_view(request):
    """一单两库: the items list, the enterprise register's ratios, the officer register and conflicts."""
    action = request.POST.get("action") if request.method == "POST" else None
    ratios = services.sampling_ratios()
    bound = {}
    forms_ = {
        "officer": OfficerForm(initial={"active": True}),
        "conflict": ConflictForm(),
        "item": ItemForm(),
        "ratios": RatioForm(ratios=ratios),
    }
    if action in forms_:
        form = (
            RatioForm(request.POST, ratios=ratios)
            if action == "ratios"
            else type(forms_[action])(request.POST)
        )
        bound[action] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "officer":
                    services.officer_save(by=request.user, **data)
                elif action == "conflict":
                    services.conflict_declare(by=request.user, **data)
                elif action == "item":
                    services.item_save(by=request.user, **data)
                else:
                    with transaction.atomic():
                        for key, value in data.items():
                            services.sampling_ratio_set(
                                category=key.removeprefix("ratio_"), percent=value, by=request.user
                            )
            except errors.ApplicationError as error:
                errors.add_error_to_form(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("inspections:registers")
    forms_.update(bound)
    today = clock.today()
    officers = Officer.objects.select_related("user").annotate(conflict_count=Count("conflicts"))
    counts = dict(
        Enterprise.objects.exclude(state=State.CLOSED)
        .values_list("sampling_category")
        .annotate(n=Count("pk"))
        .values_list("sampling_category", "n")
    )
    return render(
        request,
        "inspections/registers.html",
        {
            "forms": forms_,
            "officers": officers,
            "conflicts": Conflict.objects.select_related("officer__user", "enterprise")[:200],
            "items": InspectionItem.objects.all(),
            "categories": [
                (label, counts.get(value, 0), ratios.get(value, 0))
                for value, label in SamplingCategory.choices
            ],
            "today": today,
        },
    )


@manager_required
def results_view(request):
    """Results of random inspections to publish, and publishing one."""
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = get_object_or_404(PublicResult, pk=form.cleaned_data["result"])
        try:
            services.result_publish(
                result=result, summary=form.cleaned_data["summary"], by=request.user
            )
        except errors.ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Published."))
            return redirect("inspections:results")
    return render(
        request,
        "inspections/results.html",
        {
            "to_publish": selectors.results_to_publish()[:200],
            "failed": form if request.method == "POST" else None,
            "published": selectors.public_results()[:50],
            "today": clock.today(),
        },
    )


PUBLIC_COLUMNS = (
    ("enterprise", "企业名称"),
    ("uscc", "统一社会信用代码"),
    ("district", "所在区县"),
    ("period", "抽查批次"),
    ("items", "抽查事项"),
    ("inspected_on", "检查日期"),
    ("outcome", "检查结果"),
    ("summary", "说明"),
    ("published_on", "公示日期"),
)


def _public_row(result) -> dict:
    return {
        "enterprise": result.enterprise.name,
        "uscc": result.enterprise.uscc,
        "district": result.enterprise.district.name,
        "period": result.planned.draw.period if result.planned.draw_id else "",
        "items": "；".join(i.name for i in result.planned.draw.items.all())
        if result.planned.draw_id
        else "",
        "inspected_on": result.inspected_on.isoformat(),
        "outcome": result.get_outcome_display(),
        "summary": result.summary,
        "published_on": timezone.localtime(result.published_at).date().isoformat(),
    }


def public_results_view(request):
    """Public, no login: the published results of random inspections (双随机、一公开), and a CSV."""
    q = (request.GET.get("q") or "")[:50]
    year = int_param(request.GET.get("year"), minimum=2000, maximum=2100)
    results = selectors.public_results(q=q, year=year)
    if request.GET.get("format") == "xlsx":
        rows = (
            [row[key] for key, _label in PUBLIC_COLUMNS]
            for row in map(_public_row, results.iterator(chunk_size=500))
        )
        return xlsx_response(
            "random-inspections.xlsx",
            [Sheet("双随机抽查结果", [label for _key, label in PUBLIC_COLUMNS], rows)],
        )
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/public_results.html",
        {"page": page, "rows": [_public_row(r) for r in page], "q": q, "year": year or ""},
    )

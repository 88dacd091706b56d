"""Pages of the emergency app: the reduction list (drafted by the enterprise, approved by an
inspector), the districts against their thresholds, declaring and changing warnings, confirming an
instruction, spot-check draws and ozone campaigns. The warning's own page and its report combine
inspections and notices, so they live in the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import selectors as enterprise_selectors
from govern import clock, errors, roles
from govern.decorators import manager_required, staff_required
from govern.params import int_param
from govern.views import form_action

from . import rules, selectors, services
from .forms import (
    CampaignForm,
    DeclareForm,
    LevelForm,
    LiftForm,
    LineFormSet,
    ListNoteForm,
    ReviewForm,
    SpotCheckForm,
)
from .models import LEVELS, POLLUTANTS, OzoneCampaign, Warning


def _line_values(formset) -> list[dict]:
    lines = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("name"):
            continue
        lines.append({field: data.get(field) for field in services.LINE_FIELDS})
    return lines


@login_required
def list_view(request, pk: int):
    """An enterprise's list: the approved one, and the draft with its check."""
    enterprise = enterprise_selectors.enterprise_get(user=request.user, pk=pk)
    may_edit = roles.may_act_for(request.user, enterprise.pk)
    approved = selectors.approved_list(enterprise_id=enterprise.pk)
    draft = next((rl for rl in selectors.lists_of(enterprise=enterprise) if rl.is_open), None)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not may_edit:
        raise PermissionDenied
    if action == "start":
        draft = services.list_open(enterprise=enterprise, by=request.user)
        return redirect("emergency:list", pk=enterprise.pk)
    formset = note_form = None
    if draft is not None and draft.editable:
        formset = LineFormSet(instance=draft, form_kwargs={"enterprise": enterprise})
        note_form = ListNoteForm(initial={"note": draft.note})
        if action in ("save", "submit"):
            formset = LineFormSet(
                request.POST, instance=draft, form_kwargs={"enterprise": enterprise}
            )
            note_form = ListNoteForm(request.POST)
            if formset.is_valid() and note_form.is_valid():
                try:
                    services.list_save(
                        reduction_list=draft,
                        lines=_line_values(formset),
                        note=note_form.cleaned_data["note"],
                        by=request.user,
                    )
                    if action == "submit":
                        services.list_submit(reduction_list=draft, by=request.user)
                except errors.ApplicationError as error:
                    messages.error(request, str(error.message))
                    if action == "submit":  # saved, but not submitted: show the saved lines
                        return redirect("emergency:list", pk=enterprise.pk)
                else:
                    messages.success(
                        request,
                        _("Submitted; an inspector will review it.")
                        if action == "submit"
                        else _("Saved."),
                    )
                    return redirect("emergency:list", pk=enterprise.pk)
    check = services.list_check(reduction_list=draft) if draft is not None else None
    return render(
        request,
        "emergency/list.html",
        {
            "enterprise": enterprise,
            "approved": approved,
            "approved_figures": services.list_check(reduction_list=approved).figures(enterprise)
            if approved
            else None,
            "draft": draft,
            "check": check,
            "figures": check.figures(enterprise) if check else None,
            "formset": formset,
            "note_form": note_form,
            "may_edit": may_edit,
        },
    )


@staff_required
def review_queue_view(request):
    return render(request, "emergency/queue.html", {"lists": selectors.review_queue()[:200]})


@staff_required
def review_view(request, pk: int):
    reduction_list = selectors.list_get(user=request.user, pk=pk)
    form = ReviewForm()
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.list_review(
                    reduction_list=reduction_list,
                    approve=form.cleaned_data["decision"] == "approve",
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(form, error)
            else:
                messages.success(request, _("Review recorded."))
                return redirect("emergency:queue")
    check = services.list_check(reduction_list=reduction_list)
    return render(
        request,
        "emergency/review.html",
        {
            "reduction_list": reduction_list,
            "enterprise": reduction_list.enterprise,
            "lines": reduction_list.lines.select_related("monitoring_point"),
            "check": check,
            "figures": check.figures(reduction_list.enterprise),
            "form": form,
        },
    )


@manager_required
def districts_view(request):
    cuts = selectors.district_cuts()
    district_id = int_param(request.GET.get("district"), minimum=1) or 0
    level = request.GET.get("level") if request.GET.get("level") in LEVELS else "red"
    pollutant = (
        request.GET.get("pollutant") if request.GET.get("pollutant") in POLLUTANTS else "voc"
    )
    focus = next((c for c in cuts if c.district.pk == district_id), None)
    short = (
        selectors.shortfall_enterprises(district_id=district_id, level=level, pollutant=pollutant)
        if focus
        else []
    )
    return render(
        request,
        "emergency/districts.html",
        {
            "cuts": cuts,
            "focus": focus,
            "level": level,
            "pollutant": pollutant,
            "pollutant_name": rules.pollutant_name(pollutant),
            "short": short,
            "levels": LEVELS,
            "pollutants": [(p, rules.pollutant_name(p)) for p in POLLUTANTS],
        },
    )


@manager_required
def warnings_view(request):
    form = DeclareForm()
    if request.method == "POST":
        form = DeclareForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                warning = services.warning_declare(
                    level=data["level"],
                    districts=data["districts"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data["reason"],
                    short_notice_reason=data["short_notice_reason"],
                    by=request.user,
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(form, error)
            else:
                messages.success(request, _("Warning declared; the instructions are being issued."))
                return redirect("dashboard:warning", pk=warning.pk)
    return render(
        request,
        "emergency/warnings.html",
        {"form": form, "warnings": selectors.warnings_recent(), "now": clock.now()},
    )


def _warning_action(request, pk: int, form_class, call, done: str):
    warning = get_object_or_404(Warning, pk=pk)

    def act(data):
        call(warning, data)
        return done

    form_action(request, form_class(request.POST), act)
    return redirect("dashboard:warning", pk=pk)


@manager_required
@require_POST
def level_view(request, pk: int):
    return _warning_action(
        request,
        pk,
        LevelForm,
        lambda w, d: services.warning_change_level(
            warning=w, level=d["level"], reason=d["reason"], by=request.user
        ),
        _("Level changed; new instructions are being issued."),
    )


@manager_required
@require_POST
def lift_view(request, pk: int):
    return _warning_action(
        request,
        pk,
        LiftForm,
        lambda w, d: services.warning_lift(warning=w, reason=d["reason"], by=request.user),
        _("Warning lifted. Everything recorded during it is kept."),
    )


@staff_required
@require_POST
def spot_check_view(request, pk: int):
    return _warning_action(
        request,
        pk,
        SpotCheckForm,
        lambda w, d: services.spot_check_draw(
            warning=w, count=d["count"], due_date=d["due_date"], by=request.user
        ),
        _("Drawn; the inspections are planned."),
    )


@login_required
@require_POST
def confirm_view(request, pk: int):
    instruction = selectors.instruction_get(user=request.user, pk=pk)
    if not roles.is_enterprise_user(request.user):
        raise PermissionDenied
    try:
        services.instruction_confirm(instruction=instruction, by=request.user)
    except errors.ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Confirmed. Carry out the measures for the whole period."))
    return redirect("portal:emergency")


@manager_required
def campaigns_view(request, pk: int | None = None):
    campaign = get_object_or_404(OzoneCampaign, pk=pk) if pk else None
    form = CampaignForm(instance=campaign)
    if request.method == "POST":
        form = CampaignForm(request.POST, instance=campaign)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.campaign_save(
                    campaign=campaign,
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    sectors=data["sectors"],
                    restricted_from=data["restricted_from"],
                    restricted_to=data["restricted_to"],
                    measures=data["measures"],
                    by=request.user,
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("emergency:campaigns")
    return render(
        request,
        "emergency/campaigns.html",
        {
            "form": form,
            "campaign": campaign,
            "campaigns": OzoneCampaign.objects.prefetch_related("sectors"),
            "today": clock.today(),
        },
    )

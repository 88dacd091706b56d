"""The enterprise portal: the enterprise's own work, evidence uploads and extension requests."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from emergency import selectors as emergency_selectors
from evidence import selectors as evidence_selectors
from evidence import services as evidence_services
from evidence.forms import EvidenceForm, ExtensionForm
from govern import clock, roles
from govern.views import form_action, redirect_back
from inspections import selectors as inspection_selectors
from monitoring import selectors as monitoring_selectors
from notices import selectors as notice_selectors


@login_required
def portal_home_view(request):
    user = request.user
    if roles.is_staff_role(user):
        return redirect("evidence:reviews")
    enterprise = _own_enterprise(request)
    return render(
        request,
        "portal/home.html",
        {
            "enterprise": enterprise,
            "items": evidence_selectors.enterprise_work(enterprise=enterprise),
            "notices": notice_selectors.notice_list(user=user).filter(enterprise=enterprise),
            "visits": inspection_selectors.visit_list(user=user).filter(enterprise=enterprise)[:10],
            "to_confirm": emergency_selectors.instructions_for(enterprise_id=enterprise.pk)
            .awaiting_confirmation(now=clock.now())
            .count(),
            "evidence_form": EvidenceForm(),
            "extension_form": ExtensionForm(),
            **monitoring_selectors.enterprise_monitoring(enterprise=enterprise, user=user),
        },
    )


@login_required
@require_POST
def evidence_submit_view(request, kind: str, pk: int):
    target = evidence_selectors.target_get(user=request.user, kind=kind, pk=pk)

    def submit(data):
        submission = evidence_services.evidence_submit(
            target=target, uploads=data["files"], note=data["note"], by=request.user
        )
        return _("Evidence submitted as version %(v)d.") % {"v": submission.version}

    form_action(request, EvidenceForm(request.POST, request.FILES), submit)
    return redirect_back(request, "portal:home")


@login_required
@require_POST
def extension_request_view(request, kind: str, pk: int):
    target = evidence_selectors.target_get(user=request.user, kind=kind, pk=pk)

    def ask(data):
        evidence_services.extension_request(target=target, by=request.user, **data)
        return _("Extension requested; a manager will decide.")

    form_action(request, ExtensionForm(request.POST), ask)
    return redirect_back(request, "portal:home")


def _own_enterprise(request):
    user = request.user
    if not (roles.is_enterprise_user(user) and user.enterprise_id):
        raise PermissionDenied
    return user.enterprise


@login_required
def emergency_view(request):
    """Heavy-pollution warnings and the ozone season, for the enterprise: its instructions (to
    confirm), its reduction list, and the campaign calendar."""
    enterprise = _own_enterprise(request)
    today = clock.today()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise ValueError
    except ValueError:
        year, month = today.year, today.month
    previous = (year, month - 1) if month > 1 else (year - 1, 12)
    following = (year, month + 1) if month < 12 else (year + 1, 1)
    instructions = list(emergency_selectors.instructions_for(enterprise_id=enterprise.pk)[:20])
    notices = {
        n.instruction_id: n
        for n in notice_selectors.notice_list(user=request.user).filter(
            instruction__in=instructions
        )
    }
    now = clock.now()
    return render(
        request,
        "portal/emergency.html",
        {
            "enterprise": enterprise,
            "instructions": [
                (i, notices.get(i.pk), i.awaits_confirmation(now)) for i in instructions
            ],
            "lists": emergency_selectors.lists_of(enterprise=enterprise),
            "campaigns": emergency_selectors.campaigns_for(enterprise=enterprise),
            "weeks": emergency_selectors.campaign_calendar(
                enterprise=enterprise, year=year, month=month
            ),
            "year": year,
            "month": month,
            "today": today,
            "weekdays": [
                pgettext("calendar", "Mo"),
                pgettext("calendar", "Tu"),
                pgettext("calendar", "We"),
                pgettext("calendar", "Th"),
                pgettext("calendar", "Fr"),
                pgettext("calendar", "Sa"),
                pgettext("calendar", "Su"),
            ],
            "previous": previous,
            "following": following,
        },
    )

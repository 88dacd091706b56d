"""The enterprise portal and the staff queues for evidence review and extension requests."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govern import roles
from govern.decorators import manager_required, staff_required
from govern.views import form_action
from inspections import selectors as inspection_selectors
from notices import selectors as notice_selectors

from . import selectors, services
from .forms import DecisionForm, EvidenceForm, ExtensionForm
from .models import DeadlineExtension, EvidenceSubmission


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


@login_required
def portal_home_view(request):
    user = request.user
    if roles.is_staff_role(user):
        return redirect("portal:reviews")
    if not (roles.is_enterprise_user(user) and user.enterprise_id):
        raise PermissionDenied
    enterprise = user.enterprise
    return render(
        request,
        "portal/home.html",
        {
            "enterprise": enterprise,
            "items": selectors.enterprise_work(enterprise=enterprise),
            "notices": notice_selectors.notice_list(user=user).filter(enterprise=enterprise),
            "visits": inspection_selectors.visit_list(user=user).filter(enterprise=enterprise)[:10],
            "evidence_form": EvidenceForm(),
            "extension_form": ExtensionForm(),
        },
    )


@login_required
@require_POST
def evidence_submit_view(request, kind: str, pk: int):
    target = selectors.target_get(user=request.user, kind=kind, pk=pk)

    def submit(data):
        submission = services.evidence_submit(
            target=target, uploads=data["files"], note=data["note"], by=request.user
        )
        return _("Evidence submitted as version %(v)d.") % {"v": submission.version}

    form_action(request, EvidenceForm(request.POST, request.FILES), submit)
    return _back(request, "portal:home")


@login_required
@require_POST
def extension_request_view(request, kind: str, pk: int):
    target = selectors.target_get(user=request.user, kind=kind, pk=pk)

    def ask(data):
        services.extension_request(target=target, by=request.user, **data)
        return _("Extension requested; a manager will decide.")

    form_action(request, ExtensionForm(request.POST), ask)
    return _back(request, "portal:home")


@login_required
def evidence_file_view(request, pk: int):
    evidence = selectors.evidence_file_get(user=request.user, pk=pk)
    if not default_storage.exists(evidence.file.name):
        raise Http404
    return FileResponse(
        default_storage.open(evidence.file.name, "rb"),
        content_type=evidence.content_type,
        as_attachment=not evidence.content_type.startswith("image/"),
        filename=evidence.original_name or None,
    )


@staff_required
def review_queue_view(request):
    return render(
        request,
        "portal/reviews.html",
        {"submissions": selectors.review_queue(user=request.user), "form": DecisionForm()},
    )


@staff_required
@require_POST
def review_decide_view(request, pk: int):
    submission = get_object_or_404(EvidenceSubmission, pk=pk)

    def decide(data):
        services.evidence_review(
            submission=submission,
            accept=data["decision"],
            comment=data["comment"],
            by=request.user,
        )
        return _("Review recorded.")

    form_action(request, DecisionForm(request.POST), decide)
    return _back(request, "portal:reviews")


@manager_required
def extension_queue_view(request):
    return render(
        request,
        "portal/extensions.html",
        {"extensions": selectors.extension_queue(user=request.user), "form": DecisionForm()},
    )


@manager_required
@require_POST
def extension_decide_view(request, pk: int):
    extension = get_object_or_404(DeadlineExtension, pk=pk)

    def decide(data):
        services.extension_decide(
            extension=extension,
            approve=data["decision"],
            comment=data["comment"],
            by=request.user,
        )
        return _("Decision recorded.")

    form_action(request, DecisionForm(request.POST), decide)
    return _back(request, "portal:extensions")

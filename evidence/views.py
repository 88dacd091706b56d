"""Staff queues for evidence review and extension requests, and evidence file downloads."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govern.decorators import manager_required, staff_required
from govern.files import stored_file_response
from govern.views import form_action, redirect_back

from . import selectors, services
from .forms import DecisionForm
from .models import DeadlineExtension, EvidenceSubmission


@login_required
def evidence_file_view(request, pk: int):
    evidence = selectors.evidence_file_get(user=request.user, pk=pk)
    return stored_file_response(
        evidence.file.name,
        content_type=evidence.content_type,
        filename=evidence.original_name or evidence.sha256[:12],
        user=request.user,
    )


@staff_required
def review_queue_view(request):
    page = Paginator(selectors.review_queue(user=request.user), settings.GOVERN_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "evidence/reviews.html",
        {"submissions": page, "page": page, "form": DecisionForm()},
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
    return redirect_back(request, "evidence:reviews")


@manager_required
def extension_queue_view(request):
    return render(
        request,
        "evidence/extensions.html",
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
    return redirect_back(request, "evidence:extensions")

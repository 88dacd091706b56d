"""Notice downloads, the public verification page, corrections and batch issue."""

import io
import tempfile
import zipfile

from csp.constants import SELF
from csp.decorators import csp_replace, csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from pypdf import PdfWriter

from enterprises import selectors as enterprise_selectors
from enterprises.models import District
from govern import errors
from govern.decorators import manager_required, staff_required
from govern.files import stored_file_response

from . import rendering, selectors, services
from .forms import RegisterForm, ServiceForm
from .models import Notice, NoticeBatch, NoticeKind


@login_required
def notice_download_view(request, pk: int):
    notice = selectors.notice_get(user=request.user, pk=pk)
    if not notice.is_ready:
        raise Http404
    return stored_file_response(
        notice.file.name,
        content_type="application/pdf",
        filename=f"{notice.number}.pdf",
        user=request.user,
    )


def notice_verify_view(request, code: str):
    """Public: anyone holding the paper can check it; only the number, type, enterprise, date and hash."""
    notice = (
        Notice.objects.select_related("enterprise", "superseded_by")
        .filter(verification_code=code.upper())
        .first()
    )
    return render(
        request,
        "notices/verify.html",
        {"notice": notice, "code": code},
        status=200 if notice else 404,
    )


@staff_required
def grading_notice_issue_view(request, enterprise_pk: int):
    """GET: the notice as it will read, to confirm; POST: issue it."""
    enterprise = enterprise_selectors.enterprise_get(user=request.user, pk=enterprise_pk)
    if request.method == "POST":
        try:
            notice = services.grading_notice_issue(enterprise=enterprise, by=request.user)
        except errors.ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Issued %(number)s.") % {"number": notice.number})
            return redirect("dossier:detail", pk=enterprise.pk)
    assessment = selectors.current_assessment(enterprise=enterprise)
    already = selectors.grading_notice_of(assessment=assessment) if assessment else None
    return render(
        request,
        "notices/grading_confirm.html",
        {"enterprise": enterprise, "assessment": assessment, "already": already},
    )


@staff_required
@xframe_options_sameorigin
@csp_update({"style-src": ["'unsafe-inline'"]})
@csp_replace({"frame-ancestors": [SELF]})
def grading_notice_preview_view(request, enterprise_pk: int):
    """The grading notice's text before it is issued (shown in the confirmation page's frame)."""
    enterprise = enterprise_selectors.enterprise_get(user=request.user, pk=enterprise_pk)
    assessment = selectors.current_assessment(enterprise=enterprise)
    if assessment is None or not enterprise.tier:
        raise Http404
    return HttpResponse(
        rendering.preview_html(
            kind=NoticeKind.GRADING, enterprise=enterprise, by=request.user, assessment=assessment
        )
    )


@manager_required
@require_POST
def notice_correct_view(request, pk: int):
    notice = selectors.notice_get(user=request.user, pk=pk)
    try:
        corrected = services.notice_correct(
            notice=notice, reason=request.POST.get("reason", ""), by=request.user
        )
    except errors.ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Issued %(number)s, superseding %(old)s.")
            % {"number": corrected.number, "old": notice.number},
        )
    return redirect("dossier:detail", pk=notice.enterprise_id)


@staff_required
def register_view(request):
    """The notice register: every notice, searched by number, enterprise, type and date."""
    form = RegisterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    notices = selectors.notice_register(
        user=request.user,
        number=data.get("number") or "",
        enterprise=data.get("enterprise") or "",
        kind=data.get("kind") or "",
        since=data.get("since"),
        until=data.get("until"),
    )
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notices/register.html",
        {"form": form, "page": page, "notices": page.object_list, "query": query.urlencode()},
    )


def _ready_batch_notices(pk: int) -> tuple[NoticeBatch, list[Notice]]:
    batch = get_object_or_404(NoticeBatch, pk=pk)
    notices = list(
        batch.notices.filter(status=Notice.Status.READY)
        .select_related("enterprise")
        .order_by("sequence")
    )
    if not notices:
        raise Http404
    return batch, notices


@manager_required
def batch_zip_view(request, pk: int):
    """Every rendered notice of a batch in one ZIP, to archive or to send on."""
    batch, notices = _ready_batch_notices(pk)
    spooled = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_STORED) as archive:
        for notice in notices:
            with default_storage.open(notice.file.name, "rb") as pdf:
                archive.writestr(f"{notice.number}-{notice.enterprise.name}.pdf", pdf.read())
    spooled.seek(0)
    return FileResponse(
        spooled,
        as_attachment=True,
        filename=f"notices-batch-{batch.pk}.zip",
        content_type="application/zip",
    )


@manager_required
def batch_print_view(request, pk: int):
    """Every rendered notice of a batch as one PDF in number order, opened in the browser to print
    in one go (each notice starts on its own page, as rendered)."""
    batch, notices = _ready_batch_notices(pk)
    writer = PdfWriter()
    for notice in notices:
        with default_storage.open(notice.file.name, "rb") as pdf:
            writer.append(io.BytesIO(pdf.read()))
    spooled = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    writer.write(spooled)
    spooled.seek(0)
    return FileResponse(
        spooled, filename=f"notices-batch-{batch.pk}.pdf", content_type="application/pdf"
    )


@manager_required
def batch_list_view(request):
    if request.method == "POST":
        district = get_object_or_404(District, pk=request.POST.get("district") or 0)
        try:
            batch = services.notice_batch_issue(district=district, by=request.user)
        except errors.ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            return redirect("notices:batch", pk=batch.pk)
    districts = [
        (d, selectors.grading_batch_candidates(district=d).count()) for d in District.objects.all()
    ]
    batches = NoticeBatch.objects.select_related("district", "created_by")[:20]
    return render(request, "notices/batches.html", {"districts": districts, "batches": batches})


@manager_required
def batch_confirm_view(request, district_pk: int):
    """Before a district's batch is issued: whom it goes to, with what grade and deadline, and the
    first notice as it will read."""
    district = get_object_or_404(District, pk=district_pk)
    candidates = list(selectors.grading_batch_candidates(district=district).order_by("name", "id"))
    return render(
        request,
        "notices/batch_confirm.html",
        {"district": district, "candidates": candidates},
    )


@manager_required
def batch_detail_view(request, pk: int):
    batch = selectors.batch_progress(batch_id=pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"total": batch.total, "ready": batch.ready, "failed": batch.failed})
    notices = batch.notices.select_related("enterprise", "service").order_by("sequence")
    return render(
        request, "notices/batch.html", {"batch": batch, "notices": notices, "show_enterprise": True}
    )


@staff_required
def service_record_view(request, pk: int):
    """The record of service (送达) of a notice: how, when, to whom, with the receipt."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    form = ServiceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_service_record(notice=notice, by=request.user, **form.cleaned_data)
        except errors.ApplicationError as error:
            errors.add_error_to_form(form, error)
        else:
            messages.success(
                request, _("Service of %(number)s recorded.") % {"number": notice.number}
            )
            return redirect("notices:service", pk=notice.pk)
    return render(
        request,
        "notices/service.html",
        {"notice": notice, "service": getattr(notice, "service", None), "form": form},
    )


@staff_required
def service_receipt_view(request, pk: int):
    notice = selectors.notice_get(user=request.user, pk=pk)
    service = getattr(notice, "service", None)
    if service is None or not service.receipt:
        raise Http404
    return stored_file_response(
        service.receipt.name,
        content_type=service.receipt_type,
        filename=service.receipt_name or f"{notice.number}-receipt",
        user=request.user,
    )

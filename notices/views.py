"""Notice downloads, the public verification page, corrections and batch issue."""

import tempfile
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import selectors as enterprise_selectors
from enterprises.models import District
from govern import errors
from govern.decorators import manager_required, staff_required
from govern.files import stored_file_response

from . import selectors, services
from .forms import RegisterForm
from .models import Notice, NoticeBatch


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
@require_POST
def grading_notice_issue_view(request, enterprise_pk: int):
    enterprise = enterprise_selectors.enterprise_get(user=request.user, pk=enterprise_pk)
    try:
        notice = services.grading_notice_issue(enterprise=enterprise, by=request.user)
    except errors.ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Issued %(number)s.") % {"number": notice.number})
    return redirect("dossier:detail", pk=enterprise.pk)


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


@manager_required
def batch_zip_view(request, pk: int):
    """Every rendered notice of a batch in one ZIP, to print or to archive."""
    batch = get_object_or_404(NoticeBatch, pk=pk)
    notices = list(
        batch.notices.filter(status=Notice.Status.READY)
        .select_related("enterprise")
        .order_by("sequence")
    )
    if not notices:
        raise Http404
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
def batch_detail_view(request, pk: int):
    batch = selectors.batch_progress(batch_id=pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"total": batch.total, "ready": batch.ready, "failed": batch.failed})
    notices = batch.notices.select_related("enterprise").order_by("sequence")
    return render(
        request, "notices/batch.html", {"batch": batch, "notices": notices, "show_enterprise": True}
    )

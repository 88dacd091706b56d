"""The material ledger page (the enterprise records, staff read and close findings), its import
template, and the limit tables."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from enterprises import selectors as enterprise_selectors
from govern import clock, errors, roles
from govern.exports import xlsx_response
from govern.files import stored_file_response
from govern.params import int_param

from . import importing, selectors, services
from .forms import LedgerEntryForm, LedgerImportForm
from .models import LedgerDocument, LedgerEntry, LimitStandard, Unit, VocLimit

ROWS_SHOWN = 200
TREND_MONTHS = 24


def _entry_form(request=None) -> LedgerEntryForm:
    if request is not None:
        return LedgerEntryForm(request.POST, request.FILES)
    return LedgerEntryForm(initial={"unit": Unit.PERCENT})


@login_required
def ledger_view(request, pk: int):
    enterprise = enterprise_selectors.enterprise_get(user=request.user, pk=pk)
    keeps = services.keeps_ledger(request.user, enterprise.pk)
    entry_form, import_form, report = _entry_form(), LedgerImportForm(), None
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "add" and keeps:
        entry_form = _entry_form(request)
        if entry_form.is_valid():
            data = entry_form.cleaned_data
            try:
                entry = services.ledger_entry_add(
                    enterprise=enterprise, data=data, documents=data["documents"], by=request.user
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(entry_form, error)
            else:
                messages.success(request, _recorded_message(entry))
                return redirect("materials:ledger", pk=pk)
    elif action == "import" and keeps:
        import_form = LedgerImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            try:
                report = importing.ledger_import(
                    enterprise=enterprise,
                    upload=import_form.cleaned_data["file"],
                    skip_bad_rows=import_form.cleaned_data["skip_bad_rows"],
                    by=request.user,
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(import_form, error)
            else:
                if report.imported:
                    messages.success(
                        request, _("%(count)d ledger row(s) imported.") % {"count": report.imported}
                    )
                if report.ok:
                    return redirect("materials:ledger", pk=pk)
    elif action in ("delete", "close"):
        entry = get_object_or_404(
            selectors.ledger(user=request.user, enterprise=enterprise),
            pk=int_param(request.POST.get("entry"), minimum=1) or 0,
        )
        try:
            if action == "delete":
                services.ledger_entry_delete(entry=entry, by=request.user)
                messages.success(request, _("The row is deleted."))
            else:
                services.finding_close(
                    entry=entry, note=request.POST.get("note", ""), by=request.user
                )
                messages.success(request, _("The finding is closed."))
        except errors.ApplicationError as error:
            messages.error(request, str(error.message))
        return redirect("materials:ledger", pk=pk)
    elif action and not keeps:
        raise PermissionDenied
    return render(
        request,
        "materials/ledger.html",
        _context(request, enterprise, keeps, entry_form, import_form, report),
    )


def _recorded_message(entry: LedgerEntry) -> str:
    if not entry.within_limit:
        return _(
            "Recorded. %(product)s is over the limit of %(standard)s (%(limit)s %(unit)s); the "
            "inspectors will check it."
        ) % {
            "product": entry.product_name,
            "standard": entry.limit.standard.code,
            "limit": entry.limit.limit.normalize(),
            "unit": entry.unit,
        }
    return _("Recorded: within the limit, %(kind)s.") % {
        "kind": _("low-VOC") if entry.low_voc else _("not low-VOC")
    }


def _context(request, enterprise, keeps, entry_form, import_form, report) -> dict:
    today = clock.today()
    trend = selectors.monthly_trend(
        enterprise_id=enterprise.pk, since=selectors.months_back(today, TREND_MONTHS)
    )
    months = [m.month for m in trend]
    chosen = request.GET.get("month", "")
    month = next((m for m in months if f"{m:%Y-%m}" == chosen), months[-1] if months else None)
    entries = selectors.ledger(user=request.user, enterprise=enterprise).prefetch_related(
        "documents"
    )
    return {
        "enterprise": enterprise,
        "keeps": keeps,
        "is_staff": roles.is_staff_role(request.user),
        "trend": trend,
        "month": month,
        "entries": entries.filter(month=month)[:ROWS_SHOWN] if month else [],
        "findings": selectors.open_findings(enterprise_id=enterprise.pk),
        "year": selectors.window_figures(
            enterprise_id=enterprise.pk, since=selectors.months_back(today, selectors.SCORE_MONTHS)
        )
        if trend
        else None,
        "entry_form": entry_form,
        "import_form": import_form,
        "report": report,
    }


@login_required
def template_view(request):
    return xlsx_response("material-ledger-template", importing.template_sheets())


@login_required
def limits_view(request):
    standards = LimitStandard.objects.prefetch_related("limits__category").order_by(
        "product", "valid_from"
    )
    return render(
        request,
        "materials/limits.html",
        {"standards": standards, "unconfirmed": VocLimit.objects.filter(confirmed=False).count()},
    )


@login_required
def document_view(request, pk: int):
    """A ledger row's test report or data sheet, to those who may see the ledger (404 otherwise)."""
    document = get_object_or_404(
        roles.scope_to_user(
            LedgerDocument.objects.all(), request.user, enterprise_field="entry__enterprise"
        ),
        pk=pk,
    )
    return stored_file_response(
        document.file.name,
        content_type=document.content_type,
        filename=document.original_name or "document",
        user=request.user,
    )

"""The facility register: an enterprise's facilities, one facility with its replacements, and the
overdue list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from enterprises import selectors as enterprise_selectors
from govern import errors, roles
from govern.decorators import staff_required
from govern.files import stored_file_response

from . import selectors, services
from .forms import FacilityForm, ReplacementForm
from .models import IODINE_MINIMUM, SPENT_CARBON_WASTE_CODE, ReplacementPhoto


@login_required
def facility_list_view(request, pk: int):
    enterprise = enterprise_selectors.enterprise_get(user=request.user, pk=pk)
    keeps = roles.may_act_for(request.user, enterprise.pk)
    form = FacilityForm(enterprise=enterprise)
    if request.method == "POST":
        if not keeps:
            raise PermissionDenied
        form = FacilityForm(request.POST, enterprise=enterprise)
        if form.is_valid():
            try:
                facility = services.facility_register(
                    enterprise=enterprise, data=form.cleaned_data, by=request.user
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(form, error)
            else:
                messages.success(request, _("Facility registered."))
                return redirect("facilities:detail", pk=facility.pk)
    return render(
        request,
        "facilities/list.html",
        {
            "enterprise": enterprise,
            "facilities": selectors.facilities(user=request.user, enterprise=enterprise),
            "form": form,
            "keeps": keeps,
        },
    )


@login_required
def facility_detail_view(request, pk: int):
    facility = get_object_or_404(selectors.facilities(user=request.user), pk=pk)
    keeps = roles.may_act_for(request.user, facility.enterprise_id)
    edit_form = FacilityForm(instance=facility, enterprise=facility.enterprise)
    replacement_form = ReplacementForm()
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not keeps:
        raise PermissionDenied
    if action == "replace":
        replacement_form = ReplacementForm(request.POST, request.FILES)
        if replacement_form.is_valid():
            data = replacement_form.cleaned_data
            try:
                replacement = services.replacement_record(
                    facility=facility, data=data, photos=data["photos"], by=request.user
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(replacement_form, error)
            else:
                messages.success(request, _("Replacement recorded."))
                if replacement.iodine_too_low:
                    messages.warning(
                        request,
                        _("The new carbon's iodine value is below %(min)d mg/g.")
                        % {"min": IODINE_MINIMUM},
                    )
                return redirect("facilities:detail", pk=pk)
    elif action == "edit":
        edit_form = FacilityForm(request.POST, instance=facility, enterprise=facility.enterprise)
        if edit_form.is_valid():
            try:
                services.facility_update(
                    facility=facility, data=edit_form.cleaned_data, by=request.user
                )
            except errors.ApplicationError as error:
                errors.add_error_to_form(edit_form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("facilities:detail", pk=pk)
    return render(
        request,
        "facilities/detail.html",
        {
            "facility": facility,
            "enterprise": facility.enterprise,
            "keeps": keeps,
            "edit_form": edit_form,
            "replacement_form": replacement_form,
            "replacements": facility.replacements.all(),
            "iodine_minimum": IODINE_MINIMUM,
            "waste_code": SPENT_CARBON_WASTE_CODE,
            "editing": action == "edit",
        },
    )


@staff_required
def overdue_view(request):
    return render(
        request,
        "facilities/overdue.html",
        {"facilities": selectors.overdue(user=request.user)[:500]},
    )


@login_required
def photo_view(request, pk: int):
    """A replacement photo, to those who may see its facility (404 otherwise)."""
    photo = get_object_or_404(
        roles.scope_to_user(
            ReplacementPhoto.objects.all(),
            request.user,
            enterprise_field="replacement__facility__enterprise",
        ),
        pk=pk,
    )
    return stored_file_response(
        photo.file.name,
        content_type=photo.content_type,
        filename=photo.original_name or "photo",
        user=request.user,
    )

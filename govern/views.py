"""Project-level pages (the home page sends each role where its work is) and a helper for small forms."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from govern import errors, roles


@login_required
def home(request):
    user = request.user
    if roles.is_enterprise_user(user) and user.enterprise_id:
        return redirect("portal:home")
    return redirect("enterprises:list")


def form_action(request, form, call: Callable[[dict], str]) -> None:
    """Validate a small POSTed form, run ``call`` (a service) with its data, and report as messages.

    ``call`` returns the success message; domain errors and field errors become error messages.
    """
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return
    try:
        done = call(form.cleaned_data)
    except errors.ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)

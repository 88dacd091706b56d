"""Project-level pages (the home page sends each role where its work is) and a helper for small forms."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme

from govern import errors, roles


@login_required
def home(request):
    user = request.user
    if roles.is_enterprise_user(user) and user.enterprise_id:
        return redirect("portal:home")
    if roles.is_inspector(user) and not roles.is_manager(user):
        return redirect("inspections:today")  # drafts and today's inspections, on the phone
    return redirect("enterprises:list")


def safe_next(request, target: str) -> str | None:
    """``target`` if it is a path on this site, else None.

    Django's check, plus a refusal of any control character: browsers drop tabs and line breaks from
    a Location header, so ``/\t/evil.example`` would be followed as ``//evil.example``.
    """
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else None


def redirect_back(request, fallback: str):
    """Return to the page a form was posted from (its ``next`` field), if it is one of ours."""
    return redirect(safe_next(request, request.POST.get("next", "")) or fallback)


def form_action(request, form, call: Callable[[dict], str]) -> None:
    """Validate a small POSTed form, run ``call`` (a service) with its data, and report as messages.

    ``call`` returns the success message; domain errors and field errors become error messages, a
    field's named by its label (the message stands at the top of the page, away from the field).
    """
    if not form.is_valid():
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in field_errors:
                messages.error(request, f"{label}：{message}" if label else message)
        return
    try:
        done = call(form.cleaned_data)
    except errors.ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name none (the API docs, files opened directly)."""
    return redirect(static("favicon.svg"), permanent=True)


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when a login is refused for too many wrong passwords."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def csrf_failure(request, reason=""):
    """A form posted after its page expired: say so in the user's language, not Django's English."""
    return render(request, "403_csrf.html", status=403)

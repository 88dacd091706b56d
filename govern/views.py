"""Project-level pages (the home page sends each role where its work is) and a helper for small forms."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

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
    """Validate a small POSTed form, run ``call`` (a service) with its data, and report.

    ``call`` returns the success message. A refusal (a field's error or a domain error) is kept in
    the session for the page the view redirects to: the page shows each message at its field and
    puts back what was typed (govern.js); a short message at the top says nothing was saved.
    """
    refused: dict[str, list[str]] = {}
    if not form.is_valid():
        refused = {
            (field if field in form.fields else "__all__"): [str(m) for m in field_errors]
            for field, field_errors in form.errors.items()
        }
    else:
        try:
            done = call(form.cleaned_data)
        except errors.ApplicationError as error:
            field = error.field if error.field in form.fields else "__all__"
            refused = {field: [str(error.message)]}
        else:
            messages.success(request, done)
            return
    labels = {name: str(form.fields[name].label or "") for name in refused if name in form.fields}
    request.session["failed_form"] = {"action": request.path, "errors": refused, "labels": labels}
    named = "；".join(
        f"{labels[name]}：{message}" if labels.get(name) else message
        for name, field_messages in refused.items()
        for message in field_messages
    )
    messages.error(request, _("Not saved — %(problems)s") % {"problems": named})


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


# The installable web app (a PWA): its manifest, its service worker at the site's root (a worker
# controls only the paths below its own URL), and the page shown offline when nothing is kept.


def manifest(request):
    return JsonResponse(
        {
            "name": _("VOC tiered governance"),
            "short_name": _("govern"),
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f4f5f7",
            "theme_color": "#0f5c4a",
            "lang": request.LANGUAGE_CODE,
            "icons": [
                {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


def service_worker(request):
    path = finders.find("js/sw.js")
    with open(path, encoding="utf-8") as source:
        response = HttpResponse(source.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # a new version is picked up at the next visit
    response["Service-Worker-Allowed"] = "/"
    return response


def offline(request):
    return render(request, "offline.html")

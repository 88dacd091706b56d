"""The deadline list and the notification centre."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import District
from govern import roles
from govern.exports import Sheet, xlsx_response
from govern.models import Notification
from govern.notifications import mark_read
from govern.params import int_param
from govern.views import redirect_back
from govern.workdays import coverage_warning

from . import selectors

NOTIFICATIONS_PER_PAGE = 30


@login_required
def deadline_list_view(request):
    kinds = selectors.kinds_for(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else None
    state = request.GET.get("state") if request.GET.get("state") in ("overdue", "soon") else None
    district = int_param(request.GET.get("district"))
    today = timezone.localdate()
    items = selectors.deadline_items(
        user=request.user, kind=kind, district=district, state=state, today=today
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "deadlines",
            [
                Sheet(
                    _("Deadlines"),
                    [
                        _("Kind"),
                        _("Enterprise"),
                        _("District"),
                        _("Item"),
                        _("Due date"),
                        _("Owner"),
                        _("Status"),
                    ],
                    [
                        [
                            i.kind_label,
                            i.enterprise.name,
                            str(i.enterprise.district),
                            i.title,
                            i.due.isoformat(),
                            i.owner,
                            i.status,
                        ]
                        for i in items.iterate()
                    ],
                )
            ],
        )
    page = Paginator(items, settings.GOVERN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deadlines/list.html",
        {
            "page": page,
            "kinds": kinds.items(),
            "kind": kind,
            "state": state,
            "district": district,
            "districts": District.objects.all(),
            "today": today,
            "query": query.urlencode(),
            "capped": page.paginator.count >= selectors.COUNT_CAP,
            "calendar_warning": coverage_warning(today)
            if roles.is_staff_role(request.user)
            else "",
        },
    )


@login_required
def notification_list_view(request):
    """The notification centre: paged, filtered by read state, level and words."""
    unread = request.GET.get("state") == "unread"
    level = request.GET.get("level")
    level = level if level in Notification.Level.values else None
    q = (request.GET.get("q") or "")[:60]
    notifications = selectors.notifications_for(user=request.user, unread=unread, level=level, q=q)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deadlines/notifications.html",
        {
            "page": page,
            "notifications": page.object_list,
            "unread": unread,
            "level": level or "",
            "levels": Notification.Level.choices,
            "q": q,
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def notification_read_view(request):
    notification_id = request.POST.get("id", "")
    if not notification_id:  # "mark all as read"
        mark_read(user=request.user)
    elif notification_id.isascii() and notification_id.isdigit():
        mark_read(user=request.user, notification_id=int(notification_id))
    return redirect_back(request, "notifications")

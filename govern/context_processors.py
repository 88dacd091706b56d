"""Template context: the current user's role, so templates show only what the user may use."""

from govern import roles as role_rules


def roles(request):
    user = request.user
    return {
        "user_role": role_rules.primary_role(user),
        "user_is_manager": role_rules.is_manager(user),
        "user_is_staff_role": role_rules.is_staff_role(user),
    }


def notifications(request):
    """The unread count in the header: one COUNT query per page."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"unread_notifications": user.notifications.filter(read_at__isnull=True).count()}


def failed_form(request):
    """The small form posted just before this page and refused (``govern.views.form_action``): its
    action and its errors by field, so the page shows each error at its field and govern.js puts
    back what was typed. Read once, by the next page shown."""
    session = getattr(request, "session", None)
    if session is None or request.method != "GET" or "failed_form" not in session:
        return {}
    return {"failed_form": session.pop("failed_form")}

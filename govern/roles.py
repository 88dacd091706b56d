"""Roles: the inspector, manager and enterprise groups, and the questions asked of a user's role."""

from django.utils.translation import gettext_lazy as _

INSPECTOR = "inspector"
MANAGER = "manager"
ENTERPRISE = "enterprise"
ROLE_GROUPS = (INSPECTOR, MANAGER, ENTERPRISE)
ROLE_LABELS = {INSPECTOR: _("Inspector"), MANAGER: _("Manager"), ENTERPRISE: _("Enterprise")}


def role_names(user) -> frozenset[str]:
    """The user's role group names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_manager(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or MANAGER in role_names(user)


def is_inspector(user) -> bool:
    return INSPECTOR in role_names(user)


def is_staff_role(user) -> bool:
    """Bureau staff: inspectors, managers and superusers see every enterprise."""
    return is_manager(user) or is_inspector(user)


def is_enterprise_user(user) -> bool:
    return ENTERPRISE in role_names(user) and not is_staff_role(user)


def primary_role(user) -> str | None:
    if is_manager(user):
        return MANAGER
    if is_inspector(user):
        return INSPECTOR
    if is_enterprise_user(user):
        return ENTERPRISE
    return None

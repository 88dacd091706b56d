"""Roles: the inspector, manager and enterprise groups, and the questions asked of a user's role."""

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=Model)

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


def is_own_enterprise(user, enterprise_id: int | None) -> bool:
    """An enterprise account acting for its own enterprise."""
    return (
        is_enterprise_user(user)
        and enterprise_id is not None
        and user.enterprise_id == enterprise_id
    )


def may_act_for(user, enterprise_id: int | None) -> bool:
    """Staff, or the enterprise's own accounts: who may keep the enterprise's registers and lists."""
    return is_staff_role(user) or is_own_enterprise(user, enterprise_id)


def primary_role(user) -> str | None:
    if is_manager(user):
        return MANAGER
    if is_inspector(user):
        return INSPECTOR
    if is_enterprise_user(user):
        return ENTERPRISE
    return None


def scope_to_user(
    queryset: QuerySet[M], user, *, enterprise_field: str = "enterprise"
) -> QuerySet[M]:
    """The rows the user may see: staff all; an enterprise account its own enterprise's; others none.

    ``enterprise_field`` is the path from the row to its enterprise (``"pk"`` for enterprises themselves).
    """
    if is_staff_role(user):
        return queryset
    if is_enterprise_user(user) and user.enterprise_id:
        lookup = "pk" if enterprise_field == "pk" else f"{enterprise_field}__pk"
        return queryset.filter(**{lookup: user.enterprise_id})
    return queryset.none()


class SystemActor:
    """The system itself reading everything (a scheduled job computing city-wide figures): treated as a
    superuser by the role questions, never a person, never stored."""

    is_authenticated = True
    is_superuser = True
    enterprise_id = None
    pk = None
    _role_names = frozenset((MANAGER,))


SYSTEM = SystemActor()

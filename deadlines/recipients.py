"""Who is told: the people who must act on a kind of item (one query per question, not per row)."""

from django.db.models import QuerySet

from govern import roles
from govern.models import User


def managers() -> QuerySet[User]:
    return User.objects.filter(groups__name=roles.MANAGER, is_active=True).distinct()


def enterprise_accounts(enterprise_id: int) -> QuerySet[User]:
    return User.objects.filter(
        enterprise_id=enterprise_id, groups__name=roles.ENTERPRISE, is_active=True
    ).distinct()


def visit_inspectors(visit_id: int) -> QuerySet[User]:
    return User.objects.filter(site_visits__pk=visit_id, is_active=True).distinct()


def planned_inspectors(planned_ids) -> QuerySet[User]:
    return User.objects.filter(
        planned_inspections__pk__in=list(planned_ids), is_active=True
    ).distinct()


def inspectors() -> QuerySet[User]:
    return User.objects.filter(groups__name=roles.INSPECTOR, is_active=True).distinct()


def accounts_by_enterprise(enterprise_ids) -> dict[int, list[int]]:
    """The active accounts' ids of each enterprise, in one query."""
    found: dict[int, list[int]] = {}
    for user_id, enterprise_id in User.objects.filter(
        enterprise_id__in=list(enterprise_ids), groups__name=roles.ENTERPRISE, is_active=True
    ).values_list("pk", "enterprise_id"):
        found.setdefault(enterprise_id, []).append(user_id)
    return found

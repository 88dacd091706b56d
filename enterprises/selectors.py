"""Reads of the registry, scoped to what the user may see; views, exports and the API share them."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from govern import roles

from .models import (
    CONDITION_MESSAGES,
    ClosureCheck,
    ClosureRecord,
    Enterprise,
    RelocationMilestone,
    RelocationProject,
    TransitionLog,
)


def enterprise_list(*, user, filters: dict | None = None) -> QuerySet[Enterprise]:
    """Enterprises the user may see: staff see all; an enterprise account only its own."""
    qs = roles.scope_to_user(
        Enterprise.objects.select_related("sector", "district", "park"), user, enterprise_field="pk"
    )
    if filters:
        from .filters import EnterpriseFilter

        qs = EnterpriseFilter(filters, queryset=qs).qs
    return qs


def enterprise_get(*, user, pk: int) -> Enterprise:
    """One enterprise the user may see, or 404 (never 403, so existence is not revealed)."""
    try:
        return enterprise_list(user=user).select_related("relocation_park").get(pk=pk)
    except Enterprise.DoesNotExist as error:
        raise Http404 from error


def enterprise_timeline(*, enterprise: Enterprise) -> QuerySet[TransitionLog]:
    return enterprise.transitions.select_related("actor").order_by("created_at", "id")


def relocation_of(*, enterprise: Enterprise) -> RelocationProject | None:
    """The enterprise's relocation project with milestones and evidence, or None."""
    return (
        RelocationProject.objects.filter(enterprise=enterprise)
        .select_related("target_park")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=RelocationMilestone.objects.prefetch_related("evidence").order_by("kind"),
            )
        )
        .first()
    )


def closure_of(*, enterprise: Enterprise) -> ClosureRecord | None:
    return (
        ClosureRecord.objects.filter(enterprise=enterprise)
        .select_related("ordered_by")
        .prefetch_related(
            Prefetch(
                "checks",
                queryset=ClosureCheck.objects.prefetch_related("evidence").order_by("item"),
            )
        )
        .first()
    )


# The order in which the lifecycle's buttons are shown.
TRANSITION_ORDER = (
    "grade",
    "start_remediation",
    "certify_compliant",
    "start_relocation",
    "complete_relocation",
    "close",
)


def transition_actions(*, enterprise: Enterprise, user) -> tuple[list[dict], list[dict]]:
    """Transitions the user may take now, and those only a condition blocks (with the reason)."""
    allowed, blocked = [], []
    for name in TRANSITION_ORDER:
        meta = getattr(enterprise, name)._django_fsm
        if not meta.has_transition(enterprise.state) or not meta.has_transition_perm(
            enterprise, enterprise.state, user
        ):
            continue
        transition = meta.get_transition(enterprise.state)
        entry = {"name": name, "label": transition.custom.get("label", name)}
        unmet = [c for c in transition.conditions or [] if not c(enterprise)]
        if unmet:
            entry["why"] = CONDITION_MESSAGES.get(unmet[0].__name__, "")
            blocked.append(entry)
        else:
            allowed.append(entry)
    return allowed, blocked

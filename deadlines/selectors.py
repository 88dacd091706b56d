"""Every open deadline in one list: rectification orders, remediation tasks, relocation milestones and
evidence reviews, scoped to what the user may see."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import (
    ClosureRecord,
    Enterprise,
    RelocationMilestone,
    RemediationTask,
    State,
)
from evidence.models import EvidenceSubmission
from govern import clock, roles
from govern.workdays import add_working_days, working_days_between
from inspections.models import RectificationOrder

KINDS = {
    "order": _("rectification order"),
    "task": _("remediation task"),
    "milestone": _("relocation milestone"),
    "closure": _("closure shutdown"),
    "review": _("evidence review"),
}
DUE_FIELD = {
    "order": "deadline",
    "task": "deadline",
    "milestone": "planned_date",
    "closure": "deadline",
}
ENTERPRISE_PATH = {
    "order": "enterprise",
    "task": "plan__enterprise",
    "milestone": "project__enterprise",
    "closure": "enterprise",
    "review": "enterprise",
}


def all_open_querysets() -> dict[str, QuerySet]:
    """Open items per kind (not yet accepted or done), of every enterprise: for the daily job."""
    return {
        "order": RectificationOrder.objects.active().select_related(
            "enterprise__district", "visit"
        ),
        "task": RemediationTask.objects.exclude(status=RemediationTask.Status.ACCEPTED)
        .exclude(plan__enterprise__state__in=[State.CLOSED, State.RELOCATED])
        .select_related("plan__enterprise__district"),
        "milestone": RelocationMilestone.objects.filter(
            actual_date__isnull=True,
            planned_date__isnull=False,
            project__enterprise__state=State.RELOCATING,
        ).select_related("project__enterprise__district"),
        "closure": ClosureRecord.objects.filter(
            verified_on__isnull=True, deadline__isnull=False
        ).select_related("enterprise__district"),
        "review": EvidenceSubmission.objects.filter(
            status=EvidenceSubmission.Status.PENDING
        ).select_related("enterprise__district", "task", "order"),
    }


def open_querysets(*, user) -> dict[str, QuerySet]:
    """Open items per kind, of the enterprises the user may see."""
    return {
        kind: roles.scope_to_user(qs, user, enterprise_field=ENTERPRISE_PATH[kind])
        for kind, qs in all_open_querysets().items()
    }


def review_due(submission: EvidenceSubmission) -> date:
    return add_working_days(
        timezone.localdate(submission.submitted_at), settings.GOVERN_REVIEW_WORKING_DAYS
    )


@dataclass
class DeadlineItem:
    kind: str
    pk: int
    enterprise: Enterprise
    title: str
    due: date
    owner: str
    status: str
    url: str

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    def working_days_left(self, today: date) -> int:
        return working_days_between(today, self.due)


def _items(kind: str, qs) -> list[DeadlineItem]:
    items = []
    for obj in qs:
        if kind == "order":
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    obj.enterprise,
                    obj.requirement,
                    obj.deadline,
                    obj.enterprise.contact_name or obj.enterprise.legal_representative,
                    obj.get_status_display(),
                    reverse("inspections:visit", args=[obj.visit_id]),
                )
            )
        elif kind == "task":
            enterprise = obj.plan.enterprise
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    enterprise,
                    obj.description,
                    obj.deadline,
                    obj.owner,
                    obj.get_status_display(),
                    reverse("dossier:plan", args=[enterprise.pk]),
                )
            )
        elif kind == "closure":
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    obj.enterprise,
                    str(_("Shutdown verified (two cuts, three clears)")),
                    obj.deadline,
                    obj.enterprise.legal_representative,
                    str(_("open")),
                    f"{reverse('dossier:detail', args=[obj.enterprise_id])}#lifecycle-projects",
                )
            )
        elif kind == "milestone":
            enterprise = obj.project.enterprise
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    enterprise,
                    obj.get_kind_display(),
                    obj.planned_date,
                    enterprise.contact_name or enterprise.legal_representative,
                    str(_("open")),
                    f"{reverse('dossier:detail', args=[enterprise.pk])}#lifecycle-projects",
                )
            )
        else:
            target = obj.task.description if obj.task_id else obj.order.requirement
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    obj.enterprise,
                    f"v{obj.version} · {target}",
                    review_due(obj),
                    str(_("inspectors")),
                    obj.get_status_display(),
                    reverse("evidence:reviews"),
                )
            )
    return items


def deadline_items(
    *,
    user,
    kind: str | None = None,
    district: int | None = None,
    state: str | None = None,
    today: date | None = None,
) -> list[DeadlineItem]:
    """Open deadlines the user may see, soonest first.

    ``state``: "overdue", "soon" (due within 7 working days) or None for all.
    """
    return _select(
        open_querysets(user=user), kind=kind, district=district, state=state, today=today
    )


def all_deadline_items(
    *, state: str | None = None, today: date | None = None
) -> list[DeadlineItem]:
    """Open deadlines of every enterprise (the daily job's view)."""
    return _select(all_open_querysets(), state=state, today=today)


def _select(querysets, *, kind=None, district=None, state=None, today=None) -> list[DeadlineItem]:
    today = today or clock.today()
    items = []
    for name, qs in querysets.items():
        if kind and name != kind:
            continue
        if district:
            qs = qs.filter(**{f"{ENTERPRISE_PATH[name]}__district_id": district})
        if name in DUE_FIELD and state == "overdue":
            qs = qs.filter(**{f"{DUE_FIELD[name]}__lt": today})
        elif name in DUE_FIELD and state == "soon":
            qs = qs.filter(
                **{
                    f"{DUE_FIELD[name]}__gte": today,
                    f"{DUE_FIELD[name]}__lte": add_working_days(today, 7),
                }
            )
        items.extend(_items(name, qs))
    if state == "overdue":
        items = [i for i in items if i.due < today]
    elif state == "soon":
        items = [i for i in items if today <= i.due <= add_working_days(today, 7)]
    return sorted(items, key=lambda i: (i.due, i.kind, i.pk))

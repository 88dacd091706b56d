"""Every open deadline in one list: rectification orders, remediation tasks, relocation milestones and
evidence reviews, scoped to what the user may see."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enforcement.models import OPEN_STAGES, PenaltyCase, Seizure
from enterprises.models import (
    NON_TERMINAL_STATES,
    ClosureRecord,
    DischargePermit,
    Enterprise,
    RelocationMilestone,
    RemediationTask,
)
from evidence.models import EvidenceSubmission
from facilities.models import TreatmentFacility
from govern import clock, roles
from govern.workdays import add_working_days, working_days_between
from inspections.models import PublicResult, RectificationOrder

KINDS = {
    "order": _("rectification order"),
    "task": _("remediation task"),
    "milestone": _("relocation milestone"),
    "closure": _("closure shutdown"),
    "review": _("evidence review"),
    "carbon": _("activated-carbon replacement"),
    "case": _("penalty case"),
    "seizure": _("sealing or seizure"),
    "permit": _("discharge permit renewal"),
    "publication": _("random-inspection result publication"),
}
DUE_FIELD = {
    "order": "deadline",
    "task": "deadline",
    "milestone": "planned_date",
    "closure": "deadline",
    "review": "review_due",
    "carbon": "replacement_due",
    "case": "due_on",
    "seizure": "ends_on",
    "permit": "renewal_due",
    "publication": "publish_due",
}
# The bureau's own deadlines: an enterprise account neither has nor sees these kinds.
STAFF_ONLY_KINDS = ("case", "seizure", "publication")
PORTAL = "/portal/"
ENTERPRISE_PATH = {
    "order": "enterprise",
    "task": "plan__enterprise",
    "milestone": "project__enterprise",  # the lead (reminders go to it)
    "closure": "enterprise",
    "review": "enterprise",
    "carbon": "enterprise",
    "case": "enterprise",
    "seizure": "case__enterprise",
    "permit": "enterprise",
    "publication": "enterprise",
}

# Who sees an item: every member of a consolidated cluster sees the milestones they share.
SCOPE_PATH = {**ENTERPRISE_PATH, "milestone": "project__members"}


def all_open_querysets() -> dict[str, QuerySet]:
    """Open items per kind (not yet accepted or done), of every enterprise: for the daily job."""
    return {
        "order": RectificationOrder.objects.active().select_related(
            "enterprise__district", "visit"
        ),
        # Open tasks (a closure cancels its enterprise's; a relocated enterprise keeps its own).
        "task": RemediationTask.objects.filter(
            status__in=RemediationTask.OPEN_STATUSES
        ).select_related("plan__enterprise__district"),
        # Milestones of moves under way (a completed or cancelled project asks nothing more).
        "milestone": RelocationMilestone.objects.filter(
            actual_date__isnull=True,
            planned_date__isnull=False,
            project__completed_at__isnull=True,
            project__cancelled_at__isnull=True,
        ).select_related("project__enterprise__district"),
        "closure": ClosureRecord.objects.filter(
            verified_on__isnull=True, deadline__isnull=False
        ).select_related("enterprise__district"),
        "review": EvidenceSubmission.objects.filter(
            status=EvidenceSubmission.Status.PENDING, review_due__isnull=False
        ).select_related("enterprise__district", "task", "order"),
        # Activated carbon in service: the next replacement, T days after the latest one.
        "carbon": TreatmentFacility.objects.carbon_due().select_related("enterprise__district"),
        # Penalty cases: the bureau's next legal deadline (decision, service, payment).
        "case": PenaltyCase.objects.filter(
            due_on__isnull=False, stage__in=OPEN_STAGES
        ).select_related("enterprise__district"),
        "seizure": Seizure.objects.filter(released_on__isnull=True).select_related(
            "case__enterprise__district"
        ),
        # The current permit of each enterprise: renewal applied for 60 days before it expires.
        "permit": DischargePermit.objects.filter(
            renewed_by__isnull=True, enterprise__state__in=NON_TERMINAL_STATES
        ).select_related("enterprise__district"),
        "publication": PublicResult.objects.filter(published_at__isnull=True).select_related(
            "enterprise__district"
        ),
    }


def kinds_for(user) -> dict:
    """The kinds of deadline the user may list (an enterprise account: its own obligations)."""
    if roles.is_staff_role(user):
        return dict(KINDS)
    return {k: v for k, v in KINDS.items() if k not in STAFF_ONLY_KINDS}


def open_querysets(*, user) -> dict[str, QuerySet]:
    """Open items per kind, of the enterprises the user may see."""
    allowed = kinds_for(user)
    return {
        kind: roles.scope_to_user(qs, user, enterprise_field=SCOPE_PATH[kind])
        for kind, qs in all_open_querysets().items()
        if kind in allowed
    }


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


def _items(kind: str, qs, *, for_staff: bool = True) -> list[DeadlineItem]:
    """Items of one kind; an enterprise account's links lead to its portal (it may not open the
    staff's pages)."""
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
                    reverse("inspections:visit", args=[obj.visit_id]) if for_staff else PORTAL,
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
                    reverse("dossier:plan", args=[enterprise.pk]) if for_staff else PORTAL,
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
                    f"{reverse('dossier:detail', args=[obj.enterprise_id])}#lifecycle-projects"
                    if for_staff
                    else PORTAL,
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
                    f"{reverse('dossier:detail', args=[enterprise.pk])}#lifecycle-projects"
                    if for_staff
                    else PORTAL,
                )
            )
        elif kind == "carbon":
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    obj.enterprise,
                    str(_("Replace the activated carbon: %(name)s") % {"name": obj.name}),
                    obj.replacement_due,
                    obj.enterprise.contact_name or obj.enterprise.legal_representative,
                    str(_("open")),
                    reverse("facilities:detail", args=[obj.pk]) if for_staff else PORTAL,
                )
            )
        elif kind == "case":
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    obj.enterprise,
                    f"{obj.number} · {obj.due_what}",
                    obj.due_on,
                    str(_("case officers")),
                    obj.get_stage_display(),
                    reverse("enforcement:case", args=[obj.pk]) if for_staff else PORTAL,
                )
            )
        elif kind == "seizure":
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    obj.case.enterprise,
                    f"{obj.case.number} · {obj.get_kind_display()}",
                    obj.ends_on,
                    str(_("case officers")),
                    str(_("open")),
                    reverse("enforcement:case", args=[obj.case_id]) if for_staff else PORTAL,
                )
            )
        elif kind == "permit":
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    obj.enterprise,
                    str(
                        _("Apply to renew permit %(number)s (expires %(day)s)")
                        % {"number": obj.number, "day": obj.valid_until.isoformat()}
                    ),
                    obj.renewal_due,
                    obj.enterprise.contact_name or obj.enterprise.legal_representative,
                    str(_("open")),
                    reverse("dossier:detail", args=[obj.enterprise_id]) + "#permits"
                    if for_staff
                    else PORTAL,
                )
            )
        elif kind == "publication":
            items.append(
                DeadlineItem(
                    kind,
                    obj.pk,
                    obj.enterprise,
                    str(
                        _("Publish the random inspection of %(day)s")
                        % {"day": obj.inspected_on.isoformat()}
                    ),
                    obj.publish_due,
                    str(_("managers")),
                    str(_("open")),
                    reverse("inspections:results") if for_staff else PORTAL,
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
                    obj.review_due,
                    str(_("inspectors")),
                    obj.get_status_display(),
                    reverse("evidence:reviews") if for_staff else PORTAL,
                )
            )
    return items


# Paging in the database: each kind is read in due-date order from its partial index (a range scan that
# stops after the page), the kinds are merged here, and only the page's rows are then loaded; so a page
# costs the same with 300 or 300,000 open deadlines.

COUNT_CAP = 10_000  # per kind: beyond this the list says "10000+"
KIND_ORDER = {
    kind: index
    for index, kind in enumerate(
        (
            "carbon",
            "case",
            "closure",
            "milestone",
            "order",
            "permit",
            "publication",
            "review",
            "seizure",
            "task",
        )
    )
}


@dataclass(frozen=True)
class Cursor:
    """Where a keyset page starts: after this (due, kind, id)."""

    due: date
    kind: str
    pk: int

    def token(self) -> str:
        return f"{self.due.isoformat()}.{self.kind}.{self.pk}"

    @classmethod
    def parse(cls, token: str | None) -> "Cursor | None":
        try:
            due, kind, pk = (token or "").split(".")
            cursor = cls(date.fromisoformat(due), kind, int(pk))
        except (ValueError, TypeError):
            return None
        return cursor if kind in KIND_ORDER and 0 < cursor.pk < 2**63 else None


def _parts(
    querysets: dict[str, QuerySet],
    *,
    kind: str | None,
    district: int | None,
    state: str | None,
    today: date,
    after: Cursor | None = None,
) -> dict[str, QuerySet]:
    parts = {}
    for name, qs in querysets.items():
        if kind and name != kind:
            continue
        due = DUE_FIELD[name]
        qs = qs.order_by()
        if district:
            qs = qs.filter(**{f"{ENTERPRISE_PATH[name]}__district_id": district})
        if state == "overdue":
            qs = qs.filter(**{f"{due}__lt": today})
        elif state == "soon":
            qs = qs.filter(**{f"{due}__gte": today, f"{due}__lte": add_working_days(today, 7)})
        if after is not None:
            if KIND_ORDER[name] > KIND_ORDER[after.kind]:
                qs = qs.filter(**{f"{due}__gte": after.due})
            elif name == after.kind:
                # A row comparison, so the (due, id) index serves the keyset directly.
                table = qs.model._meta.db_table
                column = qs.model._meta.get_field(due).column
                qs = qs.extra(
                    where=[f'("{table}"."{column}", "{table}"."id") > (%s, %s)'],
                    params=[after.due, after.pk],
                )
            else:
                qs = qs.filter(**{f"{due}__gt": after.due})
        parts[name] = qs
    return parts


def _first_rows(parts: dict[str, QuerySet], limit: int) -> list[tuple[date, int, int, str]]:
    """The first ``limit`` (due, kind order, id, kind) over the kinds: each kind's first ``limit`` in
    index order, merged."""
    rows: list[tuple[date, int, int, str]] = []
    for name, qs in parts.items():
        due = DUE_FIELD[name]
        rows.extend(
            (day, KIND_ORDER[name], pk, name)
            for pk, day in qs.order_by(due, "pk").values_list("pk", due)[:limit]
        )
    rows.sort()
    return rows[:limit]


def _hydrate(rows, *, for_staff: bool) -> list[DeadlineItem]:
    """The page's rows as items, in the same order: one query per kind present."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for _due, _order, pk, kind in rows:
        wanted[kind].append(pk)
    base = all_open_querysets()
    loaded = {}
    for kind, pks in wanted.items():
        for item in _items(kind, base[kind].filter(pk__in=pks), for_staff=for_staff):
            loaded[(kind, item.pk)] = item
    return [loaded[(kind, pk)] for _due, _order, pk, kind in rows if (kind, pk) in loaded]


class DeadlineList:
    """The open deadlines a user may see, soonest first, loaded a page at a time (Paginator-ready)."""

    def __init__(self, *, user, kind=None, district=None, state=None, today=None):
        self.user = user
        self.today = today or clock.today()
        self.filters = {"kind": kind, "district": district, "state": state, "today": self.today}
        self.for_staff = roles.is_staff_role(user)

    def _parts(self, after: Cursor | None = None) -> dict[str, QuerySet]:
        return _parts(open_querysets(user=self.user), after=after, **self.filters)

    def count(self) -> int:
        """How many, counted up to ``COUNT_CAP`` per kind (a person pages through the first few
        hundred and filters for the rest; an exact count of 300,000 costs more than the page)."""
        return sum(qs[:COUNT_CAP].count() for qs in self._parts().values())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        rows = _first_rows(self._parts(), stop)[start:stop]
        return _hydrate(rows, for_staff=self.for_staff)

    def page_after(
        self, cursor: Cursor | None, size: int
    ) -> tuple[list[DeadlineItem], Cursor | None]:
        """A keyset page: the ``size`` items after ``cursor``, and the cursor of the next page."""
        rows = _first_rows(self._parts(after=cursor), size + 1)
        more = len(rows) > size
        rows = rows[:size]
        following = Cursor(rows[-1][0], rows[-1][3], rows[-1][2]) if more and rows else None
        return _hydrate(rows, for_staff=self.for_staff), following

    def iterate(self, chunk: int = 2000):
        """Every item, a keyset page at a time (exports stream this)."""
        cursor = None
        while True:
            items, cursor = self.page_after(cursor, chunk)
            yield from items
            if cursor is None:
                return


def deadline_items(
    *,
    user,
    kind: str | None = None,
    district: int | None = None,
    state: str | None = None,
    today: date | None = None,
) -> DeadlineList:
    """Open deadlines the user may see, soonest first (a lazy, paged list).

    ``state``: "overdue", "soon" (due within 7 working days) or None for all.
    """
    return DeadlineList(user=user, kind=kind, district=district, state=state, today=today)


def notifications_for(*, user, unread: bool = False, level: str | None = None, q: str = ""):
    """The user's notifications, newest first, filtered (read state, level, words in the title or
    text: every word must appear)."""
    qs = user.notifications.all()
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if level:
        qs = qs.filter(level=level)
    for word in q.split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return qs.order_by("-created_at", "-id")

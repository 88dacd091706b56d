"""Reads of the registry, scoped to what the user may see; views, exports and the API share them."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from govern import roles

from . import mapping
from .models import (
    CONDITION_MESSAGES,
    ClosureCheck,
    ClosureRecord,
    DischargePermit,
    District,
    Enterprise,
    GovernancePath,
    IndustrialPark,
    RelocationMilestone,
    RelocationProject,
    ScatteredCluster,
    State,
    TransitionLog,
    on_path,
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
        return (
            enterprise_list(user=user)
            .select_related("relocation_project__target_park", "cluster")
            .get(pk=pk)
        )
    except Enterprise.DoesNotExist as error:
        raise Http404 from error


def enterprise_timeline(*, enterprise: Enterprise) -> QuerySet[TransitionLog]:
    return enterprise.transitions.select_related("actor").order_by("created_at", "id")


def relocation_projects_visible(*, user) -> QuerySet[RelocationProject]:
    """Projects of enterprises the user may see: those it leads or moves (or moved last) under."""
    visible = enterprise_list(user=user)
    return RelocationProject.objects.filter(
        Q(enterprise__in=visible) | Q(pk__in=visible.values("relocation_project"))
    )


def relocation_of(*, enterprise: Enterprise) -> RelocationProject | None:
    """The enterprise's relocation project (under way, or its last) with milestones and evidence."""
    if enterprise.relocation_project_id is None:
        return None
    return (
        RelocationProject.objects.filter(pk=enterprise.relocation_project_id)
        .select_related("target_park", "cluster")
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


def remediation_started_on(*, enterprise: Enterprise):
    """The day the enterprise's latest remediation started (from its transition log), or None."""
    started = (
        enterprise.transitions.filter(transition="start_remediation")
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(started) if started else None


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
    """Transitions the user may take now, and those only a condition or the path blocks (with the
    reason). A step off the enterprise's path is offered to managers only, marked as an override."""
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
        if not on_path(enterprise, name):
            if not roles.is_manager(user):
                path = GovernancePath(enterprise.governance_path).label
                entry["why"] = _("off the path “%(path)s”; a manager can override") % {"path": path}
                blocked.append(entry)
                continue
            entry["override"] = True
        if unmet:
            entry["why"] = CONDITION_MESSAGES.get(unmet[0].__name__, "")
            blocked.append(entry)
        else:
            allowed.append(entry)
    return allowed, blocked


# --- the built-up-area exit list -----------------------------------------------------------------


class ExitStatus(TextChoices):
    DONE = "done", _("left on time")
    DONE_LATE = "done_late", _("left late")
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk: planned after the due year")
    UNDECIDED = "undecided", _("no decision to relocate or close")
    LATE = "late", _("late: the due year has passed")


@dataclass
class ExitRow:
    enterprise: Enterprise
    due_year: int
    decision: str  # "relocate", "close" or "" (none yet)
    stage: str
    status: str

    @property
    def status_label(self) -> str:
        return str(ExitStatus(self.status).label)

    @property
    def decision_label(self) -> str:
        return str(GovernancePath(self.decision).label) if self.decision else str(_("none yet"))


def built_up_exit_queryset(*, user) -> QuerySet[Enterprise]:
    """Enterprises in (or that have left) a built-up area, of a heavy-polluting sector or handling
    hazardous chemicals: those that must move into a park or exit."""
    return (
        enterprise_list(user=user)
        .filter(Q(in_built_up_area=True) | Q(built_up_exit_on__isnull=False))
        .filter(Q(sector__is_heavy_polluting=True) | Q(handles_hazardous_chemicals=True))
    )


def built_up_exit_left(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Those of the list still in the built-up area."""
    return qs.filter(built_up_exit_on__isnull=True)


def built_up_exit_list(*, user, today: date, filters: dict | None = None) -> list[ExitRow]:
    """The exit list with each enterprise's decision, stage and standing against its due year, in a
    fixed number of queries (milestone and closure-check progress come as subqueries)."""
    milestones = RelocationMilestone.objects.filter(project=OuterRef("relocation_project"))
    checks = ClosureCheck.objects.filter(closure__enterprise=OuterRef("pk"))
    qs = (
        built_up_exit_queryset(user=user)
        .select_related("closure", "park")
        .annotate(
            milestones_done=_count(milestones.filter(actual_date__isnull=False), "project"),
            acceptance_planned=Subquery(
                milestones.filter(kind=RelocationMilestone.Kind.ACCEPTANCE).values("planned_date")[
                    :1
                ]
            ),
            checks_done=_count(checks.filter(verified_on__isnull=False), "closure"),
        )
        .order_by("district_id", "name", "id")
    )
    if filters:
        if filters.get("district"):
            qs = qs.filter(district_id=filters["district"])
        if filters.get("left") == "1":
            qs = qs.filter(built_up_exit_on__isnull=True)
    default_year = settings.GOVERN_BUILT_UP_EXIT_YEAR
    rows = []
    for e in qs:
        due = e.exit_due_year or default_year
        rows.append(
            ExitRow(
                enterprise=e,
                due_year=due,
                decision=e.governance_path
                if e.governance_path in (GovernancePath.RELOCATE, GovernancePath.CLOSE)
                else "",
                stage=_exit_stage(e),
                status=_exit_status(e, due, today),
            )
        )
    return rows


def _count(qs, group: str) -> Subquery:
    """COUNT(*) of a correlated queryset, grouped by the field it is correlated on."""
    return Subquery(
        qs.order_by().values(group).annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def _exit_stage(e) -> str:
    if e.built_up_exit_on and e.state == State.CLOSED:
        return _("shutdown verified")
    if e.built_up_exit_on:
        return _("moved into %(park)s") % {"park": e.park or "—"}
    if e.state == State.RELOCATING:
        return _("relocating: %(done)d of 7 milestones") % {"done": e.milestones_done or 0}
    if e.state == State.CLOSED and not e.built_up_exit_on:
        return _("closure ordered: %(done)d of 5 checks verified") % {"done": e.checks_done or 0}
    return str(e.get_state_display())


def _exit_status(e, due: int, today: date) -> str:
    if e.built_up_exit_on:
        return ExitStatus.DONE if e.built_up_exit_on.year <= due else ExitStatus.DONE_LATE
    if today.year > due:
        return ExitStatus.LATE
    if e.governance_path not in (GovernancePath.RELOCATE, GovernancePath.CLOSE):
        return ExitStatus.UNDECIDED
    year_end = date(due, 12, 31)
    if e.state == State.RELOCATING and e.acceptance_planned and e.acceptance_planned > year_end:
        return ExitStatus.AT_RISK
    closure = getattr(e, "closure", None) if e.state == State.CLOSED else None
    if closure is not None and closure.deadline and closure.deadline > year_end:
        return ExitStatus.AT_RISK
    return ExitStatus.ON_TRACK


# --- scattered-enterprise clusters -----------------------------------------------------------


def cluster_list() -> QuerySet[ScatteredCluster]:
    return ScatteredCluster.objects.select_related("district").annotate(
        member_count=Count("members", distinct=True),
        operating=Count("members", filter=~Q(members__state=State.CLOSED), distinct=True),
        relocating=Count("members", filter=Q(members__state=State.RELOCATING), distinct=True),
    )


def cluster_members(*, cluster: ScatteredCluster) -> QuerySet[Enterprise]:
    return cluster.members.select_related("sector", "district", "park").order_by("name", "id")


def cluster_projects(*, cluster: ScatteredCluster) -> QuerySet[RelocationProject]:
    return cluster.projects.select_related("target_park").prefetch_related(
        Prefetch("milestones", queryset=RelocationMilestone.objects.order_by("kind"))
    )


def current_permit(*, enterprise_id: int):
    """The enterprise's discharge permit in force or last held (not yet replaced by a renewal)."""
    return (
        DischargePermit.objects.filter(enterprise_id=enterprise_id, renewed_by__isnull=True)
        .order_by("-valid_until", "-id")
        .first()
    )


def map_base() -> dict:
    """For the map and the map picker: the drawn city: district areas with their names, built-up areas, parks."""
    project = mapping.projection()
    districts = {d.code: d for d in District.objects.all()}
    parks = IndustrialPark.objects.all()
    return {
        "width": project.width,
        "height": project.height,
        "districts": [
            {
                "code": code,
                "name": districts[code].name if code in districts else code,
                "path": mapping.path(cell),
                "centre": mapping.district_centre(code),
            }
            for code, cell in mapping.district_cells().items()
        ],
        "built_up": [
            {"name": a["name"], "path": mapping.path(a["points"])} for a in mapping.built_up_areas()
        ],
        "parks": [
            {"name": park.name, "x": at[0], "y": at[1]}
            for park in parks
            if (at := mapping.park_point(park.code))
        ],
        "bounds": {
            "west": project.west,
            "north": project.north,
            "scale": project.scale,
            "cos": project.cos_lat,
        },
    }

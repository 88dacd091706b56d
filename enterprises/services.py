"""Writes to the registry and the lifecycle: every state change goes through these functions."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from govern import clock, roles
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict, full_clean, require
from govern.events import Event, publish
from govern.language import bureau_language
from govern.models import CLOSED_STATUSES, check_new_deadline
from govern.uploads import EVIDENCE_KINDS, StoredFile, accept_upload, store_by_hash

from . import events
from .models import (
    CONDITION_MESSAGES,
    CRITERION_MAX,
    MAX_TPA,
    TERMINAL_STATES,
    TRANSITION_PATHS,
    ClosureCheck,
    ClosureEvidence,
    ClosureRecord,
    Criterion,
    DischargePermit,
    DistrictTarget,
    Enterprise,
    GovernancePath,
    GradingAssessment,
    IndustrialPark,
    ReductionBasis,
    RelocationEvidence,
    RelocationMilestone,
    RelocationProject,
    RemediationPlan,
    RemediationTask,
    ScatteredCluster,
    State,
    TierPolicy,
    TierPolicyVersion,
    TransitionLog,
    on_path,
    path_of_transition,
)
from .parks import park_refusal
from .validators import normalize_uscc, validate_uscc

# Registry fields a caller may set on registration or edit; state and tier are the lifecycle's.
REGISTRY_FIELDS = (
    "name",
    "sector",
    "district",
    "address",
    "latitude",
    "longitude",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "park",
    "in_built_up_area",
    "handles_hazardous_chemicals",
    "baseline_voc_tpa",
    "baseline_nox_tpa",
    "baseline_pm_tpa",
    "performance_grade",
    "performance_graded_on",
    "performance_basis",
    "sampling_category",
    "main_voc_materials",
    "treatment_facilities",
    "site_area_m2",
    "is_scattered",
    "cluster",
    "exit_due_year",
)


def uscc_accept(*, code: str, by, override_reason: str = "") -> str:
    """Return the normalized code, or raise ValidationError.

    A code whose only fault is its check character is accepted from a manager who gives a
    reason (some early Fujian pilot codes are real but fail the check).
    """
    code = normalize_uscc(code)
    try:
        validate_uscc(code)
    except ValidationError as error:
        if error.code != "checksum" or not override_reason.strip():
            raise
        if not roles.is_manager(by):
            raise ValidationError(
                _("Only a manager may register a code whose check character fails."),
                code="override_forbidden",
            ) from error
    return code


def enterprise_register(
    *, data: Mapping[str, Any], uscc: str, by, uscc_override_reason: str = "", reason: str = ""
) -> Enterprise:
    """Register a new enterprise and write the first entry of its transition log."""
    require(roles.is_staff_role(by))
    try:
        code = uscc_accept(code=uscc, by=by, override_reason=uscc_override_reason)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="uscc") from error
    duplicate = InvalidInput(
        _("An enterprise with this credit code is already registered."), field="uscc"
    )
    with transaction.atomic():
        if Enterprise.objects.filter(uscc=code).exists():
            raise duplicate
        enterprise = Enterprise(
            uscc=code,
            uscc_override_reason=uscc_override_reason.strip() if uscc_override_reason else "",
        )
        for field in REGISTRY_FIELDS:
            if field in data:
                setattr(enterprise, field, data[field])
        _scattered_if_clustered(enterprise)
        enterprise.full_clean(exclude=["state", "uscc"])
        try:
            with transaction.atomic():  # a savepoint: a concurrent registration of the code wins
                enterprise.save()
        except IntegrityError as error:
            raise duplicate from error
        TransitionLog.objects.create(
            enterprise=enterprise,
            transition="register",
            from_state="",
            to_state=State.REGISTERED,
            actor=by,
            reason=reason.strip() or _("Registered"),
        )
        inspection_schedule_refresh(enterprises=Enterprise.objects.filter(pk=enterprise.pk))
        publish(events.EnterpriseRegistered(enterprise_id=enterprise.pk, by_id=by.pk))
    return enterprise


@dataclass(frozen=True)
class Registration:
    """One enterprise to register in bulk: checked data (``importing.validate_rows`` checks it)."""

    data: Mapping[str, Any]
    uscc: str
    reason: str
    uscc_override_reason: str = ""


def enterprise_register_many(
    *, rows: list[Registration], by, skip_taken: bool = False, batch: int = 2000
) -> list[int | str]:
    """Register many checked enterprises at once (an import): bulk inserts of the enterprises and their
    first log entries, one schedule update per batch, one event for all. For each row, the new id, or
    (with ``skip_taken``) the reason it was refused: a credit code registered meanwhile. Without
    ``skip_taken`` such a code refuses everything (InvalidInput), so nothing is half-imported."""
    require(roles.is_staff_role(by))
    outcome: list[int | str] = []
    taken_message = _("An enterprise with this credit code is already registered.")
    with transaction.atomic():
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            taken = set(
                Enterprise.objects.filter(uscc__in=[r.uscc for r in chunk]).values_list(
                    "uscc", flat=True
                )
            )
            if taken and not skip_taken:
                raise InvalidInput(
                    _("Credit code %(code)s was registered meanwhile; nothing was imported.")
                    % {"code": sorted(taken)[0]},
                    field="file",
                )
            fresh = [r for r in chunk if r.uscc not in taken]
            now = clock.now()
            try:
                with transaction.atomic():  # a savepoint: a registration racing this one wins
                    created = Enterprise.objects.bulk_create(
                        [
                            Enterprise(
                                uscc=r.uscc,
                                uscc_override_reason=r.uscc_override_reason,
                                created_at=now,
                                **{f: r.data[f] for f in REGISTRY_FIELDS if f in r.data},
                            )
                            for r in fresh
                        ]
                    )
            except IntegrityError as error:
                raise InvalidInput(
                    _("A credit code of this file was registered meanwhile; import it again."),
                    field="file",
                ) from error
            TransitionLog.objects.bulk_create(
                [
                    TransitionLog(
                        enterprise=enterprise,
                        transition="register",
                        from_state="",
                        to_state=State.REGISTERED,
                        actor=by,
                        reason=r.reason,
                        created_at=now,
                    )
                    for enterprise, r in zip(created, fresh, strict=True)
                ]
            )
            ids = {r.uscc: e.pk for e, r in zip(created, fresh, strict=True)}
            inspection_schedule_refresh(enterprises=Enterprise.objects.filter(pk__in=ids.values()))
            outcome.extend(ids.get(r.uscc, taken_message) for r in chunk)
        publish(
            events.EnterprisesImported(
                enterprise_ids=tuple(i for i in outcome if isinstance(i, int)), by_id=by.pk
            )
        )
    return outcome


def enterprise_update(*, enterprise: Enterprise, data: Mapping[str, Any], by) -> Enterprise:
    """Change registry details; the credit code, state and tier are not edited here."""
    require(roles.is_staff_role(by))
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        cluster_before = locked.cluster_id
        for field in REGISTRY_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        if locked.cluster_id != cluster_before and locked.state == State.RELOCATING:
            raise InvalidInput(
                _("The enterprise is moving with its cluster; it changes cluster after the move."),
                field="cluster",
            )
        _scattered_if_clustered(locked)
        locked.full_clean(exclude=["state"])
        locked.save()
    return locked


def _scattered_if_clustered(enterprise: Enterprise) -> None:
    """A member of a cluster of scattered enterprises is one itself."""
    if enterprise.cluster_id:
        enterprise.is_scattered = True


def policy_suggest_tier(total_score: int, policies: list[TierPolicy] | None = None) -> str:
    """The best tier whose minimum score the total reaches."""
    policies = policies if policies is not None else list(TierPolicy.objects.order_by("-min_score"))
    for policy in sorted(policies, key=lambda p: p.min_score, reverse=True):
        if total_score >= policy.min_score:
            return policy.tier
    return max(p.tier for p in policies)


POLICY_FIELDS = (
    "min_score",
    "governance_path",
    "remediation_deadline_days",
    "inspection_interval_days",
    "rectification_deadline_days",
    "description",
)


def _policy_snapshot() -> list[dict]:
    return list(TierPolicy.objects.order_by("tier").values("tier", *POLICY_FIELDS))


def policy_version_current() -> TierPolicyVersion:
    """The tier policy's current version; version 1 is written the first time it is asked for."""
    version = TierPolicyVersion.objects.order_by("-number").first()
    if version is None:
        version, _created = TierPolicyVersion.objects.get_or_create(
            number=1, defaults={"policies": _policy_snapshot()}
        )
    return version


@dataclass(frozen=True)
class PolicyImpact:
    """What an edit of one tier's policy would do, shown before it is saved."""

    changes: list[dict]
    path_moves: int  # graded enterprises of the tier put on the new path
    reschedules: int  # enterprises of the tier whose next inspection moves
    suggestion_changes: int  # enterprises whose latest score would now suggest another tier

    @property
    def moved(self) -> int:
        return self.path_moves + self.reschedules


def _policy_changes(policy: TierPolicy, data: Mapping[str, Any]) -> list[dict]:
    with bureau_language():
        return [
            {
                "tier": policy.tier,
                "field": f,
                "label": str(getattr(TierPolicy._meta.get_field(f), "verbose_name", f)),
                "old": getattr(policy, f),
                "new": data[f],
            }
            for f in POLICY_FIELDS
            if f in data and data[f] != getattr(policy, f)
        ]


def _path_movers(tier: str):
    """Enterprises a path change of their tier's policy moves: graded, not yet started on a path,
    and not put on another path by a manager."""
    return Enterprise.objects.filter(tier=tier, state=State.GRADED, path_override_reason="")


def tier_policy_impact(*, policy: TierPolicy, data: Mapping[str, Any]) -> PolicyImpact:
    """How many enterprises the edit would move, before it is saved (the same counts as the save)."""
    changes = _policy_changes(policy, data)
    changed = {c["field"] for c in changes}
    path_moves = (
        _path_movers(policy.tier).exclude(governance_path=data["governance_path"]).count()
        if "governance_path" in changed
        else 0
    )
    reschedules = (
        Enterprise.objects.filter(tier=policy.tier).exclude(state=State.CLOSED).count()
        if "inspection_interval_days" in changed
        else 0
    )
    suggestion_changes = 0
    if "min_score" in changed:
        policies = list(TierPolicy.objects.all())
        for p in policies:
            if p.pk == policy.pk:
                p.min_score = data["min_score"]
        latest = (
            GradingAssessment.objects.filter(enterprise=OuterRef("pk"))
            .order_by("-assessed_at", "-id")
            .values("total_score")[:1]
        )
        totals = (
            Enterprise.objects.exclude(state=State.CLOSED)
            .exclude(tier="")
            .annotate(total=Subquery(latest))
            .exclude(total=None)
            .values("total", "tier")
            .annotate(n=Count("id"))
        )
        suggestion_changes = sum(
            row["n"] for row in totals if policy_suggest_tier(row["total"], policies) != row["tier"]
        )
    return PolicyImpact(changes, path_moves, reschedules, suggestion_changes)


def tier_policy_update(*, policy: TierPolicy, data: Mapping[str, Any], by) -> TierPolicy:
    """Edit one tier's policy and write the next policy version. A new path moves the tier's graded
    enterprises onto it (each logged); a new interval reschedules the tier's inspections."""
    require(roles.is_manager(by))
    with transaction.atomic():
        # Two edits at once would write the same version number: the latest version is locked.
        TierPolicyVersion.objects.select_for_update().order_by("-number").first()
        locked = TierPolicy.objects.select_for_update().get(pk=policy.pk)
        impact = tier_policy_impact(policy=locked, data=data)
        for field in POLICY_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        locked.updated_by = by
        locked.full_clean()
        thresholds = {p.tier: p.min_score for p in TierPolicy.objects.exclude(pk=locked.pk)}
        thresholds[locked.tier] = locked.min_score
        ordered = [thresholds[t] for t in sorted(thresholds)]
        if any(better <= worse for better, worse in zip(ordered, ordered[1:], strict=False)):
            raise InvalidInput(
                _("Minimum scores must fall from tier A to tier D; now they would be %(scores)s.")
                % {"scores": ", ".join(f"{t} ≥ {thresholds[t]}" for t in sorted(thresholds))},
                field="min_score",
            )
        if not impact.changes:
            return locked
        previous = policy_version_current()
        locked.save()
        version = TierPolicyVersion.objects.create(
            number=previous.number + 1,
            policies=_policy_snapshot(),
            changes=[{**c, "old": str(c["old"]), "new": str(c["new"])} for c in impact.changes],
            moved=impact.moved,
            created_by=by,
        )
        changed = {c["field"] for c in impact.changes}
        if "governance_path" in changed:
            movers = list(
                _path_movers(locked.tier)
                .exclude(governance_path=locked.governance_path)
                .select_for_update()
            )
            with bureau_language():
                reason = _("Tier policy v%(number)d puts tier %(tier)s on the path “%(path)s”.") % {
                    "number": version.number,
                    "tier": locked.tier,
                    "path": GovernancePath(locked.governance_path).label,
                }
            Enterprise.objects.filter(pk__in=[e.pk for e in movers]).update(
                governance_path=locked.governance_path
            )
            TransitionLog.objects.bulk_create(
                TransitionLog(
                    enterprise=e,
                    transition="policy_path",
                    from_state=e.state,
                    to_state=e.state,
                    actor=by,
                    reason=reason,
                )
                for e in movers
            )
        if "inspection_interval_days" in changed:  # the tier is rescheduled in one UPDATE
            inspection_schedule_refresh(enterprises=Enterprise.objects.filter(tier=locked.tier))
    return locked


def _check_path(locked: Enterprise, name: str, by, override_reason: str) -> str:
    """Refuse a step off the enterprise's path unless a manager overrides it with a reason; return
    the override reason to log ("" for a step on the path)."""
    if on_path(locked, name):
        return ""
    path = GovernancePath(locked.governance_path).label
    if not roles.is_manager(by):
        raise PermissionDenied(
            _(
                "The tier policy puts this enterprise on the path “%(path)s”; only a manager can "
                "take another path, with a reason."
            )
            % {"path": path}
        )
    if not override_reason:
        raise InvalidInput(
            _(
                "This step leaves the path “%(path)s” the tier policy set; give the reason for the "
                "override."
            )
            % {"path": path},
            field="override_reason",
        )
    locked.governance_path = path_of_transition(name)
    locked.path_override_reason = override_reason
    return override_reason


def _transition(
    *,
    enterprise: Enterprise,
    name: str,
    by,
    reason: str,
    expected_state: str | None,
    event: Callable[[Enterprise], Event],
    override_reason: str = "",
    before: Callable[[Enterprise], None] | None = None,
    after: Callable[[Enterprise], None] | None = None,
) -> Enterprise:
    """Lock the row, re-check state, permission, path and guards, apply the transition, log it and
    publish the event that states it (``event`` builds it from the locked enterprise)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("A reason is required."), field="reason")
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if expected_state and locked.state != expected_state:
            raise TransitionConflict(
                _("The enterprise is now %(state)s, not %(expected)s; reload and try again.")
                % {"state": locked.get_state_display(), "expected": State(expected_state).label}
            )
        method = getattr(locked, name)
        meta = method._django_fsm
        if not meta.has_transition(locked.state):
            raise TransitionConflict(
                _("This step is not possible while the enterprise is %(state)s.")
                % {"state": locked.get_state_display()}
            )
        # django-fsm-2 does not check permission= on call, so the service does.
        if not meta.has_transition_perm(locked, locked.state, by):
            raise PermissionDenied()
        overridden = _check_path(locked, name, by, (override_reason or "").strip())
        if not locked.governance_path and name in TRANSITION_PATHS:
            # An enterprise not yet graded takes the path of the decision made for it.
            locked.governance_path = path_of_transition(name)
        if before:
            before(locked)
        unmet = [c for c in (meta.get_transition(locked.state).conditions or []) if not c(locked)]
        if unmet:
            raise TransitionConflict(
                str(CONDITION_MESSAGES.get(unmet[0].__name__, _("A condition is not met.")))
            )
        from_state = locked.state
        method()
        if after:
            after(locked)
        locked.save()
        TransitionLog.objects.create(
            enterprise=locked,
            transition=name,
            from_state=from_state,
            to_state=locked.state,
            actor=by,
            reason=reason,
            override_reason=overridden,
        )
        # The tier (grading) or the state (closure) may have changed the inspection schedule.
        inspection_schedule_refresh(enterprises=Enterprise.objects.filter(pk=locked.pk))
        publish(event(locked))
    return locked


def enterprise_grade(
    *,
    enterprise: Enterprise,
    scores: Mapping[str, int],
    by,
    reason: str,
    tier: str | None = None,
    override_reason: str = "",
    expected_state: str | None = None,
) -> GradingAssessment:
    """Record a grading assessment and grade (or regrade) the enterprise into its tier; the tier's
    policy sets the enterprise's path (a manager's earlier override ends with the new grading)."""
    missing = [c for c in Criterion.values if c not in scores]
    if missing:
        raise InvalidInput(_("Every criterion needs a score."), field=missing[0])
    for criterion in Criterion.values:
        value = scores[criterion]
        if not isinstance(value, int) or not 0 <= value <= CRITERION_MAX:
            raise InvalidInput(
                _("A score is a whole number from 0 to %(max)d.") % {"max": CRITERION_MAX},
                field=criterion,
            )
    total = sum(scores[c] for c in Criterion.values)
    suggested = policy_suggest_tier(total)
    tier = tier or suggested
    override_reason = (override_reason or "").strip()
    if tier != suggested and not override_reason:
        raise InvalidInput(
            _("The policy suggests tier %(tier)s; give a reason to assign another tier.")
            % {"tier": suggested},
            field="override_reason",
        )
    recorded: dict[str, GradingAssessment] = {}

    def record(locked: Enterprise) -> None:
        path = TierPolicy.terms_for(tier).governance_path
        recorded["assessment"] = GradingAssessment.objects.create(
            enterprise=locked,
            total_score=total,
            suggested_tier=suggested,
            tier=tier,
            override_reason=override_reason if tier != suggested else "",
            policy_version=policy_version_current(),
            governance_path=path,
            assessed_by=by,
            **{c: scores[c] for c in Criterion.values},
        )
        locked.tier = tier
        locked.governance_path = path
        locked.path_override_reason = ""

    _transition(
        enterprise=enterprise,
        name="grade",
        by=by,
        reason=reason,
        expected_state=expected_state,
        after=record,
        event=lambda locked: events.EnterpriseGraded(
            enterprise_id=locked.pk,
            assessment_id=recorded["assessment"].pk,
            tier=tier,
            by_id=by.pk,
        ),
    )
    return recorded["assessment"]


def enterprise_start_remediation(
    *,
    enterprise: Enterprise,
    by,
    reason: str,
    expected_state: str | None = None,
    override_reason: str = "",
) -> Enterprise:
    return _transition(
        enterprise=enterprise,
        name="start_remediation",
        by=by,
        reason=reason,
        expected_state=expected_state,
        override_reason=override_reason,
        event=lambda locked: events.RemediationStarted(enterprise_id=locked.pk, by_id=by.pk),
    )


def enterprise_certify_compliant(
    *,
    enterprise: Enterprise,
    by,
    reason: str,
    verified_voc_reduction_tpa: Decimal | None = None,
    reduction_basis: str = "",
    reduction_reference: str = "",
    expected_state: str | None = None,
    override_reason: str = "",
) -> Enterprise:
    """Certify compliance, recording the verified VOC reduction and what it rests on (a test report,
    the material ledger or monitoring data); the plan's declared figure is never copied over."""
    if verified_voc_reduction_tpa is None:
        raise InvalidInput(
            _(
                "Enter the verified VOC reduction (t/a); the plan's declared figure is not evidence."
            ),
            field="verified_voc_reduction_tpa",
        )
    if verified_voc_reduction_tpa < 0:
        raise InvalidInput(_("A reduction cannot be negative."), field="verified_voc_reduction_tpa")
    if verified_voc_reduction_tpa > MAX_TPA:
        raise InvalidInput(
            _("A reduction above %(max)s t/a is not plausible.") % {"max": MAX_TPA},
            field="verified_voc_reduction_tpa",
        )
    if reduction_basis not in ReductionBasis.values:
        raise InvalidInput(
            _("Choose what the verified reduction rests on."), field="reduction_basis"
        )
    reference = (reduction_reference or "").strip()
    if not reference:
        raise InvalidInput(
            _("Give the test report's number, the ledger's period or the monitoring period."),
            field="reduction_reference",
        )

    def record(locked: Enterprise) -> None:
        locked.verified_voc_reduction_tpa = verified_voc_reduction_tpa
        locked.reduction_basis = reduction_basis
        locked.reduction_reference = reference[:200]

    return _transition(
        enterprise=enterprise,
        name="certify_compliant",
        by=by,
        reason=reason,
        expected_state=expected_state,
        override_reason=override_reason,
        after=record,
        event=lambda locked: events.EnterpriseCertifiedCompliant(
            enterprise_id=locked.pk, by_id=by.pk
        ),
    )


def declared_reduction(*, enterprise: Enterprise) -> Decimal:
    """The VOC reduction the enterprise's plan declares: its tasks' expected reductions."""
    total = (
        enterprise.remediation_tasks()
        .exclude(status=RemediationTask.Status.CANCELLED)
        .aggregate(total=Sum("expected_voc_reduction_tpa"))["total"]
    )
    return total or Decimal("0")


def _open_relocation_project(
    *, lead: Enterprise, park: IndustrialPark, by, cluster: ScatteredCluster | None = None
) -> RelocationProject:
    """A new project and its seven milestones, planned evenly over the lead's tier deadline."""
    span = TierPolicy.terms_for(lead.tier).remediation_deadline_days
    project = RelocationProject.objects.create(
        enterprise=lead, cluster=cluster, target_park=park, created_by=by
    )
    today = clock.today()
    kinds = list(RelocationMilestone.Kind)
    RelocationMilestone.objects.bulk_create(
        RelocationMilestone(
            project=project,
            kind=kind,
            planned_date=today + timedelta(days=round(span * index / len(kinds))),
        )
        for index, kind in enumerate(kinds, start=1)
    )
    return project


def _park_checked(enterprises: list[Enterprise], park: IndustrialPark | None) -> IndustrialPark:
    """The park, locked, once the suitability rules and its capacity allow these enterprises in."""
    if park is None:
        raise InvalidInput(_("Choose the park the enterprise relocates into."), field="park")
    locked_park = (
        IndustrialPark.objects.select_for_update()  # serialises two moves into the same park
        .prefetch_related("accepted_sectors")
        .get(pk=park.pk)
    )
    if any(e.park_id == locked_park.pk for e in enterprises):
        raise InvalidInput(_("The enterprise is already in this park."), field="park")
    refusal = park_refusal(enterprises=enterprises, park=locked_park)
    if refusal:
        raise InvalidInput(refusal, field="park")
    return locked_park


def enterprise_start_relocation(
    *,
    enterprise: Enterprise,
    park: IndustrialPark,
    by,
    reason: str,
    expected_state: str | None = None,
    override_reason: str = "",
) -> Enterprise:
    """Order the move into a suitable park: a project with its milestones."""
    opened: dict[str, RelocationProject] = {}

    def open_project(locked: Enterprise) -> None:
        target = _park_checked([locked], park)
        opened["project"] = _open_relocation_project(lead=locked, park=target, by=by)
        locked.relocation_project = opened["project"]

    return _transition(
        enterprise=enterprise,
        name="start_relocation",
        by=by,
        reason=reason,
        expected_state=expected_state,
        override_reason=override_reason,
        before=open_project,
        event=lambda locked: events.RelocationOrdered(
            enterprise_id=locked.pk, project_id=opened["project"].pk, by_id=by.pk
        ),
    )


def cluster_create(*, data: Mapping[str, Any], by) -> ScatteredCluster:
    """Register a cluster of scattered small enterprises; members join it from their own pages."""
    require(roles.is_staff_role(by))
    cluster = ScatteredCluster(
        name=(data.get("name") or "").strip(),
        district=data.get("district"),
        description=(data.get("description") or "").strip(),
        created_by=by,
    )
    full_clean(cluster)
    try:
        with transaction.atomic():
            cluster.save()
    except IntegrityError as error:
        raise InvalidInput(_("A cluster of this name exists already."), field="name") from error
    return cluster


def cluster_consolidate(
    *,
    cluster: ScatteredCluster,
    park: IndustrialPark,
    by,
    reason: str,
    override_reason: str = "",
) -> RelocationProject:
    """Consolidate a cluster of scattered enterprises into a park as one project: one set of
    milestones for all members, each member relocating (and logged) under it."""
    require(roles.is_manager(by))
    if park is None:
        raise InvalidInput(_("Choose the park the cluster moves into."), field="park")
    if not (reason or "").strip():
        raise InvalidInput(_("A reason is required."), field="reason")
    with transaction.atomic():
        members = list(
            Enterprise.objects.select_for_update()
            .filter(cluster=cluster)
            .exclude(state=State.CLOSED)
            .order_by("name", "id")
        )
        if not members:
            raise InvalidInput(_("The cluster has no operating member to move."), field="park")
        stuck = [e for e in members if not e.start_relocation._django_fsm.has_transition(e.state)]
        if stuck:
            raise TransitionConflict(
                _("%(names)s cannot be relocated while %(state)s.")
                % {"names": "、".join(e.name for e in stuck), "state": stuck[0].get_state_display()}
            )
        members = list(
            Enterprise.objects.filter(pk__in=[e.pk for e in members])
            .select_related("sector")
            .order_by("name", "id")
        )
        target = _park_checked(members, park)
        project = _open_relocation_project(lead=members[0], park=target, by=by, cluster=cluster)

        def join(locked: Enterprise) -> None:
            locked.relocation_project = project

        for member in members:
            _transition(
                enterprise=member,
                name="start_relocation",
                by=by,
                reason=reason,
                expected_state=None,
                override_reason=override_reason,
                before=join,
                event=lambda locked: events.RelocationOrdered(
                    enterprise_id=locked.pk, project_id=project.pk, by_id=by.pk
                ),
            )
    return project


def enterprise_complete_relocation(
    *,
    enterprise: Enterprise,
    by,
    reason: str,
    expected_state: str | None = None,
    override_reason: str = "",
) -> Enterprise:
    """Confirm the move: the enterprise (every member of a consolidated cluster) is now in the
    target park and its district, out of the built-up area; its open remediation tasks go with it,
    its orders about the old site are cancelled (the inspections app hears RelocationCompleted)."""
    today = clock.today()

    def move(locked: Enterprise) -> None:
        project = RelocationProject.objects.select_related("target_park").get(members=locked)
        park = project.target_park
        locked.park = park
        locked.district_id = park.district_id
        if locked.in_built_up_area:
            locked.in_built_up_area = False
            locked.built_up_exit_on = today
        with bureau_language():
            carried = _("Carried over to the new site in %(park)s on %(date)s.") % {
                "park": park.name,
                "date": today.isoformat(),
            }
        RemediationTask.objects.filter(
            plan__enterprise=locked, status__in=RemediationTask.OPEN_STATUSES
        ).update(disposition=carried)

    def complete(member: Enterprise, member_reason: str) -> Enterprise:
        return _transition(
            enterprise=member,
            name="complete_relocation",
            by=by,
            reason=member_reason,
            expected_state=expected_state if member.pk == enterprise.pk else None,
            override_reason=override_reason,
            after=move,
            event=lambda locked: events.RelocationCompleted(
                enterprise_id=locked.pk, park_id=locked.park_id, by_id=by.pk
            ),
        )

    with transaction.atomic():
        done = complete(enterprise, reason)
        # The rest of a consolidated cluster moves with it: the milestones were theirs too.
        for member in Enterprise.objects.filter(
            relocation_project_id=done.relocation_project_id, state=State.RELOCATING
        ).order_by("pk"):
            complete(member, reason)
        RelocationProject.objects.filter(members=done).update(completed_at=clock.now())
    return done


def _leave_relocation(locked: Enterprise, why: str) -> None:
    """A relocating enterprise closes: it leaves its project, which is cancelled once no member is
    left moving."""
    if locked.state != State.RELOCATING or locked.relocation_project_id is None:
        return
    others = (
        Enterprise.objects.filter(
            relocation_project_id=locked.relocation_project_id, state=State.RELOCATING
        )
        .exclude(pk=locked.pk)
        .exists()
    )
    if not others:
        RelocationProject.objects.filter(pk=locked.relocation_project_id).update(
            cancelled_at=clock.now(), cancel_reason=why
        )


def enterprise_close(
    *,
    enterprise: Enterprise,
    by,
    reason: str,
    expected_state: str | None = None,
    override_reason: str = "",
) -> Enterprise:
    """Order the closure with its shutdown deadline; the shutdown is then verified item by item
    (两断三清). Nothing is asked of the enterprise any more: its open tasks are cancelled with the
    reason, a move under way is dropped, and (the inspections app, hearing EnterpriseClosed) its
    open orders are cancelled and its planned inspections dropped, so no deadline keeps escalating."""
    opened: dict[str, ClosureRecord] = {}

    with bureau_language():
        left = _("Closure ordered: %(reason)s") % {"reason": reason.strip()}
        cancelled = _("Cancelled: closure ordered on %(date)s (%(reason)s).") % {
            "date": clock.today().isoformat(),
            "reason": reason.strip(),
        }

    def leave(locked: Enterprise) -> None:
        _leave_relocation(locked, left)

    def open_closure(locked: Enterprise) -> None:
        closure, _created = ClosureRecord.objects.get_or_create(
            enterprise=locked,
            defaults={
                "ordered_by": by,
                "reason": reason.strip(),
                "deadline": clock.today() + timedelta(days=settings.GOVERN_CLOSURE_DAYS),
            },
        )
        ClosureCheck.objects.bulk_create(
            [ClosureCheck(closure=closure, item=item) for item in ClosureCheck.Item],
            ignore_conflicts=True,
        )
        RemediationTask.objects.filter(
            plan__enterprise=locked, status__in=RemediationTask.OPEN_STATUSES
        ).update(status=RemediationTask.Status.CANCELLED, disposition=cancelled)
        opened["closure"] = closure

    return _transition(
        enterprise=enterprise,
        name="close",
        by=by,
        reason=reason,
        expected_state=expected_state,
        override_reason=override_reason,
        before=leave,
        after=open_closure,
        event=lambda locked: events.EnterpriseClosed(
            enterprise_id=locked.pk, closure_id=opened["closure"].pk, by_id=by.pk
        ),
    )


def _store_evidence(uploads, *, folder: str) -> list[StoredFile]:
    """Check every file first, then store them all (nothing is stored if one is bad)."""
    checked = [
        (
            upload,
            *accept_upload(
                upload,
                kinds=EVIDENCE_KINDS,
                max_bytes=settings.GOVERN_EVIDENCE_MAX_BYTES,
                field="files",
            ),
        )
        for upload in uploads
    ]
    return [
        store_by_hash(data, kind, folder=folder, original_name=upload.name or "")
        for upload, data, kind in checked
    ]


def _verify_with_evidence(
    *,
    locked: RelocationMilestone | ClosureCheck,
    stored: list[StoredFile],
    evidence_model: type[RelocationEvidence] | type[ClosureEvidence],
    owner_field: str,
    on: date,
    date_field: str,
    by_field: str,
    note: str,
    by,
    missing_message: str,
) -> None:
    """Attach the new files to a locked milestone or check, require at least one file in all, and
    record the date and who confirmed it. The one rule for "done, with evidence"."""
    for item in stored:
        evidence_model.objects.create(
            **{owner_field: locked}, uploaded_by=by, **evidence_model.stored_fields(item)
        )
    if not evidence_model.objects.filter(**{owner_field: locked}).exists():
        raise InvalidInput(missing_message, field="files")
    setattr(locked, date_field, on)
    setattr(locked, by_field, by)
    locked.note = note.strip() or locked.note
    locked.save()


def _milestone_neighbours(locked: RelocationMilestone) -> tuple[list, list]:
    """The project's milestones before and after this one, in their order."""
    siblings = list(
        RelocationMilestone.objects.filter(project_id=locked.project_id).order_by("kind")
    )
    return (
        [m for m in siblings if m.kind < locked.kind],
        [m for m in siblings if m.kind > locked.kind],
    )


def _project_open(locked: RelocationMilestone) -> None:
    project = locked.project
    if not project.is_open:
        raise TransitionConflict(
            _("This relocation is completed or cancelled; its milestones are part of the record.")
        )


def milestone_update(
    *, milestone: RelocationMilestone, planned_date: date | None, note: str, by
) -> RelocationMilestone:
    """Re-plan an open milestone: not in the past, and in the milestones' order."""
    require(roles.is_staff_role(by))
    if planned_date is not None and planned_date < clock.today():
        raise InvalidInput(_("A planned date cannot lie in the past."), field="planned_date")
    with transaction.atomic():
        locked = (
            RelocationMilestone.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=milestone.pk)
        )
        _project_open(locked)
        if locked.is_done:
            raise TransitionConflict(_("A milestone already done is part of the record."))
        if planned_date is not None:
            before, after = _milestone_neighbours(locked)
            for m in reversed(before):
                when = m.actual_date or m.planned_date
                if when and planned_date < when:
                    raise InvalidInput(
                        _("“%(kind)s” comes after “%(other)s” (%(date)s); plan it on or after.")
                        % {"kind": locked, "other": m, "date": when.isoformat()},
                        field="planned_date",
                    )
            for m in after:
                if m.planned_date and not m.is_done and planned_date > m.planned_date:
                    raise InvalidInput(
                        _(
                            "“%(kind)s” comes before “%(other)s” (planned %(date)s); move that "
                            "one first."
                        )
                        % {"kind": locked, "other": m, "date": m.planned_date.isoformat()},
                        field="planned_date",
                    )
        locked.planned_date = planned_date
        locked.note = note.strip()
        locked.save()
    return locked


def milestone_complete(
    *, milestone: RelocationMilestone, actual_date: date, uploads, note: str, by
) -> RelocationMilestone:
    """Mark a milestone done on a date, with evidence (at least one file, new or earlier). The
    milestones are done in their order: acceptance cannot precede the old site's decommissioning."""
    require(roles.is_staff_role(by))
    if actual_date > clock.today():
        raise InvalidInput(_("A milestone cannot be done in the future."), field="actual_date")
    stored = _store_evidence(uploads, folder="relocation")
    with transaction.atomic():
        locked = (
            RelocationMilestone.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=milestone.pk)
        )
        _project_open(locked)
        if locked.is_done:
            raise TransitionConflict(_("This milestone is already done."))
        before, _after = _milestone_neighbours(locked)
        pending = [m for m in before if not m.is_done]
        if pending:
            raise TransitionConflict(
                _("“%(other)s” must be done before “%(kind)s”.")
                % {"other": pending[0], "kind": locked}
            )
        latest = max((m for m in before), key=lambda m: m.actual_date, default=None)
        if latest is not None and latest.actual_date and actual_date < latest.actual_date:
            raise InvalidInput(
                _("“%(kind)s” cannot be done before “%(other)s”, done on %(date)s.")
                % {"kind": locked, "other": latest, "date": latest.actual_date.isoformat()},
                field="actual_date",
            )
        if actual_date < timezone.localdate(locked.project.created_at):
            raise InvalidInput(
                _("A milestone cannot be done before the relocation was ordered (%(date)s).")
                % {"date": timezone.localdate(locked.project.created_at).isoformat()},
                field="actual_date",
            )
        _verify_with_evidence(
            locked=locked,
            stored=stored,
            evidence_model=RelocationEvidence,
            owner_field="milestone",
            on=actual_date,
            date_field="actual_date",
            by_field="done_by",
            note=note,
            by=by,
            missing_message=_("Attach the evidence that the milestone is done."),
        )
    return locked


def closure_check_verify(
    *, check: ClosureCheck, verified_on: date, uploads, note: str, by
) -> ClosureCheck:
    """Verify one of the two cuts and three clears with evidence; the last one verifies the closure."""
    require(roles.is_staff_role(by))
    if verified_on > clock.today():
        raise InvalidInput(_("A check cannot be verified in the future."), field="verified_on")
    stored = _store_evidence(uploads, folder="closure")
    with transaction.atomic():
        locked = ClosureCheck.objects.select_for_update().select_related("closure").get(pk=check.pk)
        if locked.verified_on:
            raise TransitionConflict(_("This check is already verified."))
        _verify_with_evidence(
            locked=locked,
            stored=stored,
            evidence_model=ClosureEvidence,
            owner_field="check_item",
            on=verified_on,
            date_field="verified_on",
            by_field="verified_by",
            note=note,
            by=by,
            missing_message=_("Attach the evidence for this check."),
        )
        closure = ClosureRecord.objects.select_for_update().get(pk=locked.closure_id)
        checks = list(closure.checks.all())
        if all(c.verified_on for c in checks):
            closure.verified_on = max(c.verified_on for c in checks if c.verified_on)
            closure.save(update_fields=["verified_on"])
            # A shut-down enterprise of a built-up area has left it (the exit list counts it done).
            Enterprise.objects.filter(
                pk=closure.enterprise_id, in_built_up_area=True, built_up_exit_on=None
            ).update(built_up_exit_on=closure.verified_on)
    return locked


def district_target_set(*, district, year: int, voc_reduction_tpa: Decimal, by) -> DistrictTarget:
    require(roles.is_manager(by))
    if voc_reduction_tpa < 0:
        raise InvalidInput(_("A target cannot be negative."), field="voc_reduction_tpa")
    with transaction.atomic():
        target = DistrictTarget.objects.select_for_update().filter(
            district=district, year=year
        ).first() or DistrictTarget(district=district, year=year)
        target.voc_reduction_tpa = voc_reduction_tpa
        target.updated_by = by
        full_clean(target, validate_unique=False)
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError as error:  # set at the same moment by another manager
            raise TransitionConflict(
                _("Another manager set this target at the same moment; reload and check it.")
            ) from error
    return target


def permit_record(*, enterprise: Enterprise, data: Mapping[str, Any], by) -> DischargePermit:
    """Record a discharge permit (a new one, or the renewal of the current one).

    A permit whose period starts after the current one's marks the current as renewed, which ends the
    renewal reminder; an overlapping or earlier period is refused (the bureau corrects a permit in the
    admin, not by a second record)."""
    require(roles.is_staff_role(by))
    permit = DischargePermit(
        enterprise=enterprise,
        created_by=by,
        **{
            k: data.get(k)
            for k in ("number", "permit_class", "authority", "valid_from", "valid_until")
        },
    )
    if isinstance(permit.number, str):
        permit.number = permit.number.strip()
    full_clean(permit, exclude=["renewal_due"])
    with transaction.atomic():
        Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        current = (
            DischargePermit.objects.filter(enterprise=enterprise, renewed_by__isnull=True)
            .order_by("-valid_until", "-id")
            .first()
        )
        if current is not None and permit.valid_from <= current.valid_from:
            raise InvalidInput(
                _(
                    "The new permit must start after the current permit %(number)s "
                    "(valid from %(start)s); correct an existing permit in the admin."
                )
                % {"number": current.number, "start": current.valid_from.isoformat()},
                field="valid_from",
            )
        permit.save()
        if current is not None:
            DischargePermit.objects.filter(pk=current.pk).update(renewed_by=permit)
    return permit


def remediation_plan_save(*, enterprise: Enterprise, summary: str, by) -> RemediationPlan:
    """Create or update the enterprise's plan (一企一策)."""
    require(roles.is_staff_role(by))
    if enterprise.state in TERMINAL_STATES:
        raise InvalidInput(_("A closed or relocated enterprise gets no remediation plan."))
    with transaction.atomic():
        plan, created = RemediationPlan.objects.select_for_update().get_or_create(
            enterprise=enterprise, defaults={"created_by": by, "summary": summary.strip()}
        )
        if not created:
            plan.summary = summary.strip()
            plan.save(update_fields=["summary"])
    return plan


def default_task_deadline(enterprise: Enterprise) -> date:
    days = TierPolicy.terms_for(enterprise.tier).remediation_deadline_days
    return clock.today() + timedelta(days=days)


TASK_FIELDS = ("measure", "description", "deadline", "owner", "expected_voc_reduction_tpa")


def remediation_task_add(*, enterprise: Enterprise, data: Mapping[str, Any], by) -> RemediationTask:
    """Add a task to the plan (created if missing); the deadline defaults from the tier policy."""
    plan = remediation_plan_save(
        enterprise=enterprise,
        summary=getattr(getattr(enterprise, "remediation_plan", None), "summary", ""),
        by=by,
    )
    task = RemediationTask(
        plan=plan, **{f: data[f] for f in TASK_FIELDS if data.get(f) is not None}
    )
    task.deadline = task.deadline or default_task_deadline(enterprise)
    if task.deadline <= clock.today():
        raise InvalidInput(_("The deadline must be after today."), field="deadline")
    task.full_clean(exclude=["status"])
    task.save()
    return task


def remediation_task_update(
    *, task: RemediationTask, data: Mapping[str, Any], by
) -> RemediationTask:
    """Edit a task not yet accepted; an accepted task is part of the record."""
    require(roles.is_staff_role(by))
    with transaction.atomic():
        locked = RemediationTask.objects.select_for_update().get(pk=task.pk)
        if locked.status == RemediationTask.Status.ACCEPTED:
            raise TransitionConflict(_("An accepted task can no longer be changed."))
        for field in TASK_FIELDS:
            if data.get(field) is not None:
                setattr(locked, field, data[field])
        locked.full_clean(exclude=["status"])
        locked.save()
    return locked


def _locked_task(task: RemediationTask) -> RemediationTask:
    return (
        RemediationTask.objects.select_for_update(of=("self",))
        .select_related("plan__enterprise")
        .get(pk=task.pk)
    )


def task_evidence_received(*, task: RemediationTask) -> RemediationTask:
    """Evidence arrived for the task (the evidence app calls this): it awaits review."""
    with transaction.atomic():
        locked = _locked_task(task)
        if locked.status == RemediationTask.Status.CANCELLED:
            raise TransitionConflict(_("This item was cancelled when the enterprise was closed."))
        if locked.status == RemediationTask.Status.ACCEPTED:
            raise TransitionConflict(
                _("This item is already accepted; no more evidence is needed.")
            )
        if locked.status != RemediationTask.Status.SUBMITTED:
            locked.submit_evidence()
            locked.save()
    return locked


def _task_under_review(task: RemediationTask, by) -> RemediationTask:
    """The task, locked, refusing unless it has evidence awaiting review."""
    require(roles.is_staff_role(by))
    locked = _locked_task(task)
    if locked.status != RemediationTask.Status.SUBMITTED:
        raise TransitionConflict(
            _("This task is %(status)s and has no evidence awaiting review.")
            % {"status": locked.get_status_display()}
        )
    return locked


def task_accept(*, task: RemediationTask, by) -> RemediationTask:
    """The task's evidence was accepted: the task is done and part of the record."""
    with transaction.atomic():
        locked = _task_under_review(task, by)
        locked.accept()
        locked.save()
        publish(
            events.RemediationTaskAccepted(
                enterprise_id=locked.plan.enterprise_id, task_id=locked.pk, by_id=by.pk
            )
        )
    return locked


def task_reject(*, task: RemediationTask, by) -> RemediationTask:
    """The task's evidence was rejected: the task is open again."""
    with transaction.atomic():
        locked = _task_under_review(task, by)
        locked.reject()
        locked.save()
    return locked


def task_deadline_extend(*, task: RemediationTask, deadline: date, by) -> RemediationTask:
    """Move the task's deadline (an approved extension): later than today and than the current one."""
    require(roles.is_manager(by))
    with transaction.atomic():
        locked = _locked_task(task)
        if locked.status in CLOSED_STATUSES:
            raise TransitionConflict(
                _("This item is %(status)s; its deadline no longer moves.")
                % {"status": locked.get_status_display()}
            )
        check_new_deadline(deadline=deadline, current=locked.deadline)
        locked.deadline = deadline
        locked.save(update_fields=["deadline"])
    return locked


# The inspection schedule: next due = (last visit, else registration) + the tier's interval; an
# enterprise not yet graded is first due GOVERN_FIRST_INSPECTION_DAYS after registration; a closed
# one never. Set-based, so a policy change reschedules every enterprise of the tier in one UPDATE.


def inspection_interval() -> Case:
    """Each tier's inspection interval from the policy, as a database expression."""
    whens = [
        When(tier=p.tier, then=Value(timedelta(days=p.inspection_interval_days)))
        for p in TierPolicy.objects.all()
    ]
    first = Value(timedelta(days=settings.GOVERN_FIRST_INSPECTION_DAYS))
    return Case(*whens, default=first, output_field=DurationField())


def inspection_schedule_refresh(*, enterprises=None) -> int:
    """Recompute the next inspection of these enterprises (a queryset; all when None)."""
    qs = Enterprise.objects.all() if enterprises is None else enterprises
    closed = qs.filter(state=State.CLOSED).exclude(next_inspection_due=None)
    changed = closed.update(next_inspection_due=None)
    changed += qs.exclude(state=State.CLOSED).update(
        next_inspection_due=ExpressionWrapper(
            Coalesce(F("last_inspected_at"), F("created_at")) + inspection_interval(),
            output_field=DateTimeField(),
        )
    )
    return changed


def enterprise_mark_inspected(*, enterprise_id: int, at) -> None:
    """A visit record was submitted (the inspections app calls this): reschedule the next one."""
    with transaction.atomic():
        Enterprise.objects.filter(pk=enterprise_id).filter(
            Q(last_inspected_at__isnull=True) | Q(last_inspected_at__lt=at)
        ).update(last_inspected_at=at)
        inspection_schedule_refresh(enterprises=Enterprise.objects.filter(pk=enterprise_id))


# The transitions a plain reason form can drive, by name; grading has its own form.
SIMPLE_TRANSITIONS: dict[str, Callable[..., Enterprise]] = {
    "start_remediation": enterprise_start_remediation,
    "certify_compliant": enterprise_certify_compliant,
    "start_relocation": enterprise_start_relocation,
    "complete_relocation": enterprise_complete_relocation,
    "close": enterprise_close,
}


def transition_allowed(*, enterprise: Enterprise, name: str, user) -> bool:
    """Whether the user may take the transition now (state, guards, role and path, which only a
    manager may leave): drives the buttons."""
    return has_transition_perm(getattr(enterprise, name), user) and (
        on_path(enterprise, name) or roles.is_manager(user)
    )

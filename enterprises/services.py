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
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from govern import clock, roles
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from govern.events import Event, publish
from govern.uploads import EVIDENCE_KINDS, StoredFile, accept_upload, store_by_hash

from . import events
from .models import (
    CONDITION_MESSAGES,
    CRITERION_MAX,
    TERMINAL_STATES,
    ClosureCheck,
    ClosureEvidence,
    ClosureRecord,
    Criterion,
    DistrictTarget,
    Enterprise,
    GradingAssessment,
    IndustrialPark,
    RelocationEvidence,
    RelocationMilestone,
    RelocationProject,
    RemediationPlan,
    RemediationTask,
    State,
    TierPolicy,
    TransitionLog,
)
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
    "main_voc_materials",
    "treatment_facilities",
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


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def enterprise_register(
    *, data: Mapping[str, Any], uscc: str, by, uscc_override_reason: str = "", reason: str = ""
) -> Enterprise:
    """Register a new enterprise and write the first entry of its transition log."""
    _require(roles.is_staff_role(by))
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
    _require(roles.is_staff_role(by))
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
    _require(roles.is_staff_role(by))
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        for field in REGISTRY_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        locked.full_clean(exclude=["state"])
        locked.save()
    return locked


def policy_suggest_tier(total_score: int, policies: list[TierPolicy] | None = None) -> str:
    """The best tier whose minimum score the total reaches."""
    policies = policies if policies is not None else list(TierPolicy.objects.order_by("-min_score"))
    for policy in sorted(policies, key=lambda p: p.min_score, reverse=True):
        if total_score >= policy.min_score:
            return policy.tier
    return max(p.tier for p in policies)


def tier_policy_update(*, policy: TierPolicy, data: Mapping[str, Any], by) -> TierPolicy:
    _require(roles.is_manager(by))
    with transaction.atomic():
        locked = TierPolicy.objects.select_for_update().get(pk=policy.pk)
        for field in (
            "min_score",
            "governance_path",
            "remediation_deadline_days",
            "inspection_interval_days",
            "rectification_deadline_days",
            "description",
        ):
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
        interval_changed = locked.inspection_interval_days != TierPolicy.objects.values_list(
            "inspection_interval_days", flat=True
        ).get(pk=locked.pk)
        locked.save()
        if interval_changed:  # every enterprise of the tier is rescheduled in one UPDATE
            inspection_schedule_refresh(enterprises=Enterprise.objects.filter(tier=locked.tier))
    return locked


def _transition(
    *,
    enterprise: Enterprise,
    name: str,
    by,
    reason: str,
    expected_state: str | None,
    event: Callable[[Enterprise], Event],
    before: Callable[[Enterprise], None] | None = None,
    after: Callable[[Enterprise], None] | None = None,
) -> Enterprise:
    """Lock the row, re-check state, permission and guards, apply the transition, log it and
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
    """Record a grading assessment and grade (or regrade) the enterprise into its tier."""
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
        recorded["assessment"] = GradingAssessment.objects.create(
            enterprise=locked,
            total_score=total,
            suggested_tier=suggested,
            tier=tier,
            override_reason=override_reason if tier != suggested else "",
            assessed_by=by,
            **{c: scores[c] for c in Criterion.values},
        )
        locked.tier = tier

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
    *, enterprise: Enterprise, by, reason: str, expected_state: str | None = None
) -> Enterprise:
    return _transition(
        enterprise=enterprise,
        name="start_remediation",
        by=by,
        reason=reason,
        expected_state=expected_state,
        event=lambda locked: events.RemediationStarted(enterprise_id=locked.pk, by_id=by.pk),
    )


def enterprise_certify_compliant(
    *,
    enterprise: Enterprise,
    by,
    reason: str,
    expected_state: str | None = None,
    achieved_voc_reduction_tpa: Decimal | None = None,
) -> Enterprise:
    """Certify compliance, recording the VOC reduction achieved (default: the tasks' expected total)."""
    if achieved_voc_reduction_tpa is not None and achieved_voc_reduction_tpa < 0:
        raise InvalidInput(_("A reduction cannot be negative."), field="achieved_voc_reduction_tpa")

    def record(locked: Enterprise) -> None:
        expected = locked.remediation_tasks().aggregate(total=Sum("expected_voc_reduction_tpa"))[
            "total"
        ]
        achieved = achieved_voc_reduction_tpa
        locked.achieved_voc_reduction_tpa = (
            achieved if achieved is not None else (expected or Decimal("0"))
        )

    return _transition(
        enterprise=enterprise,
        name="certify_compliant",
        by=by,
        reason=reason,
        expected_state=expected_state,
        after=record,
        event=lambda locked: events.EnterpriseCertifiedCompliant(
            enterprise_id=locked.pk, by_id=by.pk
        ),
    )


def _open_relocation_project(locked: Enterprise, by) -> RelocationProject:
    """Create the project and its seven milestones, planned evenly over the tier's deadline."""
    span = TierPolicy.terms_for(locked.tier).remediation_deadline_days
    project, _created = RelocationProject.objects.update_or_create(
        enterprise=locked, defaults={"target_park": locked.relocation_park, "created_by": by}
    )
    today = clock.today()
    kinds = list(RelocationMilestone.Kind)
    for index, kind in enumerate(kinds, start=1):
        RelocationMilestone.objects.get_or_create(
            project=project,
            kind=kind,
            defaults={"planned_date": today + timedelta(days=round(span * index / len(kinds)))},
        )
    return project


def enterprise_start_relocation(
    *,
    enterprise: Enterprise,
    park: IndustrialPark,
    by,
    reason: str,
    expected_state: str | None = None,
) -> Enterprise:
    if park is None:
        raise InvalidInput(_("Choose the park the enterprise relocates into."), field="park")

    def set_target(locked: Enterprise) -> None:
        if locked.park_id == park.pk:
            raise InvalidInput(_("The enterprise is already in this park."), field="park")
        locked.relocation_park = park

    opened: dict[str, RelocationProject] = {}

    def open_project(locked: Enterprise) -> None:
        opened["project"] = _open_relocation_project(locked, by)

    return _transition(
        enterprise=enterprise,
        name="start_relocation",
        by=by,
        reason=reason,
        expected_state=expected_state,
        before=set_target,
        after=open_project,
        event=lambda locked: events.RelocationOrdered(
            enterprise_id=locked.pk, project_id=opened["project"].pk, by_id=by.pk
        ),
    )


def enterprise_complete_relocation(
    *, enterprise: Enterprise, by, reason: str, expected_state: str | None = None
) -> Enterprise:
    def move(locked: Enterprise) -> None:
        locked.park = locked.relocation_park

    return _transition(
        enterprise=enterprise,
        name="complete_relocation",
        by=by,
        reason=reason,
        expected_state=expected_state,
        after=move,
        event=lambda locked: events.RelocationCompleted(
            enterprise_id=locked.pk, park_id=locked.park_id, by_id=by.pk
        ),
    )


def enterprise_close(
    *, enterprise: Enterprise, by, reason: str, expected_state: str | None = None
) -> Enterprise:
    """Order the closure with its shutdown deadline; the shutdown is then verified item by item
    (两断三清)."""
    opened: dict[str, ClosureRecord] = {}

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
        # Nothing is asked of a closed enterprise any more: its open tasks are cancelled (its orders
        # by the inspections app, which hears EnterpriseClosed), so no deadline keeps escalating.
        RemediationTask.objects.filter(
            plan__enterprise=locked, status__in=RemediationTask.OPEN_STATUSES
        ).update(status=RemediationTask.Status.CANCELLED)
        opened["closure"] = closure

    return _transition(
        enterprise=enterprise,
        name="close",
        by=by,
        reason=reason,
        expected_state=expected_state,
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


def milestone_update(
    *, milestone: RelocationMilestone, planned_date: date | None, note: str, by
) -> RelocationMilestone:
    _require(roles.is_staff_role(by))
    with transaction.atomic():
        locked = RelocationMilestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.is_done:
            raise TransitionConflict(_("A milestone already done is part of the record."))
        locked.planned_date = planned_date
        locked.note = note.strip()
        locked.save()
    return locked


def milestone_complete(
    *, milestone: RelocationMilestone, actual_date: date, uploads, note: str, by
) -> RelocationMilestone:
    """Mark a milestone done on a date, with evidence (at least one file, new or earlier)."""
    _require(roles.is_staff_role(by))
    if actual_date > clock.today():
        raise InvalidInput(_("A milestone cannot be done in the future."), field="actual_date")
    stored = _store_evidence(uploads, folder="relocation")
    with transaction.atomic():
        locked = (
            RelocationMilestone.objects.select_for_update()
            .select_related("project__enterprise")
            .get(pk=milestone.pk)
        )
        if locked.project.enterprise.state != State.RELOCATING:
            raise TransitionConflict(_("The enterprise is no longer relocating."))
        if locked.is_done:
            raise TransitionConflict(_("This milestone is already done."))
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
    _require(roles.is_staff_role(by))
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
    return locked


def district_target_set(*, district, year: int, voc_reduction_tpa: Decimal, by) -> DistrictTarget:
    _require(roles.is_manager(by))
    if voc_reduction_tpa < 0:
        raise InvalidInput(_("A target cannot be negative."), field="voc_reduction_tpa")
    with transaction.atomic():
        target = DistrictTarget.objects.select_for_update().filter(
            district=district, year=year
        ).first() or DistrictTarget(district=district, year=year)
        target.voc_reduction_tpa = voc_reduction_tpa
        target.updated_by = by
        try:
            target.full_clean(validate_unique=False)
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise InvalidInput(messages[0], field=field) from error
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError as error:  # set at the same moment by another manager
            raise TransitionConflict(
                _("Another manager set this target at the same moment; reload and check it.")
            ) from error
    return target


def remediation_plan_save(*, enterprise: Enterprise, summary: str, by) -> RemediationPlan:
    """Create or update the enterprise's plan (一企一策)."""
    _require(roles.is_staff_role(by))
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
    _require(roles.is_staff_role(by))
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
    _require(roles.is_staff_role(by))
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
    """Move the task's deadline (an approved extension)."""
    _require(roles.is_manager(by))
    with transaction.atomic():
        locked = _locked_task(task)
        if locked.status == RemediationTask.Status.ACCEPTED:
            raise TransitionConflict(_("This item is already accepted."))
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
    """Whether the user may take the transition now (state, guards and role): drives the buttons."""
    return has_transition_perm(getattr(enterprise, name), user)

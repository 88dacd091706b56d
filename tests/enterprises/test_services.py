"""The lifecycle rules: which transitions each state and each role allows, the guards, and the log."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from enterprises import services
from enterprises.models import (
    Criterion,
    Enterprise,
    RelocationMilestone,
    RemediationTask,
    State,
    TransitionLog,
)
from govern.audit import AppendOnlyError
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from tests import factories

SOURCES = {
    # A relocated enterprise keeps operating in its park: it is regraded and may be closed.
    "grade": {State.REGISTERED, State.GRADED, State.COMPLIANT, State.RELOCATED},
    "start_remediation": {State.GRADED},
    "certify_compliant": {State.REMEDIATING},
    "start_relocation": {State.REGISTERED, State.GRADED, State.REMEDIATING},
    "complete_relocation": {State.RELOCATING},
    "close": {
        State.REGISTERED,
        State.GRADED,
        State.REMEDIATING,
        State.COMPLIANT,
        State.RELOCATING,
        State.RELOCATED,
    },
}
TARGETS = {
    "grade": State.GRADED,
    "start_remediation": State.REMEDIATING,
    "certify_compliant": State.COMPLIANT,
    "start_relocation": State.RELOCATING,
    "complete_relocation": State.RELOCATED,
    "close": State.CLOSED,
}
MANAGER_ONLY = {"start_relocation", "complete_relocation", "close"}
SCORES_B = dict.fromkeys(Criterion.values, 15)  # total 75: tier B under the default policy


def ready_enterprise(state: str) -> Enterprise:
    """An enterprise in ``state`` whose guards are all met, so only state and role decide."""
    enterprise = factories.EnterpriseFactory(state=state)
    factories.RemediationTaskFactory(
        plan__enterprise=enterprise, status=RemediationTask.Status.ACCEPTED
    )
    factories.done_relocation_project(enterprise)
    return enterprise


def run(name: str, enterprise: Enterprise, user, **kwargs):
    if name == "grade":
        return services.enterprise_grade(
            enterprise=enterprise, scores=SCORES_B, by=user, reason="复核", **kwargs
        )
    if name == "start_relocation":
        kwargs.setdefault("park", factories.park("nanan_edz"))
    if name == "certify_compliant":
        kwargs = {**factories.VERIFIED, **kwargs}
    return services.SIMPLE_TRANSITIONS[name](
        enterprise=enterprise, by=user, reason="依法办理", **kwargs
    )


ALL_PAIRS = [(name, state) for name in SOURCES for state in State.values]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "state"), ALL_PAIRS)
def test_transition_allowed_only_from_its_source_states(name, state, manager):
    enterprise = ready_enterprise(state)
    if state in SOURCES[name]:
        run(name, enterprise, manager)
        enterprise.refresh_from_db()
        assert enterprise.state == TARGETS[name]
        entry = enterprise.transitions.get()
        assert (entry.from_state, entry.to_state, entry.actor, entry.transition) == (
            state,
            TARGETS[name],
            manager,
            name,
        )
    else:
        with pytest.raises(TransitionConflict):
            run(name, enterprise, manager)
        enterprise.refresh_from_db()
        assert enterprise.state == state
        assert not enterprise.transitions.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SOURCES))
def test_inspector_may_take_only_staff_transitions(name, inspector):
    state = sorted(SOURCES[name])[0]
    enterprise = ready_enterprise(state)
    if name in MANAGER_ONLY:
        with pytest.raises(PermissionDenied):
            run(name, enterprise, inspector)
        enterprise.refresh_from_db()
        assert enterprise.state == state
    else:
        run(name, enterprise, inspector)
        enterprise.refresh_from_db()
        assert enterprise.state == TARGETS[name]


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SOURCES))
def test_enterprise_user_may_take_no_transition(name):
    state = sorted(SOURCES[name])[0]
    enterprise = ready_enterprise(state)
    account = factories.enterprise_user(enterprise)
    with pytest.raises(PermissionDenied):
        run(name, enterprise, account)
    enterprise.refresh_from_db()
    assert enterprise.state == state


@pytest.mark.django_db
def test_user_without_role_is_refused(enterprise):
    nobody = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        run("grade", enterprise, nobody)


@pytest.mark.django_db
def test_transition_requires_a_reason(enterprise, manager):
    with pytest.raises(InvalidInput) as error:
        services.enterprise_close(enterprise=enterprise, by=manager, reason="   ")
    assert error.value.field == "reason"
    enterprise.refresh_from_db()
    assert enterprise.state == State.REGISTERED


@pytest.mark.django_db
def test_start_remediation_refused_without_a_plan(inspector):
    enterprise = factories.EnterpriseFactory(state=State.GRADED)
    with pytest.raises(TransitionConflict, match="整治方案|remediation plan"):
        services.enterprise_start_remediation(enterprise=enterprise, by=inspector, reason="启动")


@pytest.mark.django_db
def test_compliant_refused_while_a_remediation_task_is_open(inspector):
    enterprise = factories.EnterpriseFactory(state=State.REMEDIATING)
    plan = factories.RemediationPlanFactory(enterprise=enterprise)
    factories.RemediationTaskFactory(plan=plan, status=RemediationTask.Status.ACCEPTED)
    factories.RemediationTaskFactory(plan=plan, status=RemediationTask.Status.SUBMITTED)
    with pytest.raises(TransitionConflict):
        services.enterprise_certify_compliant(
            enterprise=enterprise, by=inspector, reason="达标", **factories.VERIFIED
        )
    enterprise.refresh_from_db()
    assert enterprise.state == State.REMEDIATING


@pytest.mark.django_db
def test_relocation_moves_the_enterprise_into_the_target_park(manager):
    enterprise = factories.EnterpriseFactory(state=State.GRADED)
    target = factories.park("nanan_edz")
    services.enterprise_start_relocation(
        enterprise=enterprise, park=target, by=manager, reason="入园"
    )
    RelocationMilestone.objects.filter(project__enterprise=enterprise).update(
        actual_date=date.today()
    )
    services.enterprise_complete_relocation(enterprise=enterprise, by=manager, reason="验收")
    enterprise.refresh_from_db()
    assert (enterprise.state, enterprise.park) == (State.RELOCATED, target)


@pytest.mark.django_db
def test_expected_state_mismatch_is_a_conflict(manager):
    enterprise = factories.EnterpriseFactory(state=State.RELOCATING)
    with pytest.raises(TransitionConflict):
        services.enterprise_close(
            enterprise=enterprise, by=manager, reason="关停", expected_state=State.GRADED
        )


@pytest.mark.django_db
def test_grading_suggests_the_tier_from_the_policy(inspector, enterprise):
    assessment = services.enterprise_grade(
        enterprise=enterprise,
        scores=dict.fromkeys(Criterion.values, 18),
        by=inspector,
        reason="初评",
    )
    enterprise.refresh_from_db()
    assert (assessment.total_score, assessment.suggested_tier, assessment.tier) == (90, "A", "A")
    assert (enterprise.state, enterprise.tier) == (State.GRADED, "A")


@pytest.mark.django_db
def test_overriding_the_suggested_tier_needs_a_reason(inspector, enterprise):
    with pytest.raises(InvalidInput) as error:
        services.enterprise_grade(
            enterprise=enterprise, scores=SCORES_B, tier="C", by=inspector, reason="初评"
        )
    assert error.value.field == "override_reason"
    enterprise.refresh_from_db()
    assert enterprise.state == State.REGISTERED and not enterprise.assessments.exists()
    services.enterprise_grade(
        enterprise=enterprise,
        scores=SCORES_B,
        tier="C",
        override_reason="位于建成区，群众投诉多",
        by=inspector,
        reason="初评",
    )
    enterprise.refresh_from_db()
    assert enterprise.tier == "C" and enterprise.assessments.get().overridden


@pytest.mark.django_db
def test_policy_change_changes_the_suggestion(inspector, manager, enterprise):
    from enterprises.models import TierPolicy

    services.tier_policy_update(
        policy=TierPolicy.objects.get(tier="A"), data={"min_score": 75}, by=manager
    )
    assessment = services.enterprise_grade(
        enterprise=enterprise, scores=SCORES_B, by=inspector, reason="初评"
    )
    assert assessment.suggested_tier == "A"


@pytest.mark.django_db
def test_policy_thresholds_must_fall_from_a_to_d(manager):
    from enterprises.models import TierPolicy

    with pytest.raises(InvalidInput) as error:
        services.tier_policy_update(
            policy=TierPolicy.objects.get(tier="A"), data={"min_score": 70}, by=manager
        )
    assert error.value.field == "min_score"
    assert TierPolicy.objects.get(tier="A").min_score == 85


@pytest.mark.django_db
def test_only_managers_edit_the_tier_policy(inspector):
    from enterprises.models import TierPolicy

    with pytest.raises(PermissionDenied):
        services.tier_policy_update(
            policy=TierPolicy.objects.get(tier="A"), data={"min_score": 10}, by=inspector
        )


@pytest.mark.django_db
@pytest.mark.parametrize("score", [-1, 21, "10"])
def test_scores_out_of_range_are_refused(score, inspector, enterprise):
    with pytest.raises(InvalidInput):
        services.enterprise_grade(
            enterprise=enterprise,
            scores={**SCORES_B, "score_records": score},
            by=inspector,
            reason="初评",
        )


@pytest.mark.django_db
def test_registration_writes_the_first_log_entry(inspector):
    enterprise = services.enterprise_register(
        data={
            "name": "晋江测试鞋业有限公司",
            "sector": factories.Sector.objects.first(),
            "district": factories.District.objects.first(),
            "address": "晋江",
            "legal_representative": "陈",
        },
        uscc="91440300708461136T",
        by=inspector,
    )
    entry = enterprise.transitions.get()
    assert (entry.transition, entry.from_state, entry.to_state) == (
        "register",
        "",
        State.REGISTERED,
    )


def _register(by, uscc, **kwargs):
    return services.enterprise_register(
        data={
            "name": "泉州试点企业",
            "sector": factories.Sector.objects.first(),
            "district": factories.District.objects.first(),
            "address": "鲤城",
            "legal_representative": "林",
        },
        uscc=uscc,
        by=by,
        **kwargs,
    )


@pytest.mark.django_db
def test_failing_check_character_refused_without_override(manager):
    with pytest.raises(InvalidInput) as error:
        _register(manager, "91350100M0001TGQXM")
    assert error.value.field == "uscc"
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_manager_may_register_a_pilot_code_with_a_reason(manager):
    enterprise = _register(
        manager, "91350100M0001TGQXM", uscc_override_reason="早期试点代码，经市场监管局核实"
    )
    assert enterprise.uscc_override_reason.startswith("早期试点")


@pytest.mark.django_db
def test_inspector_may_not_override_the_check_character(inspector):
    with pytest.raises(InvalidInput):
        _register(inspector, "91350100M0001TGQXM", uscc_override_reason="试点")


@pytest.mark.django_db
def test_override_never_excuses_a_malformed_code(manager):
    with pytest.raises(InvalidInput):
        _register(manager, "91350100M0001TGQXO", uscc_override_reason="试点")


@pytest.mark.django_db
def test_duplicate_credit_code_is_refused(manager, enterprise):
    with pytest.raises(InvalidInput):
        _register(manager, enterprise.uscc)


@pytest.mark.django_db
def test_transition_log_cannot_be_changed_or_deleted(manager, enterprise):
    services.enterprise_close(enterprise=enterprise, by=manager, reason="关停")
    entry = TransitionLog.objects.get()
    entry.reason = "篡改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.update(reason="篡改")


@pytest.mark.django_db
def test_database_refuses_to_rewrite_the_transition_log(manager, enterprise):
    services.enterprise_close(enterprise=enterprise, by=manager, reason="关停")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE enterprises_transitionlog SET reason = 'x'")
    assert TransitionLog.objects.get().reason == "关停"


@pytest.mark.django_db
def test_state_cannot_be_assigned_directly(enterprise):
    with pytest.raises(AttributeError):
        enterprise.state = State.COMPLIANT

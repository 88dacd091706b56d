"""Visit records: two inspectors, completeness on submit, immutability, addenda, orders and follow-ups."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enterprises import services as enterprise_services
from enterprises.models import RemediationTask, State
from govern.audit import AppendOnlyError
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from inspections import services
from inspections.models import ChecklistResult, RectificationOrder, SiteVisit
from tests import factories
from tests.inspections.conftest import answer_all, image_bytes, upload

FAIL = ChecklistResult.Outcome.FAIL


def submit_with_order(visit, by):
    first = visit.results.first()
    answer_all(visit, by)
    services.visit_record(visit=visit, results={first.pk: (FAIL, "活性炭三个月未更换")}, by=by)
    order = services.order_issue(
        visit=visit, finding=first, requirement="更换活性炭并建立更换台账", legal_basis="", by=by
    )
    services.visit_record(visit=visit, conclusion=SiteVisit.Conclusion.ISSUES, by=by)
    services.visit_submit(visit=visit, by=by)
    order.refresh_from_db()
    return order


@pytest.mark.django_db
def test_a_visit_needs_two_inspectors(graded, inspector):
    with pytest.raises(InvalidInput) as error:
        services.visit_start(enterprise=graded, inspectors=[], by=inspector)
    assert error.value.field == "inspectors"
    with pytest.raises(InvalidInput):
        services.visit_start(enterprise=graded, inspectors=[factories.UserFactory()], by=inspector)


@pytest.mark.django_db
def test_enterprise_user_cannot_start_a_visit(graded, partner):
    account = factories.enterprise_user(graded)
    with pytest.raises(PermissionDenied):
        services.visit_start(enterprise=graded, inspectors=[partner], by=account)


@pytest.mark.django_db
def test_visit_uses_the_sector_checklist(visit):
    assert visit.checklist.sector.code == "footwear"
    assert visit.results.count() == visit.checklist.items.count() > 0


@pytest.mark.django_db
def test_sector_without_checklist_gets_the_general_one(inspector, partner):
    enterprise = factories.EnterpriseFactory(sector=factories.Sector.objects.get(code="paper"))
    visit = services.visit_start(enterprise=enterprise, inspectors=[partner], by=inspector)
    assert visit.checklist.sector is None


@pytest.mark.django_db
def test_submit_refuses_an_incomplete_record(visit, inspector):
    with pytest.raises(InvalidInput) as error:
        services.visit_submit(visit=visit, by=inspector)
    assert error.value.field.startswith("outcome_")
    first = visit.results.first()
    answer_all(visit, inspector)
    services.visit_record(visit=visit, results={first.pk: (FAIL, "")}, by=inspector)
    with pytest.raises(InvalidInput) as error:
        services.visit_submit(visit=visit, by=inspector)
    assert error.value.field == f"note_{first.pk}"
    services.visit_record(visit=visit, results={first.pk: (FAIL, "未密闭")}, by=inspector)
    with pytest.raises(InvalidInput):  # no conclusion yet
        services.visit_submit(visit=visit, by=inspector)
    services.visit_record(visit=visit, conclusion=SiteVisit.Conclusion.COMPLIANT, by=inspector)
    with pytest.raises(InvalidInput):  # a failed item cannot conclude "no problems"
        services.visit_submit(visit=visit, by=inspector)
    services.visit_record(visit=visit, conclusion=SiteVisit.Conclusion.ISSUES, by=inspector)
    with pytest.raises(InvalidInput):  # problems found but no order
        services.visit_submit(visit=visit, by=inspector)
    visit.refresh_from_db()
    assert visit.status == SiteVisit.Status.DRAFT


@pytest.mark.django_db
def test_submitted_record_is_immutable(visit, inspector):
    order = submit_with_order(visit, inspector)
    first = visit.results.first()
    with pytest.raises(TransitionConflict):
        services.visit_record(visit=visit, results={first.pk: ("pass", "")}, by=inspector)
    with pytest.raises(TransitionConflict):
        services.visit_record(visit=visit, conclusion=SiteVisit.Conclusion.COMPLIANT, by=inspector)
    with pytest.raises(TransitionConflict):
        services.visit_add_photo(visit=visit, upload=upload("a.png", image_bytes()), by=inspector)
    with pytest.raises(TransitionConflict):
        services.order_issue(visit=visit, requirement="x", legal_basis="y", by=inspector)
    with pytest.raises(TransitionConflict):
        services.order_withdraw(order=order, by=inspector)
    first.refresh_from_db()
    visit.refresh_from_db()
    assert (first.outcome, visit.conclusion) == (FAIL, SiteVisit.Conclusion.ISSUES)
    assert RectificationOrder.objects.filter(pk=order.pk).exists()


@pytest.mark.django_db
def test_corrections_are_addenda_by_a_named_inspector(visit, inspector, partner):
    submit_with_order(visit, inspector)
    with pytest.raises(TransitionConflict):
        services.visit_add_addendum(
            visit=SiteVisit.objects.create(
                enterprise=visit.enterprise,
                checklist=visit.checklist,
                started_at=timezone.now(),
                location="x",
                created_by=inspector,
            ),
            text="x",
            by=inspector,
        )
    addendum = services.visit_add_addendum(visit=visit, text="检查时间应为10:30开始", by=partner)
    assert addendum.author == partner
    addendum.text = "篡改"
    with pytest.raises(AppendOnlyError):
        addendum.save()
    with pytest.raises(PermissionDenied):
        services.visit_add_addendum(
            visit=visit, text="x", by=factories.enterprise_user(visit.enterprise)
        )


@pytest.mark.django_db
def test_only_the_visits_inspectors_edit_the_draft(visit):
    outsider = factories.inspector_user()
    with pytest.raises(PermissionDenied):
        answer_all(visit, outsider)


@pytest.mark.django_db
def test_order_deadline_defaults_from_the_tier_policy(visit, inspector):
    first = visit.results.first()
    with pytest.raises(InvalidInput) as not_failed:
        services.order_issue(
            visit=visit, finding=first, requirement="整改", legal_basis="", by=inspector
        )
    assert not_failed.value.field == "finding"
    services.visit_record(visit=visit, results={first.pk: (FAIL, "未密闭")}, by=inspector)
    order = services.order_issue(
        visit=visit, requirement="整改", legal_basis="第四十五条", by=inspector
    )
    assert order.deadline == timezone.localdate() + timedelta(days=30)  # tier B
    first = visit.results.first()
    edited = services.order_issue(
        visit=visit,
        finding=first,
        requirement="整改",
        legal_basis="",
        deadline=timezone.localdate() + timedelta(days=5),
        by=inspector,
    )
    assert edited.deadline == timezone.localdate() + timedelta(days=5)
    assert edited.legal_basis == first.item.legal_basis
    with pytest.raises(InvalidInput):
        services.order_issue(
            visit=visit,
            requirement="整改",
            legal_basis="x",
            deadline=timezone.localdate(),
            by=inspector,
        )


@pytest.mark.django_db
def test_follow_up_visit_verifies_and_closes_orders(visit, inspector, partner):
    order = submit_with_order(visit, inspector)
    assert order.status == RectificationOrder.Status.OPEN
    follow_up = services.visit_start(
        enterprise=visit.enterprise, inspectors=[inspector], by=partner, is_follow_up=True
    )
    answer_all(follow_up, partner)
    services.visit_record(visit=follow_up, conclusion=SiteVisit.Conclusion.COMPLIANT, by=partner)
    services.visit_submit(visit=follow_up, verified_orders=[order.pk], by=partner)
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.ACCEPTED
    assert order.closed_by_visit == follow_up and order.closed_at is not None


@pytest.mark.django_db
def test_follow_up_cannot_close_another_enterprises_order(visit, inspector, partner):
    order = submit_with_order(visit, inspector)
    other = factories.EnterpriseFactory()
    follow_up = services.visit_start(enterprise=other, inspectors=[partner], by=inspector)
    answer_all(follow_up, inspector)
    services.visit_record(visit=follow_up, conclusion=SiteVisit.Conclusion.COMPLIANT, by=inspector)
    with pytest.raises(InvalidInput):
        services.visit_submit(visit=follow_up, verified_orders=[order.pk], by=inspector)
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.OPEN


@pytest.mark.django_db
def test_open_order_blocks_the_compliant_transition(inspector, partner):
    enterprise = factories.EnterpriseFactory(state=State.REMEDIATING, tier="B")
    factories.RemediationTaskFactory(
        plan__enterprise=enterprise, status=RemediationTask.Status.ACCEPTED
    )
    visit = services.visit_start(enterprise=enterprise, inspectors=[partner], by=inspector)
    submit_with_order(visit, inspector)
    with pytest.raises(TransitionConflict, match="整改|rectification"):
        enterprise_services.enterprise_certify_compliant(
            enterprise=enterprise, by=inspector, reason="达标", **factories.VERIFIED
        )


@pytest.mark.django_db
def test_orders_past_deadline_are_marked_overdue_once(visit, inspector):
    order = submit_with_order(visit, inspector)
    later = order.deadline + timedelta(days=1)
    assert services.orders_mark_overdue(today=order.deadline) == 0
    assert services.orders_mark_overdue(today=later) == 1
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.OVERDUE
    assert services.orders_mark_overdue(today=later) == 0
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.OVERDUE


@pytest.mark.django_db
def test_a_follow_up_cannot_verify_orders_that_were_never_issued(graded, inspector, partner):
    """Orders drafted in another visit not yet submitted were never issued: they cannot be accepted."""
    from govern.errors import InvalidInput
    from inspections.models import RectificationOrder, SiteVisit

    draft = services.visit_start(enterprise=graded, inspectors=[partner], by=inspector)
    drafted = services.order_issue(
        visit=draft, requirement="车间密闭", legal_basis="大气法第四十五条", by=inspector
    )
    follow_up = services.visit_start(enterprise=graded, inspectors=[partner], by=inspector)
    services.visit_record(
        visit=follow_up,
        results={r.pk: ("pass", "") for r in follow_up.results.all()},
        conclusion=SiteVisit.Conclusion.COMPLIANT,
        by=inspector,
    )
    with pytest.raises(InvalidInput, match="issued|下达"):
        services.visit_submit(visit=follow_up, verified_orders=[drafted.pk], by=inspector)
    drafted.refresh_from_db()
    assert drafted.status == RectificationOrder.Status.OPEN and drafted.closed_at is None

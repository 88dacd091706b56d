"""When an enterprise is due for inspection, and the reproducible random draw."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enterprises.models import Enterprise, State, TierPolicy
from inspections import selectors, services
from inspections.models import SiteVisit
from tests import factories
from tests.inspections.conftest import answer_all


def registered_days_ago(enterprise, days):
    """Move the registration back (as if registered then) and reschedule, as the services would."""
    from enterprises.services import inspection_schedule_refresh

    Enterprise.objects.filter(pk=enterprise.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    inspection_schedule_refresh(enterprises=Enterprise.objects.filter(pk=enterprise.pk))


def due_ids(user, **kwargs):
    return set(selectors.inspection_due_list(user=user, **kwargs).values_list("pk", flat=True))


@pytest.mark.django_db
def test_due_date_is_last_inspection_or_registration_plus_tier_interval(inspector):
    b_tier = factories.EnterpriseFactory(state=State.GRADED, tier="B")  # B: every 180 days
    registered_days_ago(b_tier, 170)
    assert b_tier.pk not in due_ids(inspector, within_days=0)
    assert b_tier.pk in due_ids(inspector, within_days=14)
    registered_days_ago(b_tier, 181)
    assert b_tier.pk in due_ids(inspector, within_days=0)
    row = selectors.enterprises_with_next_inspection(user=inspector).get(pk=b_tier.pk)
    assert timezone.localdate(row.next_due) == timezone.localdate() - timedelta(days=1)


@pytest.mark.django_db
def test_a_submitted_visit_resets_the_due_date(inspector, partner):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="D")  # D: every 30 days
    registered_days_ago(enterprise, 40)
    assert enterprise.pk in due_ids(inspector, within_days=0)
    visit = services.visit_start(enterprise=enterprise, inspectors=[partner], by=inspector)
    assert enterprise.pk in due_ids(inspector, within_days=0)  # a draft does not count
    answer_all(visit, inspector)
    services.visit_record(visit=visit, conclusion=SiteVisit.Conclusion.COMPLIANT, by=inspector)
    services.visit_submit(visit=visit, by=inspector)
    assert enterprise.pk not in due_ids(inspector, within_days=14)
    assert enterprise.pk in due_ids(inspector, within_days=31)


@pytest.mark.django_db
def test_ungraded_enterprise_is_due_a_month_after_registration_and_closed_never(
    inspector, settings
):
    new = factories.EnterpriseFactory()
    closed = factories.EnterpriseFactory(state=State.CLOSED, tier="D")
    registered_days_ago(new, settings.GOVERN_FIRST_INSPECTION_DAYS + 1)
    registered_days_ago(closed, 400)
    due = due_ids(inspector, within_days=0)
    assert new.pk in due and closed.pk not in due


@pytest.mark.django_db
def test_changing_the_policy_interval_moves_the_due_date(inspector, manager):
    from enterprises.services import tier_policy_update

    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="A")  # A: every 365 days
    registered_days_ago(enterprise, 100)
    assert enterprise.pk not in due_ids(inspector, within_days=0)
    tier_policy_update(
        policy=TierPolicy.objects.get(tier="A"), data={"inspection_interval_days": 90}, by=manager
    )
    assert enterprise.pk in due_ids(inspector, within_days=0)


@pytest.mark.django_db
def test_planned_inspection_shows_on_the_inspectors_list_until_done(manager, inspector, partner):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    factories.officer(inspector), factories.officer(partner)
    factories.ratios(general=100)
    draw = services.draw_create(
        period="Q",
        pool_queryset=Enterprise.objects.all(),
        items=factories.items(),
        inspectors=[inspector, partner],
        due_date=timezone.localdate(),
        by=manager,
    )
    planned = draw.planned.get()
    assert list(selectors.planned_for(user=inspector)) == [planned]
    visit = services.visit_start(
        enterprise=enterprise, inspectors=[partner], planned=planned, by=inspector
    )
    answer_all(visit, inspector)
    services.visit_record(visit=visit, conclusion=SiteVisit.Conclusion.COMPLIANT, by=inspector)
    services.visit_submit(visit=visit, by=inspector)
    assert list(selectors.planned_for(user=inspector)) == []

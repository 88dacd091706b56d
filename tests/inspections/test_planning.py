"""When an enterprise is due for inspection, and the reproducible random draw."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enterprises.models import Enterprise, State, TierPolicy
from govern.errors import InvalidInput, PermissionDenied
from inspections import selectors, services
from inspections.models import PlannedInspection, SiteVisit
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


def make_pool(tier_counts):
    for tier, count in tier_counts.items():
        for _ in range(count):
            factories.EnterpriseFactory(state=State.GRADED if tier else State.REGISTERED, tier=tier)


@pytest.mark.django_db
def test_random_draw_takes_each_tier_quota_and_pairs_two_inspectors(manager):
    make_pool({"A": 20, "C": 8, "": 3})
    team = [factories.inspector_user() for _ in range(4)]
    draw = services.draw_create(
        period="2026-Q4",
        pool_queryset=Enterprise.objects.all(),
        quotas={"A": 5, "C": 25, "-": 0},
        inspectors=team,
        due_date=timezone.localdate() + timedelta(days=30),
        seed=42,
        by=manager,
    )
    planned = list(draw.planned.select_related("enterprise").prefetch_related("inspectors"))
    by_tier = {}
    for p in planned:
        by_tier[p.enterprise.tier] = by_tier.get(p.enterprise.tier, 0) + 1
        pair = list(p.inspectors.all())
        assert len(pair) == 2 and len(set(pair)) == 2 and set(pair) <= set(team)
        assert p.reason == PlannedInspection.Reason.RANDOM
    assert by_tier == {"A": 1, "C": 2}  # 5 % of 20, 25 % of 8; none of the ungraded


@pytest.mark.django_db
def test_random_draw_is_reproducible_from_its_seed(manager):
    make_pool({"A": 15, "B": 15, "C": 15})
    team = [factories.inspector_user() for _ in range(5)]
    kwargs = {
        "period": "2026-Q4",
        "quotas": {"A": 20, "B": 20, "C": 20},
        "inspectors": team,
        "due_date": timezone.localdate() + timedelta(days=30),
        "by": manager,
    }
    first = services.draw_create(pool_queryset=Enterprise.objects.all(), seed=20261125, **kwargs)
    again = services.draw_create(pool_queryset=Enterprise.objects.all(), seed=20261125, **kwargs)
    other = services.draw_create(pool_queryset=Enterprise.objects.all(), seed=7, **kwargs)

    def picks(draw):
        return sorted(
            (p.enterprise_id, tuple(sorted(u.pk for u in p.inspectors.all())))
            for p in draw.planned.all()
        )

    assert picks(first) == picks(again) != picks(other)
    assert sorted(
        (e, tuple(sorted(pair))) for e, pair in services.draw_replay(draw=first)
    ) == picks(first)
    # The pool is recorded, so a replay after the registry changes still gives the same list.
    factories.EnterpriseFactory(state=State.GRADED, tier="A")
    first.refresh_from_db()
    assert sorted(
        (e, tuple(sorted(pair))) for e, pair in services.draw_replay(draw=first)
    ) == picks(first)


@pytest.mark.django_db
def test_random_draw_refuses_bad_input(manager, inspector):
    due = timezone.localdate() + timedelta(days=10)
    with pytest.raises(InvalidInput):
        services.draw_create(
            period="Q",
            pool_queryset=Enterprise.objects.all(),
            quotas={"A": 5},
            inspectors=[inspector],
            due_date=due,
            by=manager,
        )
    with pytest.raises(InvalidInput):
        services.draw_create(
            period="Q",
            pool_queryset=Enterprise.objects.all(),
            quotas={"A": 150},
            inspectors=[inspector, manager],
            due_date=due,
            by=manager,
        )
    with pytest.raises(PermissionDenied):
        services.draw_create(
            period="Q",
            pool_queryset=Enterprise.objects.all(),
            quotas={"A": 5},
            inspectors=[inspector, manager],
            due_date=due,
            by=inspector,
        )


@pytest.mark.django_db
def test_planned_inspection_shows_on_the_inspectors_list_until_done(manager, inspector, partner):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    draw = services.draw_create(
        period="Q",
        pool_queryset=Enterprise.objects.all(),
        quotas={"C": 100},
        inspectors=[inspector, partner],
        due_date=timezone.localdate(),
        seed=1,
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

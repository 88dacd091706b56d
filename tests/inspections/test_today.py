"""The inspector's start page: drafts, my inspections today, one line per enterprise and day."""

from datetime import timedelta

import pytest
from django.urls import reverse

from enterprises.models import State
from govern import clock
from inspections import services
from inspections.models import PlannedInspection, RectificationOrder
from tests import factories

pytestmark = pytest.mark.django_db


def follow_up(enterprise, inspector, order, due):
    planned = PlannedInspection.objects.create(
        enterprise=enterprise,
        reason=PlannedInspection.Reason.FOLLOW_UP,
        due_date=due,
        order=order,
    )
    planned.inspectors.set([inspector])
    return planned


def test_an_inspector_lands_on_today_with_drafts_and_one_line_per_enterprise_and_day(
    client, inspector, manager
):
    partner = factories.inspector_user(username="partner-t")
    enterprise = factories.EnterpriseFactory(
        state=State.GRADED, tier="C", name="惠安永兴石材有限公司"
    )
    today = clock.today()
    first = factories.open_order(enterprise, inspector)
    second = factories.open_order(enterprise, inspector)
    RectificationOrder.objects.filter(pk__in=[first.pk, second.pk]).update(requirement="第一项整改")
    RectificationOrder.objects.filter(pk=second.pk).update(requirement="第二项整改")
    follow_up(enterprise, inspector, first, today)
    follow_up(enterprise, inspector, second, today)
    other = factories.EnterpriseFactory(state=State.GRADED, tier="C", name="别人负责的企业")
    theirs = PlannedInspection.objects.create(
        enterprise=other, reason=PlannedInspection.Reason.ROUTINE, due_date=today
    )
    theirs.inspectors.set([partner])
    draft_target = factories.EnterpriseFactory(state=State.GRADED, tier="B", name="草稿中的企业")
    services.visit_start(enterprise=draft_target, inspectors=[partner], by=inspector)

    client.force_login(inspector)
    assert client.get("/")["Location"] == reverse("inspections:today")
    page = client.get(reverse("inspections:today")).content.decode()
    assert "草稿中的企业" in page  # the draft, to continue
    assert page.count("惠安永兴石材有限公司") == 1  # two follow-ups, one line
    assert "第一项整改" in page and "第二项整改" in page  # naming both orders
    assert "别人负责的企业" not in page
    client.force_login(manager)
    assert client.get("/")["Location"] == reverse("enterprises:list")


def test_one_visit_verifying_both_orders_completes_both_follow_ups(inspector):
    partner = factories.inspector_user(username="partner-u")
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    orders = [factories.open_order(enterprise, inspector) for _ in range(2)]
    plans = [follow_up(enterprise, inspector, o, clock.today()) for o in orders]
    visit = services.visit_start(
        enterprise=enterprise, inspectors=[partner], planned=plans[0], by=inspector
    )
    services.visit_record(
        visit=visit, results={r.pk: ("pass", "") for r in visit.results.all()}, by=inspector
    )
    services.visit_record(visit=visit, conclusion="compliant", by=inspector)
    services.visit_submit(visit=visit, verified_orders=[o.pk for o in orders], by=inspector)
    assert set(
        PlannedInspection.objects.filter(pk__in=[p.pk for p in plans]).values_list(
            "status", flat=True
        )
    ) == {"done"}
    assert services  # the page then shows nothing due for this enterprise


def test_today_reads_a_constant_number_of_queries(client, inspector, django_assert_max_num_queries):
    for n in range(12):
        enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C", name=f"企业{n}")
        follow_up(
            enterprise,
            inspector,
            factories.open_order(enterprise, inspector),
            clock.today() + timedelta(days=n % 3),
        )
    client.force_login(inspector)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("inspections:today")).status_code == 200

"""双随机、一公开: the registers, a draw by category with recusal, its replay, who sees it, and the
publication of results with its deadline."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deadlines.services import escalate_overdue
from enterprises.models import Enterprise, SamplingCategory, State
from govern import clock
from govern.errors import InvalidInput, TransitionConflict
from govern.models import Notification
from govern.workdays import add_working_days
from inspections import selectors, services
from inspections.models import PlannedInspection, PublicResult, SiteVisit
from tests import factories
from tests.inspections.conftest import answer_all


def pool(counts: dict[str, int]) -> None:
    for category, n in counts.items():
        for _ in range(n):
            factories.EnterpriseFactory(state=State.GRADED, tier="B", sampling_category=category)


def team(n: int):
    users = [factories.inspector_user() for _ in range(n)]
    for user in users:
        factories.officer(user)
    return users


def draw(manager, **kwargs):
    return services.draw_create(
        period="2026-Q4",
        pool_queryset=Enterprise.objects.all(),
        items=factories.items(),
        due_date=clock.today() + timedelta(days=30),
        by=manager,
        **kwargs,
    )


def picks(d):
    return sorted(
        (p.enterprise_id, tuple(sorted(u.pk for u in p.inspectors.all()))) for p in d.planned.all()
    )


@pytest.mark.django_db
def test_draw_takes_each_category_share_with_certified_pairs(manager):
    pool({"key": 8, "special": 10, "general": 40})
    officers = team(4)
    factories.ratios(key=25, special=10, general=5)
    d = draw(manager)
    by_category = {}
    for p in d.planned.select_related("enterprise").prefetch_related("inspectors"):
        category = p.enterprise.sampling_category
        by_category[category] = by_category.get(category, 0) + 1
        pair = list(p.inspectors.all())
        assert len(set(pair)) == 2 and set(pair) <= set(officers)
    assert by_category == {"key": 2, "special": 1, "general": 2}  # 25 % of 8, 10 % of 10, 5 % of 40
    assert d.quotas == {"key": 25.0, "special": 10.0, "general": 5.0}
    assert set(d.items.all()) == set(factories.items())


@pytest.mark.django_db
def test_the_seed_is_made_by_the_server_and_the_draw_replays(manager):
    pool({"general": 30})
    team(5)
    factories.ratios(general=20)
    first, second = draw(manager), draw(manager)
    assert first.seed != second.seed  # never typed, never repeated
    assert sorted((e, tuple(sorted(p))) for e, p in services.draw_replay(draw=first)) == picks(
        first
    )
    # The pool is recorded: enterprises added later do not change the replay.
    pool({"general": 5})
    first.refresh_from_db()
    assert sorted((e, tuple(sorted(p))) for e, p in services.draw_replay(draw=first)) == picks(
        first
    )


@pytest.mark.django_db
def test_an_officer_in_conflict_is_never_paired_with_that_enterprise(manager):
    pool({"key": 6})
    first, second, third = team(3)
    factories.ratios(key=100)
    conflicted = Enterprise.objects.first()
    services.conflict_declare(
        officer=first.officer, enterprise=conflicted, reason="配偶在该企业任职", by=manager
    )
    d = draw(manager)
    planned = d.planned.get(enterprise=conflicted)
    assert set(planned.inspectors.all()) == {second, third}
    assert d.conflicts == {str(conflicted.pk): [first.pk]}
    # The replay honours the recorded conflicts.
    assert sorted((e, tuple(sorted(p))) for e, p in services.draw_replay(draw=d)) == picks(d)


@pytest.mark.django_db
def test_a_draw_with_too_few_officers_free_of_conflict_is_refused(manager):
    pool({"key": 1})
    first, second = team(2)
    factories.ratios(key=100)
    enterprise = Enterprise.objects.get()
    services.conflict_declare(
        officer=second.officer, enterprise=enterprise, reason="曾任该企业顾问", by=manager
    )
    with pytest.raises(InvalidInput) as refused:
        draw(manager)
    assert refused.value.field == "inspectors"
    assert "回避" in str(refused.value.message) or "recused" in str(refused.value.message)
    assert enterprise.name in str(refused.value.message)
    assert not PlannedInspection.objects.exists()


@pytest.mark.django_db
def test_replacing_an_officer_with_one_in_conflict_is_refused(manager):
    pool({"key": 1})
    first, second, third = team(3)
    factories.ratios(key=100)
    d = draw(manager)
    planned = d.planned.get()
    services.conflict_declare(
        officer=third.officer, enterprise=planned.enterprise, reason="亲属", by=manager
    )
    with pytest.raises(InvalidInput) as refused:
        services.planned_reassign(planned=planned, inspectors=[first, third], by=manager)
    assert "亲属" in str(refused.value.message)


@pytest.mark.django_db
def test_uncertified_or_expired_officers_cannot_be_drawn(manager, inspector):
    pool({"general": 3})
    factories.ratios(general=100)
    (valid,) = team(1)
    expired = factories.inspector_user()
    factories.officer(expired, valid_days=-1)
    with pytest.raises(InvalidInput) as refused:
        draw(manager, inspectors=[valid, inspector])
    assert inspector.display_name in str(refused.value.message)
    with pytest.raises(InvalidInput):
        draw(manager, inspectors=[valid, expired])
    with pytest.raises(InvalidInput) as no_items:
        services.draw_create(
            period="Q",
            pool_queryset=Enterprise.objects.all(),
            items=[],
            due_date=clock.today(),
            by=manager,
        )
    assert no_items.value.field == "items"


@pytest.mark.django_db
def test_the_drawn_list_is_hidden_from_the_enterprise_and_other_staff(client, manager):
    pool({"key": 1})
    first, second, outsider = team(3)
    factories.ratios(key=100)
    d = draw(manager, inspectors=[first, second])
    planned = d.planned.get()
    assert list(selectors.planned_for(user=first)) == [planned]
    assert list(selectors.planned_for(user=outsider)) == []
    client.force_login(outsider)
    assert client.get(reverse("inspections:draw", args=[d.pk])).status_code == 403
    assert planned.enterprise.name not in client.get(reverse("inspections:due")).content.decode()
    owner = factories.enterprise_user(planned.enterprise)
    client.force_login(owner)
    for url in (reverse("portal:home"), reverse("deadlines")):
        page = client.get(url).content.decode()
        assert "2026-Q4" not in page and "随机" not in page


def submit_random_visit(planned, by, partner, conclusion=SiteVisit.Conclusion.COMPLIANT):
    visit = services.visit_start(
        enterprise=planned.enterprise, inspectors=[partner], planned=planned, by=by
    )
    answer_all(visit, by)
    services.visit_record(visit=visit, conclusion=conclusion, by=by)
    return services.visit_submit(visit=visit, by=by)


@pytest.mark.django_db
def test_a_result_is_due_for_publication_in_working_days_and_escalated_when_late(
    client, manager, settings
):
    settings.GOVERN_RANDOM_PUBLISH_WORKING_DAYS = 20
    pool({"key": 1})
    first, second = team(2)
    factories.ratios(key=100)
    # Visit on Monday 2026-09-28: the National Day holiday (10-01 to 10-08) is skipped.
    with clock.at(timezone.make_aware(timezone.datetime(2026, 9, 28, 10))):
        planned = draw(manager).planned.get()
        submit_random_visit(planned, first, second)
    result = PublicResult.objects.get()
    assert result.inspected_on == date(2026, 9, 28)
    assert result.publish_due == add_working_days(date(2026, 9, 28), 20)
    assert result.publish_due > date(2026, 9, 28) + timedelta(days=28)  # the holiday pushed it
    # Not public before it is published.
    assert (
        planned.enterprise.name not in client.get(reverse("public-random-results")).content.decode()
    )
    # Late: the daily job escalates it to managers.
    escalate_overdue(today=result.publish_due + timedelta(days=1))
    assert Notification.objects.filter(recipient=manager, key__contains="publication").exists()


@pytest.mark.django_db
def test_published_results_are_public_without_login_and_show_only_what_may_be(client, manager):
    pool({"key": 1})
    first, second = team(2)
    factories.ratios(key=100)
    planned = draw(manager).planned.get()
    visit = services.visit_start(
        enterprise=planned.enterprise, inspectors=[second], planned=planned, by=first
    )
    answer_all(visit, first, outcome="fail", note="活性炭箱内部受潮结块（内部备注）")
    services.order_issue(
        visit=visit,
        finding=visit.results.first(),
        requirement="更换活性炭",
        legal_basis="《大气污染防治法》第四十五条",
        deadline=clock.today() + timedelta(days=20),
        by=first,
    )
    services.visit_record(visit=visit, conclusion=SiteVisit.Conclusion.ISSUES, by=first)
    services.visit_submit(visit=visit, by=first)
    result = PublicResult.objects.get()
    services.result_publish(result=result, summary="发现活性炭更换不及时，已责令整改。", by=manager)
    with pytest.raises(TransitionConflict):
        services.result_publish(result=result, summary="", by=manager)
    page = client.get(reverse("public-random-results")).content.decode()  # anonymous
    assert planned.enterprise.name in page and "已责令整改" in page
    assert "内部备注" not in page and first.display_name not in page
    export = client.get(reverse("public-random-results") + "?format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


@pytest.mark.django_db
def test_registers_page_keeps_input_and_names_the_field(client, manager, inspector):
    client.force_login(manager)
    response = client.post(
        reverse("inspections:registers"),
        {"action": "conflict", "officer": "", "enterprise": "不存在的企业", "reason": "亲属"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "不存在的企业" in page and "亲属" in page
    assert "No single enterprise" in page or "没有唯一" in page
    response = client.post(
        reverse("inspections:registers"),
        {"action": "ratios", "ratio_key": "150", "ratio_special": "10", "ratio_general": "5"},
    )
    assert response.status_code == 200 and "150" in response.content.decode()
    officer = factories.inspector_user()
    response = client.post(
        reverse("inspections:registers"),
        {
            "action": "officer",
            "user": officer.pk,
            "certificate_no": "FJ-777",
            "certificate_valid_until": "2030-01-01",
            "active": "on",
        },
    )
    assert response.status_code == 302 and officer.officer.certificate_no == "FJ-777"
    assert SamplingCategory.KEY  # the categories exist

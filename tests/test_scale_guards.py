"""What keeps the pages and jobs fast at a province's size: no list grows with the data, the daily job's
queries do not grow with the items, pages are paged in the database."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deadlines import selectors as deadline_selectors
from deadlines import services as deadline_services
from enterprises.models import Enterprise, State
from evidence.models import EvidenceSubmission
from govern.models import Notification
from inspections.models import RectificationOrder, SiteVisit
from tests import factories


def orders(count: int, *, inspector, overdue_by: int = 0, start: int = 0) -> list:
    """``count`` issued orders of distinct enterprises, all due ``overdue_by`` days ago, or (without it)
    spread over the next 20 days."""
    made = []
    checklist_id = 1
    for i in range(count):
        enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="B")
        visit = SiteVisit.objects.create(
            enterprise=enterprise,
            checklist_id=checklist_id,
            started_at=timezone.now(),
            ended_at=timezone.now(),
            location="x",
            created_by=inspector,
            status=SiteVisit.Status.SUBMITTED,
        )
        visit.inspectors.add(inspector)
        made.append(
            RectificationOrder.objects.create(
                issued_at=timezone.now(),
                enterprise=enterprise,
                visit=visit,
                requirement=f"整改{start + i}",
                legal_basis="第45条",
                deadline=timezone.localdate()
                + timedelta(days=-overdue_by if overdue_by else (i % 20) + 1),
            )
        )
    return made


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.django_db
def test_the_deadline_page_costs_the_same_with_5_or_60_deadlines(client, inspector, manager):
    client.force_login(manager)
    orders(5, inspector=inspector)
    small = queries(lambda: client.get(reverse("deadlines")))
    orders(55, inspector=inspector, start=5)
    assert queries(lambda: client.get(reverse("deadlines"))) == small
    page = client.get(reverse("deadlines") + "?page=2").content.decode()
    assert "2 / 3" in page  # 60 deadlines, 25 a page


@pytest.mark.django_db
def test_deadlines_are_paged_soonest_first_and_the_api_cursor_walks_each_once(client, inspector):
    made = orders(60, inspector=inspector)
    items = deadline_selectors.deadline_items(user=inspector)
    assert items.count() == 60
    first_page = items[0:25]
    assert [i.due for i in first_page] == sorted(i.due for i in first_page)
    client.force_login(inspector)
    seen, url = [], reverse("api:deadlines") + "?page_size=7"
    while url:
        body = client.get(url).json()
        seen += [(r["kind"], r["id"]) for r in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(("order", o.pk) for o in made)
    assert len(seen) == len(set(seen)) == 60
    dues = [RectificationOrder.objects.get(pk=pk).deadline for _k, pk in seen]
    assert dues == sorted(dues)
    bad = client.get(reverse("api:deadlines") + "?cursor=2026-13-01.order.1")
    assert bad.status_code == 400 and "cursor" in bad.json()


@pytest.mark.django_db
def test_the_review_queue_is_paged(client, inspector):
    account_owner = factories.EnterpriseFactory()
    submitter = factories.enterprise_user(account_owner)
    plan = factories.RemediationPlanFactory(enterprise=account_owner)
    for _ in range(30):
        task = factories.RemediationTaskFactory(plan=plan)
        EvidenceSubmission.objects.create(
            enterprise=account_owner,
            task=task,
            version=1,
            submitted_by=submitter,
            review_due=timezone.localdate() + timedelta(days=5),
        )
    client.force_login(inspector)
    first = client.get(reverse("evidence:reviews")).content.decode()
    assert "1 / 2" in first
    assert first.count("v1 ·") <= 25 or first.count('name="decision"') <= 50


@pytest.mark.django_db
def test_the_overdue_drill_down_costs_the_same_with_more_overdue_orders(client, inspector, manager):
    client.force_login(manager)
    url = reverse("dashboard:overdue") + "?kind=order"
    orders(3, inspector=inspector, overdue_by=30)
    small = queries(lambda: client.get(url))
    orders(40, inspector=inspector, overdue_by=30, start=3)
    assert queries(lambda: client.get(url)) == small


@pytest.mark.django_db
def test_the_due_list_costs_the_same_with_more_enterprises(client, inspector):
    client.force_login(inspector)
    for _ in range(3):
        factories.EnterpriseFactory(created_at=timezone.now() - timedelta(days=60))
    small = queries(lambda: client.get(reverse("inspections:due")))
    for _ in range(40):
        factories.EnterpriseFactory(created_at=timezone.now() - timedelta(days=60))
    assert queries(lambda: client.get(reverse("inspections:due"))) == small


@pytest.mark.django_db
def test_the_daily_jobs_queries_do_not_grow_with_the_items(inspector, manager):
    """Marking overdue, escalating and planning follow-ups for 5 or for 60 orders: same statements."""
    orders(5, inspector=inspector, overdue_by=25)
    few = queries(lambda: deadline_services.run_daily())
    orders(60, inspector=inspector, overdue_by=25, start=5)
    many = queries(lambda: deadline_services.run_daily())
    assert many <= few + 2, (few, many)
    assert RectificationOrder.objects.filter(status=RectificationOrder.Status.OVERDUE).count() == 65


@pytest.mark.django_db
def test_old_overdue_items_reach_managers_in_a_daily_digest_not_one_by_one(inspector, manager):
    orders(4, inspector=inspector, overdue_by=40)  # overdue for weeks: not escalated one by one
    report = deadline_services.run_daily()
    assert report.escalations == 0 and report.digests == 1
    digest = Notification.objects.get(recipient=manager, key__startswith="overdue-digest")
    assert "4" in digest.title
    assert deadline_services.run_daily().digests == 0  # once a day


@pytest.mark.django_db
def test_shards_share_the_daily_job_without_double_work(inspector, manager):
    orders(12, inspector=inspector, overdue_by=3)
    reports = [deadline_services.run_daily(shard=s, shards=3) for s in range(3)]
    assert sum(r.marked_overdue for r in reports) == 12
    assert sum(len(r.follow_ups) for r in reports) == 12
    assert sum(r.escalations for r in reports) == 12  # one manager, each item once
    assert deadline_services.run_daily().escalations == 0


@pytest.mark.django_db
def test_a_background_import_costs_a_bounded_number_of_queries(manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.importing import enterprise_import

    def csv(rows: int, offset: int) -> SimpleUploadedFile:
        lines = ["企业名称,统一社会信用代码,行业,区县,地址,法定代表人"]
        for i in range(rows):
            lines.append(
                f"导入{offset + i}有限公司,{factories.valid_uscc(90000 + offset + i)},制鞋,晋江市,x,陈"
            )
        return SimpleUploadedFile("rows.csv", "\n".join(lines).encode())

    few = queries(lambda: enterprise_import(upload=csv(20, 0), by=manager, skip_bad_rows=False))
    many = queries(lambda: enterprise_import(upload=csv(180, 100), by=manager, skip_bad_rows=False))
    assert Enterprise.objects.count() == 200
    assert many <= few + 4, (few, many)


@pytest.mark.django_db
def test_the_enterprise_list_finds_a_credit_code_by_its_index_and_two_words_in_a_name(
    client, inspector
):
    wanted = factories.EnterpriseFactory(name="石狮锦华彩印有限公司")
    factories.EnterpriseFactory(name="石狮锦华印染有限公司")
    client.force_login(inspector)
    by_words = client.get(reverse("enterprises:list") + "?q=锦华+彩印").content.decode()
    assert "石狮锦华彩印有限公司" in by_words and "石狮锦华印染有限公司" not in by_words
    with CaptureQueriesContext(connection) as captured:
        by_code = client.get(reverse("enterprises:list") + f"?q={wanted.uscc.lower()}")
    assert wanted.name in by_code.content.decode()
    searches = [q["sql"] for q in captured.captured_queries if wanted.uscc in q["sql"]]
    assert searches and all('"uscc" = ' in sql and "LIKE" not in sql for sql in searches)

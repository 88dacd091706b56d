"""Every dashboard figure against hand-computed data, the drill-downs, exports and the query budget."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboard import selectors
from enterprises import services
from enterprises.models import District, Enterprise, RelocationMilestone, RemediationTask, State
from inspections.models import RectificationOrder, SiteVisit
from tests import factories
from tests.factories import reschedule


def district(code):
    return District.objects.get(code=code)


@pytest.fixture
def city(manager, inspector):
    """A small city: every number below is counted by hand."""
    jinjiang, shishi = district("jinjiang"), district("shishi")
    new = factories.EnterpriseFactory(district=jinjiang, name="新登记")
    Enterprise.objects.filter(pk=new.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )  # 1st visit overdue
    reschedule(new)
    graded = factories.EnterpriseFactory(
        district=jinjiang, state=State.GRADED, tier="B", name="已分级"
    )
    factories.RemediationTaskFactory(
        plan__enterprise=graded, deadline=timezone.localdate() - timedelta(days=3)
    )
    visit = SiteVisit.objects.create(
        enterprise=graded,
        checklist_id=1,
        started_at=timezone.now(),
        location="x",
        created_by=inspector,
        status=SiteVisit.Status.SUBMITTED,
        ended_at=timezone.now(),
    )
    RectificationOrder.objects.create(
        issued_at=timezone.now(),
        enterprise=graded,
        visit=visit,
        requirement="整改",
        legal_basis="第45条",
        deadline=timezone.localdate() - timedelta(days=1),
    )
    compliant = factories.EnterpriseFactory(
        district=jinjiang, state=State.REMEDIATING, tier="A", name="达标"
    )
    factories.RemediationTaskFactory(
        plan__enterprise=compliant, status=RemediationTask.Status.ACCEPTED
    )
    services.enterprise_certify_compliant(
        enterprise=compliant,
        by=inspector,
        reason="达标",
        **{**factories.VERIFIED, "verified_voc_reduction_tpa": Decimal("4.5")},
    )
    closed = factories.EnterpriseFactory(
        district=shishi, baseline_voc_tpa=Decimal("10"), name="关停"
    )
    services.enterprise_close(enterprise=closed, by=manager, reason="关停")
    moving = factories.EnterpriseFactory(district=shishi, state=State.GRADED, tier="C", name="搬迁")
    services.enterprise_start_relocation(
        enterprise=moving, park=factories.park(), by=manager, reason="入园"
    )
    milestones = list(
        RelocationMilestone.objects.filter(project__enterprise=moving).order_by("kind")
    )
    RelocationMilestone.objects.filter(pk=milestones[0].pk).update(
        actual_date=timezone.localdate(), planned_date=timezone.localdate() - timedelta(days=9)
    )
    RelocationMilestone.objects.filter(pk__in=[m.pk for m in milestones[1:3]]).update(
        planned_date=timezone.localdate() - timedelta(days=2)
    )
    services.district_target_set(
        district=jinjiang,
        year=timezone.localdate().year,
        voc_reduction_tpa=Decimal("10"),
        by=manager,
    )
    return {"jinjiang": jinjiang, "shishi": shishi, "moving": moving}


@pytest.mark.django_db
def test_every_figure_matches_the_hand_count(city, manager):
    board = selectors.dashboard(user=manager)
    j, s = city["jinjiang"].pk, city["shishi"].pk
    assert board.by_district_state == {
        (j, State.REGISTERED): 1,
        (j, State.GRADED): 1,
        (j, State.COMPLIANT): 1,
        (s, State.CLOSED): 1,
        (s, State.RELOCATING): 1,
    }
    footwear = factories.Sector.objects.get(code="footwear").pk
    assert board.by_sector_tier == {
        (footwear, "-"): 2,
        (footwear, "A"): 1,
        (footwear, "B"): 1,
        (footwear, "C"): 1,
    }
    assert board.overdue == {
        ("inspection", j): 1,
        ("order", j): 1,
        ("task", j): 1,
        ("milestone", s): 2,
    }
    assert board.achieved == {j: Decimal("4.5"), s: Decimal("10")}
    assert board.targets == {j: Decimal("10")}
    [project] = board.projects
    assert (project.enterprise_id, project.done, project.total, board.relocation_overall) == (
        city["moving"].pk,
        1,
        7,
        14,
    )
    month, counts, reduction = board.trend[-1]
    assert month == timezone.localdate().replace(day=1)
    assert counts == {
        State.COMPLIANT: 1,
        State.RELOCATED: 0,
        State.CLOSED: 1,
    } and reduction == Decimal("14.5")
    assert all(sum(c.values()) == 0 for _m, c, _r in board.trend[:-1])
    assert board.total == 5


@pytest.mark.django_db
def test_last_years_results_do_not_count_this_year(city, manager):
    board = selectors.dashboard(user=manager, year=timezone.localdate().year - 1)
    assert board.achieved == {} and board.targets == {}


@pytest.mark.django_db
def test_numbers_drill_down_to_their_lists(city, manager, client):
    client.force_login(manager)
    page = client.get(reverse("dashboard:home")).content.decode()
    state_cell = f"{reverse('enterprises:list')}?district={city['jinjiang'].pk}&amp;state=compliant"
    overdue_cell = f"{reverse('dashboard:overdue')}?kind=milestone&amp;district={city['shishi'].pk}"
    assert state_cell in page and overdue_cell in page
    listing = client.get(state_cell.replace("&amp;", "&"))
    assert [e.name for e in listing.context["page"]] == ["达标"]
    overdue = client.get(overdue_cell.replace("&amp;", "&"))
    assert len(overdue.context["page"]) == 2
    month = timezone.localdate().strftime("%Y-%m")
    trend = client.get(f"{reverse('dashboard:transitions')}?month={month}").context["entries"]
    assert sorted(t.enterprise.name for t in trend) == ["关停", "达标"]
    ungraded = client.get(f"{reverse('enterprises:list')}?tier=-")
    assert sorted(e.name for e in ungraded.context["page"]) == ["关停", "新登记"]


@pytest.mark.django_db
def test_dashboard_and_lists_export_to_xlsx(city, manager, client):
    client.force_login(manager)
    response = client.get(reverse("dashboard:export"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) == 8
    reductions = list(workbook.worksheets[3].iter_rows(values_only=True))
    # district, declared, verified, target, share of the target verified
    assert [r for r in reductions if r[0] == str(city["jinjiang"])][0][2:5] == (4.5, 10.0, 45)
    overdue = client.get(f"{reverse('dashboard:overdue')}?kind=order&format=xlsx")
    rows = list(
        load_workbook(io.BytesIO(b"".join(overdue.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[1][0] == "已分级"


@pytest.mark.django_db
def test_only_managers_see_the_dashboard(client, inspector):
    client.force_login(inspector)
    assert client.get(reverse("dashboard:home")).status_code == 403


@pytest.mark.django_db
def test_manager_sets_targets_and_bad_numbers_are_reported(client, manager):
    client.force_login(manager)
    year = timezone.localdate().year
    jinjiang = district("jinjiang")
    response = client.post(
        f"{reverse('dashboard:targets')}?year={year}", {f"target_{jinjiang.pk}": "abc"}, follow=True
    )
    assert "abc" in response.content.decode()
    client.post(f"{reverse('dashboard:targets')}?year={year}", {f"target_{jinjiang.pk}": "88.5"})
    assert selectors.dashboard(user=manager).targets == {jinjiang.pk: Decimal("88.5")}


def dashboard_queries(client) -> tuple[int, int]:
    """Queries of the periodic refresh, and of a view reading its snapshot."""
    from dashboard.services import dashboard_refresh

    dashboard_refresh()  # the snapshot row exists (as it does after the first scheduled run)
    with CaptureQueriesContext(connection) as refresh:
        dashboard_refresh()
    with CaptureQueriesContext(connection) as view:
        assert client.get(reverse("dashboard:home")).status_code == 200
    return len(refresh), len(view)


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_enterprises(client, manager, inspector):
    sectors = list(factories.Sector.objects.all())
    districts = list(District.objects.all())

    def add(count, offset):
        Enterprise.objects.bulk_create(
            Enterprise(
                name=f"企业{offset + i}",
                uscc=factories.valid_uscc(seed=offset + i),
                sector=sectors[i % len(sectors)],
                district=districts[i % len(districts)],
                address="泉州",
                legal_representative="陈",
                state=list(State.values)[i % 7],
                tier="ABCD"[i % 4] if i % 5 else "",
            )
            for i in range(count)
        )

    add(10, 0)
    for enterprise in Enterprise.objects.filter(state=State.RELOCATING)[:2]:
        factories.done_relocation_project(enterprise)
    client.force_login(manager)
    small = dashboard_queries(client)
    add(990, 10)
    for enterprise in Enterprise.objects.filter(
        state=State.RELOCATING, relocation_project__isnull=True
    )[:40]:
        factories.done_relocation_project(enterprise)
    assert Enterprise.objects.count() == 1000
    assert dashboard_queries(client) == small


def test_chart_labels_are_not_cut_and_every_chart_link_has_a_name():
    from dashboard.charts import Bar, bar_chart

    svg = str(
        bar_chart(
            [
                Bar("relocating into a park", (12,), "/e/?state=relocating"),
                Bar("在园区外整治提升中的企业", (3,), "/e/?state=x"),
                *(Bar(f"state {i}", (i,), f"/e/?state={i}") for i in range(5)),
            ],
            title="Enterprises by state",
        )
    )
    # English breaks at spaces over two lines; the whole label is the text's title.
    assert ">relocating<" in svg and ">into a park<" in svg
    assert "relo…" not in svg and "<title>relocating into a park</title>" in svg
    # Each link is named by its label and value; the chart is a named group, not an image.
    assert 'aria-label="relocating into a park 12"' in svg
    assert 'role="group" aria-label="Enterprises by state"' in svg and 'role="img"' not in svg

"""Tiered governance that decides (issue 13): the path decides the next step, relocated is not the
end, parks take only what suits them, the built-up-area exit list, clusters consolidated as one
project, nothing left dangling, dates in order, declared versus verified reduction.

Each rule has a service test here and an API test in the same section."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from deadlines import selectors as deadline_selectors
from enterprises import selectors, services
from enterprises.models import (
    GovernancePath,
    IndustrialPark,
    RelocationMilestone,
    RemediationTask,
    Sector,
    State,
    TierPolicy,
    TierPolicyVersion,
    TransitionLog,
)
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from inspections.models import PlannedInspection, RectificationOrder
from inspections.services import order_deadline_extend
from tests import factories
from tests.inspections.conftest import image_bytes

SCORES = {"C": 12, "D": 5, "B": 15, "A": 18}  # per criterion: totals 60, 25, 75, 90


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def graded(tier: str, by, **fields):
    """An enterprise graded into ``tier`` through the service (so its path is the policy's)."""
    enterprise = factories.EnterpriseFactory(**fields)
    services.enterprise_grade(
        enterprise=enterprise,
        scores=dict.fromkeys(
            ["score_materials", "score_collection", "score_treatment", "score_monitoring"],
            SCORES[tier],
        )
        | {"score_records": SCORES[tier]},
        by=by,
        reason="评定",
    )
    enterprise.refresh_from_db()
    return enterprise


def photo():
    return SimpleUploadedFile("证明.jpg", image_bytes("JPEG"))


def finish_milestones(enterprise, by):
    for milestone in RelocationMilestone.objects.filter(
        project_id=enterprise.relocation_project_id
    ).order_by("kind"):
        services.milestone_complete(
            milestone=milestone, actual_date=timezone.localdate(), uploads=[photo()], note="", by=by
        )


def relocated(by_manager, by_inspector, **fields):
    enterprise = graded("C", by_inspector, **fields)
    services.enterprise_start_relocation(
        enterprise=enterprise, park=factories.park("nanan_edz"), by=by_manager, reason="入园"
    )
    enterprise.refresh_from_db()
    finish_milestones(enterprise, by_inspector)
    services.enterprise_complete_relocation(enterprise=enterprise, by=by_manager, reason="验收")
    enterprise.refresh_from_db()
    return enterprise


# --- the path decides the next step ---------------------------------------------------------------


@pytest.mark.django_db
def test_grading_sets_the_policy_path_and_records_the_policy_version(inspector):
    enterprise = graded("D", inspector)
    assessment = enterprise.assessments.get()
    assert enterprise.governance_path == GovernancePath.CLOSE
    assert assessment.governance_path == GovernancePath.CLOSE
    assert assessment.policy_version == TierPolicyVersion.objects.get(number=1)


@pytest.mark.django_db
def test_tier_d_cannot_start_remediation_without_a_managers_override(inspector, manager):
    enterprise = graded("D", inspector)
    factories.RemediationTaskFactory(plan__enterprise=enterprise)
    with pytest.raises(PermissionDenied, match="关停|close"):
        services.enterprise_start_remediation(enterprise=enterprise, by=inspector, reason="整治")
    with pytest.raises(InvalidInput) as error:
        services.enterprise_start_remediation(enterprise=enterprise, by=manager, reason="整治")
    assert error.value.field == "override_reason"
    enterprise.refresh_from_db()
    assert enterprise.state == State.GRADED
    services.enterprise_start_remediation(
        enterprise=enterprise, by=manager, reason="整治", override_reason="企业已完成重大技改"
    )
    enterprise.refresh_from_db()
    assert (enterprise.state, enterprise.governance_path) == (
        State.REMEDIATING,
        GovernancePath.REMEDIATE,
    )
    entry = enterprise.transitions.get(transition="start_remediation")
    assert entry.override_reason == "企业已完成重大技改"


@pytest.mark.django_db
def test_tier_c_cannot_be_certified_compliant_by_an_inspector(inspector):
    enterprise = factories.EnterpriseFactory(
        state=State.REMEDIATING, tier="C", governance_path=GovernancePath.RELOCATE
    )
    factories.RemediationTaskFactory(
        plan__enterprise=enterprise, status=RemediationTask.Status.ACCEPTED
    )
    with pytest.raises(PermissionDenied, match="搬迁|relocate"):
        services.enterprise_certify_compliant(
            enterprise=enterprise, by=inspector, reason="达标", **factories.VERIFIED
        )
    response = api_for(inspector).post(
        f"/api/enterprises/{enterprise.pk}/transitions/certify_compliant/",
        {"reason": "达标", **factories.VERIFIED},
        format="json",
    )
    assert response.status_code == 403 and "搬迁" in response.json()["detail"]


@pytest.mark.django_db
def test_page_offers_only_the_path_and_shows_the_override(client_for, inspector, manager):
    enterprise = graded("C", inspector)
    factories.RemediationTaskFactory(plan__enterprise=enterprise)
    page = client_for(inspector).get(reverse("dossier:detail", args=[enterprise.pk]))
    text = page.content.decode()
    assert reverse("dossier:transition", args=[enterprise.pk, "start_remediation"]) not in text
    assert "经理可以改变路径" in text or "a manager can override" in text
    form_url = reverse("dossier:transition", args=[enterprise.pk, "start_remediation"])
    # A manager sees it as an override, and the form asks for the reason.
    assert (
        form_url
        in client_for(manager).get(reverse("dossier:detail", args=[enterprise.pk])).content.decode()
    )
    response = client_for(manager).post(form_url, {"reason": "整治", "override_reason": ""})
    assert response.status_code == 200 and "override_reason" in response.content.decode()
    response = client_for(manager).post(
        form_url, {"reason": "整治", "override_reason": "原址改造可达标"}
    )
    assert response.status_code == 302
    page = client_for(inspector).get(reverse("dossier:detail", args=[enterprise.pk]))
    assert "原址改造可达标" in page.content.decode() and 'id="path-override"' in (
        page.content.decode()
    )


# --- the tier policy: impact and versions ---------------------------------------------------------


@pytest.mark.django_db
def test_policy_edit_counts_and_moves_graded_enterprises_and_keeps_versions(inspector, manager):
    moved = [graded("B", inspector) for _ in range(2)]
    started = graded("B", inspector)
    factories.RemediationTaskFactory(plan__enterprise=started)
    services.enterprise_start_remediation(enterprise=started, by=inspector, reason="整治")
    policy = TierPolicy.objects.get(tier="B")
    data = {"governance_path": GovernancePath.RELOCATE}
    impact = services.tier_policy_impact(policy=policy, data=data)
    assert (impact.path_moves, impact.reschedules) == (2, 0)  # the one remediating keeps going
    services.tier_policy_update(policy=policy, data=data, by=manager)
    version = TierPolicyVersion.objects.get(number=2)
    assert version.created_by == manager and version.moved == 2
    assert [(c["tier"], c["field"], c["old"], c["new"]) for c in version.changes] == [
        ("B", "governance_path", "remediate", "relocate")
    ]
    assert version.changes[0]["label"] == "治理路径"  # written in the bureau's language
    for enterprise in moved:
        enterprise.refresh_from_db()
        assert enterprise.governance_path == GovernancePath.RELOCATE
        assert enterprise.transitions.filter(transition="policy_path").exists()
    started.refresh_from_db()
    assert started.governance_path == GovernancePath.REMEDIATE
    # The next grading records the new version.
    later = graded("B", inspector)
    assert later.assessments.get().policy_version == version


@pytest.mark.django_db
def test_policy_preview_and_versions_over_the_api(inspector, manager):
    graded("B", inspector)
    policy = TierPolicy.objects.get(tier="B")
    client = api_for(manager)
    response = client.post(
        f"/api/tier-policies/{policy.pk}/preview/",
        {"governance_path": "close", "inspection_interval_days": 60},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["path_moves"], response.json()["reschedules"]) == (1, 1)
    policy.refresh_from_db()
    assert policy.governance_path == "remediate"  # a preview saves nothing
    assert (
        api_for(inspector).post(f"/api/tier-policies/{policy.pk}/preview/", {}).status_code == 403
    )
    client.patch(f"/api/tier-policies/{policy.pk}/", {"min_score": 72}, format="json")
    versions = client.get("/api/tier-policy-versions/").json()["results"]
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["changes"][0]["field"] == "min_score"


# --- relocated is not the end ----------------------------------------------------------------------


@pytest.mark.django_db
def test_relocated_enterprise_is_regraded_remediated_inspected_and_closed(inspector, manager):
    enterprise = relocated(manager, inspector, in_built_up_area=True)
    assert enterprise.park.code == "nanan_edz"
    assert enterprise.district == enterprise.park.district  # it moved with the park
    assert enterprise.next_inspection_due is not None  # still inspected on its tier's interval
    services.enterprise_grade(
        enterprise=enterprise,
        scores=dict.fromkeys(
            ["score_materials", "score_collection", "score_treatment", "score_monitoring"], 15
        )
        | {"score_records": 15},
        by=inspector,
        reason="入园后重新评定",
    )
    enterprise.refresh_from_db()
    assert (enterprise.state, enterprise.tier, enterprise.governance_path) == (
        State.GRADED,
        "B",
        GovernancePath.REMEDIATE,
    )
    interval = TierPolicy.objects.get(tier="B").inspection_interval_days
    assert enterprise.next_inspection_due == enterprise.created_at + timedelta(days=interval)
    factories.RemediationTaskFactory(plan__enterprise=enterprise)
    services.enterprise_start_remediation(enterprise=enterprise, by=inspector, reason="整治")
    enterprise.refresh_from_db()
    assert enterprise.state == State.REMEDIATING


@pytest.mark.django_db
def test_relocated_enterprise_can_be_closed_over_the_api(inspector, manager):
    enterprise = relocated(manager, inspector)
    response = api_for(manager).post(
        f"/api/enterprises/{enterprise.pk}/transitions/close/",
        {"reason": "违法生产", "override_reason": "入园后仍违法排污，依法关停"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == "closed"


# --- park suitability and capacity ----------------------------------------------------------------


def sector(code):
    return Sector.objects.get(code=code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "park", "rule"),
    [
        ({"sector_code": "petrochemical"}, "quanzhou_etdz", "湄洲湾|Meizhou Bay"),
        ({"sector_code": "chemical"}, "jinjiang_edz", "化工园区|chemical park"),
        (
            {"sector_code": "footwear", "handles_hazardous_chemicals": True},
            "anxi_hutou",
            "危险化学品|hazardous chemicals",
        ),
        ({"sector_code": "footwear"}, "shishi_dyeing", "不接收|does not accept"),
    ],
)
def test_relocation_into_an_unsuitable_park_is_refused_naming_the_rule(
    fields, park, rule, inspector, manager
):
    code = fields.pop("sector_code")
    enterprise = graded("C", inspector, sector=sector(code), **fields)
    with pytest.raises(InvalidInput, match=rule) as error:
        services.enterprise_start_relocation(
            enterprise=enterprise, park=factories.park(park), by=manager, reason="入园"
        )
    assert error.value.field == "park"
    enterprise.refresh_from_db()
    assert enterprise.state == State.GRADED and enterprise.relocation_project is None
    suitable = {p.code for p in selectors_suitable(enterprise)}
    assert park not in suitable


def selectors_suitable(enterprise):
    from enterprises.parks import suitable_parks

    return suitable_parks(enterprises=[enterprise])


@pytest.mark.django_db
def test_petrochemical_goes_only_to_the_meizhou_bay_base(inspector):
    enterprise = graded("C", inspector, sector=sector("petrochemical"))
    assert {p.code for p in selectors_suitable(enterprise)} == {
        "quangang_petrochem",
        "quanhui_petrochem",
    }


@pytest.mark.django_db
def test_a_full_park_refuses_and_the_form_and_api_offer_only_suitable_parks(
    inspector, manager, client_for
):
    IndustrialPark.objects.filter(code="nanan_edz").update(capacity_plots=1)
    factories.EnterpriseFactory(park=factories.park("nanan_edz"))  # the one plot is taken
    enterprise = graded("C", inspector)
    with pytest.raises(InvalidInput, match="1 of 1|1/1|已满|full"):
        services.enterprise_start_relocation(
            enterprise=enterprise, park=factories.park("nanan_edz"), by=manager, reason="入园"
        )
    page = client_for(manager).get(
        reverse("dossier:transition", args=[enterprise.pk, "start_relocation"])
    )
    options = page.context["form"].fields["park"].queryset
    assert set(options.values_list("code", flat=True)) == {"jinjiang_edz", "quanzhou_etdz"}
    response = api_for(manager).get(f"/api/enterprises/{enterprise.pk}/suitable-parks/")
    assert {p["code"] for p in response.json()} == {"jinjiang_edz", "quanzhou_etdz"}
    response = api_for(manager).post(
        f"/api/enterprises/{enterprise.pk}/transitions/start_relocation/",
        {"reason": "入园", "park": factories.park("shishi_dyeing").pk},
        format="json",
    )
    assert response.status_code == 400 and "park" in response.json()
    parks = {p["code"]: p for p in api_for(manager).get("/api/parks/").json()}
    assert (parks["nanan_edz"]["plots_taken"], parks["nanan_edz"]["fill_percent"]) == (1, 100)


# --- the built-up-area exit list -----------------------------------------------------------------


@pytest.mark.django_db
def test_exit_list_decision_stage_and_standing(inspector, manager, client_for, settings):
    settings.GOVERN_BUILT_UP_EXIT_YEAR = timezone.localdate().year
    dyeing = sector("textile_dyeing")
    factories.EnterpriseFactory(sector=dyeing, in_built_up_area=True, name="甲印染")
    factories.EnterpriseFactory(
        sector=dyeing, in_built_up_area=True, exit_due_year=2020, name="乙印染"
    )
    moving = graded("C", inspector, sector=dyeing, in_built_up_area=True, name="丙印染")
    services.enterprise_start_relocation(
        enterprise=moving, park=factories.park("shishi_dyeing"), by=manager, reason="入园"
    )
    done = relocated(manager, inspector, in_built_up_area=True, handles_hazardous_chemicals=False)
    factories.EnterpriseFactory(in_built_up_area=True, name="丁鞋业")  # not heavy-polluting: off
    rows = {
        r.enterprise.name: r
        for r in selectors.built_up_exit_list(user=manager, today=timezone.localdate())
    }
    assert set(rows) == {"甲印染", "乙印染", "丙印染"}  # footwear is not on the list
    assert rows["甲印染"].status == "undecided" and rows["乙印染"].status == "late"
    assert rows["丙印染"].decision == "relocate" and "0" in rows["丙印染"].stage
    assert done.built_up_exit_on == timezone.localdate() and not done.in_built_up_area
    page = client_for(manager).get(reverse("enterprises:built-up-exit"))
    assert "丙印染" in page.content.decode()
    export = client_for(manager).get(reverse("enterprises:built-up-exit") + "?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    response = api_for(manager).get("/api/built-up-exit/?left=1")
    assert {r["name"] for r in response.json()} == {"甲印染", "乙印染", "丙印染"}
    assert api_for(manager).get("/api/built-up-exit/?district=abc").status_code == 400
    assert api_for(inspector).get("/api/built-up-exit/").status_code == 403
    assert client_for(inspector).get(reverse("enterprises:built-up-exit")).status_code == 403


# --- scattered enterprises consolidated into a park as one project -------------------------------


@pytest.mark.django_db
def test_a_cluster_moves_into_a_park_as_one_project(inspector, manager):
    cluster = services.cluster_create(
        data={"name": "陈埭鞋材作坊", "district": factories.park().district}, by=inspector
    )
    members = [
        factories.EnterpriseFactory(cluster=cluster, is_scattered=True, name=f"作坊{n}")
        for n in range(3)
    ]
    project = services.cluster_consolidate(
        cluster=cluster, park=factories.park("jinjiang_edz"), by=manager, reason="整合入园"
    )
    assert project.milestones.count() == 7 and set(project.members.all()) == set(members)
    for member in members:
        member.refresh_from_db()
        assert member.state == State.RELOCATING
    parks = {p["code"]: p for p in api_for(manager).get("/api/parks/").json()}
    assert parks["jinjiang_edz"]["plots_incoming"] == 3  # each member takes a plot
    finish_milestones(members[0], inspector)
    services.enterprise_complete_relocation(enterprise=members[1], by=manager, reason="验收")
    for member in members:
        member.refresh_from_db()
        assert (member.state, member.park.code) == (State.RELOCATED, "jinjiang_edz")
    project.refresh_from_db()
    assert project.completed_at is not None


@pytest.mark.django_db
def test_cluster_consolidation_over_the_api_refuses_an_unsuitable_park(inspector, manager):
    client = api_for(manager)
    district = factories.park().district_id
    response = client.post("/api/clusters/", {"name": "作坊群", "district": district})
    assert response.status_code == 201
    cluster_id = response.json()["id"]
    assert (
        client.post("/api/clusters/", {"name": "作坊群", "district": district}).status_code == 400
    )
    member = factories.EnterpriseFactory()
    client.patch(f"/api/enterprises/{member.pk}/", {"cluster": cluster_id}, format="json")
    member.refresh_from_db()
    assert member.cluster_id == cluster_id and member.is_scattered
    response = client.post(
        f"/api/clusters/{cluster_id}/consolidate/",
        {"reason": "整合", "park": factories.park("shishi_dyeing").pk},
        format="json",
    )
    assert response.status_code == 400 and "park" in response.json()
    response = client.post(
        f"/api/clusters/{cluster_id}/consolidate/",
        {"reason": "整合", "park": factories.park("jinjiang_edz").pk},
        format="json",
    )
    assert response.status_code == 201 and response.json()["members"] == [member.pk]
    assert api_for(inspector).post(
        f"/api/clusters/{cluster_id}/consolidate/",
        {"reason": "整合", "park": factories.park("jinjiang_edz").pk},
        format="json",
    ).status_code in (403, 409)


# --- nothing left dangling -----------------------------------------------------------------------


@pytest.mark.django_db
def test_closure_cancels_orders_tasks_inspections_and_the_move_with_reasons(inspector, manager):
    enterprise = graded("C", inspector)
    order = factories.open_order(enterprise, inspector)
    task = factories.RemediationTaskFactory(plan__enterprise=enterprise)
    services.enterprise_start_relocation(
        enterprise=enterprise, park=factories.park("nanan_edz"), by=manager, reason="入园"
    )
    enterprise.refresh_from_db()
    project = enterprise.relocation_project
    services.enterprise_close(
        enterprise=enterprise, by=manager, reason="拒不搬迁", override_reason="拒不搬迁，依法关停"
    )
    order.refresh_from_db()
    task.refresh_from_db()
    project.refresh_from_db()
    assert order.status == RectificationOrder.Status.CANCELLED and "关停" in order.disposition
    assert task.status == RemediationTask.Status.CANCELLED and "拒不搬迁" in task.disposition
    assert project.cancelled_at is not None
    assert not PlannedInspection.objects.filter(
        enterprise=enterprise, status=PlannedInspection.Status.PLANNED
    ).exists()
    # Nothing of it is still due: no milestone, order or task of the closed enterprise.
    open_items = deadline_selectors.all_open_querysets()
    assert not open_items["milestone"].filter(project=project).exists()
    assert not open_items["order"].filter(enterprise=enterprise).exists()
    assert not open_items["task"].filter(plan__enterprise=enterprise).exists()


@pytest.mark.django_db
def test_relocation_cancels_old_site_orders_and_carries_tasks_over(inspector, manager):
    enterprise = graded("C", inspector)
    order = factories.open_order(enterprise, inspector)
    task = factories.RemediationTaskFactory(plan__enterprise=enterprise)
    services.enterprise_start_relocation(
        enterprise=enterprise, park=factories.park("nanan_edz"), by=manager, reason="入园"
    )
    enterprise.refresh_from_db()
    finish_milestones(enterprise, inspector)
    services.enterprise_complete_relocation(enterprise=enterprise, by=manager, reason="验收")
    order.refresh_from_db()
    task.refresh_from_db()
    assert order.status == RectificationOrder.Status.CANCELLED and "南安" in order.disposition
    assert task.status == RemediationTask.Status.OPEN and "南安" in task.disposition


# --- dates that make sense -----------------------------------------------------------------------


@pytest.mark.django_db
def test_milestones_follow_their_order_and_plans_do_not_lie_in_the_past(inspector, manager):
    enterprise = graded("C", inspector)
    services.enterprise_start_relocation(
        enterprise=enterprise, park=factories.park("nanan_edz"), by=manager, reason="入园"
    )
    enterprise.refresh_from_db()
    milestones = list(
        RelocationMilestone.objects.filter(project_id=enterprise.relocation_project_id).order_by(
            "kind"
        )
    )
    acceptance = milestones[-1]
    with pytest.raises(TransitionConflict, match="须先完成|must be done before"):
        services.milestone_complete(
            milestone=acceptance,
            actual_date=timezone.localdate(),
            uploads=[photo()],
            note="",
            by=inspector,
        )
    with pytest.raises(InvalidInput) as error:
        services.milestone_update(
            milestone=milestones[0],
            planned_date=timezone.localdate() - timedelta(days=1),
            note="",
            by=inspector,
        )
    assert error.value.field == "planned_date"
    with pytest.raises(InvalidInput, match="之前|before"):
        services.milestone_update(
            milestone=milestones[1],
            planned_date=milestones[2].planned_date + timedelta(days=1),
            note="",
            by=inspector,
        )
    today = timezone.localdate()
    services.milestone_complete(
        milestone=milestones[0], actual_date=today, uploads=[photo()], note="", by=inspector
    )
    with pytest.raises(InvalidInput) as error:
        services.milestone_complete(
            milestone=milestones[1],
            actual_date=today - timedelta(days=1),
            uploads=[photo()],
            note="",
            by=inspector,
        )
    assert error.value.field == "actual_date"
    response = api_for(inspector).patch(
        f"/api/milestones/{milestones[1].pk}/",
        {"planned_date": (today - timedelta(days=3)).isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "planned_date" in response.json()


@pytest.mark.django_db
def test_extensions_cannot_lie_in_the_past(inspector, manager):
    enterprise = graded("B", inspector)
    task = factories.RemediationTaskFactory(
        plan__enterprise=enterprise, deadline=timezone.localdate() - timedelta(days=5)
    )
    with pytest.raises(InvalidInput, match=str(timezone.localdate())) as error:
        services.task_deadline_extend(
            task=task, deadline=timezone.localdate() - timedelta(days=1), by=manager
        )
    assert error.value.field == "deadline"
    order = factories.open_order(enterprise, inspector)
    with pytest.raises(InvalidInput):
        order_deadline_extend(order=order, deadline=order.deadline - timedelta(days=1), by=manager)
    order_deadline_extend(order=order, deadline=order.deadline + timedelta(days=10), by=manager)


# --- declared versus verified reduction ----------------------------------------------------------


@pytest.mark.django_db
def test_certification_needs_a_verified_reduction_with_its_basis(inspector):
    enterprise = graded("B", inspector)
    factories.RemediationTaskFactory(
        plan__enterprise=enterprise,
        status=RemediationTask.Status.ACCEPTED,
        expected_voc_reduction_tpa=Decimal("6"),
    )
    services.enterprise_start_remediation(enterprise=enterprise, by=inspector, reason="整治")
    for missing in ("verified_voc_reduction_tpa", "reduction_basis", "reduction_reference"):
        data = {k: v for k, v in factories.VERIFIED.items() if k != missing}
        with pytest.raises(InvalidInput) as error:
            services.enterprise_certify_compliant(
                enterprise=enterprise, by=inspector, reason="达标", **data
            )
        assert error.value.field == missing
    response = api_for(inspector).post(
        f"/api/enterprises/{enterprise.pk}/transitions/certify_compliant/",
        {"reason": "达标", "reduction_basis": "guess"},
        format="json",
    )
    assert response.status_code == 400
    assert {"verified_voc_reduction_tpa", "reduction_basis", "reduction_reference"} <= set(
        response.json()
    )
    response = api_for(inspector).post(
        f"/api/enterprises/{enterprise.pk}/transitions/certify_compliant/",
        {"reason": "达标", **factories.VERIFIED},
        format="json",
    )
    assert response.status_code == 200
    assert Decimal(response.json()["verified_voc_reduction_tpa"]) == Decimal("3")
    assert services.declared_reduction(enterprise=enterprise) == Decimal("6")
    assert TransitionLog.objects.filter(enterprise=enterprise, transition="certify_compliant")


@pytest.mark.django_db
def test_exit_list_and_cluster_pages_do_not_query_per_row(
    client_for, manager, inspector, django_assert_max_num_queries
):
    dyeing = sector("textile_dyeing")
    cluster = services.cluster_create(
        data={"name": "作坊群", "district": factories.park().district}, by=inspector
    )
    for _ in range(3):
        factories.EnterpriseFactory(sector=dyeing, in_built_up_area=True, cluster=cluster)
    client = client_for(manager)
    urls = [reverse("enterprises:built-up-exit"), reverse("enterprises:cluster", args=[cluster.pk])]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(40) as captured:
            client.get(url)
        counts.append(len(captured))
    for _ in range(12):
        factories.EnterpriseFactory(sector=dyeing, in_built_up_area=True, cluster=cluster)
    for url, before in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(before) as captured:
            response = client.get(url)
        assert response.status_code == 200

"""The inspector's path through the pages, from the due list to a follow-up that closes the order."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise, State
from inspections.models import RandomDraw, RectificationOrder, SiteVisit
from tests import factories
from tests.factories import reschedule
from tests.inspections.conftest import image_bytes, upload


def record_data(visit, outcome="pass", **extra):
    data = {f"outcome_{r.pk}": outcome for r in visit.results.all()}
    data |= {f"note_{r.pk}": "" for r in visit.results.all()}
    return data | extra


@pytest.mark.django_db
def test_inspector_goes_from_due_list_to_submitted_visit_and_follow_up(client, inspector, partner):
    enterprise = factories.EnterpriseFactory(
        state=State.GRADED, tier="C", name="南安嘉盛鞋业有限公司"
    )
    Enterprise.objects.filter(pk=enterprise.pk).update(
        created_at=timezone.now() - timedelta(days=200)
    )
    reschedule(enterprise)
    client.force_login(inspector)

    due = client.get(reverse("inspections:due")).content.decode()
    start_url = reverse("inspections:visit-start", args=[enterprise.pk])
    assert enterprise.name in due and start_url in due

    response = client.post(
        start_url,
        {
            "co_inspectors": [partner.pk],
            "started_at": "2026-11-25T09:30",
            "location": enterprise.address,
        },
    )
    visit = SiteVisit.objects.get()
    assert response["Location"] == reverse("inspections:visit", args=[visit.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'capture="environment"' in page and visit.results.first().item.text in page

    first = visit.results.first()
    data = record_data(
        visit,
        **{
            f"outcome_{first.pk}": "fail",
            f"note_{first.pk}": "刷胶线未密闭",
            f"photos_{first.pk}": upload("scene.jpg", image_bytes("JPEG")),
            "action": "save",
        },
    )
    assert client.post(reverse("inspections:visit", args=[visit.pk]), data).status_code == 302
    assert first.photos.count() == 1

    client.post(
        reverse("inspections:order-add", args=[visit.pk]),
        {
            "finding": first.pk,
            "requirement": "刷胶线加装密闭围挡并接入治理设施",
            "legal_basis": "",
            "deadline": "",
        },
    )
    order = RectificationOrder.objects.get()
    assert order.legal_basis == first.item.legal_basis

    data = record_data(
        visit,
        **{
            f"outcome_{first.pk}": "fail",
            f"note_{first.pk}": "刷胶线未密闭",
            "conclusion": "issues",
            "action": "submit",
        },
    )
    assert client.post(reverse("inspections:visit", args=[visit.pk]), data).status_code == 302
    visit.refresh_from_db()
    assert visit.is_submitted
    detail = client.get(reverse("inspections:visit", args=[visit.pk])).content.decode()
    assert "刷胶线加装密闭围挡" in detail and 'name="outcome_' not in detail
    enterprise_page = client.get(reverse("dossier:detail", args=[enterprise.pk])).content.decode()
    assert (
        reverse("inspections:visit", args=[visit.pk]) in enterprise_page
        and "刷胶线加装密闭围挡" in enterprise_page
    )

    # The follow-up: the partner verifies the order on site and it closes.
    client.force_login(partner)
    client.post(
        start_url,
        {
            "co_inspectors": [inspector.pk],
            "started_at": "2026-12-20T10:00",
            "location": enterprise.address,
            "is_follow_up": "on",
        },
    )
    follow_up = SiteVisit.objects.exclude(pk=visit.pk).get()
    page = client.get(reverse("inspections:visit", args=[follow_up.pk])).content.decode()
    assert f'name="verified_orders" value="{order.pk}"' in page
    data = record_data(
        follow_up, conclusion="compliant", action="submit", verified_orders=[order.pk]
    )
    assert client.post(reverse("inspections:visit", args=[follow_up.pk]), data).status_code == 302
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.ACCEPTED and order.closed_by_visit == follow_up


@pytest.mark.django_db
def test_bad_photo_is_reported_and_the_rest_of_the_record_kept(client, visit, inspector):
    client.force_login(inspector)
    first = visit.results.first()
    data = record_data(
        visit,
        **{
            f"note_{first.pk}": "记录保留",
            "action": "save",
            f"photos_{first.pk}": upload("notes.jpg", b"plain text pretending"),
        },
    )
    response = client.post(reverse("inspections:visit", args=[visit.pk]), data, follow=True)
    assert "notes.jpg" in response.content.decode()
    first.refresh_from_db()
    assert first.note == "记录保留" and not first.photos.exists()


@pytest.mark.django_db
def test_submit_with_missing_results_shows_the_error_and_keeps_the_draft(client, visit, inspector):
    client.force_login(inspector)
    data = record_data(visit, conclusion="compliant", action="submit")
    first = visit.results.first()
    data[f"outcome_{first.pk}"] = ""
    response = client.post(reverse("inspections:visit", args=[visit.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    visit.refresh_from_db()
    assert visit.status == SiteVisit.Status.DRAFT


@pytest.mark.django_db
def test_enterprise_user_sees_its_submitted_visits_but_not_drafts(client, visit, inspector):
    account = factories.enterprise_user(visit.enterprise)
    client.force_login(account)
    assert client.get(reverse("inspections:visit", args=[visit.pk])).status_code == 404
    assert client.get(reverse("inspections:due")).status_code == 403


@pytest.mark.django_db
def test_manager_draws_through_the_form(client, manager, inspector, partner):
    for _ in range(6):
        factories.EnterpriseFactory(state=State.GRADED, tier="C")
    factories.officer(inspector), factories.officer(partner)
    factories.ratios(general=50)
    client.force_login(manager)
    data = {
        "period": "2026-Q4",
        "items": [i.pk for i in factories.items()],
        "seed": 99,  # ignored: the server makes the seed
        "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    response = client.post(reverse("inspections:draw-create"), data)
    assert response.status_code == 302
    draw = RandomDraw.objects.get()
    assert draw.seed != 99
    page = client.get(response["Location"]).content.decode()
    assert f">{draw.seed}<" in page and 'class="badge ok"' in page  # the replay matches
    assert draw.planned.count() == 3  # 50 % of 6 general enterprises


@pytest.mark.django_db
def test_due_list_queries_do_not_grow_with_rows(client, inspector, django_assert_max_num_queries):
    for _ in range(30):
        enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="D")
        Enterprise.objects.filter(pk=enterprise.pk).update(
            created_at=timezone.now() - timedelta(days=60)
        )
        reschedule(enterprise)
    client.force_login(inspector)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("inspections:due")).status_code == 200


@pytest.mark.django_db
def test_adding_an_order_saves_the_typed_checklist_and_stays_on_the_visit(client, visit, inspector):
    client.force_login(inspector)
    first = visit.results.first()
    data = record_data(visit) | {
        f"outcome_{first.pk}": "fail",
        f"note_{first.pk}": "喷漆房门敞开（刚输入，未保存）",
        "action": "order",
        "order-finding": first.pk,
        "order-requirement": "喷涂作业期间关闭喷漆房门",
        "order-legal_basis": "",
        "order-deadline": "",
    }
    response = client.post(reverse("inspections:visit", args=[visit.pk]), data)
    assert response.status_code == 302 and response["Location"].endswith("#orders")
    first.refresh_from_db()
    assert (
        first.outcome == "fail" and "刚输入" in first.note
    )  # the typed note was saved with the order
    assert visit.orders.get().finding == first


@pytest.mark.django_db
def test_a_refused_order_keeps_the_typed_order_and_checklist(client, visit, inspector):
    client.force_login(inspector)
    first = visit.results.first()
    data = record_data(visit) | {
        f"note_{first.pk}": "记录中的备注",
        "action": "order",
        "order-finding": first.pk,  # passed, not failed
        "order-requirement": "更换活性炭并建立台账",
        "order-legal_basis": "自拟依据",
    }
    response = client.post(reverse("inspections:visit", args=[visit.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "更换活性炭并建立台账" in page and "自拟依据" in page and "记录中的备注" in page
    assert "has-error" in page.split('id="orders"')[1]  # the finding field says why
    assert not visit.orders.exists()
    first.refresh_from_db()
    assert first.note == "记录中的备注"  # the draft was saved anyway


@pytest.mark.django_db
def test_submit_lists_every_problem_at_once_with_links(client, visit, inspector):
    client.force_login(inspector)
    results = list(visit.results.all())
    data = record_data(visit) | {
        f"outcome_{results[0].pk}": "",
        f"outcome_{results[1].pk}": "fail",
        f"note_{results[1].pk}": "",
        "action": "submit",
    }
    response = client.post(reverse("inspections:visit", args=[visit.pk]), data)
    assert response.status_code == 200
    summary = response.content.decode().split('id="problems"')[1].split("</div>")[0]
    assert f'href="#item-{results[0].pk}"' in summary  # unanswered
    assert f'href="#item-{results[1].pk}"' in summary  # failed without a note
    assert 'href="#conclusion"' in summary  # no conclusion
    assert 'data-confirm="' in response.content.decode()  # the submit button asks first
    visit.refresh_from_db()
    assert not visit.is_submitted


@pytest.mark.django_db
def test_filters_apply_to_planned_inspections_too_and_a_bad_planned_id_is_a_404(client, inspector):
    from inspections.models import PlannedInspection

    wanted = factories.EnterpriseFactory(state=State.GRADED, tier="C", name="德化瓷艺有限公司")
    other = factories.EnterpriseFactory(state=State.GRADED, tier="C", name="安溪茶业有限公司")
    for enterprise in (wanted, other):
        planned = PlannedInspection.objects.create(
            enterprise=enterprise, reason="routine", due_date=timezone.localdate()
        )
        planned.inspectors.set([inspector])
    client.force_login(inspector)
    page = client.get(reverse("inspections:due") + "?q=德化").content.decode()
    planned_part = page.split("<h2>")[1]
    assert "德化瓷艺有限公司" in planned_part and "安溪茶业有限公司" not in planned_part
    start = reverse("inspections:visit-start", args=[wanted.pk])
    assert client.get(start + "?planned=abc").status_code == 404
    assert client.get(start + f"?planned={planned.pk}").status_code == 404  # another enterprise's


@pytest.mark.django_db
def test_a_submitted_visit_links_to_the_notices_it_produced(client, visit, inspector):
    client.force_login(inspector)
    first = visit.results.first()
    data = record_data(visit) | {
        f"outcome_{first.pk}": "fail",
        f"note_{first.pk}": "未密闭",
        "action": "order",
        "order-finding": first.pk,
        "order-requirement": "加装密闭围挡",
    }
    client.post(reverse("inspections:visit", args=[visit.pk]), data)
    data = record_data(visit) | {
        f"outcome_{first.pk}": "fail",
        f"note_{first.pk}": "未密闭",
        "conclusion": "issues",
        "action": "submit",
    }
    assert client.post(reverse("inspections:visit", args=[visit.pk]), data).status_code == 302
    page = client.get(reverse("inspections:visit", args=[visit.pk])).content.decode()
    section = page.split('id="visit-notices"')[1].split("</section>")[0]
    assert "泉环VOC查〔" in section and "泉环VOC改〔" in section

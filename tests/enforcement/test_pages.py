"""The case pages: filing from a referral, each step's form, bad input kept with the field named, and
no page for enterprise accounts."""

from datetime import date

import pytest
from django.urls import reverse

from enforcement.models import PenaltyCase, Stage
from tests import factories

from .conftest import at, open_case, serious_visit, to_notice

pytestmark = pytest.mark.django_db


def test_a_serious_visit_waits_for_a_case_and_is_filed_from_the_list(client, enterprise, officers):
    first, second, _ = officers
    visit = serious_visit(enterprise, first, second)
    client.force_login(first)
    listing = client.get(reverse("enforcement:cases")).content.decode()
    assert enterprise.name in listing and f"?visit={visit.pk}" in listing
    page = client.get(reverse("enforcement:case-open") + f"?visit={visit.pk}").content.decode()
    assert "治理设施未运行" in page  # the visit's conclusion pre-fills the facts
    # One officer only: refused, the typed facts kept, the field named.
    response = client.post(
        reverse("enforcement:case-open"),
        {
            "visit": visit.pk,
            "facts": "我方输入的违法事实",
            "legal_basis": "第四十五条",
            "officers": [first.pk],
            "opened_on": date.today().isoformat(),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "我方输入的违法事实" in page and 'class="field has-error' in page
    response = client.post(
        reverse("enforcement:case-open"),
        {
            "visit": visit.pk,
            "facts": "我方输入的违法事实",
            "legal_basis": "第四十五条",
            "officers": [first.pk, second.pk],
            "opened_on": date.today().isoformat(),
        },
    )
    case = PenaltyCase.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/enforcement/{case.pk}/")
    assert f"?visit={visit.pk}" not in client.get(reverse("enforcement:cases")).content.decode()
    visit_page = client.get(reverse("inspections:visit", args=[visit.pk])).content.decode()
    assert case.number in visit_page


def test_a_step_refused_keeps_what_was_typed(client, enterprise, officers, manager):
    first, second, _ = officers
    case = open_case(enterprise, first, second)
    client.force_login(manager)
    response = client.post(
        reverse("enforcement:case", args=[case.pk]),
        {"action": "review", "proposed_fine": "-100", "penalty_basis": "我输入的处罚依据"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "我输入的处罚依据" in page and "-100" in page
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATION
    # Garbage in a date or an amount: a form error, never a 500.
    for data in (
        {"action": "review", "proposed_fine": "abc", "penalty_basis": "x"},
        {"action": "decide", "fine": "1e999", "decided_on": "not-a-date"},
        {
            "action": "reinspect",
            "penalty": "999999",
            "checked_on": "2026-01-01",
            "still_violating": "1",
        },
        {"action": "seizure_release", "seizure": "abc", "released_on": "2026-01-01"},
        {"action": "nonsense"},
    ):
        assert client.post(reverse("enforcement:case", args=[case.pk]), data).status_code in (
            200,
            302,
            404,
        )


def test_the_case_page_shows_its_clocks_and_evidence_at_every_stage(
    client, enterprise, officers, manager
):
    first, second, _ = officers
    case = open_case(enterprise, first, second, day=date(2026, 9, 21))
    client.force_login(first)
    page = client.get(reverse("enforcement:case", args=[case.pk])).content.decode()
    assert "第六十条" in page and "2026-12-20" in page  # 90 calendar days after filing
    assert "VOCs废气未经收集直排" in page  # the visit's failed items are carried
    case = to_notice(case, manager, served_on=date(2026, 9, 28), hearing_right=True)
    page = client.get(reverse("enforcement:case", args=[case.pk])).content.decode()
    assert "2026-10-10" in page and "第六十四条" in page
    assert 'value="hearing_request"' in page and 'value="decide"' in page
    with at(date(2026, 10, 12)):
        from enforcement import services

        services.case_decide(case=case, fine="5000", decided_on=date(2026, 10, 12), by=manager)
    page = client.get(reverse("enforcement:case", args=[case.pk])).content.decode()
    assert 'value="serve"' in page and "第六十一条" in page


def test_enterprise_accounts_and_visitors_cannot_open_cases(client, enterprise, officers):
    first, second, _ = officers
    case = open_case(enterprise, first, second)
    owner = factories.enterprise_user(enterprise)
    client.force_login(owner)
    assert client.get(reverse("enforcement:case", args=[case.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("enforcement:case", args=[case.pk])).status_code == 302


def test_the_case_list_reads_a_constant_number_of_queries(
    client, officers, manager, django_assert_max_num_queries
):
    first, second, _ = officers
    for n in range(8):
        open_case(factories.EnterpriseFactory(name=f"企业{n}"), first, second)
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("enforcement:cases")).status_code == 200

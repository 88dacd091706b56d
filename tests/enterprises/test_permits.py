"""Discharge permits: the renewal date 60 days before expiry, reminders through the deadlines job,
renewal, and the permit on the enterprise page and the visit checklist."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from deadlines.selectors import deadline_items
from deadlines.services import send_reminders
from enterprises import services
from enterprises.models import DischargePermit, State
from govern.errors import InvalidInput
from govern.models import Notification
from govern.workdays import add_working_days
from inspections import services as inspection_services
from tests import factories

pytestmark = pytest.mark.django_db


def permit(
    enterprise, by, number="91350500MA00000001001P", start=date(2022, 3, 1), end=date(2027, 2, 28)
):
    return services.permit_record(
        enterprise=enterprise,
        data={
            "number": number,
            "permit_class": "key",
            "authority": "泉州市生态环境局",
            "valid_from": start,
            "valid_until": end,
        },
        by=by,
    )


def test_renewal_is_due_sixty_days_before_expiry_and_the_enterprise_is_reminded(inspector):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    owner = factories.enterprise_user(enterprise)
    current = permit(enterprise, inspector)
    assert current.renewal_due == date(2026, 12, 30)  # 2027-02-28 less 60 days (第十四条)
    assert [i.pk for i in deadline_items(user=inspector, kind="permit")] == [current.pk]
    # 7 working days before the renewal date the enterprise's accounts are reminded.
    week_before = date(2026, 12, 21)
    assert add_working_days(week_before, 7) >= current.renewal_due
    send_reminders(today=week_before)
    note = Notification.objects.get(recipient=owner, key__contains=":permit:")
    assert current.number in note.title
    # The renewal ends the reminder.
    permit(
        enterprise,
        inspector,
        number="91350500MA00000001002P",
        start=date(2027, 3, 1),
        end=date(2032, 2, 29),
    )
    current.refresh_from_db()
    assert current.renewed_by is not None
    assert [i.title for i in deadline_items(user=inspector, kind="permit")][0].count("002P") == 1


def test_bad_permits_are_refused_naming_the_field(inspector):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    with pytest.raises(Exception) as backwards:
        permit(enterprise, inspector, start=date(2027, 1, 1), end=date(2026, 1, 1))
    assert (
        "valid_until" in str(backwards.value)
        or getattr(backwards.value, "field", "") == "valid_until"
    )
    permit(enterprise, inspector)
    with pytest.raises(InvalidInput) as overlapping:
        permit(enterprise, inspector, number="X-2", start=date(2021, 1, 1), end=date(2026, 1, 1))
    assert overlapping.value.field == "valid_from"
    assert DischargePermit.objects.count() == 1


def test_the_permit_shows_on_the_enterprise_page_and_the_visit(client, inspector):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    partner = factories.inspector_user(username="partner2")
    client.force_login(inspector)
    response = client.post(
        reverse("dossier:permit-add", args=[enterprise.pk]),
        {
            "number": "",
            "permit_class": "key",
            "authority": "泉州市生态环境局",
            "valid_from": "2022-03-01",
            "valid_until": "2027-02-28",
        },
    )
    assert response.status_code == 200 and "泉州市生态环境局" in response.content.decode()
    response = client.post(
        reverse("dossier:permit-add", args=[enterprise.pk]),
        {
            "number": "PX-1",
            "permit_class": "key",
            "authority": "泉州市生态环境局",
            "valid_from": "2022-03-01",
            "valid_until": "2027-02-28",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("dossier:detail", args=[enterprise.pk])).content.decode()
    assert "PX-1" in page and "2026-12-30" in page
    visit = inspection_services.visit_start(
        enterprise=enterprise, inspectors=[partner], by=inspector
    )
    page = client.get(reverse("inspections:visit", args=[visit.pk])).content.decode()
    assert 'id="visit-permit"' in page and "PX-1" in page


def test_an_expired_permit_is_flagged_in_the_visit(client, inspector):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    permit(enterprise, inspector, start=date(2020, 1, 1), end=date(2024, 12, 31))
    partner = factories.inspector_user(username="partner3")
    visit = inspection_services.visit_start(
        enterprise=enterprise, inspectors=[partner], by=inspector
    )
    client.force_login(inspector)
    page = client.get(reverse("inspections:visit", args=[visit.pk])).content.decode()
    assert "badge bad" in page.split('id="visit-permit"')[1].split("</section>")[0]


def test_enterprise_accounts_do_not_see_cases_on_their_pages(client):
    enterprise = factories.EnterpriseFactory(state=State.GRADED, tier="C")
    owner = factories.enterprise_user(enterprise)
    client.force_login(owner)
    assert client.get(reverse("enforcement:cases")).status_code == 403
    assert timedelta(days=1)

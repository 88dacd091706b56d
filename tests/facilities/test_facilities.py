"""The treatment facility register: the replacement period, replacements, overdue deadlines, pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deadlines import services as deadline_services
from facilities import selectors, services
from facilities.models import TreatmentFacility, replacement_period_days
from govern import clock
from govern.errors import InvalidInput, PermissionDenied
from govern.models import Notification
from inspections import services as inspection_services
from tests import factories
from tests.inspections.conftest import image_bytes


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


CARBON = {
    "name": "1号活性炭吸附装置",
    "kind": "activated_carbon",
    "design_air_volume": Decimal("10000"),
    "design_efficiency": Decimal("80"),
    "outlet": "DA001",
    "commissioned_on": date(2026, 1, 5),
    "carbon_mass_kg": Decimal("1000"),
    "iodine_value": 850,
    "adsorption_ratio": Decimal("0.15"),
    "inlet_concentration": Decimal("100"),
    "running_hours": Decimal("8"),
}


def photo():
    return SimpleUploadedFile("更换.jpg", image_bytes("JPEG"))


def test_the_replacement_period_formula_with_worked_numbers():
    # T = m·s ÷ (c·Q·t × 10⁻⁶) = 1000 × 0.15 ÷ (100 × 10000 × 8 × 10⁻⁶) = 150 ÷ 8 = 18.75 days
    assert replacement_period_days(
        mass_kg=1000, ratio=Decimal("0.15"), concentration=100, air_volume=10000, hours=8
    ) == Decimal("18.8")
    # 500 kg at s = 0.10 behind 20,000 m³/h at 50 mg/m³ for 24 h: 50 ÷ 24 = 2.1 days
    assert replacement_period_days(
        mass_kg=500, ratio=Decimal("0.10"), concentration=50, air_volume=20000, hours=24
    ) == Decimal("2.1")
    assert (
        replacement_period_days(mass_kg=None, ratio=1, concentration=1, air_volume=1, hours=1)
        is None
    )


@pytest.mark.django_db
def test_registering_activated_carbon_needs_the_formula_inputs(enterprise_account):
    enterprise = enterprise_account.enterprise
    with pytest.raises(InvalidInput) as refused:
        services.facility_register(
            enterprise=enterprise, data=CARBON | {"carbon_mass_kg": None}, by=enterprise_account
        )
    assert refused.value.field == "carbon_mass_kg"
    facility = services.facility_register(enterprise=enterprise, data=CARBON, by=enterprise_account)
    assert facility.replacement_days == Decimal("18.8")
    assert facility.replacement_due == date(2026, 1, 23)  # 18 whole days after going into service
    uv = services.facility_register(
        enterprise=enterprise,
        data={**CARBON, "name": "UV光解", "kind": "uv_plasma"},
        by=enterprise_account,
    )
    assert uv.is_low_efficiency and uv.replacement_due is None and uv.carbon_mass_kg is None


@pytest.mark.django_db
def test_another_enterprise_cannot_keep_the_register(enterprise):
    other = factories.enterprise_user(factories.EnterpriseFactory())
    with pytest.raises(PermissionDenied):
        services.facility_register(enterprise=enterprise, data=CARBON, by=other)


@pytest.mark.django_db
def test_a_replacement_moves_the_next_due_date_and_is_checked(enterprise_account):
    facility = services.facility_register(
        enterprise=enterprise_account.enterprise, data=CARBON, by=enterprise_account
    )
    data = {
        "replaced_on": date(2026, 11, 2),
        "mass_kg": Decimal("1000"),
        "iodine_value": 760,
        "transfer_form_no": "3505002026110200123",
    }
    with pytest.raises(InvalidInput) as refused:
        services.replacement_record(facility=facility, data=data, photos=[], by=enterprise_account)
    assert refused.value.field == "photos"
    with pytest.raises(InvalidInput) as refused:
        services.replacement_record(
            facility=facility,
            data=data | {"replaced_on": clock.today() + timedelta(days=1)},
            photos=[photo()],
            by=enterprise_account,
        )
    assert refused.value.field == "replaced_on"
    with pytest.raises(InvalidInput) as refused:
        services.replacement_record(
            facility=facility,
            data=data | {"transfer_form_no": ""},
            photos=[photo()],
            by=enterprise_account,
        )
    assert refused.value.field == "transfer_form_no"
    replacement = services.replacement_record(
        facility=facility, data=data, photos=[photo()], by=enterprise_account
    )
    facility.refresh_from_db()
    assert facility.replacement_due == date(2026, 11, 20)
    assert replacement.iodine_too_low and replacement.waste_code == "HW49 900-039-49"


@pytest.mark.django_db
def test_an_overdue_replacement_is_a_deadline_with_reminders_and_escalation(
    enterprise_account, manager
):
    facility = services.facility_register(
        enterprise=enterprise_account.enterprise, data=CARBON, by=enterprise_account
    )
    TreatmentFacility.objects.filter(pk=facility.pk).update(replacement_due=date(2026, 12, 1))
    deadline_services.run_daily(today=date(2026, 11, 30))  # 1 working day before
    reminder = Notification.objects.get(recipient=enterprise_account)
    assert "1号活性炭吸附装置" in reminder.title
    deadline_services.run_daily(today=date(2026, 12, 3))
    escalation = Notification.objects.get(recipient=manager, key__startswith="escalate")
    assert "1号活性炭吸附装置" in escalation.body
    assert list(selectors.overdue(user=manager, today=date(2026, 12, 3))) == [facility]


@pytest.mark.django_db
def test_the_visit_checklist_item_is_prefilled_from_the_register(enterprise_account, inspector):
    enterprise = enterprise_account.enterprise
    facility = services.facility_register(enterprise=enterprise, data=CARBON, by=enterprise_account)
    services.replacement_record(
        facility=facility,
        data={
            "replaced_on": date(2026, 10, 1),
            "mass_kg": Decimal("1000"),
            "iodine_value": 900,
            "transfer_form_no": "FORM-20261001",
        },
        photos=[photo()],
        by=enterprise_account,
    )
    visit = inspection_services.visit_start(
        enterprise=enterprise, inspectors=[factories.inspector_user()], by=inspector
    )
    notes = [r.note for r in visit.results.select_related("item") if r.item.topic == "facilities"]
    assert notes and "FORM-20261001" in notes[0] and "2026-10-19" in notes[0]


@pytest.mark.django_db
def test_the_pages_show_the_formula_and_keep_bad_input(enterprise_account, client_for):
    facility = services.facility_register(
        enterprise=enterprise_account.enterprise, data=CARBON, by=enterprise_account
    )
    client = client_for(enterprise_account)
    page = client.get(f"/facilities/{facility.pk}/").content.decode()
    assert "T = m·s ÷ (c·Q·t × 10⁻⁶)" in page and "18.8" in page
    response = client.post(
        f"/facilities/{facility.pk}/",
        {
            "action": "replace",
            "replaced_on": "2026-11-02",
            "mass_kg": "-3",
            "iodine_value": "820",
            "transfer_form_no": "FORM-KEEP-ME",
            "photos": [photo()],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "FORM-KEEP-ME" in html and "has-error" in html
    register = client.post(
        f"/facilities/enterprise/{enterprise_account.enterprise_id}/",
        {k: v for k, v in CARBON.items() if k != "running_hours"} | {"name": "2号装置"},
    )
    assert register.status_code == 200 and "2号装置" in register.content.decode()
    assert "running_hours" in register.content.decode()
    other = factories.enterprise_user(factories.EnterpriseFactory())
    assert client_for(other).get(f"/facilities/{facility.pk}/").status_code == 404


@pytest.mark.django_db
def test_replacement_photos_are_served_only_to_those_who_may_see_the_facility(
    enterprise_account, inspector, client_for
):
    facility = services.facility_register(
        enterprise=enterprise_account.enterprise, data=CARBON, by=enterprise_account
    )
    replacement = services.replacement_record(
        facility=facility,
        data={
            "replaced_on": date(2026, 11, 2),
            "mass_kg": Decimal("1000"),
            "iodine_value": 850,
            "transfer_form_no": "F-1",
        },
        photos=[photo()],
        by=enterprise_account,
    )
    url = f"/facilities/photos/{replacement.photos.get().pk}/"
    assert url in client_for(enterprise_account).get(f"/facilities/{facility.pk}/").content.decode()
    assert client_for(inspector).get(url).status_code == 200
    other = factories.enterprise_user(factories.EnterpriseFactory())
    assert client_for(other).get(url).status_code == 404

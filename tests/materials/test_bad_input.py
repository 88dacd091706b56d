"""Every new form refuses bad input with a message on the field, keeps what was typed, and never 500s."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from facilities import services as facility_services
from materials.models import LedgerEntry, MaterialCategory
from tests import factories
from tests.facilities.test_facilities import CARBON
from tests.factories import ledger_row
from tests.inspections.conftest import image_bytes


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ledger_post(**change):
    category = MaterialCategory.objects.get(code="ink-water-flexo-absorbent")
    return {
        "action": "add",
        "month": "2026-10",
        "product_name": "留住我 INK-7",
        "supplier": "",
        "category": category.pk,
        "voc_content": "4",
        "unit": "%",
        "density": "",
        "quantity_kg": "100",
    } | change


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"voc_content": "四"}, "voc_content"),
        ({"voc_content": "-1"}, "voc_content"),
        ({"month": "2026-13"}, "month"),
        ({"month": "2099-01"}, "month"),
        ({"category": "999999"}, "category"),
        ({"category": ""}, "category"),
        ({"unit": "kg"}, "unit"),
        ({"quantity_kg": "0"}, "quantity_kg"),
        ({"quantity_kg": "1e400"}, "quantity_kg"),
        ({"product_name": ""}, "product_name"),
        ({"product_name": "x" * 101}, "product_name"),
        ({"density": "abc", "unit": "g/L"}, "density"),
    ],
)
def test_the_ledger_form_refuses_bad_input_and_keeps_it(
    enterprise_account, client_for, change, field
):
    response = client_for(enterprise_account).post(
        f"/materials/enterprise/{enterprise_account.enterprise_id}/", ledger_post(**change)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}"' in html and "has-error" in html
    if change.get("product_name") is None:
        assert "留住我 INK-7" in html
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("ledger.xlsx", image_bytes(), "xlsx"),
        ("ledger.csv", b"", "\u7a7a"),  # 空
        ("ledger.csv", "名称,数量\n甲,1\n".encode(), "月份"),
        (
            "ledger.csv",
            "月份（YYYY-MM）,产品名称,类别代码,VOCs含量,单位（g/L或%）,用量（kg）\n".encode(),
            "台账数据行",
        ),
    ],
)
def test_an_unreadable_import_file_is_refused_on_the_file_field(
    enterprise_account, client_for, name, data, words
):
    response = client_for(enterprise_account).post(
        f"/materials/enterprise/{enterprise_account.enterprise_id}/",
        {"action": "import", "file": SimpleUploadedFile(name, data)},
    )
    html = response.content.decode()
    assert response.status_code == 200 and words in html and "has-error" in html


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ["abc", "", "-1", "99999999999999999999"])
def test_a_junk_row_number_is_not_found_not_an_error(enterprise, inspector, client_for, entry):
    ledger_row(enterprise, category="ink-solvent-gravure", voc_content=Decimal("80"))
    response = client_for(inspector).post(
        f"/materials/enterprise/{enterprise.pk}/", {"action": "close", "entry": entry, "note": "x"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_closing_a_finding_without_a_note_says_why(enterprise, inspector, client_for):
    entry = ledger_row(enterprise, category="ink-solvent-gravure", voc_content=Decimal("80"))
    response = client_for(inspector).post(
        f"/materials/enterprise/{enterprise.pk}/",
        {"action": "close", "entry": entry.pk, "note": "  "},
        follow=True,
    )
    assert "请填写现场核查情况" in response.content.decode()
    entry.refresh_from_db()
    assert entry.finding_open


def register_post(**change):
    data = {k: str(v) for k, v in CARBON.items()} | {"name": "留住我 装置"}
    return data | change


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"design_air_volume": "abc"}, "design_air_volume"),
        ({"design_efficiency": "120"}, "design_efficiency"),
        ({"kind": "magic"}, "kind"),
        ({"commissioned_on": "2099-01-01"}, "commissioned_on"),
        ({"commissioned_on": "2026-02-30"}, "commissioned_on"),
        ({"adsorption_ratio": "0.9"}, "adsorption_ratio"),
        ({"running_hours": "25"}, "running_hours"),
        ({"iodine_value": ""}, "iodine_value"),
        ({"monitoring_points": "424242"}, "monitoring_points"),
        ({"name": ""}, "name"),
    ],
)
def test_the_facility_form_refuses_bad_input_and_keeps_it(
    enterprise_account, client_for, change, field
):
    response = client_for(enterprise_account).post(
        f"/facilities/enterprise/{enterprise_account.enterprise_id}/", register_post(**change)
    )
    html = response.content.decode()
    assert response.status_code == 200 and "has-error" in html and f'id="id_{field}' in html
    if field != "name":
        assert "留住我 装置" in html


@pytest.mark.django_db
def test_editing_a_facility_out_of_service_before_it_started_is_refused(
    enterprise_account, client_for
):
    facility = facility_services.facility_register(
        enterprise=enterprise_account.enterprise, data=CARBON, by=enterprise_account
    )
    response = client_for(enterprise_account).post(
        f"/facilities/{facility.pk}/",
        register_post(action="edit", retired_on="2025-01-01"),
    )
    assert response.status_code == 200 and "停用日期不能早于投运日期" in response.content.decode()
    facility.refresh_from_db()
    assert facility.retired_on is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"replaced_on": "2026-02-30"}, "id_replaced_on"),
        ({"replaced_on": "2025-01-01"}, "投运"),
        ({"iodine_value": "x"}, "id_iodine_value"),
        ({"transfer_form_no": "a\nb"}, "id_transfer_form_no"),
        ({"photos": "skip"}, "id_photos"),
    ],
)
def test_the_replacement_form_refuses_bad_input_and_keeps_it(
    enterprise_account, client_for, change, words
):
    facility = facility_services.facility_register(
        enterprise=enterprise_account.enterprise, data=CARBON, by=enterprise_account
    )
    data = {
        "action": "replace",
        "replaced_on": str(date(2026, 11, 2)),
        "mass_kg": "1000",
        "iodine_value": "850",
        "transfer_form_no": "KEEP-FORM-1",
        "photos": [SimpleUploadedFile("a.png", image_bytes())],
    } | change
    if data["photos"] == "skip":
        del data["photos"]
    response = client_for(enterprise_account).post(f"/facilities/{facility.pk}/", data)
    html = response.content.decode()
    assert response.status_code == 200 and words in html
    if "transfer_form_no" not in change:
        assert "KEEP-FORM-1" in html
    assert not facility.replacements.exists()


@pytest.mark.django_db
def test_pages_of_unknown_things_are_not_found(enterprise_account, client_for):
    client = client_for(enterprise_account)
    assert client.get("/facilities/999999/").status_code == 404
    assert client.get("/facilities/photos/999999/").status_code == 404
    assert client.get("/materials/documents/999999/").status_code == 404
    other = factories.EnterpriseFactory()
    assert client.get(f"/facilities/enterprise/{other.pk}/").status_code == 404
    ok = client.get(f"/materials/enterprise/{enterprise_account.enterprise_id}/?month=junk")
    assert ok.status_code == 200

"""The ledger page as the enterprise and the inspectors use it; the limit tables; the dashboard."""

from decimal import Decimal

import pytest

from materials.models import LedgerEntry
from tests import factories
from tests.factories import ledger_row


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


ROW = {
    "action": "add",
    "month": "2026-10",
    "product_name": "水性胶 W-77",
    "supplier": "",
    "category": "",
    "voc_content": "30",
    "unit": "%",
    "density": "",
    "quantity_kg": "120",
}


@pytest.mark.django_db
def test_the_enterprise_records_a_row_and_a_wrong_unit_keeps_the_input(
    enterprise_account, client_for
):
    from materials.models import MaterialCategory

    water_glue = MaterialCategory.objects.get(code="adhesive-water-footwear")
    client = client_for(enterprise_account)
    url = f"/materials/enterprise/{enterprise_account.enterprise_id}/"
    response = client.post(url, ROW | {"category": water_glue.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "水性胶 W-77" in html and "has-error" in html
    assert "g/L" in html and not LedgerEntry.objects.exists()
    response = client.post(
        url,
        ROW | {"category": water_glue.pk, "unit": "g/L", "voc_content": "30", "density": "1.05"},
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert entry.within_limit and entry.low_voc
    page = client.get(url).content.decode()
    assert "水性胶 W-77" in page and "100%" in page


@pytest.mark.django_db
def test_staff_read_the_ledger_and_close_findings_but_do_not_write_it(
    enterprise, inspector, client_for
):
    entry = ledger_row(enterprise, category="ink-solvent-gravure", voc_content=Decimal("80"))
    client = client_for(inspector)
    url = f"/materials/enterprise/{enterprise.pk}/"
    page = client.get(url).content.decode()
    assert (
        "findings" in page
        and entry.product_name in page
        and 'name="action" value="add"' not in page
    )
    assert client.post(url, ROW).status_code == 403
    client.post(url, {"action": "close", "entry": entry.pk, "note": "已停用"})
    entry.refresh_from_db()
    assert not entry.finding_open and entry.finding_note == "已停用"


@pytest.mark.django_db
def test_another_enterprise_cannot_see_the_ledger(enterprise, client_for):
    other = factories.enterprise_user(factories.EnterpriseFactory())
    assert client_for(other).get(f"/materials/enterprise/{enterprise.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_limit_tables_and_the_template_download(enterprise_account, client_for):
    client = client_for(enterprise_account)
    page = client.get("/materials/limits/").content.decode()
    assert "GB 38507-2020" in page and "GB 30981.2-2025" in page and "未核实" in page
    download = client.get("/materials/template.xlsx")
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/vnd.openxml"
    )


@pytest.mark.django_db
def test_the_dashboard_shows_low_voc_share_and_overdue_carbon(manager, client_for):
    enterprise = factories.EnterpriseFactory()
    ledger_row(enterprise, quantity_kg=Decimal("600"))
    ledger_row(
        enterprise,
        category="ink-solvent-gravure",
        voc_content=Decimal("70"),
        quantity_kg=Decimal("400"),
    )
    page = client_for(manager).get("/dashboard/").content.decode()
    assert 'id="materials"' in page and "60%" in page and "活性炭逾期未更换" in page

"""The material ledger: classification against the limit tables, bad input, findings, imports."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from govern.models import Notification
from materials import importing, selectors, services
from materials.models import LedgerEntry, MaterialCategory, VocLimit
from tests import factories
from tests.factories import ledger_row


def classify(code, content, unit="%", month=date(2026, 10, 1), density=None, quantity="100"):
    return services.classify(
        category=MaterialCategory.objects.get(code=code),
        month=month,
        voc_content=Decimal(content),
        unit=unit,
        density=Decimal(density) if density else None,
        quantity_kg=Decimal(quantity),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "content", "within", "low"),
    [
        ("ink-water-flexo-absorbent", "4", True, True),
        ("ink-water-flexo-absorbent", "5", True, True),  # "≤": the limit itself is within
        ("ink-water-flexo-absorbent", "6", False, False),
        ("ink-solvent-gravure", "76", False, False),
        ("ink-solvent-gravure", "70", True, False),  # within, but solvent ink is never low-VOC
        ("ink-energy-curing-offset", "1.5", True, True),
    ],
)
def test_ink_is_classified_against_gb_38507_table_1(code, content, within, low):
    result = classify(code, content)
    assert (result.within_limit, result.low_voc) == (within, low)
    assert result.limit.standard.code == "GB 38507-2020"


@pytest.mark.django_db
def test_the_standard_in_force_in_the_month_of_use_applies():
    may = classify("coating-water-metal", "250", unit="g/L", month=date(2026, 5, 1), density="1.2")
    june = classify("coating-water-metal", "250", unit="g/L", month=date(2026, 6, 1), density="1.2")
    assert may.limit.standard.code == "GB 30981-2020"
    assert june.limit.standard.code == "GB 30981.2-2025"
    assert not june.limit.confirmed  # carried over until the 2025 table is checked
    with pytest.raises(InvalidInput) as refused:
        classify("ink-water-flexo-absorbent", "4", month=date(2021, 3, 1))
    assert refused.value.field == "category" and "2021-03" in str(refused.value.message)


@pytest.mark.django_db
def test_a_content_in_grams_per_litre_becomes_a_mass_through_the_density():
    # 100 kg of a 1.25 kg/L adhesive is 80 L; at 400 g/L that is 32 kg of VOCs.
    result = classify(
        "adhesive-solvent-footwear", "400", unit="g/L", density="1.25", quantity="100"
    )
    assert result.voc_kg == Decimal("32.000") and result.within_limit
    assert classify("ink-solvent-gravure", "70", quantity="200").voc_kg == Decimal("140.000")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"unit": "g/L", "density": Decimal("1")}, "unit", "%"),
        ({"quantity_kg": Decimal("-5")}, "quantity_kg", "more than zero"),
        ({"category": "ink-made-up"}, "category", "ink-made-up"),
        (
            {"category": "cleaner-solvent", "unit": "g/L", "voc_content": Decimal("800")},
            "density",
            "density",
        ),
        ({"voc_content": Decimal("120")}, "voc_content", "100"),
        ({"month": date(2099, 1, 1)}, "month", "future"),
        ({"product_name": ""}, "product_name", ""),
    ],
)
def test_bad_rows_are_refused_on_their_field(enterprise, change, field, words):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        ledger_row(enterprise, **change)
    assert refused.value.field == field
    assert words in str(refused.value.message)
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_only_the_enterprise_keeps_its_ledger(enterprise, inspector):
    other = factories.EnterpriseFactory()
    with pytest.raises(PermissionDenied):
        ledger_row(enterprise, by=inspector)
    with pytest.raises(PermissionDenied):
        ledger_row(enterprise, by=factories.enterprise_user(other))


@pytest.mark.django_db
def test_an_over_limit_material_opens_a_finding_for_the_inspectors(
    enterprise, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = ledger_row(
            enterprise,
            product_name="溶剂型凹印油墨 SG-9",
            category="ink-solvent-gravure",
            voc_content=Decimal("76"),
        )
    assert entry.finding_open and not entry.within_limit
    told = Notification.objects.get(recipient=inspector)
    assert "SG-9" in told.body and "75" in told.body
    assert list(selectors.open_findings(enterprise_id=enterprise.pk)) == [entry]
    # It cannot be deleted away; an inspector closes it saying what was found.
    with pytest.raises(TransitionConflict):
        services.ledger_entry_delete(entry=entry, by=entry.created_by)
    with pytest.raises(InvalidInput):
        services.finding_close(entry=entry, note=" ", by=inspector)
    services.finding_close(entry=entry, note="现场已停用，改用水性油墨", by=inspector)
    assert not selectors.open_findings(enterprise_id=enterprise.pk).exists()


@pytest.mark.django_db
def test_the_trend_shows_low_voc_share_and_voc_input_by_month(enterprise):
    ledger_row(enterprise, month=date(2026, 9, 1), quantity_kg=Decimal("300"))
    ledger_row(
        enterprise,
        month=date(2026, 9, 1),
        category="ink-solvent-gravure",
        voc_content=Decimal("70"),
        quantity_kg=Decimal("700"),
    )
    ledger_row(enterprise, month=date(2026, 10, 1), quantity_kg=Decimal("900"))
    september, october = selectors.monthly_trend(enterprise_id=enterprise.pk)
    assert (september.low_voc_share, september.voc_kg) == (30, Decimal("502.000"))
    assert (october.low_voc_share, october.voc_kg) == (100, Decimal("36.000"))


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "月份（YYYY-MM）",
            "产品名称",
            "供应商",
            "类别代码",
            "VOCs含量",
            "单位（g/L或%）",
            "密度（kg/L）",
            "用量（kg）",
        ]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("ledger.xlsx", buffer.getvalue())


GOOD = ["2026-10", "水性柔印油墨", "", "ink-water-flexo-absorbent", 4, "%", "", 500]
ROWS = [
    GOOD,
    ["2026-10", "溶剂清洗剂", "", "cleaner-solvent", 700, "%", "", 20],  # wrong unit
    ["2026-10", "胶粘剂", "", "adhesive-made-up", 30, "g/L", 1.1, 10],  # no such category
    ["2026-10", "油墨", "", "ink-water-flexo-absorbent", 4, "%", "", -3],  # negative quantity
]


@pytest.mark.django_db
def test_an_import_with_bad_rows_stores_nothing_and_names_each_row_and_field(enterprise_account):
    enterprise = enterprise_account.enterprise
    report = importing.ledger_import(
        enterprise=enterprise, upload=workbook(ROWS), skip_bad_rows=False, by=enterprise_account
    )
    assert report.imported == 0 and not LedgerEntry.objects.exists()
    problems = {p.number: " ".join(p.errors) for p in report.problems}
    assert sorted(problems) == [3, 4, 5]
    assert "单位" in problems[3] and "g/L" in problems[3]
    assert "类别代码" in problems[4] and "adhesive-made-up" in problems[4]
    assert "用量" in problems[5]


@pytest.mark.django_db
def test_an_import_can_skip_the_bad_rows_when_asked(enterprise_account):
    report = importing.ledger_import(
        enterprise=enterprise_account.enterprise,
        upload=workbook(ROWS),
        skip_bad_rows=True,
        by=enterprise_account,
    )
    assert report.imported == 1 and len(report.problems) == 3
    assert LedgerEntry.objects.get().product_name == "水性柔印油墨"


@pytest.mark.django_db
def test_an_import_checks_every_row_with_a_fixed_number_of_queries(
    enterprise_account, django_assert_max_num_queries
):
    upload = workbook([GOOD] * 60)
    with django_assert_max_num_queries(12):
        report = importing.ledger_import(
            enterprise=enterprise_account.enterprise,
            upload=upload,
            skip_bad_rows=False,
            by=enterprise_account,
        )
    assert report.imported == 60


@pytest.mark.django_db
def test_every_limit_row_has_a_clause_and_unconfirmed_rows_are_marked():
    assert VocLimit.objects.count() >= 40
    assert not VocLimit.objects.filter(clause="").exists()
    ink = VocLimit.objects.filter(standard__code="GB 38507-2020")
    assert ink.count() == 19 and not ink.filter(confirmed=False).exists()
    assert VocLimit.objects.filter(standard__code="GB 38508-2020", confirmed=False).count() == 3

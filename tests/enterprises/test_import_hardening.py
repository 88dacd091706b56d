"""Imports that stay safe and bounded: XML tricks, huge declared sheets, hidden rows, overlong cells,
control characters and formulas; large files go to a worker with a progress page."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from enterprises.exporting import enterprises_xlsx
from enterprises.importing import enterprise_import
from enterprises.models import Enterprise, ImportJob
from govern.errors import InvalidInput
from tests import factories
from tests.enterprises.test_import_export import GOOD_ROWS, HEADER_ZH


def xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The same workbook with its first sheet's XML changed by ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item, content)
    return out.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.django_db
def test_an_xlsx_that_expands_xml_entities_is_refused_in_words(manager):
    bomb = rewrite_sheet(
        xlsx([HEADER_ZH, *GOOD_ROWS]),
        lambda xml: xml.replace(
            b"<worksheet",
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet',
            1,
        ),
    )
    with pytest.raises(InvalidInput, match="cannot be read|无法读取"):
        enterprise_import(upload=upload("bomb.xlsx", bomb), by=manager, skip_bad_rows=False)
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_a_huge_declared_dimension_is_ignored_and_rows_beyond_it_are_read(manager):
    data = rewrite_sheet(
        xlsx([HEADER_ZH, *GOOD_ROWS]),
        lambda xml: xml.replace(b'<dimension ref="A1:H3"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )
    report = enterprise_import(upload=upload("big.xlsx", data), by=manager, skip_bad_rows=False)
    assert report.committed and report.imported == 2
    hidden = rewrite_sheet(
        xlsx([HEADER_ZH, *GOOD_ROWS]),
        lambda xml: xml.replace(b'<dimension ref="A1:H3"/>', b'<dimension ref="A1:H1"/>'),
    )
    # Already imported above: both rows are read (and refused as duplicates), none is hidden.
    report = enterprise_import(upload=upload("h.xlsx", hidden), by=manager, skip_bad_rows=False)
    assert [r.name for r in report.rows] == [GOOD_ROWS[0][0], GOOD_ROWS[1][0]]


@pytest.mark.django_db
def test_an_overlong_csv_cell_is_refused_with_its_line(manager):
    text = ",".join(HEADER_ZH) + "\n" + ",".join(GOOD_ROWS[0]) + "\n" + "x" * 200_000 + ",a\n"
    with pytest.raises(InvalidInput, match="3"):
        enterprise_import(upload=upload("long.csv", text.encode()), by=manager, skip_bad_rows=False)


@pytest.mark.django_db
def test_control_characters_are_refused_on_input_and_stripped_on_export(manager):
    row = list(GOOD_ROWS[0])
    row[0] = "晋江\x07鸿达鞋业有限公司"  # CSV can carry it (Excel's XML cannot)
    text = ",".join(HEADER_ZH) + "\n" + ",".join(row) + "\n"
    report = enterprise_import(
        upload=upload("c.csv", text.encode()), by=manager, skip_bad_rows=False
    )
    assert not report.committed and "控制字符" in " ".join(report.rows[0].errors)
    # A name stored before the rule (an old import) no longer breaks the export for everyone.
    enterprise = factories.EnterpriseFactory()
    Enterprise.objects.filter(pk=enterprise.pk).update(name="旧数据\x0b有限公司")
    book = load_workbook(io.BytesIO(enterprises_xlsx(Enterprise.objects.all())))
    assert book.active.cell(row=2, column=1).value == "旧数据有限公司"


@pytest.mark.django_db
def test_exported_text_never_runs_as_a_formula_and_reimports_unchanged(manager):
    enterprise = factories.EnterpriseFactory(name='=HYPERLINK("http://evil.example","点击")')
    factories.EnterpriseFactory(name="-cmd|' /C calc'!A0")
    book = load_workbook(io.BytesIO(enterprises_xlsx(Enterprise.objects.order_by("id"))))
    first, second = book.active.cell(row=2, column=1), book.active.cell(row=3, column=1)
    assert first.data_type == "s" and first.value.startswith("'=")
    assert second.value.startswith("'-")
    from enterprises.importing import _cell_text

    assert _cell_text(first.value) == enterprise.name


@pytest.mark.django_db
def test_a_large_file_is_imported_by_a_worker_with_a_progress_page(
    client, manager, settings, tmp_path, django_capture_on_commit_callbacks
):
    from tests.factories import valid_uscc

    settings.MEDIA_ROOT = tmp_path
    settings.GOVERN_IMPORT_INLINE_ROWS = 5
    rows = [
        [
            f"晋江第{i}鞋业有限公司",
            valid_uscc(10_000 + i),
            "制鞋",
            "晋江市",
            f"{i}号",
            "陈",
            "否",
            "1",
        ]
        for i in range(12)
    ]
    rows.append(["坏行有限公司", "BAD", "制鞋", "晋江市", "13号", "陈", "否", "1"])
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:import"),
            {"file": upload("many.xlsx", xlsx([HEADER_ZH, *rows])), "skip_bad_rows": "on"},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "enterprises:import-job", args=[job.pk]
    )
    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.bad_rows, job.imported) == (13, 1, 12)
    page = client.get(response["Location"]).content.decode()
    assert "14" in page and "BAD" in page  # the bad row by its line number and code
    report = client.get(response["Location"] + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert sheet.cell(row=2, column=1).value == 14

"""Import from CSV and .xlsx with a row-by-row report, and export of filtered lists."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from enterprises.exporting import enterprises_xlsx
from enterprises.importing import enterprise_import
from enterprises.models import Enterprise, State
from govern.errors import InvalidInput, PermissionDenied
from tests import factories

HEADER_ZH = [
    "企业名称",
    "统一社会信用代码",
    "行业",
    "区县",
    "地址",
    "法定代表人",
    "位于建成区",
    "VOCs基准排放量（吨/年）",
]
GOOD_ROWS = [
    [
        "晋江鸿达鞋业有限公司",
        "91440300708461136T",
        "制鞋",
        "晋江市",
        "晋江市池店镇1号",
        "陈建华",
        "是",
        "12.5",
    ],
    [
        "石狮锦华印染有限公司",
        "91110000100010433L",
        "textile_dyeing",
        "Shishi City",
        "石狮市伍堡2号",
        "林志明",
        "否",
        "30",
    ],
]
BAD_ROWS = [
    [
        "泉港校验错误化工有限公司",
        "91440300708461136A",
        "化工",
        "泉港区",
        "泉港区3号",
        "王",
        "否",
        "1",
    ],
    ["未知行业有限公司", "91350582MA2XXXXX1Y", "造船", "火星区", "4号", "李", "也许", "-3"],
    ["重复代码有限公司", "91440300708461136T", "制鞋", "晋江市", "5号", "张", "", ""],
]


def csv_file(rows, header=HEADER_ZH, encoding="utf-8-sig", name="enterprises.csv"):
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, header=HEADER_ZH):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append([float(c) if c.replace(".", "").isdigit() and "." in c else c for c in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("enterprises.xlsx", buffer.getvalue())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make", [csv_file, xlsx_file, lambda rows: csv_file(rows, encoding="gb18030")]
)
def test_good_file_imports_every_row(make, manager):
    report = enterprise_import(upload=make(GOOD_ROWS), by=manager, skip_bad_rows=False)
    assert report.committed and report.imported == 2 and not report.bad_rows
    hongda = Enterprise.objects.get(uscc="91440300708461136T")
    assert (hongda.sector.code, hongda.district.code, hongda.in_built_up_area, hongda.state) == (
        "footwear",
        "jinjiang",
        True,
        State.REGISTERED,
    )
    assert "enterprises" in hongda.transitions.get().reason


@pytest.mark.django_db
def test_file_with_a_bad_row_imports_nothing(manager):
    report = enterprise_import(
        upload=csv_file(GOOD_ROWS + BAD_ROWS), by=manager, skip_bad_rows=False
    )
    assert not report.committed and report.imported == 0
    assert Enterprise.objects.count() == 0
    bad = {row.number: " ".join(row.errors) for row in report.bad_rows}
    assert set(bad) == {4, 5, 6}
    assert "T" in bad[4]  # the message names the expected check character
    assert "造船" in bad[5] and "火星区" in bad[5] and "也许" in bad[5]
    assert "2" in bad[6]  # duplicate of row 2


@pytest.mark.django_db
def test_skipping_bad_rows_imports_the_good_ones(manager):
    report = enterprise_import(
        upload=csv_file(GOOD_ROWS + BAD_ROWS), by=manager, skip_bad_rows=True
    )
    assert report.committed and report.imported == 2 and len(report.bad_rows) == 3
    assert set(Enterprise.objects.values_list("uscc", flat=True)) == {
        "91440300708461136T",
        "91110000100010433L",
    }


@pytest.mark.django_db
def test_code_already_registered_is_a_bad_row(manager):
    factories.EnterpriseFactory(uscc="91440300708461136T")
    report = enterprise_import(upload=csv_file(GOOD_ROWS), by=manager, skip_bad_rows=False)
    assert [r.number for r in report.bad_rows] == [2]
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_missing_required_column_is_refused(manager):
    with pytest.raises(InvalidInput, match="统一社会信用代码|Unified social credit code"):
        enterprise_import(
            upload=csv_file([["a"]], header=["企业名称"]), by=manager, skip_bad_rows=True
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("e.csv", b""),
        SimpleUploadedFile("e.xlsx", b"PK\x03\x04 not really a zip"),
        SimpleUploadedFile("e.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(upload, manager):
    with pytest.raises(InvalidInput) as error:
        enterprise_import(upload=upload, by=manager, skip_bad_rows=True)
    assert error.value.field == "file" and str(error.value.message)


@pytest.mark.django_db
def test_too_large_file_is_refused(manager, settings):
    settings.GOVERN_IMPORT_MAX_BYTES = 100
    with pytest.raises(InvalidInput, match="MB"):
        enterprise_import(upload=csv_file(GOOD_ROWS), by=manager, skip_bad_rows=True)


@pytest.mark.django_db
def test_only_managers_import(inspector):
    with pytest.raises(PermissionDenied):
        enterprise_import(upload=csv_file(GOOD_ROWS), by=inspector, skip_bad_rows=True)


@pytest.mark.django_db
def test_export_then_import_round_trips(manager):
    factories.EnterpriseFactory(
        uscc="91440300708461136T", name="导出测试有限公司", in_built_up_area=True
    )
    content = enterprises_xlsx(Enterprise.objects.all())
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("导出测试有限公司", "91440300708461136T")
    Enterprise.objects.all().delete()
    report = enterprise_import(
        upload=SimpleUploadedFile("x.xlsx", content), by=manager, skip_bad_rows=False
    )
    assert report.committed, report.bad_rows
    assert Enterprise.objects.get().in_built_up_area is True


@pytest.mark.django_db
def test_row_messages_name_the_column_with_chinese_punctuation(manager):
    from django.utils import translation

    with translation.override("zh-hans"):
        report = enterprise_import(upload=csv_file(BAD_ROWS), by=manager, skip_bad_rows=False)
    messages = [m for row in report.bad_rows for m in row.errors]
    assert any("：" in m for m in messages)
    assert not any(": " in m for m in messages)  # no English colon and stray space


@pytest.mark.django_db
def test_districts_are_found_without_their_kind_or_apostrophe(manager):
    """晋江 for 晋江市, Nanan for Nan'an City, Hui'an for Hui'an County; exact names still work."""
    from enterprises.validators import uscc_check_character

    def code(n: int) -> str:
        body = f"91350500MA2Y{n:05d}"
        return body + uscc_check_character(body)

    names = ["晋江", "Nanan", "Hui'an", "丰泽区"]
    rows = [
        [f"简称测试{i}有限公司", code(i), "制鞋", district, "1号", "王", "否", "1"]
        for i, district in enumerate(names)
    ]
    report = enterprise_import(upload=csv_file(rows), by=manager, skip_bad_rows=False)
    assert report.committed, [r.errors for r in report.bad_rows]
    found = dict(Enterprise.objects.values_list("name", "district__code"))
    assert [found[f"简称测试{i}有限公司"] for i in range(4)] == [
        "jinjiang",
        "nanan",
        "huian",
        "fengze",
    ]

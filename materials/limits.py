"""The national VOC-content standards and their tables, loaded as reference data by migration.

Each row of ``data/voc_limits.csv`` names its standard, its category (stable across versions, so a
ledger row keeps its category when a standard is replaced), the limit and unit, whether the category
counts as low-VOC, the clause, and whether the figure was checked against a published copy of the table
(``confirmed``; the note says where from, or that it could not be). A new version of a standard is a
new entry in ``STANDARDS`` and new rows, loaded by a new migration; the old rows stay for the months they
governed.
"""

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).with_name("data") / "voc_limits.csv"


@dataclass(frozen=True)
class Standard:
    code: str
    title: str
    product: str
    published_on: date | None
    valid_from: date
    valid_to: date | None
    replaced_by: str
    source: str


# Dates: GB 33372-2020 and GB 30981-2020 (issued 2020-03-04, in force 2020-12-01) as listed on
# guifancha.com / bzchaxun.com; GB 38507-2020 in force 2021-04-01 per the shared table's source
# (silo-cn.cn); GB 30981.2-2025 (issued 2025-05-30, in force 2026-06-01) replaces GB 24409-2020 and
# GB 30981-2020 among others (xycost.com, yinandyoga.com; one copy of the foreword lists GB 38591-2020
# where the others list GB 30981-2020 - unconfirmed). GB 38508-2020 and GB 24409-2020 in force
# 2020-12-01: not confirmed from the stored pages.
STANDARDS = (
    Standard(
        "GB 38507-2020",
        "油墨中可挥发性有机化合物（VOCs）含量的限值",
        "ink",
        date(2020, 3, 4),
        date(2021, 4, 1),
        None,
        "",
        "表1据 http://silo-cn.cn/product/case_69213 （2021-11-26）转载；"
        "http://beidouzhiku.cn/news/show.php?itemid=18636 所载数值不同（疑为2019年征求意见稿）。",
    ),
    Standard(
        "GB 38508-2020",
        "清洗剂挥发性有机化合物含量限值",
        "cleaner",
        date(2020, 3, 4),
        date(2020, 12, 1),
        None,
        "",
        "未核实：未找到公开发布的限值表原文，实施日期亦未核实。",
    ),
    Standard(
        "GB 33372-2020",
        "胶粘剂挥发性有机化合物限量",
        "adhesive",
        date(2020, 3, 4),
        date(2020, 12, 1),
        None,
        "",
        "发布与实施日期据 https://wx.guifancha.com/norm/details/id/7818 ；限值数值未核实。",
    ),
    Standard(
        "GB 30981-2020",
        "工业防护涂料中有害物质限量",
        "industrial_coating",
        date(2020, 3, 4),
        date(2020, 12, 1),
        date(2026, 5, 31),
        "GB 30981.2-2025",
        "发布与实施日期据 https://www.bzchaxun.com/view/5211312012000000.html ；限值数值未核实。",
    ),
    Standard(
        "GB 24409-2020",
        "车辆涂料中有害物质限量",
        "vehicle_coating",
        date(2020, 3, 4),
        date(2020, 12, 1),
        date(2026, 5, 31),
        "GB 30981.2-2025",
        "溶剂型涂料限值据《2020涂料产业研究报告》第109页转载"
        "（https://ebook.hzeyun.com/ad/202010/cyyb_202010/files/basic-html/page109.html ）；条款号未核实。",
    ),
    Standard(
        "GB 30981.2-2025",
        "涂料中有害物质限量 第2部分：工业涂料",
        "industrial_coating",
        date(2025, 5, 30),
        date(2026, 6, 1),
        None,
        "",
        "发布、实施日期及所替代标准据 https://xycost.com/archives/517939 与 http://www.yinandyoga.com"
        "（2025年发布公告）。未找到其限值表：数值暂沿用被替代标准，标为未核实。",
    ),
)


def rows() -> list[dict]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load(apps, schema_editor=None) -> None:
    """Create or update the standards, categories and limits (safe to run again)."""
    LimitStandard = apps.get_model("materials", "LimitStandard")
    MaterialCategory = apps.get_model("materials", "MaterialCategory")
    VocLimit = apps.get_model("materials", "VocLimit")
    standards = {}
    for s in STANDARDS:
        standards[s.code], _ = LimitStandard.objects.update_or_create(
            code=s.code,
            defaults={
                "title": s.title,
                "product": s.product,
                "published_on": s.published_on,
                "valid_from": s.valid_from,
                "valid_to": s.valid_to,
                "replaced_by": s.replaced_by,
                "source": s.source,
            },
        )
    for row in rows():
        category, _ = MaterialCategory.objects.update_or_create(
            code=row["category"],
            defaults={
                "product": row["product"],
                "name": row["name"],
                "name_en": row["name_en"],
                "application": row["application"],
            },
        )
        VocLimit.objects.update_or_create(
            standard=standards[row["standard"]],
            category=category,
            defaults={
                "limit": Decimal(row["limit"]),
                "unit": row["unit"],
                "low_voc": row["low_voc"] == "yes",
                "clause": row["clause"],
                "confirmed": row["confirmed"] == "yes",
                "note": row["note"],
            },
        )

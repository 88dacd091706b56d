"""Starting values of the random-inspection registers, editable by managers afterwards.

The shares per quarter follow common practice for ecological-environment random inspections (key
enterprises drawn most often, general ones least); they are the bureau's choice, not a national figure.
The items are the VOC-related checks of the bureau's list, each with its legal basis.
"""

from decimal import Decimal

from django.db import migrations

RATIOS = {"key": Decimal("25"), "special": Decimal("10"), "general": Decimal("5")}
ITEMS = [
    (
        "VOC-01",
        "排污许可证持证及按证排污情况",
        "《排污许可管理条例》第二条、第十七条",
    ),
    (
        "VOC-02",
        "VOCs废气收集和治理设施运行情况",
        "《中华人民共和国大气污染防治法》第四十五条",
    ),
    (
        "VOC-03",
        "VOCs物料储存、转移和使用的密闭情况",
        "《挥发性有机物无组织排放控制标准》(GB 37822-2019)",
    ),
    (
        "VOC-04",
        "低VOCs含量原辅材料使用及台账记录",
        "《中华人民共和国大气污染防治法》第四十六条",
    ),
    (
        "VOC-05",
        "自动监测设备安装、联网及数据真实性",
        "《中华人民共和国大气污染防治法》第二十四条",
    ),
]


def forwards(apps, schema_editor):
    SamplingRatio = apps.get_model("inspections", "SamplingRatio")
    InspectionItem = apps.get_model("inspections", "InspectionItem")
    for category, percent in RATIOS.items():
        SamplingRatio.objects.get_or_create(
            category=category, defaults={"percent_per_quarter": percent}
        )
    for code, name, basis in ITEMS:
        InspectionItem.objects.get_or_create(code=code, defaults={"name": name, "legal_basis": basis})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0011_random_registers_public_results")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Version 1 of the sector checklists and of the general checklist."""

from django.db import migrations

ART45 = "《中华人民共和国大气污染防治法》第四十五条"
ART46 = "《中华人民共和国大气污染防治法》第四十六条"
ART47 = "《中华人民共和国大气污染防治法》第四十七条"
ART24 = "《中华人民共和国大气污染防治法》第二十四条"
GB37822 = "《挥发性有机物无组织排放控制标准》（GB 37822-2019）"
PERMIT = "《排污许可管理条例》第十九条、第二十一条"

GENERAL = [
    ("环评批复及排污许可证在有效期内，许可事项与实际生产一致", "核对许可证副本、产品产能与原辅材料", PERMIT),
    ("VOCs废气治理设施与生产设施同步正常运行", "查看运行记录、电表/温度/压差等运行参数", ART45),
    ("含VOCs物料密闭储存、转移和输送", "检查原料仓库、桶装物料是否加盖密封", GB37822),
    ("建立原辅材料使用及治理设施运行台账并保存三年以上", "抽查近三个月台账", ART46),
    ("按要求开展自行监测并公开监测数据", "查看最近一期监测报告", ART24),
]
SECTORS = {
    "industrial_coating": ("工业涂装现场检查表", [
        ("低VOCs含量涂料使用比例达到要求", "核对涂料采购凭证与MSDS中VOCs含量", ART46),
        ("喷涂、流平、烘干作业在密闭喷漆房内进行", "检查门窗是否关闭、是否存在敞开式作业", ART45),
        ("废气收集效率满足要求（控制风速不低于0.3 m/s）", "现场测量集气罩开口面风速", GB37822),
        ("活性炭按设计频次更换并留存更换记录和危废转移联单", "核对更换记录、采购量与危废转移量", ART45),
        ("涂料、稀释剂、清洗剂使用台账完整", "抽查近三个月台账", ART46),
    ]),
    "petrochemical": ("石化企业现场检查表", [
        ("按规定开展泄漏检测与修复（LDAR）", "查看LDAR检测报告、修复记录及复测情况", ART47),
        ("挥发性有机液体储罐采用浮顶罐或呼吸气收集处理", "检查储罐密封及呼吸阀", GB37822),
        ("装卸过程采用底部装载及油气回收", "检查装卸栈台", ART47),
        ("废水集输、储存、处理设施密闭并收集废气", "检查隔油池、调节池加盖情况", GB37822),
        ("火炬及非正常工况排放有记录并按要求报告", "查看火炬运行记录", ART45),
    ]),
    "chemical": ("化工企业现场检查表", [
        ("按规定开展泄漏检测与修复（LDAR）", "查看LDAR检测报告和修复记录", ART47),
        ("反应、分离、干燥等工序废气有效收集处理", "检查各排放口及治理设施", ART45),
        ("含VOCs物料密闭储存、转移和输送", "检查储罐区与仓库", GB37822),
        ("治理设施运行台账完整", "抽查近三个月台账", ART45),
    ]),
    "oil_storage": ("油品储运销现场检查表", [
        ("卸油油气回收系统正常使用", "检查卸油口、油气回收管线及快速接头", ART47),
        ("加油油气回收系统气液比合格", "查看年度检测报告", ART47),
        ("储油油气回收（后处理装置）正常运行", "检查后处理装置运行记录", ART47),
        ("油气回收在线监控系统正常运行并联网", "查看在线监控数据与报警记录", ART24),
    ]),
    "packaging_printing": ("包装印刷现场检查表", [
        ("使用低VOCs含量油墨、胶粘剂", "核对采购凭证及MSDS", ART46),
        ("油墨、稀释剂、清洗剂使用台账完整", "核对台账与采购量", ART46),
        ("印刷、复合、烘干工序废气有效收集", "检查集气罩及车间密闭情况", ART45),
        ("废气治理设施正常运行", "查看运行记录", ART45),
    ]),
    "footwear": ("制鞋企业现场检查表", [
        ("使用水性或低VOCs含量胶粘剂、处理剂", "核对采购凭证及MSDS", ART46),
        ("刷胶、烘干工序在密闭或负压区域进行并收集废气", "检查刷胶线集气设施", ART45),
        ("胶粘剂、处理剂使用台账完整", "抽查近三个月台账", ART46),
        ("废气治理设施正常运行并按期更换吸附材料", "查看运行和更换记录", ART45),
    ]),
}


def load(apps, schema_editor):
    Sector = apps.get_model("enterprises", "Sector")
    ChecklistTemplate = apps.get_model("inspections", "ChecklistTemplate")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")

    def create(sector, title, items):
        template = ChecklistTemplate.objects.create(sector=sector, version=1, title=title, published=True)
        for order, (text, guidance, basis) in enumerate(items, start=1):
            ChecklistItem.objects.create(template=template, order=order, text=text, guidance=guidance, legal_basis=basis)

    create(None, "VOCs通用现场检查表", GENERAL)
    for code, (title, items) in SECTORS.items():
        create(Sector.objects.get(code=code), title, items + GENERAL[:1])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("enterprises", "0003_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Reference data: key VOC sectors, Quanzhou's districts and parks, and the default tier policy."""

from django.db import migrations

SECTORS = [
    ("petrochemical", "石化", "Petrochemical", True),
    ("chemical", "化工", "Chemical", True),
    ("industrial_coating", "工业涂装", "Industrial coating", True),
    ("packaging_printing", "包装印刷", "Packaging & printing", True),
    ("footwear", "制鞋", "Footwear", True),
    ("resin_crafts", "树脂工艺品", "Resin crafts", True),
    ("rubber_plastics", "橡胶和塑料制品", "Rubber & plastics", True),
    ("textile_dyeing", "纺织印染", "Textile printing & dyeing", True),
    ("oil_storage", "油品储运销", "Oil storage, transport & sales", True),
    ("chemical_fibre", "化纤", "Chemical fibre", True),
    ("steel", "钢铁", "Steel", False),
    ("cement", "水泥", "Cement", False),
    ("building_materials", "建材", "Building materials", False),
    ("nonferrous", "有色", "Non-ferrous metals", False),
    ("coking", "焦化", "Coking", False),
    ("paper", "纸业", "Paper", False),
]

# Quanzhou's districts, counties and county-level cities (Kinmen excepted: not administered
# by the city), plus the two functional zones its environmental bureau reports separately.
DISTRICTS = [
    ("licheng", "鲤城区", "Licheng District", "district", "350502"),
    ("fengze", "丰泽区", "Fengze District", "district", "350503"),
    ("luojiang", "洛江区", "Luojiang District", "district", "350504"),
    ("quangang", "泉港区", "Quangang District", "district", "350505"),
    ("huian", "惠安县", "Hui'an County", "county", "350521"),
    ("anxi", "安溪县", "Anxi County", "county", "350524"),
    ("yongchun", "永春县", "Yongchun County", "county", "350525"),
    ("dehua", "德化县", "Dehua County", "county", "350526"),
    ("shishi", "石狮市", "Shishi City", "city", "350581"),
    ("jinjiang", "晋江市", "Jinjiang City", "city", "350582"),
    ("nanan", "南安市", "Nan'an City", "city", "350583"),
    ("taishang", "泉州台商投资区", "Quanzhou Taiwanese Investment Zone", "zone", ""),
    ("etdz", "泉州经济技术开发区", "Quanzhou Economic and Technological Development Zone", "zone", ""),
]

PARKS = [
    ("quangang_petrochem", "湄洲湾石化基地泉港石化工业园区", "Meizhou Bay Petrochemical Base, Quangang Petrochemical Park", "quangang", True),
    ("quanhui_petrochem", "湄洲湾石化基地泉惠石化工业园区", "Meizhou Bay Petrochemical Base, Quanhui Petrochemical Park", "huian", True),
    ("jinjiang_edz", "晋江经济开发区", "Jinjiang Economic Development Zone", "jinjiang", False),
    ("shishi_dyeing", "石狮市印染集控区", "Shishi Printing & Dyeing Concentration Zone", "shishi", False),
    ("nanan_edz", "南安经济开发区", "Nan'an Economic Development Zone", "nanan", False),
    ("quanzhou_etdz", "泉州经济技术开发区工业园", "Quanzhou ETDZ Industrial Park", "etdz", False),
    ("anxi_hutou", "安溪湖头光电产业园", "Anxi Hutou Optoelectronics Park", "anxi", False),
]

TIER_POLICIES = [
    ("A", 85, "upgrade", 365, 365, "标杆企业：保留并持续提升。"),
    ("B", 70, "remediate", 180, 180, "限期整治，达标后转入常态监管。"),
    ("C", 50, "relocate", 365, 90, "退城入园，搬迁至合规园区。"),
    ("D", 0, "close", 90, 30, "依法关停取缔。"),
]


def load(apps, schema_editor):
    Sector = apps.get_model("enterprises", "Sector")
    District = apps.get_model("enterprises", "District")
    IndustrialPark = apps.get_model("enterprises", "IndustrialPark")
    TierPolicy = apps.get_model("enterprises", "TierPolicy")
    for code, name, name_en, key in SECTORS:
        Sector.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "is_key_sector": key})
    districts = {}
    for code, name, name_en, kind, division in DISTRICTS:
        districts[code], _ = District.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "division_code": division}
        )
    for code, name, name_en, district, chemical in PARKS:
        IndustrialPark.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "district": districts[district], "is_chemical_park": chemical},
        )
    for tier, min_score, path, deadline, interval, description in TIER_POLICIES:
        TierPolicy.objects.get_or_create(
            tier=tier,
            defaults={
                "min_score": min_score,
                "governance_path": path,
                "remediation_deadline_days": deadline,
                "inspection_interval_days": interval,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

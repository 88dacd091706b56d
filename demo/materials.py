"""Demo ledgers and treatment facilities for load_demo: printing, footwear and coating enterprises that
moved from solvent-based to low-VOC materials during the year, with a few over-limit rows, and
activated-carbon facilities with their replacement histories (some overdue)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group

from enterprises.models import Enterprise, State
from facilities import services as facility_services
from facilities.models import TreatmentFacility, due_after, replacement_period_days
from govern import clock, roles
from govern.models import User
from materials import services as material_services
from materials.selectors import months_back

from .inspections import demo_photo

# Per sector: (before the switch, after it): (product, supplier, category, content, unit, density).
MATERIALS = {
    "packaging_printing": (
        [
            ("溶剂型凹印油墨 SG-300", "汕头华彩油墨", "ink-solvent-gravure", "72", "%", None),
            ("有机溶剂清洗剂 CL-1", "泉州洁净化工", "cleaner-solvent", "850", "g/L", "0.85"),
        ],
        [
            ("水性柔印油墨 WF-200", "泉州绿印油墨", "ink-water-flexo-absorbent", "4", "%", None),
            (
                "水性凹印油墨 WG-150",
                "泉州绿印油墨",
                "ink-water-gravure-non-absorbent",
                "22",
                "%",
                None,
            ),
            ("半水基清洗剂 SW-5", "泉州洁净化工", "cleaner-semi-aqueous", "260", "g/L", "0.98"),
        ],
    ),
    "footwear": (
        [
            (
                "溶剂型氯丁胶 NP-80",
                "晋江联邦胶业",
                "adhesive-solvent-footwear",
                "380",
                "g/L",
                "0.92",
            ),
            ("有机溶剂处理剂 T-9", "晋江联邦胶业", "cleaner-solvent", "880", "g/L", "0.86"),
        ],
        [
            ("水性PU胶 WPU-60", "晋江联邦胶业", "adhesive-water-footwear", "42", "g/L", "1.05"),
            ("热熔胶 HM-12", "石狮鑫达热熔", "adhesive-bulk-footwear", "1", "%", None),
            ("水基清洗剂 AQ-3", "泉州洁净化工", "cleaner-water", "35", "g/L", "1.01"),
        ],
    ),
    "industrial_coating": (
        [
            (
                "溶剂型环氧防腐漆 EP-500",
                "厦门海虹涂料",
                "coating-solvent-metal",
                "520",
                "g/L",
                "1.30",
            )
        ],
        [
            ("水性环氧防腐漆 WEP-20", "厦门海虹涂料", "coating-water-metal", "180", "g/L", "1.25"),
            ("无溶剂环氧涂料 SF-1", "厦门海虹涂料", "coating-solvent-free", "45", "g/L", "1.40"),
        ],
    ),
}
# Rows over their limits: what the inspectors are shown before their next visit.
OVER_LIMIT = {
    "packaging_printing": (
        "溶剂型凹印油墨 SG-310（库存）",
        "汕头华彩油墨",
        "ink-solvent-gravure",
        "78",
        "%",
        None,
    ),
    "footwear": (
        "水性PU胶 WPU-70（不合格批次）",
        "晋江联邦胶业",
        "adhesive-water-footwear",
        "68",
        "g/L",
        "1.04",
    ),
    "industrial_coating": (
        "溶剂型面漆 PU-90",
        "厦门海虹涂料",
        "coating-solvent-metal",
        "610",
        "g/L",
        "1.20",
    ),
}
ENTERPRISES = 12
MONTHS = 12


def _account(enterprise: Enterprise, own: User) -> User:
    """The enterprise's own account (the demo login's, or one that cannot log in)."""
    if own.enterprise_id == enterprise.pk:
        return own
    account, created = User.objects.get_or_create(
        username=f"enterprise-{enterprise.pk}",
        defaults={"enterprise": enterprise, "last_name": enterprise.contact_name or "企业"},
    )
    if created:
        account.set_unusable_password()
        account.save()
        account.groups.add(Group.objects.get(name=roles.ENTERPRISE))
    return account


def _row(material, month: date, quantity: int) -> dict:
    product, supplier, category, content, unit, density = material
    return {
        "month": month,
        "product_name": product,
        "supplier": supplier,
        "category": category,
        "voc_content": Decimal(content),
        "unit": unit,
        "density": Decimal(density) if density else None,
        "quantity_kg": Decimal(quantity),
    }


def create_demo_materials(*, rng: random.Random, users) -> tuple[int, int]:
    own = users["enterprise"]
    enterprises = list(
        Enterprise.objects.exclude(state=State.CLOSED)
        .filter(sector__code__in=list(MATERIALS))
        .select_related("sector")
        .order_by("pk")[:ENTERPRISES]
    )
    if own.enterprise and own.enterprise not in enterprises:
        enterprises.insert(0, own.enterprise)
    today = clock.today()
    rows = facilities = 0
    for index, enterprise in enumerate(enterprises):
        account = _account(enterprise, own)
        sector = (
            enterprise.sector.code if enterprise.sector.code in MATERIALS else "industrial_coating"
        )
        before, after = MATERIALS[sector]
        switch = rng.randint(3, 8)  # months ago the substitute came in
        for back in range(MONTHS, 0, -1):
            month = months_back(today, back)
            for material in before if back > switch else after:
                material_services.ledger_entry_add(
                    enterprise=enterprise,
                    data=_row(material, month, rng.randint(200, 1500)),
                    by=account,
                )
                rows += 1
        if index % 3 == 0:
            material_services.ledger_entry_add(
                enterprise=enterprise,
                data=_row(OVER_LIMIT[sector], months_back(today, 1), rng.randint(50, 300)),
                by=account,
            )
            rows += 1
        facilities += _facilities(enterprise, account, index, rng)
    return rows, facilities


def _facilities(enterprise: Enterprise, account: User, index: int, rng: random.Random) -> int:
    today = clock.today()
    air = Decimal(rng.choice([8000, 12000, 20000, 30000]))
    data = {
        "name": "1号活性炭吸附装置",
        "kind": TreatmentFacility.Kind.ACTIVATED_CARBON,
        "design_air_volume": air,
        "design_efficiency": Decimal("80"),
        "outlet": "DA001",
        "commissioned_on": today - timedelta(days=400),
        "carbon_mass_kg": Decimal(rng.choice([1500, 2000, 3000])),
        "iodine_value": rng.choice([800, 850, 900, 750]),
        "adsorption_ratio": Decimal("0.15"),
        "inlet_concentration": Decimal(rng.choice([60, 80, 120])),
        "running_hours": Decimal(rng.choice([8, 10, 16])),
    }
    facility = facility_services.facility_register(enterprise=enterprise, data=data, by=account)
    days = replacement_period_days(
        mass_kg=data["carbon_mass_kg"],
        ratio=data["adsorption_ratio"],
        concentration=data["inlet_concentration"],
        air_volume=air,
        hours=data["running_hours"],
    )
    # Replaced on time, except every fourth enterprise, which stopped some months ago (overdue).
    stop = today - timedelta(days=int(days) + 20 + index * 3) if index % 4 == 1 else today
    dates = []
    day = due_after(data["commissioned_on"], days)
    while day <= stop:
        dates.append(day)
        day = due_after(day, days)
    photos = [demo_photo(rng)]
    for day in dates[-6:]:  # the latest replacements (the next one is due from the last)
        facility_services.replacement_record(
            facility=facility,
            data={
                "replaced_on": day,
                "mass_kg": data["carbon_mass_kg"],
                "iodine_value": rng.choice([820, 850, 900, 780]),
                "transfer_form_no": f"350500{day:%Y%m%d}{enterprise.pk:04d}",
            },
            photos=photos,
            by=account,
        )
        photos[0].seek(0)
    if index % 5 == 2:
        facility_services.facility_register(
            enterprise=enterprise,
            data={
                "name": "UV光解装置",
                "kind": TreatmentFacility.Kind.UV_PLASMA,
                "design_air_volume": Decimal("6000"),
                "design_efficiency": Decimal("30"),
                "outlet": "DA002",
                "commissioned_on": today - timedelta(days=900),
            },
            by=account,
        )
        return 2
    return 1

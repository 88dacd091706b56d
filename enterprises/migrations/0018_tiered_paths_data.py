"""Data for tiered governance: where sectors may move, what parks accept and hold, each enterprise's
decided path and current relocation, and version 1 of the tier policy.

Sources: the petrochemical-only-to-Meizhou-Bay and chemical-into-chemical-parks rules are the city's
air plan as the seed plan quotes it; hazardous-chemical enterprises in built-up areas move into
compliant chemical parks or close (国办发〔2017〕77号). Capacities are demo figures, to be entered by
the bureau.
"""

from django.db import migrations

HEAVY_POLLUTING = [
    "petrochemical", "chemical", "textile_dyeing", "chemical_fibre",
    "steel", "cement", "coking", "nonferrous", "paper",
]
PARK_RULES = {"petrochemical": "petrochemical_base", "chemical": "chemical_park"}
# code: (petrochemical base, accepts hazardous chemicals, accepted sectors, plots, area m²)
PARKS = {
    "quangang_petrochem": (True, True, ["petrochemical", "chemical", "chemical_fibre", "oil_storage"], 120, 2_960_000),
    "quanhui_petrochem": (True, True, ["petrochemical", "chemical", "chemical_fibre", "oil_storage"], 90, 2_400_000),
    "jinjiang_edz": (False, False, ["footwear", "packaging_printing", "industrial_coating", "rubber_plastics", "chemical_fibre", "textile_dyeing"], 60, 900_000),
    "shishi_dyeing": (False, False, ["textile_dyeing"], 40, 450_000),
    "nanan_edz": (False, False, ["industrial_coating", "packaging_printing", "rubber_plastics", "footwear", "resin_crafts"], 50, 700_000),
    "quanzhou_etdz": (False, False, [], 70, 1_100_000),
    "anxi_hutou": (False, False, ["industrial_coating", "rubber_plastics"], 30, 400_000),
}


def forwards(apps, schema_editor):
    Sector = apps.get_model("enterprises", "Sector")
    IndustrialPark = apps.get_model("enterprises", "IndustrialPark")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    TierPolicy = apps.get_model("enterprises", "TierPolicy")
    TierPolicyVersion = apps.get_model("enterprises", "TierPolicyVersion")
    RelocationProject = apps.get_model("enterprises", "RelocationProject")
    GradingAssessment = apps.get_model("enterprises", "GradingAssessment")

    Sector.objects.filter(code__in=HEAVY_POLLUTING).update(is_heavy_polluting=True)
    for code, rule in PARK_RULES.items():
        Sector.objects.filter(code=code).update(park_rule=rule)
    sectors = {s.code: s for s in Sector.objects.all()}
    for code, (base, hazardous, accepted, plots, area) in PARKS.items():
        park = IndustrialPark.objects.filter(code=code).first()
        if park is None:
            continue
        park.is_petrochemical_base = base
        park.accepts_hazardous_chemicals = hazardous
        park.capacity_plots = plots
        park.capacity_area_m2 = area
        park.save()
        park.accepted_sectors.set([sectors[c] for c in accepted if c in sectors])

    paths = dict(TierPolicy.objects.values_list("tier", "governance_path"))
    for tier, path in paths.items():
        Enterprise.objects.filter(tier=tier).update(governance_path=path)
    policies = list(
        TierPolicy.objects.order_by("tier").values(
            "tier", "min_score", "governance_path", "remediation_deadline_days",
            "inspection_interval_days", "rectification_deadline_days", "description",
        )
    )
    if policies:
        version, _ = TierPolicyVersion.objects.get_or_create(number=1, defaults={"policies": policies})
        GradingAssessment.objects.filter(policy_version=None).update(policy_version=version)
    for tier, path in paths.items():
        GradingAssessment.objects.filter(tier=tier, governance_path="").update(governance_path=path)

    for project in RelocationProject.objects.select_related("enterprise"):
        enterprise = project.enterprise
        Enterprise.objects.filter(pk=enterprise.pk).update(relocation_project=project)
        if enterprise.state == "relocated":
            RelocationProject.objects.filter(pk=project.pk).update(completed_at=enterprise.updated_at)
        elif enterprise.state == "closed":
            RelocationProject.objects.filter(pk=project.pk).update(
                cancelled_at=enterprise.updated_at, cancel_reason="Enterprise closed."
            )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0017_tiered_paths")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Default rectification deadlines per tier: the worse the tier, the less time."""

from django.db import migrations

DAYS = {"A": 60, "B": 30, "C": 20, "D": 15}


def load(apps, schema_editor):
    TierPolicy = apps.get_model("enterprises", "TierPolicy")
    for tier, days in DAYS.items():
        TierPolicy.objects.filter(tier=tier).update(rectification_deadline_days=days)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0005_tierpolicy_rectification_deadline_days")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""The VOC limit tables (GB 38507, 38508, 33372, 30981, 24409 and GB 30981.2-2025) from data/voc_limits.csv."""

from django.db import migrations


def load(apps, schema_editor):
    from materials.limits import load as load_limits

    load_limits(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("materials", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

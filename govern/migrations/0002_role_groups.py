"""The role groups: inspector, manager, enterprise."""

from django.db import migrations


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ("inspector", "manager", "enterprise"):
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("govern", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

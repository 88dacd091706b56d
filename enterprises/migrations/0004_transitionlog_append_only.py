"""On PostgreSQL, refuse UPDATE and DELETE of transition log rows in the database itself."""

from django.db import migrations

from govern.audit import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_reference_data")]
    operations = [append_only_trigger("enterprises_transitionlog")]

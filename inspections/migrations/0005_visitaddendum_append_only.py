"""On PostgreSQL, refuse UPDATE and DELETE of visit addenda in the database itself, like the
transition log (the ORM refuses them already: AppendOnlyModel)."""

from django.db import migrations

from govern.audit import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("inspections", "0004_rectificationorder_closed_by_and_more")]
    operations = [append_only_trigger("inspections_visitaddendum")]

"""On PostgreSQL, refuse UPDATE and DELETE of a case's history in the database itself."""

from django.db import migrations

from govern.audit import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]
    operations = [append_only_trigger("enforcement_casestep")]

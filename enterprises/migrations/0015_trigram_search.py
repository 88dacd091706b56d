"""Name and credit-code search by trigram indexes on PostgreSQL (pg_trgm): `icontains` uses them."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS enterprise_name_trgm
    ON enterprises_enterprise USING gin (upper(name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS enterprise_uscc_trgm
    ON enterprises_enterprise USING gin (upper(uscc) gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS enterprise_name_trgm;
DROP INDEX IF EXISTS enterprise_uscc_trgm;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0014_inspection_schedule")]
    operations = [migrations.RunPython(forwards, backwards)]

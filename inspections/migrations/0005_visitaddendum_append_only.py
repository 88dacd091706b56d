"""On PostgreSQL, refuse UPDATE and DELETE of visit addenda in the database itself, like the
transition log (the ORM refuses them already: AppendOnlyModel)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inspections_visitaddendum_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'inspections_visitaddendum is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inspections_visitaddendum_append_only
    BEFORE UPDATE OR DELETE ON inspections_visitaddendum
    FOR EACH ROW EXECUTE FUNCTION inspections_visitaddendum_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS inspections_visitaddendum_append_only ON inspections_visitaddendum;
DROP FUNCTION IF EXISTS inspections_visitaddendum_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0004_rectificationorder_closed_by_and_more")]
    operations = [migrations.RunPython(forwards, backwards)]

"""On PostgreSQL, refuse UPDATE and DELETE of transition log rows in the database itself."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION enterprises_transitionlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'enterprises_transitionlog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER enterprises_transitionlog_append_only
    BEFORE UPDATE OR DELETE ON enterprises_transitionlog
    FOR EACH ROW EXECUTE FUNCTION enterprises_transitionlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS enterprises_transitionlog_append_only ON enterprises_transitionlog;
DROP FUNCTION IF EXISTS enterprises_transitionlog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]

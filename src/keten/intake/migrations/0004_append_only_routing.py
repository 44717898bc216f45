"""On PostgreSQL, refuse UPDATE and DELETE of a signal's routing records, as of its history steps (0002)."""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION keten_routing_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a signal''s routing is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER routing_append_only BEFORE UPDATE OR DELETE ON intake_routing
    FOR EACH ROW EXECUTE FUNCTION keten_routing_append_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS routing_append_only ON intake_routing;
DROP FUNCTION IF EXISTS keten_routing_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_routing_rules")]

    operations = [migrations.RunPython(install, remove, elidable=False)]

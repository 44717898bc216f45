"""On PostgreSQL, refuse UPDATE and DELETE of a signal's history steps: the history only grows."""

from django.db import migrations

# TRUNCATE fires no row trigger, so test flushes still work. params=None: the SQL is passed as is.
INSTALL = """
CREATE OR REPLACE FUNCTION keten_signal_transition_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a signal''s history is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER signal_transition_append_only BEFORE UPDATE OR DELETE ON intake_signaltransition
    FOR EACH ROW EXECUTE FUNCTION keten_signal_transition_append_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS signal_transition_append_only ON intake_signaltransition;
DROP FUNCTION IF EXISTS keten_signal_transition_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]

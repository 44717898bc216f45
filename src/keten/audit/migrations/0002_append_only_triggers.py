"""On PostgreSQL, refuse UPDATE and DELETE of audit events, and any change of a chain head but one step on."""

from django.db import migrations

# TRUNCATE fires no row trigger, so test flushes still work; verify catches a truncated log by its heads.
# params=None: the SQL is passed as is, its % signs are PL/pgSQL placeholders, not the driver's.
INSTALL = """
CREATE OR REPLACE FUNCTION keten_audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION keten_audit_event_append_only();

CREATE OR REPLACE FUNCTION keten_audit_chain_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.partition <> OLD.partition OR NEW.last_seq <> OLD.last_seq + 1 THEN
        RAISE EXCEPTION 'audit chain heads only move one event forward: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE OR DELETE ON audit_auditchain
    FOR EACH ROW EXECUTE FUNCTION keten_audit_chain_forward_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS audit_chain_forward_only ON audit_auditchain;
DROP FUNCTION IF EXISTS keten_audit_chain_forward_only();
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS keten_audit_event_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]

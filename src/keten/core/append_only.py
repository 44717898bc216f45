"""A migration operation that makes a table append-only on PostgreSQL: UPDATE and DELETE of its rows are refused.

TRUNCATE fires no row trigger, so test flushes still work. Other databases rely on the model's own refusal."""

from django.db import migrations


def refuse_changes(table: str, *, name: str, what: str) -> migrations.RunPython:
    """Install (and on reversal drop) trigger `name` on `table`; the error says "<what> is append-only"."""
    function = f"keten_{name}"
    # params=None: the SQL is passed as is, its % sign is a PL/pgSQL placeholder, not the driver's.
    install_sql = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{what} is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    remove_sql = f"DROP TRIGGER IF EXISTS {name} ON {table};\nDROP FUNCTION IF EXISTS {function}();"

    def install(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(install_sql, params=None)

    def remove(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(remove_sql, params=None)

    return migrations.RunPython(install, remove, elidable=False)

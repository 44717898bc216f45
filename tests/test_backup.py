"""The restore drill: `manage.py backup` of the test database with the demo world, `manage.py restore` into a fresh
database (SQLite: a new file; the PostgreSQL leg: a new database on the throwaway server), then every table holds as
many rows as the original and `manage.py audit_verify` passes on the copy."""

import io
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, database_url: str, var_dir: Path) -> subprocess.CompletedProcess:
    """A management command in its own process with the production settings, on another database."""
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "keten.settings",
                        "KETEN_VAR_DIR": str(var_dir)}
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True,
                          timeout=180, check=False)


def _quoted(table: str) -> str:
    return '"' + table.replace('"', '""') + '"'


def _counts(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quoted(table)}")  # noqa: S608 - names from introspection
        counts[table] = cursor.fetchone()[0]
    return counts


def _postgres_connect(settings_dict: dict, name: str):
    import psycopg

    return psycopg.connect(host=settings_dict["HOST"], port=settings_dict["PORT"], user=settings_dict["USER"],
                           dbname=name, autocommit=True)


def _sqlite_file_of_the_test_database(path: Path) -> None:
    """The test database (in memory, inside the test's transaction) as a SQLite file, as production keeps it."""
    image = sqlite3.connect(":memory:")
    image.deserialize(connection.connection.serialize())
    with sqlite3.connect(path) as file:
        image.backup(file)
    image.close()


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_an_intact_audit_chain(demo, tmp_path, request):
    backup = tmp_path / "keten.backup"
    tables = connection.introspection.table_names()

    if connection.vendor == "sqlite":
        # The online backup API needs a database no transaction of its own connection holds: the test's copy.
        original_file = tmp_path / "keten.sqlite3"
        _sqlite_file_of_the_test_database(original_file)
        with sqlite3.connect(original_file) as own:
            original = _counts(own.cursor(), tables)
        made = _manage("backup", str(backup), database_url=f"sqlite:///{original_file}", var_dir=tmp_path)
        assert made.returncode == 0, made.stderr
        restored_file = tmp_path / "restored.sqlite3"
        target_url, cleanup = f"sqlite:///{restored_file}", None
    else:
        out = io.StringIO()
        call_command("backup", str(backup), stdout=out)
        assert "Backed up" in out.getvalue()
        # pg_dump sees what is committed: count with a connection of its own.
        settings_dict = connection.settings_dict
        with _postgres_connect(settings_dict, settings_dict["NAME"]) as own:
            original = _counts(own.cursor(), tables)
        name = f"keten_restore_{uuid.uuid4().hex[:8]}"
        target_url = request.getfixturevalue("postgres_server").create_database(name)

        def cleanup():
            with _postgres_connect(settings_dict, "postgres") as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    assert backup.stat().st_mode & 0o077 == 0, "a backup holds personal data: readable by its owner only"
    assert original["accounts_user"] > 0 and original["audit_auditevent"] > 0, "the drill needs the demo world"
    try:
        restored = _manage("restore", str(backup), database_url=target_url, var_dir=tmp_path)
        assert restored.returncode == 0, restored.stderr
        assert "Audit log intact" in restored.stdout

        verified = _manage("audit_verify", database_url=target_url, var_dir=tmp_path)
        assert verified.returncode == 0, verified.stderr
        assert f"{original['audit_auditevent']} events" in verified.stdout

        if connection.vendor == "sqlite":
            with sqlite3.connect(restored_file) as copy:
                copied = _counts(copy.cursor(), tables)
        else:
            with _postgres_connect(connection.settings_dict, name) as copy:
                copied = _counts(copy.cursor(), tables)
        assert copied == original

        again = _manage("restore", str(backup), database_url=target_url, var_dir=tmp_path)
        assert again.returncode != 0
        assert "not empty" in again.stderr, "a second restore over the first must be refused"
    finally:
        if cleanup:
            cleanup()


def test_restore_refuses_a_database_that_holds_data(demo, tmp_path):
    backup = tmp_path / "keten.backup"
    if connection.vendor == "sqlite":
        sqlite3.connect(backup).execute("CREATE TABLE demo (x)").connection.close()
    else:
        backup.write_bytes(b"PGDMP" + bytes(64))  # the kind is told by these first bytes; nothing is read further
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), stdout=io.StringIO())
    assert connection.introspection.table_names(), "the database is untouched"


def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    stray = tmp_path / "notes.txt"
    stray.write_text("Demo: this is no backup\n")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(stray), stdout=io.StringIO())

"""`manage.py restore <path>`: put a `manage.py backup` file into an empty database, then check its audit log.

Only into an empty database (a new SQLite file, or a PostgreSQL database just created): restoring over data would
mix two histories, and the audit chain would no longer say what happened.
"""

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from keten.audit.management.commands.backup import PG_CUSTOM_MAGIC, SQLITE_MAGIC, pg_tool, run_pg
from keten.audit.verify import ChainBroken, verify_chains


def backup_kind(path: Path) -> str:
    """"sqlite" or "postgresql", by the file's first bytes."""
    with path.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise CommandError(f"{path} is not a backup made by `manage.py backup` (neither SQLite nor pg_dump's custom "
                       "format).")


class Command(BaseCommand):
    help = ("Restore a `manage.py backup` file into the configured database, which must be empty, and verify the "
            "audit log's hash chain in the result.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")

    def handle(self, *args, path: str, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        connection = connections[DEFAULT_DB_ALIAS]
        kind = backup_kind(source)
        if kind != connection.vendor:
            raise CommandError(f"{source} is a {kind} backup; the configured database is {connection.vendor}.")
        tables = connection.introspection.table_names()
        if tables:
            raise CommandError(f"The database is not empty ({len(tables)} tables). Restore only into a new, empty "
                               "database: create one and point DATABASE_URL at it.")
        if kind == "sqlite":
            self._sqlite(connection, source)
        else:
            settings_dict = connection.settings_dict
            # Owners and grants of the old server need not exist here; one transaction: all or nothing.
            run_pg([pg_tool("pg_restore"), "--exit-on-error", "--single-transaction", "--no-owner",
                    "--no-privileges", "--no-password", f"--dbname={settings_dict['NAME']}", str(source)],
                   settings_dict)
        connection.close()  # the next query sees the restored schema afresh
        try:
            report = verify_chains()
        except ChainBroken as broken:
            raise CommandError(f"Restored, but the audit log is broken: {broken}") from broken
        self.stdout.write(f"Restored {source} into the {kind} database. Audit log intact: {report.events} events "
                          f"in {report.partitions} partitions.")

    def _sqlite(self, connection, source: Path) -> None:
        backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if (result := backup.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
                raise CommandError(f"{source} is damaged: {result}")
            connection.ensure_connection()
            backup.backup(connection.connection)
        finally:
            backup.close()

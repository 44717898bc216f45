"""`manage.py backup <path>`: a consistent copy of the database in one file, taken while Keten runs.

SQLite through its online backup API; PostgreSQL with `pg_dump --format=custom` (restored by `manage.py restore`
or pg_restore). The file holds everything Keten knows, personal data included: it is written readable by its owner
only, and belongs on encrypted storage (docs/operations.md, backups).
"""

import glob
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

#: The first bytes of each kind of backup file, so restore can tell them apart before trying.
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
#: How long a SQLite backup waits for a lock before it gives up.
LOCK_WAIT_SECONDS = 60


def pg_tool(name: str) -> str:
    """A PostgreSQL client program: from KETEN_PG_BIN, else PATH, else the newest /usr/lib/postgresql/<v>/bin (as
    tests/support/postgres.py finds the server). pg_dump must be at least the server's major version."""
    candidates = []
    if bin_dir := os.environ.get("KETEN_PG_BIN"):
        candidates.append(str(Path(bin_dir) / name))
    if on_path := shutil.which(name):
        candidates.append(on_path)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    candidates += [f"{version}/{name}" for version in versions]
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise CommandError(f"{name} not found: install the PostgreSQL client programs (Debian: apt-get install -y "
                       "postgresql-client) or point KETEN_PG_BIN at their directory.")


def pg_environment(settings_dict: dict) -> dict:
    """The libpq environment for the database of `settings_dict`: no password on a command line."""
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS", {})
    for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
                          ("sslkey", "PGSSLKEY"), ("passfile", "PGPASSFILE"), ("service", "PGSERVICE")):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def run_pg(arguments: list[str], settings_dict: dict) -> None:
    """Run a PostgreSQL client program; its own message becomes the command's error."""
    # The program comes from pg_tool and the arguments from Keten's settings and the operator (S603).
    result = subprocess.run(arguments, env=pg_environment(settings_dict), capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise CommandError(f"{Path(arguments[0]).name} failed: {result.stderr.strip() or result.returncode}")


def private_file(path: Path) -> None:
    """Create (or empty) `path` readable and writable by its owner only, before any data goes into it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(descriptor)
    path.chmod(0o600)


class Command(BaseCommand):
    help = ("Back up the database into one file while Keten runs: SQLite with its online backup API, PostgreSQL "
            "with pg_dump --format=custom. Restore it with `manage.py restore`.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to write (replaced when it exists)")

    def handle(self, *args, path: str, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        target = Path(path).resolve()
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a directory.")
        # Written beside the target and renamed at the end: a failed backup never leaves a half file under its name.
        partial = target.with_name(f".{target.name}.partial")
        private_file(partial)
        try:
            if connection.vendor == "sqlite":
                self._sqlite(connection, partial)
            elif connection.vendor == "postgresql":
                settings_dict = connection.settings_dict
                run_pg([pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}",
                        f"--dbname={settings_dict['NAME']}"], settings_dict)
            else:
                raise CommandError(f"Backing up a {connection.vendor} database is not supported.")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Backed up the {connection.vendor} database to {target} ({target.stat().st_size} bytes).")
        self.stdout.write(f"Back up the attachments in {settings.PRIVATE_MEDIA_ROOT} with it (docs/operations.md).")

    def _sqlite(self, connection, partial: Path) -> None:
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise CommandError("The SQLite backup cannot run inside a transaction of the same connection.")
        destination = sqlite3.connect(partial)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS

        def progress(status, _remaining, _total):
            # sqlite3 retries a locked database for ever; a backup that cannot start says so instead.
            if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
                raise CommandError(f"The database stayed locked for {LOCK_WAIT_SECONDS} s; try again.")

        try:
            # In one step under a read lock: writers may go on (WAL), the copy is one consistent moment.
            connection.connection.backup(destination, pages=-1, progress=progress)
        finally:
            destination.close()

"""A throwaway PostgreSQL server for the test run, started by pytest-postgresql from the machine's binaries.

PostgreSQL refuses to run as root (and CI runs as root), so the executor is pointed at tests/support/pg_ctl,
which runs the real pg_ctl as the `postgres` user when needed; the data directory is handed to that user.
"""

import glob
import os
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pytest_postgresql.executors import PostgreSQLExecutor

PG_CTL_WRAPPER = Path(__file__).with_name("pg_ctl")
INSTALL_HINT = "install PostgreSQL 15+ (Debian: apt-get install -y postgresql)"
#: Durability is not what the tests measure; speed is welcome.
FAST = "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"


def postgres_bin_dir() -> str | None:
    """The newest /usr/lib/postgresql/<version>/bin that has pg_ctl and initdb, or KETEN_PG_BIN."""
    candidates = [os.environ["KETEN_PG_BIN"]] if os.environ.get("KETEN_PG_BIN") else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    usable = [c for c in candidates if os.access(f"{c}/pg_ctl", os.X_OK) and os.access(f"{c}/initdb", os.X_OK)]
    return usable[-1] if usable else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ThrowawayPostgres:
    executor: PostgreSQLExecutor
    base_dir: str
    port: int

    @classmethod
    def start_or_exit(cls, options: str = FAST) -> "ThrowawayPostgres":
        """For the bench and soak scripts: a server, or the process ends saying what to install."""
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            sys.exit(f"No PostgreSQL server binaries: {INSTALL_HINT}")
        return cls.start(bin_dir, options)

    @classmethod
    def start(cls, bin_dir: str, options: str = FAST) -> "ThrowawayPostgres":
        """`options` go to postgres after pytest-postgresql's own (its -F turns fsync off), so they win."""
        base_dir = tempfile.mkdtemp(prefix="keten-pg-")
        os.chmod(base_dir, 0o755)
        if os.geteuid() == 0:
            shutil.chown(base_dir, "postgres", "postgres")
        port = _free_port()
        os.environ["KETEN_PG_BIN"] = bin_dir  # read by the pg_ctl wrapper
        executor = PostgreSQLExecutor(
            executable=str(PG_CTL_WRAPPER),
            host="127.0.0.1",
            port=port,
            datadir=os.path.join(base_dir, "data"),
            unixsocketdir=base_dir,
            logfile=os.path.join(base_dir, "postgresql.log"),
            startparams="-w",
            dbname="keten",
            postgres_options=options,
        )
        executor.start()
        return cls(executor=executor, base_dir=base_dir, port=port)

    def database_settings(self) -> dict:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "keten",
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "TEST": {"NAME": "keten_test"},
        }

    def create_database(self, name: str) -> str:
        """A new, empty database on this server (for the benchmarks); returns its DATABASE_URL. Waits while the
        server still says "starting up": on a busy machine it can, just after `pg_ctl -w` returned."""
        import psycopg

        deadline = time.monotonic() + 20
        while True:
            try:
                with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                                     autocommit=True) as connection:
                    connection.execute(f'CREATE DATABASE "{name}"')
                return f"postgres://postgres@127.0.0.1:{self.port}/{name}"
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        try:
            self.executor.stop()
        finally:
            shutil.rmtree(self.base_dir, ignore_errors=True)

"""The production setup, as `make serve` starts it (scripts/serve.py: migrate, collectstatic, gunicorn with several
workers and the tasks worker) on a database of its own on the throwaway PostgreSQL, with DEBUG off: it answers
the health check, the login page with the secure headers, hashed static files with long cache headers and /metrics
with its token; it logs JSON without query strings; SIGTERM stops both processes.

Runs in the PostgreSQL leg (`make test-postgres`), which CI requires; the SQLite leg skips it."""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.support.postgres import ThrowawayPostgres

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 120  # seconds; about 15 on an idle two-core machine


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None, https: bool = True) -> tuple[int, dict, bytes]:
    """GET as through the TLS proxy (X-Forwarded-Proto: https), or as plain http with https=False."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=dict(headers or {}))
    if https:
        request.add_header("X-Forwarded-Proto", "https")
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _clone_test_database(server: ThrowawayPostgres, settings_dict: dict) -> str:
    """A new database holding the migrated test database's schema and rows, so that migrate at start has nothing to
    do and the run stays short; returns its DATABASE_URL."""
    from keten.audit.management.commands.backup import pg_tool, run_pg

    name = f"keten_serve_{uuid.uuid4().hex[:8]}"
    url = server.create_database(name)
    dump = Path(server.base_dir) / f"{name}.dump"
    run_pg([pg_tool("pg_dump"), "--format=custom", f"--file={dump}", f"--dbname={settings_dict['NAME']}"],
           settings_dict)
    run_pg([pg_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={name}", str(dump)], settings_dict)
    return url


@pytest.fixture
def production_database(request, django_db_blocker):
    if not request.config.getoption("--postgres"):
        pytest.skip("runs in the PostgreSQL leg (make test-postgres): the production setup needs PostgreSQL")
    from django.db import connection

    server = request.getfixturevalue("postgres_server")
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        settings_dict = dict(connection.settings_dict)
    return _clone_test_database(server, settings_dict)


def _started_pids(log: str) -> dict[str, int]:
    """The launcher's "started web (pid N)" lines."""
    messages = [json.loads(line)["message"] for line in log.splitlines() if line.startswith("{")]
    return {match.group(1): int(match.group(2)) for message in messages
            if (match := re.fullmatch(r"started (\w+) \(pid (\d+)\)", message))}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_production_setup_serves_securely_and_stops_on_sigterm(production_database, tmp_path):
    port, token = _free_port(), secrets.token_urlsafe(24)
    env = {key: value for key, value in os.environ.items() if key not in ("KETEN_SSL_REDIRECT", "KETEN_DEV")}
    env |= {"DATABASE_URL": production_database, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SETTINGS_MODULE": "keten.settings", "PORT": str(port), "KETEN_ALLOWED_HOSTS": "127.0.0.1",
            "KETEN_BEHIND_PROXY": "1", "KETEN_METRICS_TOKEN": token, "KETEN_WEB_WORKERS": "2",
            "KETEN_WEB_THREADS": "2", "KETEN_VAR_DIR": str(tmp_path / "var"),
            "KETEN_STATIC_ROOT": str(tmp_path / "static"), "KETEN_PRIVATE_MEDIA_ROOT": str(tmp_path / "private")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with stdout.open("w") as out, stderr.open("w") as err:
        launcher = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "serve.py")], cwd=ROOT, env=env,
                                    stdout=out, stderr=err)

    def logs() -> str:
        return f"--- stderr\n{stderr.read_text()[-4000:]}\n--- stdout\n{stdout.read_text()[-2000:]}"

    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert launcher.poll() is None, f"the launcher ended early ({launcher.returncode})\n{logs()}"
            assert time.monotonic() < deadline, f"not healthy within {START_TIMEOUT} s\n{logs()}"
            try:
                if _get(port, "/health")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        pids = _started_pids(stderr.read_text())
        assert set(pids) == {"web", "worker"}, logs()

        status, _headers, body = _get(port, "/health")
        assert (status, json.loads(body)) == (200, {"status": "ok"})

        # Plain http is sent to https: the secure settings are on.
        status, headers, _body = _get(port, "/health", https=False)
        assert status == 301 and headers["Location"].startswith("https://")

        status, headers, body = _get(port, "/accounts/login/?next=/personen/Demo-Zoekterm/")
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert "Secure" in headers["Set-Cookie"]

        # Static files by WhiteNoise under their hashed names (the manifest of collectstatic), cached for good.
        stylesheet = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
        assert stylesheet, "the login page links a hashed stylesheet"
        status, headers, _body = _get(port, stylesheet.group(1).decode())
        assert status == 200
        assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]

        # DEBUG is off: an unknown page is a plain 404, not Django's debug page with the URL patterns.
        status, _headers, body = _get(port, "/bestaat-niet/")
        assert status == 404 and b"URLconf" not in body

        assert _get(port, "/metrics")[0] == 401
        assert _get(port, "/metrics", {"Authorization": "Bearer wrong"})[0] == 403
        status, _headers, body = _get(port, "/metrics", {"Authorization": f"Bearer {token}"})
        assert status == 200
        text = body.decode()
        assert re.search(r'keten_http_requests_total\{method="GET",route="account_login",status="200"\} 1\.0', text)
        assert "keten_tasks_waiting{" in text and "keten_audit_events_total " in text

        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=60) == 0, logs()
        assert not any(_alive(pid) for pid in pids.values()), f"still running: {pids}"
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()

    access = [json.loads(line) for line in stdout.read_text().splitlines() if line.startswith("{")]
    logins = [entry for entry in access if entry.get("logger") == "gunicorn.access" and entry["path"] ==
              "/accounts/login/"]
    assert logins and logins[0]["status"] == 200 and logins[0]["request_id"]
    assert "Demo-Zoekterm" not in stdout.read_text() + stderr.read_text(), "query strings stay out of the logs"

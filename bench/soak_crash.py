"""Crash safety: 16 clients register signals through the API while the server processes are killed (`kill -9`) and
PostgreSQL is restarted in immediate mode at random moments; after every round nothing acknowledged may be lost.

Run: `make soak` (or this file alone). A throwaway PostgreSQL with the demo world and PostgreSQL's own durability
settings (fsync and synchronous_commit on: the throwaway test server turns them off, and then an immediate
restart may lose commits PostgreSQL already acknowledged, which is not what is measured here). gunicorn runs with
the production configuration (deploy/gunicorn.conf.py: several workers, DEBUG off) beside `manage.py worker`,
each in a process group of its own, as scripts/serve.py starts them.

Each round (ROUND_SECONDS, default 10) the clients POST signals, each with an Idempotency-Key of its own; a failed
request (connection lost, 5xx) is retried with the SAME key until it is acknowledged (2xx with an id). Meanwhile
one or two faults at random moments: kill -9 of gunicorn's master and workers and the tasks worker, kill -9 of
gunicorn's workers only (the master replaces them), or `pg_ctl restart -m immediate`; then everything that died is
started again. After the round (every key acknowledged) bench/crash_checks.py checks: every acknowledged id is
present, no half-written signal, every signal and routing has its audit event, one signal per key, and
`manage.py audit_verify` passes. At the end the worker routes what is still queued, and the soak says which
signals were left unrouted for good (their task cut off by a kill or restart). ROUNDS (default 20); SOAK_SEED
repeats a run's fault schedule; exit code 1 on any loss, half-written signal, duplicate or broken audit chain."""

import contextlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import crash_checks  # noqa: E402
from bench.bench_intake import BODY, _free_port, _world  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "20"))
ROUND_SECONDS = float(os.environ.get("ROUND_SECONDS", "10"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "16"))
SEED = int(os.environ.get("SOAK_SEED", str(secrets.randbelow(10**6))))
#: How long a client keeps retrying one key before it gives up (reported: nothing may be left unresolved).
RETRY_PATIENCE = 180
#: How long the worker may take at the end to route what is still queued.
DRAIN_SECONDS = float(os.environ.get("SOAK_DRAIN_SECONDS", "900"))
FAULTS = ("kill -9 web and worker", "kill -9 web workers", "pg restart immediate")


def _start_database():
    """A throwaway PostgreSQL as tests/support/postgres.py starts one, with PostgreSQL's durability defaults."""
    from tests.support.postgres import ThrowawayPostgres

    server = ThrowawayPostgres.start_or_exit(
        "-c fsync=on -c full_page_writes=on -c synchronous_commit=on -c max_connections=200")
    database_url = server.create_database("keten")
    scratch = Path(tempfile.mkdtemp(prefix="keten-soak-crash-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="keten.settings", DATABASE_URL=database_url, KETEN_VAR_DIR=str(scratch / "var"),
        KETEN_STATIC_ROOT=str(scratch / "static"), DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        KETEN_SSL_REDIRECT="0", KETEN_ALLOWED_HOSTS="127.0.0.1", KETEN_LOG_LEVEL="WARNING", KETEN_DEV="0",
        PROMETHEUS_MULTIPROC_DIR=str(scratch / "metrics"),
        # Closed network, no mail server: the notices' e-mails would only fail and fill the worker's log.
        KETEN_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    (scratch / "metrics").mkdir()
    return server, scratch


def restart_postgres(server) -> float:
    """`pg_ctl restart -m immediate`: every backend is ended at once, without a checkpoint; recovery replays the
    WAL at start. Returns the seconds until the server accepted connections again."""
    from tests.support.postgres import PG_CTL_WRAPPER

    start = time.monotonic()
    subprocess.run([str(PG_CTL_WRAPPER), "restart", "-D", os.path.join(server.base_dir, "data"), "-m", "immediate",
                    "-w", "-t", "120", "-l", os.path.join(server.base_dir, "postgresql.log")],
                   check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


class Services:
    """gunicorn (production configuration) and the tasks worker, each in a process group of its own."""

    def __init__(self, port: int, scratch: Path):
        self.port, self.scratch = port, scratch
        self.env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "KETEN_BIND": f"127.0.0.1:{port}"}
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.restarted = Counter()  # processes found dead that were not killed on purpose

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.scratch / f"{name}.log", "ab")  # noqa: SIM115 (kept open by the child)
        return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log, process_group=0)

    def start_web(self) -> None:
        self.web = self._spawn("web", [sys.executable, "-m", "gunicorn", "--config",
                                       str(ROOT / "deploy" / "gunicorn.conf.py")])
        self.wait_for_web()

    def start_worker(self) -> None:
        self.worker = self._spawn("worker", [sys.executable, str(ROOT / "manage.py"), "worker", "--no-reload"])

    def wait_for_web(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/v1/me/")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 90 s: see web.log in " + str(self.scratch))

    @staticmethod
    def _kill_group(process: subprocess.Popen | None) -> None:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        if process is not None:
            process.wait()

    def kill_all(self) -> None:
        """SIGKILL to gunicorn's master and workers and to the tasks worker; revive() starts them again."""
        self._kill_group(self.web)
        self._kill_group(self.worker)
        self.web = self.worker = None  # killed on purpose: not counted as found dead

    def kill_web_workers(self) -> int:
        """SIGKILL to gunicorn's worker processes only; the master notices and forks new ones."""
        children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children").read_text().split()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
                os.kill(int(pid), signal.SIGKILL)
        return len(children)

    def revive(self) -> None:
        """Start again whatever is not running (a worker ends on a lost database connection, as db_worker does)."""
        if self.worker is None or self.worker.poll() is not None:
            if self.worker is not None:
                self.restarted["worker"] += 1
            self.start_worker()
        if self.web is None or self.web.poll() is not None:
            if self.web is not None:
                self.restarted["web"] += 1
            self.start_web()
        else:
            self.wait_for_web()

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.web, self.worker):
            if process is not None:
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    self._kill_group(process)


class Client(threading.Thread):
    """Registers signals until the round ends; retries a failed one with the same key until it is acknowledged."""

    def __init__(self, port: int, api_key: str, until: float, rng: random.Random):
        super().__init__(daemon=True)
        self.port, self.until, self.rng = port, until, rng
        self.headers = {"Authorization": f"Token {api_key}", "Content-Type": "application/json"}
        self.connection = None
        self.acknowledged: dict[str, str] = {}
        self.replayed = 0  # acknowledged with 200: an earlier attempt had registered it, its answer was lost
        self.failures = Counter()
        self.unresolved: list[str] = []
        self.unexpected: list[str] = []

    def _post(self, key: str, body: bytes) -> tuple[int, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.connection.request("POST", "/api/v1/signals/", body=body, headers=self.headers | {"Idempotency-Key": key})
        response = self.connection.getresponse()
        return response.status, response.read()

    def register(self, key: str) -> None:
        body = json.dumps(BODY | {"description": f"Arbeiders slapen in een loods (soak {key})."}).encode()
        give_up = time.monotonic() + RETRY_PATIENCE
        attempts = 0
        while time.monotonic() < give_up:
            attempts += 1
            try:
                status, answer = self._post(key, body)
            except (OSError, http.client.HTTPException) as error:
                self.failures[type(error).__name__] += 1
                self.connection = None
            else:
                if status in (200, 201):
                    self.acknowledged[key] = json.loads(answer)["id"]
                    self.replayed += status == 200
                    if status == 200 and attempts == 1:
                        self.unexpected.append(f"{key}: 200 on the first attempt")
                    return
                self.failures[f"HTTP {status}"] += 1
                if status < 500 and status != 429:
                    self.unexpected.append(f"{key}: HTTP {status} {answer[:200]!r}")
                    return
            time.sleep(self.rng.uniform(0.05, 0.4))
        self.unresolved.append(key)

    def run(self) -> None:
        while time.monotonic() < self.until:
            self.register(f"soak-{uuid.uuid4()}")


def _fault(kind: str, services: Services, database, rng: random.Random) -> str:
    if kind == "pg restart immediate":
        seconds = restart_postgres(database)
        services.revive()
        return f"{kind} (back in {seconds:.1f} s)"
    if kind == "kill -9 web workers":
        killed = services.kill_web_workers()
        services.wait_for_web()
        return f"{kind} ({killed} processes)"
    services.kill_all()
    time.sleep(rng.uniform(0, 1))
    services.revive()
    return kind


def play_round(number: int, rng: random.Random, services: Services, database, api_key: str) -> dict:
    start = time.monotonic()
    clients = [Client(services.port, api_key, start + ROUND_SECONDS, random.Random(rng.random()))
               for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    moments = sorted(rng.uniform(0.5, ROUND_SECONDS - 0.5) for _ in range(rng.choice((1, 2))))
    faults = []
    for moment in moments:
        time.sleep(max(0.0, start + moment - time.monotonic()))
        kind = rng.choice(FAULTS)
        faults.append(f"{_fault(kind, services, database, rng)} at {moment:.1f} s")
    for client in clients:
        client.join()
    services.revive()  # a worker that ended on the last restart, after its fault was handled
    return {"acknowledged": {k: v for c in clients for k, v in c.acknowledged.items()},
            "replayed": sum(c.replayed for c in clients),
            "failures": sum((c.failures for c in clients), Counter()),
            "unresolved": [k for c in clients for k in c.unresolved],
            "unexpected": [u for c in clients for u in c.unexpected], "faults": faults}


def _durability() -> str:
    """The server's durability settings as it reports them (what the header line claims)."""
    from django.db import connection

    with connection.cursor() as cursor:
        values = []
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            cursor.execute(f"SHOW {setting}")
            values.append(f"{setting}={cursor.fetchone()[0]}")
    return ", ".join(values)


def _membership_of(api_key: str):
    from keten.accounts.models import ApiToken

    return ApiToken.objects.get(prefix=api_key[:8]).membership_id


def _drain(services: Services, membership_id) -> Counter:
    """Let the worker route what is still queued (while it makes progress, at most DRAIN_SECONDS), then say what
    is left."""
    deadline, last, progress_at = time.monotonic() + DRAIN_SECONDS, None, time.monotonic()
    while True:
        services.revive()
        backlog = crash_checks.routing_backlog(membership_id)
        ready = backlog.get("READY tasks", 0)
        if last is None or ready < last:
            last, progress_at = ready, time.monotonic()
        if not ready or time.monotonic() > deadline or time.monotonic() - progress_at > 30:
            return backlog
        time.sleep(2)


def main() -> int:
    database, scratch = _start_database()
    services = None
    problems = 0
    try:
        api_key = _world()
        membership_id = _membership_of(api_key)
        services = Services(_free_port(), scratch)
        services.revive()
        rng = random.Random(SEED)
        print(f"PostgreSQL ({_durability()}), gunicorn deploy/gunicorn.conf.py "
              f"({os.environ.get('KETEN_WEB_WORKERS', '4')} workers) and manage.py worker; {CLIENTS} clients; "
              f"{ROUNDS} rounds of {ROUND_SECONDS:.0f} s; SOAK_SEED={SEED}; logs in {scratch}", flush=True)
        acknowledged: dict[str, str] = {}
        totals = Counter()
        for number in range(1, ROUNDS + 1):
            played = play_round(number, rng, services, database, api_key)
            acknowledged |= played["acknowledged"]
            findings = crash_checks.check(acknowledged=acknowledged, membership_id=membership_id, env=services.env)
            failures = played["failures"]
            totals.update(acknowledged_writes=len(played["acknowledged"]), replayed=played["replayed"],
                          failures=sum(failures.values()), faults=len(played["faults"]))
            totals.update(kind for fault in played["faults"] for kind in FAULTS if fault.startswith(kind))
            print(f"round {number:2}: {len(played['acknowledged'])} writes acknowledged ({played['replayed']} "
                  f"answered 200 on a retry), {sum(failures.values())} failures seen "
                  f"({', '.join(f'{k} x{v}' for k, v in failures.most_common()) or 'none'}); "
                  f"faults: {'; '.join(played['faults'])}; lost acknowledged writes {len(findings.lost)}, "
                  f"half-written {findings.half_written_count}, duplicates {len(findings.duplicates)}, "
                  f"audit_verify {'ok' if findings.audit_ok else 'FAILED'} ({findings.audit_line})", flush=True)
            for line in findings.details() + played["unexpected"] + [f"unresolved key {k}" for k in
                                                                      played["unresolved"]]:
                print(f"    ! {line}", flush=True)
            problems += findings.failed or bool(played["unexpected"] or played["unresolved"])
        backlog = _drain(services, membership_id)
        final = crash_checks.check(acknowledged=acknowledged, membership_id=membership_id, env=services.env)
        print(f"end: {len(acknowledged)} writes acknowledged in {ROUNDS} rounds ({totals['replayed']} answered 200 on "
              f"a retry), {totals['failures']} failures seen; {totals['faults']} faults "
              f"({', '.join(f'{kind} x{totals[kind]}' for kind in FAULTS)}); processes found dead and restarted "
              f"after a fault: {dict(services.restarted) or 'none'}")
        print(f"     {final.signals} signals, lost acknowledged writes {len(final.lost)}, half-written "
              f"{final.half_written_count}, duplicates {len(final.duplicates)}, never acknowledged "
              f"{len(final.unacknowledged)}, audit_verify {'ok' if final.audit_ok else 'FAILED'} ({final.audit_line})")
        print(f"     routing after the worker drained: {final.routings} routed; left behind: "
              f"{dict(backlog) or 'none'}; failed routing tasks by error: "
              f"{dict(crash_checks.failed_task_errors()) or 'none'}")
        for line in final.details():
            print(f"    ! {line}")
        if stranded := sum(count for label, count in backlog.items() if label.startswith("signals never routed")):
            # Not a lost write (the signal is complete and its task row exists), so not a failure of this soak. In
            # production the worker's sweep (keten.intake.tasks.route_stragglers, every 5 minutes, for a signal
            # still unrouted 5 minutes after it was registered) routes them; the soak stops before it runs.
            print(f"    ! note: {stranded} stored signals are unrouted: their routing task was cut off; the sweep "
                  f"route_stragglers routes them within about 10 minutes")
        problems += final.failed
    finally:
        if services is not None:
            services.stop()
        database.stop()
    if not problems:  # the logs are kept when something was found
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

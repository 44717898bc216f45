"""What registering a signal through the API costs: 16 concurrent clients create signals (each with its own
Idempotency-Key) against a real gunicorn server on a throwaway PostgreSQL with the demo world, and in the same run
the same load on a trivial authenticated endpoint (/api/v1/me/) as the baseline. Run: `make bench` (or this file alone).

Prints throughput and p50/p99 latency of both and their ratios (targets: create p99 under 250 ms, and at least a
third of the baseline's throughput). The two loads take turns (BENCH_ROUNDS, default 6, see LOADS), so that a
machine that slows down for a while slows both. Before the load it checks that 16 simultaneous retries with one
key make one signal. BENCH_SECONDS (default 30, per endpoint), BENCH_CLIENTS (16), BENCH_WORKERS (one per core,
as in production) and BENCH_THREADS (4) set gunicorn's processes and threads.

No worker runs: a registration enqueues its routing and notices (keten.intake.tasks.signal_registered) and does
not wait for them, so they queue up here; tests/intake/test_registration_queries.py pins the request's queries."""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
#: As deploy/gunicorn.conf.py: one process per core, four threads each, twice as many connections as threads.
WORKERS = os.environ.get("BENCH_WORKERS", str(max(2, os.cpu_count() or 2)))
THREADS = os.environ.get("BENCH_THREADS", "4")
BODY = {"observed_on": "2026-01-05", "municipality": "GM0363", "forms": ["labour"], "urgency": "normal",
        "basis": "wmo", "indicators": ["ILO-07"], "description": "Arbeiders slapen in een loods (benchmark).",
        "entities": [{"kind": "phone", "value": "06 10000 904"}]}


def _start_database():
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from bench.bench_identity import _start_database as start

    server = start()
    os.environ.update(DJANGO_SETTINGS_MODULE="keten.settings", KETEN_ALLOWED_HOSTS="127.0.0.1")
    return server


def _world() -> str:
    """The demo world, and an API key of the demo care coordinator's organisation that may write."""
    import django

    django.setup()
    from django.core.management import call_command

    for command in ("migrate", "createcachetable", "load_regions"):
        call_command(command, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from keten.accounts.actor import Actor
    from keten.accounts.models import Membership, TokenScope, User
    from keten.accounts.roles import Role
    from keten.accounts.services import token_issue
    from keten.demo.credentials import DemoCredentials
    from keten.demo.services import seed_demo

    memberships = {m.role: m for m in seed_demo(credentials=DemoCredentials.generate())}
    User.objects.update(is_demo=False)
    coordinator = memberships[Role.CARE_COORDINATOR]
    keeper = Membership.objects.create(user=memberships[Role.FUNCTIONAL_ADMIN].user, role=Role.FUNCTIONAL_ADMIN,
                                       organisation=coordinator.organisation, region=coordinator.region)
    _token, key = token_issue(actor=Actor.of(keeper), name="Benchmark", role=Role.CARE_COORDINATOR,
                              region=coordinator.region, scopes=[TokenScope.READ, TokenScope.WRITE])
    from django.db import connections

    connections.close_all()
    return key


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "keten.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", WORKERS, "--worker-class", "gthread", "--threads", THREADS,
         "--worker-connections", str(2 * int(THREADS)), "--log-level", "warning"],
        cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT / "src")})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/me/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not start within 60 s")


class Caller:
    """One client: a keep-alive connection with the API key."""

    def __init__(self, port: int, key: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None, **headers) -> tuple[int, bytes]:
        payload = json.dumps(body).encode() if body is not None else None
        self.connection.request(method, path, body=payload, headers=self.headers | headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def _same_key_retries(port: int, key: str) -> None:
    """CLIENTS simultaneous requests with one Idempotency-Key: one signal, the same answer to all."""
    callers = [Caller(port, key) for _ in range(CLIENTS)]
    barrier, results = threading.Barrier(CLIENTS), [None] * CLIENTS
    idempotency_key = f"bench-race-{uuid.uuid4()}"

    def work(index):
        barrier.wait()
        status, body = callers[index].call("POST", "/api/v1/signals/", BODY, **{"Idempotency-Key": idempotency_key})
        results[index] = (status, json.loads(body).get("id"))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _id in results)
    ids = {signal_id for _status, signal_id in results}
    assert statuses == [200] * (CLIENTS - 1) + [201] and len(ids) == 1, results
    print(f"  {CLIENTS} simultaneous retries with one Idempotency-Key: one 201, {CLIENTS - 1} x 200, one signal")


def _load(port: int, key: str, seconds: float, method: str, path: str, expected: int,
          body: dict | None = None) -> tuple[list[float], int, float]:
    """CLIENTS keep-alive clients call the endpoint for `seconds`: each call's latency, how many failed, and how
    long it took until the last call came back."""
    callers = [Caller(port, key) for _ in range(CLIENTS)]
    samples: list[list[float]] = [[] for _ in range(CLIENTS)]
    failures = [0] * CLIENTS
    barrier = threading.Barrier(CLIENTS)

    def work(index):
        caller, mine = callers[index], samples[index]
        barrier.wait()
        stop = time.perf_counter() + seconds
        while time.perf_counter() < stop:
            headers = {"Idempotency-Key": str(uuid.uuid4())} if body is not None else {}
            start = time.perf_counter()
            status, _body = caller.call(method, path, body, **headers)
            mine.append(time.perf_counter() - start)
            failures[index] += status != expected

    threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [s for mine in samples for s in mine], sum(failures), time.perf_counter() - began


#: The two loads, each SECONDS in all, in ROUNDS alternating turns of SECONDS / ROUNDS: baseline, create, create,
#: baseline, ... A machine that is slower for a while (a shared VM is) then slows both alike, so the ratio holds.
LOADS = {"GET /api/v1/me/": ("GET", "/api/v1/me/", 200, None),
         "POST /api/v1/signals/": ("POST", "/api/v1/signals/", 201, BODY)}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "6"))


def _figures(latencies: list[float], failures: int, elapsed: float) -> dict:
    latencies.sort()
    cuts = statistics.quantiles(latencies, n=100)
    return {"rate": len(latencies) / elapsed, "p50": cuts[49] * 1000, "p99": cuts[98] * 1000,
            "count": len(latencies), "failures": failures}


def main():
    database = _start_database()
    server = None
    try:
        key = _world()
        port = _free_port()
        server = _start_server(port)
        print(f"PostgreSQL, gunicorn {WORKERS} workers x {THREADS} threads; {CLIENTS} clients for {SECONDS:.0f} s "
              f"per endpoint in {ROUNDS} alternating turns, keep-alive, API key")
        _same_key_retries(port, key)
        latencies = {label: [] for label in LOADS}
        failures, elapsed = dict.fromkeys(LOADS, 0), dict.fromkeys(LOADS, 0.0)
        labels = list(LOADS)
        for turn in range(ROUNDS):
            for label in (labels if turn % 2 == 0 else labels[::-1]):
                taken, failed, took = _load(port, key, SECONDS / ROUNDS, *LOADS[label])
                latencies[label] += taken
                failures[label] += failed
                elapsed[label] += took
        baseline, create = (_figures(latencies[label], failures[label], elapsed[label]) for label in labels)
        for label, figures in zip(labels, (baseline, create), strict=True):
            print(f"  {label:<22} {figures['rate']:8.1f} req/s   p50 {figures['p50']:7.1f} ms   "
                  f"p99 {figures['p99']:7.1f} ms   ({figures['count']} requests, {figures['failures']} failed)")
        ratio = create["rate"] / baseline["rate"]
        print(f"  create/baseline throughput {ratio:.2f} (target >= 0.33); create p99 {create['p99']:.0f} ms "
              f"(target < 250); p99 ratio {create['p99'] / baseline['p99']:.1f}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        database.stop()


if __name__ == "__main__":
    main()

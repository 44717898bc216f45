"""What privacy costs: reading one person's identity through policy and the audit log, against the same read
with both bypassed, in one run on a throwaway PostgreSQL. Run: `make bench-identity`.

Prints the median latency of each (one client) and the throughput of each with 16 concurrent clients, and
their ratios (targets: latency at most 1.3x, throughput at least 0.7x)."""

import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))


def _start_database():
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from tests.support.postgres import ThrowawayPostgres

    server = ThrowawayPostgres.start_or_exit()
    database_url = server.create_database("keten")
    scratch = Path(tempfile.mkdtemp(prefix="keten-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.identity_settings",
        DATABASE_URL=database_url,
        KETEN_VAR_DIR=str(scratch / "var"), KETEN_STATIC_ROOT=str(scratch / "static"),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50), KETEN_SSL_REDIRECT="0", KETEN_ALLOWED_HOSTS="testserver",
        KETEN_LOG_LEVEL="WARNING", KETEN_DB_CONN_MAX_AGE="600",
    )
    os.environ.pop("KETEN_DEV", None)
    return server


def _world():
    import django

    django.setup()
    from django.core.management import call_command

    for command in ("migrate", "createcachetable", "load_regions"):
        call_command(command, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from keten.accounts.models import User
    from keten.accounts.roles import Role
    from keten.demo.credentials import DemoCredentials
    from keten.demo.services import seed_demo
    from keten.identity.models import Subject

    memberships = {m.role: m for m in seed_demo(credentials=DemoCredentials.generate())}
    User.objects.update(is_demo=False)
    subject = Subject.objects.get(attributes__display="Testpersoon Alfa")
    return memberships[Role.CARE_COORDINATOR].user, subject


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _median_ms(client, url) -> float:
    for _ in range(20):
        client.get(url)
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples) * 1000


def _throughput(user, url) -> float:
    from django.db import connection

    clients = [_client(user) for _ in range(CLIENTS)]
    counts = [0] * CLIENTS
    stop = time.perf_counter() + SECONDS

    def work(index):
        client = clients[index]
        while time.perf_counter() < stop:
            assert client.get(url).status_code == 200
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / SECONDS


def main():
    server = _start_database()
    try:
        user, subject = _world()
        guarded = f"/api/v1/subjects/{subject.pk}/"
        bypassed = f"/bench/subjects/{subject.pk}/"
        client = _client(user)
        assert client.get(guarded).json()["mode"] == "allow"
        latency = {name: _median_ms(client, url) for name, url in (("policy+audit", guarded),
                                                                    ("bypassed", bypassed))}
        throughput = {name: _throughput(user, url) for name, url in (("policy+audit", guarded),
                                                                      ("bypassed", bypassed))}
        from keten.audit.models import AuditEvent

        print(f"PostgreSQL, {ROUNDS} sequential requests; {CLIENTS} concurrent clients for {SECONDS:.0f} s each")
        for label, unit, figures, target in (("latency", "ms", latency, "<= 1.3"),
                                             ("throughput", "/s", throughput, ">= 0.7")):
            ratio = figures["policy+audit"] / figures["bypassed"]
            print(f"  {label:<10} policy+audit {figures['policy+audit']:7.2f} {unit}   "
                  f"bypassed {figures['bypassed']:7.2f} {unit}   ratio {ratio:.2f} (target {target})")
        print(f"  audit events written: {AuditEvent.objects.count()}")
    finally:
        from django.db import connections

        connections.close_all()
        server.stop()


if __name__ == "__main__":
    main()

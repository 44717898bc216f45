"""What the audit hash chain costs under concurrency: events/s for 1 and 16 writer threads, with one chain,
with 16 partitions, and with a chain of its own per thread (no contention at all: the ceiling).
Run: `.venv/bin/python bench/bench_audit.py` (needs PostgreSQL server binaries, as the --postgres test leg).

One event per transaction, twice: bare (lock the partition head, insert, move the head, commit), and with
2 ms of the caller's own database work after the record, during which the head stays locked, as in a
service that records and then writes. The target (ADR 0003) is 16 partitions at >= 0.7 of the ceiling
with 16 writers."""

import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
THREADS = (1, 16)
WORK_SECONDS = 0.002
CEILING = "own chain per thread (ceiling)"


def _setup():
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from tests.support.postgres import ThrowawayPostgres

    server = ThrowawayPostgres.start_or_exit()
    database_url = server.create_database("keten")
    scratch = Path(tempfile.mkdtemp(prefix="keten-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="keten.settings",
        DATABASE_URL=database_url,
        KETEN_VAR_DIR=str(scratch / "var"),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        KETEN_LOG_LEVEL="WARNING",
    )
    os.environ.pop("KETEN_DEV", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return server


def _actor():
    from keten.accounts.actor import Actor
    from keten.accounts.models import Membership, Organisation, User
    from keten.accounts.roles import OrganisationType, Role

    organisation = Organisation.objects.create(name="Bench", type=OrganisationType.CARE_PROVIDER)
    user = User.objects.create_user(email="bench@example.invalid", password=None)
    membership = Membership.objects.create(user=user, organisation=organisation, role=Role.CARE_COORDINATOR)
    return Actor(user=user, membership=membership)


def _events_per_second(actor, threads: int, work: float) -> float:
    from django.db import connection, connections, transaction

    from keten.audit.services import record

    counts = [0] * threads
    start = threading.Barrier(threads + 1)
    stop = threading.Event()

    def write(number):
        try:
            for _ in range(5):  # connect and warm up before the clock starts
                record(actor=actor, action="read", object_type="identity.subject", object_id="warm-up")
            start.wait()
            while not stop.is_set():
                with transaction.atomic():
                    record(actor=actor, action="read", object_type="identity.subject",
                           object_id=str(counts[number]), purpose="care_coordination", basis="avg_6_1_e",
                           decision="allow")
                    if work:
                        with connection.cursor() as cursor:
                            cursor.execute("SELECT pg_sleep(%s)", [work])
                counts[number] += 1
        finally:
            connections.close_all()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(SECONDS)
    stop.set()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - began)


def _own_chain_per_thread():
    """Replace the partition choice by one chain per thread: the same work without any lock contention."""
    from keten.audit import services

    local = threading.local()
    counter = iter(range(1000, 10_000))
    original = services._partition_for

    def partition_for(using):
        if not hasattr(local, "partition"):
            local.partition = next(counter)
        return local.partition

    services._partition_for = partition_for
    return lambda: setattr(services, "_partition_for", original)


def _measure(actor, work: float) -> dict:
    from django.conf import settings

    results = {}
    for label, partitions in (("1 partition", 1), ("16 partitions", 16)):
        settings.KETEN_AUDIT_PARTITIONS = partitions
        for threads in THREADS:
            results[label, threads] = _events_per_second(actor, threads, work)
    restore = _own_chain_per_thread()
    try:
        for threads in THREADS:
            results[CEILING, threads] = _events_per_second(actor, threads, work)
    finally:
        restore()
    return results


def _print(results: dict, work: float) -> None:
    after = f"{work * 1000:.0f} ms of work after the record" if work else "bare"
    print(f"audit events/s on PostgreSQL, {SECONDS:.0f} s per run, one event per transaction, {after}")
    print(f"  {'':<34}" + "".join(f"{f'{t} thread' + ('s' if t > 1 else ''):>12}" for t in THREADS)
          + f"{'16 vs 1':>10}")
    for label in dict.fromkeys(label for label, _ in results):
        row = [results[label, t] for t in THREADS]
        print(f"  {label:<34}" + "".join(f"{value:12.0f}" for value in row) + f"{row[-1] / row[0]:9.2f}x")
    for label in ("1 partition", "16 partitions"):
        print(f"  16 threads, {label} / ceiling: {results[label, 16] / results[CEILING, 16]:.2f}")


def main():
    server = _setup()
    try:
        from keten.audit.models import AuditEvent
        from keten.audit.verify import verify_chains

        actor = _actor()
        for work in (0.0, WORK_SECONDS):
            _print(_measure(actor, work), work)
        report = verify_chains()
        assert report.events == AuditEvent.objects.count()
        print(f"verified: {report.events} events in {report.partitions} chains intact")
    finally:
        from django.db import connections

        connections.close_all()
        server.stop()


if __name__ == "__main__":
    main()

"""Partitions: each transaction picks one at random and keeps it; writers in threads keep every chain gapless."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.db.models import Count, Max

from keten.audit.models import AuditChain, AuditEvent
from keten.audit.services import record

pytestmark = pytest.mark.django_db(transaction=True)



def _assert_gapless():
    for row in AuditEvent.objects.order_by().values("partition").annotate(n=Count("id"), last=Max("seq")):
        assert row["n"] == row["last"], f"partition {row['partition']} has gaps"
        assert AuditChain.objects.get(partition=row["partition"]).last_seq == row["last"]
    call_command("audit_verify", stdout=io.StringIO())


def test_each_transaction_chooses_its_partition_anew(settings):
    settings.KETEN_AUDIT_PARTITIONS = 16
    events = [record(actor=None, action="export", object_id=str(n)) for n in range(40)]
    assert len({event.partition for event in events}) > 1
    _assert_gapless()


def test_a_partition_chosen_in_a_rolled_back_savepoint_is_not_kept(settings):
    settings.KETEN_AUDIT_PARTITIONS = 16
    with transaction.atomic():
        chosen = set()
        for n in range(20):
            try:
                with transaction.atomic():
                    chosen.add(record(actor=None, action="export", object_id=str(n)).partition)
                    raise RuntimeError("undo")
            except RuntimeError:
                pass
    assert len(chosen) > 1
    assert not AuditEvent.objects.exists()


def _in_threads(count: int, work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(number):
        try:
            barrier.wait()
            work(number)
        except BaseException as error:  # noqa: BLE001 — reported to the test below
            errors.append(error)
        finally:
            connections.close_all()  # each thread has its own connection; close it before the flush

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.usefixtures("postgresql_only")
def test_concurrent_writers_keep_every_chain_gapless(settings):
    settings.KETEN_AUDIT_PARTITIONS = 4  # fewer partitions than threads: writers do meet on a head

    def write(number):
        for n in range(25):
            record(actor=None, action="read", object_type="identity.subject", object_id=f"{number}-{n}")

    assert _in_threads(8, write) == []
    assert AuditEvent.objects.count() == 200
    _assert_gapless()


@pytest.mark.usefixtures("postgresql_only")
def test_transactions_recording_several_events_do_not_deadlock(settings):
    settings.KETEN_AUDIT_PARTITIONS = 16

    def write(number):
        for n in range(10):
            with transaction.atomic():
                for step in range(3):
                    record(actor=None, action="update", object_id=f"{number}-{n}-{step}")

    assert _in_threads(8, write) == []
    assert AuditEvent.objects.count() == 240
    _assert_gapless()

"""Checking the audit log: every partition's chain gapless from 1, linked, unaltered, and ending at its head."""

from contextlib import closing
from dataclasses import dataclass

from django.db import connections, router, transaction

from keten.audit.chain import HASHED_FIELDS, event_hash
from keten.audit.models import GENESIS_HASH, AuditChain, AuditEvent


class ChainBroken(Exception):
    """The first place where a chain does not hold; names the partition and the sequence number."""

    def __init__(self, partition: int, seq: int, reason: str):
        self.partition, self.seq, self.reason = partition, seq, reason
        super().__init__(f"partition {partition}, sequence number {seq}: {reason}")


@dataclass(frozen=True)
class ChainReport:
    partitions: int
    events: int


def verify_chains(*, chunk_size: int = 5000) -> ChainReport:
    """Walk every partition and raise ChainBroken at the first event that does not hold.

    Heads and events are read in one snapshot, so writers may go on meanwhile; a repeatable-read,
    read-only transaction on PostgreSQL (SQLite's transaction is a snapshot already)."""
    using = router.db_for_read(AuditEvent)
    connection = connections[using]
    if connection.in_atomic_block:
        return _verify(using, chunk_size)
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _verify(using, chunk_size)


def _verify(using: str, chunk_size: int) -> ChainReport:
    heads = {head.partition: head for head in AuditChain.objects.using(using).order_by("partition")}
    rows = (
        AuditEvent.objects.using(using)
        .order_by("partition", "seq")
        .values(*HASHED_FIELDS, "hash")
        .iterator(chunk_size=chunk_size)
    )
    seen: set[int] = set()
    events = 0
    partition, expected_seq, prev_hash = None, 1, GENESIS_HASH
    # Closed explicitly when a break stops the walk early: an abandoned server-side cursor would be closed by
    # the garbage collector later, in whatever transaction is running then.
    with closing(rows):
        for row in rows:
            if row["partition"] != partition:
                if partition is not None:
                    _check_head(partition, heads.get(partition), expected_seq - 1, prev_hash)
                partition, expected_seq, prev_hash = row["partition"], 1, GENESIS_HASH
                seen.add(partition)
            seq = row["seq"]
            if seq != expected_seq:
                if seq > expected_seq:
                    raise ChainBroken(partition, expected_seq, f"missing (the next event found is {seq})")
                raise ChainBroken(partition, seq, f"out of place (expected {expected_seq})")
            if row["prev_hash"] != prev_hash:
                raise ChainBroken(partition, seq, "does not link to the event before it")
            if event_hash(row) != row["hash"]:
                raise ChainBroken(partition, seq, "its contents do not match its hash")
            prev_hash = row["hash"]
            expected_seq += 1
            events += 1
    if partition is not None:
        _check_head(partition, heads.get(partition), expected_seq - 1, prev_hash)
    for number in sorted(set(heads) - seen):
        _check_head(number, heads[number], 0, GENESIS_HASH)
    return ChainReport(partitions=len(seen | set(heads)), events=events)


def _check_head(partition: int, head: AuditChain | None, last_seq: int, last_hash: str) -> None:
    """The head must name the last event found: fewer events means some were cut off at the end, more
    means some were added behind the writers' backs."""
    if head is None:
        raise ChainBroken(partition, last_seq, "the partition has events but no head")
    if head.last_seq > last_seq:
        raise ChainBroken(partition, last_seq + 1, f"missing (the head ends at {head.last_seq})")
    if head.last_seq < last_seq:
        raise ChainBroken(partition, head.last_seq + 1, f"not in the head (which ends at {head.last_seq})")
    if head.last_hash != last_hash:
        raise ChainBroken(partition, last_seq, "the head's hash does not match the last event")

"""Writing the audit log: one event per call, chained in its partition, inside the caller's transaction."""

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import router, transaction
from django.db.models import sql

from keten.audit.chain import HASHED_FIELDS, event_hash
from keten.audit.context import client_address_of, current_request, request_id_of
from keten.audit.models import AuditAction, AuditChain, AuditDecision, AuditEvent
from keten.core import clock
from keten.core.statements import execute_together, sends_together

#: Attribute on the database connection: the partition this transaction already holds (see _partition_for).
_HELD = "_keten_audit_partition"
#: Attribute on the database connection: the events held back by deferred() until its block ends.
_DEFERRED = "_keten_audit_deferred"
_HASHED_ATTNAMES = {name: AuditEvent._meta.get_field(name).attname for name in HASHED_FIELDS}
_CHAR_FIELDS = [f for f in AuditEvent._meta.concrete_fields if f.get_internal_type() == "CharField"]


def partition_count() -> int:
    return max(1, int(getattr(settings, "KETEN_AUDIT_PARTITIONS", 16)))


def record(*, actor, action, target=None, object_type: str = "", object_id: str = "", purpose: str = "",
           basis: str = "", decision: str = "", on_behalf_of: str = "", user=None) -> AuditEvent:
    """Write one audit event for what `actor` does now, in the current transaction.

    `actor` is a keten.accounts.actor.Actor, or None for anonymous and system actions. `user` names the
    person when there is no Actor yet, as at login (no membership chosen); it is ignored when `actor` is
    given. `target` is the model instance acted on; it fills object_type ("app_label.model_name") and
    object_id (its primary key), so pass either `target` or those two. Purpose, basis and decision are codes
    (str-based enums are fine). Never pass the data itself: no names, no values, no e-mail addresses.

    Nothing is caught here: if the event cannot be written, the caller's transaction fails with it, so no
    action goes unrecorded. Inside a deferred() block the event is chained when that block ends.
    """
    action = AuditAction(action)
    decision = AuditDecision(_code(decision))
    if target is not None:
        if object_type or object_id:
            raise ValueError("Pass either target or object_type/object_id, not both.")
        if target.pk is None:
            raise ValueError("The target has no primary key yet; record after saving it.")
        object_type, object_id = target._meta.label_lower, str(target.pk)
    request = current_request()
    event = AuditEvent(
        id=uuid.uuid4(),
        actor_id=actor.user.pk if actor is not None else (user.pk if user is not None else None),
        organisation_id=actor.membership.organisation_id if actor is not None else None,
        role=str(actor.membership.role) if actor is not None else "",
        on_behalf_of=_code(on_behalf_of),
        action=action.value,
        object_type=_code(object_type),
        object_id=_code(object_id),
        purpose=_code(purpose),
        basis=_code(basis),
        decision=decision.value,
        request_id=request_id_of(request),
        client_address=client_address_of(request),
    )
    _check_lengths(event)
    using = router.db_for_write(AuditEvent)
    held = getattr(transaction.get_connection(using), _DEFERRED, None)
    if held is not None:
        # Written when the deferred() block ends; the marker tells whether the savepoint it was recorded in
        # (and so the action it records) was rolled back meanwhile.
        held.append((event, _pending_marker(using)))
        return event
    _chain([event], using)
    return event


def _chain(events: list[AuditEvent], using: str, *, at_once: bool = False) -> None:
    """Append the events, in order, to one partition's chain: the head is locked once and moved one step per
    event (the PostgreSQL trigger allows no other move). `at_once` (the events a deferred() block held back):
    on PostgreSQL the events and the head's steps go in one round trip after the lock."""
    # No savepoint: inside the caller's transaction a failure here must fail that transaction, and outside
    # one this block is the transaction.
    with transaction.atomic(using=using, savepoint=False):
        partition = _partition_for(using)
        head = _lock_head(partition, using)
        for event in events:
            event.partition = partition
            event.seq = head.last_seq + 1
            event.prev_hash = head.last_hash
            # The time is taken under the lock, so within a partition it never runs backwards against seq.
            event.occurred_at = clock.now()
            event.hash = event_hash({name: getattr(event, attname) for name, attname in _HASHED_ATTNAMES.items()})
            event._chained_by_service = True
            head.last_seq, head.last_hash = event.seq, event.hash
        connection = transaction.get_connection(using)
        if at_once and sends_together(connection):
            _write_at_once(events, partition, connection)
            return
        heads = AuditChain.objects.using(using).filter(partition=partition)
        for event in events:
            event.save(using=using)
            heads.update(last_seq=event.seq, last_hash=event.hash)


def _write_at_once(events: list[AuditEvent], partition: int, connection) -> None:
    """The events in one INSERT and the head moved one step per event (the trigger allows no other move), sent
    as one batch of statements: one round trip however many events a transaction recorded. Each statement is
    checked by the database as if sent alone, and the first that fails fails the batch and the transaction."""
    insert = sql.InsertQuery(AuditEvent)
    insert.insert_values(AuditEvent._meta.concrete_fields, events)
    statements = insert.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    # Only quoted names of our own model go into the text; every value is a parameter.
    step = (f"UPDATE {quote(AuditChain._meta.db_table)} SET {quote('last_seq')} = %s, "  # noqa: S608
            f"{quote('last_hash')} = %s WHERE {quote('partition')} = %s")
    statements += [(step, (event.seq, event.hash, partition)) for event in events]
    execute_together(connection, statements)
    for event in events:
        event._state.adding, event._state.db = False, connection.alias


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back the events recorded inside the block and chain them, in order, when it ends.

    For a long transaction that records several events (registering a signal: its entities, the signal, the
    shares under a routing rule): the partition's head is then locked for the last moments of the transaction
    only, not from the first event on, and locked once for all of them (ADR 0003: "record late in long
    transactions"). Every event is still its own row with its own step of the chain, in the same transaction as
    what it records. The block is part of the caller's transaction (no savepoint): if it raises, nothing
    recorded in it is written and that transaction cannot commit, so no action is left without its event. An
    event recorded in a savepoint that was rolled back inside the block is dropped with it, as it would have
    been had it been written at once. Inside the block `record` returns the event before it is chained (no
    seq or hash yet). Nested blocks are written by the outermost."""
    using = router.db_for_write(AuditEvent)
    connection = transaction.get_connection(using)
    if getattr(connection, _DEFERRED, None) is not None:
        yield
        return
    held: list = []
    with transaction.atomic(using=using, savepoint=False):
        setattr(connection, _DEFERRED, held)
        try:
            yield
        finally:
            setattr(connection, _DEFERRED, None)
        pending = {id(callback) for _sids, callback, _robust in connection.run_on_commit}
        events = [event for event, marker in held if id(marker) in pending]
        if events:
            _chain(events, using, at_once=True)


def _pending_marker(using: str):
    """A no-op on-commit callback: Django drops it when the savepoint it was registered in is rolled back."""

    def marker():
        pass

    transaction.on_commit(marker, using=using)
    return marker


def _code(value) -> str:
    """A code as stored: str-based enums by their value, None as empty."""
    return "" if value is None else str(value)


def _check_lengths(event: AuditEvent) -> None:
    """Too long a code fails on every database alike (SQLite would store it, PostgreSQL refuse it)."""
    for field in _CHAR_FIELDS:
        if len(getattr(event, field.attname)) > field.max_length:
            raise ValueError(f"Audit field {field.name} is longer than {field.max_length} characters.")


def _partition_for(using: str) -> int:
    """The partition for an event: chosen at random, once per transaction.

    Random spreads concurrent writers evenly over the chains (a hash of the request id would let a client
    steer them, and background work has none). Keeping the partition for the rest of the transaction means a
    transaction holds at most one chain head, so two transactions that each record several events can never
    wait on each other's heads (no deadlock). The choice lives on the connection together with an on-commit
    marker; when the transaction (or the savepoint the choice was made in) ends, Django drops the marker from
    its pending callbacks, and the next event chooses anew.
    """
    connection = transaction.get_connection(using)
    held = getattr(connection, _HELD, None)
    if held is not None:
        partition, marker = held
        if any(callback is marker for _sids, callback, _robust in connection.run_on_commit):
            return partition
    partition = secrets.randbelow(partition_count())

    def marker():
        setattr(connection, _HELD, None)

    setattr(connection, _HELD, (partition, marker))
    transaction.on_commit(marker, using=using)
    return partition


def _lock_head(partition: int, using: str) -> AuditChain:
    """Lock the head row of the partition until the transaction ends, creating it on first use. Written out, not
    built by the ORM: every write of the platform takes this step, and building the query cost more than the
    database takes to answer it."""
    connection = transaction.get_connection(using)
    quote = connection.ops.quote_name
    # Only quoted names of our own model go into the text; the partition is a parameter.
    lock = (f"SELECT {quote('last_seq')}, {quote('last_hash')} FROM {quote(AuditChain._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('partition')} = %s" + (" FOR UPDATE" if connection.features.has_select_for_update else ""))
    with connection.cursor() as cursor:
        cursor.execute(lock, [partition])
        row = cursor.fetchone()
        if row is None:
            # Another writer may be creating the same head: ON CONFLICT DO NOTHING waits for it, then yields.
            AuditChain.objects.using(using).bulk_create([AuditChain(partition=partition)], ignore_conflicts=True)
            cursor.execute(lock, [partition])
            row = cursor.fetchone()
    return AuditChain(partition=partition, last_seq=row[0], last_hash=row[1])

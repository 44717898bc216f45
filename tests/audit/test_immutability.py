"""Audit events cannot be changed or deleted: the ORM refuses, and on PostgreSQL so does the database."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from keten.audit.models import AuditChain, AuditEvent, ImmutableAuditEvent
from keten.audit.services import record
from keten.core import clock

pytestmark = pytest.mark.django_db



@pytest.fixture
def event():
    return record(actor=None, action="read", object_type="identity.subject", object_id="1")


def test_a_stored_event_cannot_be_saved_again(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    stored.purpose = "investigation"
    with pytest.raises(ImmutableAuditEvent):
        stored.save()
    with pytest.raises(ImmutableAuditEvent):
        event.save(update_fields=["purpose"])
    assert AuditEvent.objects.get(pk=event.pk).purpose == ""


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent.objects.get(pk=event.pk).delete()
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="investigation")
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent.objects.bulk_update([event], ["purpose"])
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent._base_manager.filter(pk=event.pk).update(purpose="investigation")


def test_events_are_only_written_through_the_service():
    before = AuditEvent.objects.count()
    fields = {"partition": 0, "seq": 1, "occurred_at": clock.now(), "action": "read", "prev_hash": "0" * 64,
              "hash": "0" * 64}
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent.objects.create(id=uuid.uuid4(), **fields)
    with pytest.raises(ImmutableAuditEvent):
        AuditEvent.objects.bulk_create([AuditEvent(id=uuid.uuid4(), **fields)])
    assert AuditEvent.objects.count() == before


def _raw(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.usefixtures("postgresql_only")
def test_the_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditevent SET purpose = 'investigation'")
    assert AuditEvent.objects.get(pk=event.pk).purpose == ""


@pytest.mark.usefixtures("postgresql_only")
def test_the_database_refuses_a_raw_delete(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.usefixtures("postgresql_only")
def test_the_database_refuses_to_move_a_chain_head_back_or_remove_it(event):
    with pytest.raises(DatabaseError, match="one event forward"):
        _raw("UPDATE audit_auditchain SET last_seq = 0")
    with pytest.raises(DatabaseError, match="one event forward"):
        _raw("DELETE FROM audit_auditchain")
    assert AuditChain.objects.get(partition=event.partition).last_seq == event.seq

"""`audit_verify`: an intact log passes; a changed, deleted, inserted or swapped event is found and named."""

import uuid

import pytest
from django.core.management import CommandError, call_command

from keten.audit.chain import HASHED_FIELDS, event_hash
from keten.audit.models import AuditEvent
from keten.audit.services import record
from keten.core import clock
from tests.audit.conftest import tampering

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_events(clean_log, one_partition):
    """Five events at the start of partition 0 (the test's transaction keeps the partition it chose first)."""
    return [record(actor=None, action="read", object_type="identity.subject", object_id=str(n),
                   purpose="care_coordination") for n in range(5)]


def _verify():
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    return str(failure.value)


def test_an_intact_log_passes_with_a_one_line_summary(five_events, capsys):
    assert [(e.partition, e.seq) for e in five_events] == [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)]
    call_command("audit_verify")
    output = capsys.readouterr().out
    assert output.strip() == "Audit log intact: 5 events in 1 partitions."


def test_the_log_of_a_busy_world_passes(actor, capsys):
    for n in range(20):
        record(actor=actor, action="read", object_type="identity.subject", object_id=str(n))
    call_command("audit_verify")
    assert "Audit log intact" in capsys.readouterr().out


def test_an_empty_log_passes(clean_log, capsys):
    call_command("audit_verify")
    assert "0 events" in capsys.readouterr().out


def test_a_changed_field_is_found(five_events):
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'investigation' WHERE seq = 3")
    assert "partition 0, sequence number 3" in _verify()


def test_a_flipped_byte_of_a_stored_hash_is_found(five_events):
    flipped = ("1" if five_events[1].hash[0] == "0" else "0") + five_events[1].hash[1:]
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET hash = %s WHERE seq = 2", [flipped])
    assert "partition 0, sequence number 2" in _verify()


def test_a_deleted_event_is_found(five_events):
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 3")
    assert "partition 0, sequence number 3" in _verify()


def test_events_cut_off_at_the_end_are_found_by_the_head(five_events):
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= 4")
    assert "partition 0, sequence number 4" in _verify()


def test_an_event_added_behind_the_services_back_is_found(five_events):
    """A forger who knows the algorithm appends a well-formed event; the head still ends at 5."""
    last = five_events[-1]
    forged = AuditEvent(id=uuid.uuid4(), partition=0, seq=6, occurred_at=clock.now(), action="read",
                        object_type="identity.subject", object_id="42", prev_hash=last.hash)
    forged.hash = event_hash({name: getattr(forged, AuditEvent._meta.get_field(name).attname)
                              for name in HASHED_FIELDS})
    with tampering():
        AuditEvent.objects._insert([forged], fields=AuditEvent._meta.concrete_fields)
    assert "partition 0, sequence number 6" in _verify()


def test_swapped_events_are_found(five_events):
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET seq = 1000 WHERE seq = 2")
        cursor.execute("UPDATE audit_auditevent SET seq = 2 WHERE seq = 4")
        cursor.execute("UPDATE audit_auditevent SET seq = 4 WHERE seq = 1000")
    assert "partition 0, sequence number 2" in _verify()


def test_a_rewritten_chain_without_its_head_is_found(five_events):
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditchain")
    assert "partition 0" in _verify()


def test_the_broken_partition_is_named(clean_log, one_partition):
    record(actor=None, action="read")
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET partition = 7")
        cursor.execute("UPDATE audit_auditchain SET partition = 7")
        cursor.execute("UPDATE audit_auditevent SET object_id = 'x'")
    assert "partition 7, sequence number 1" in _verify()

"""Recording an event: who, for which organisation and role, what, why; in the caller's transaction."""

from datetime import UTC

import pytest
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType
from keten.audit.chain import HASHED_FIELDS, event_hash
from keten.audit.context import bind_request
from keten.audit.models import GENESIS_HASH, AuditChain, AuditEvent
from keten.audit.services import record

pytestmark = pytest.mark.django_db


def test_record_writes_one_event_with_who_what_and_why(actor):
    event = record(actor=actor, action="read", target=actor.membership, purpose="care_coordination",
                   basis="avg_6_1_e", decision="pseudonymise", on_behalf_of="Gemeente Haarlem")

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == actor.user.pk
    assert stored.organisation_id == actor.membership.organisation_id
    assert stored.role == actor.membership.role
    assert stored.action == "read"
    assert (stored.object_type, stored.object_id) == ("accounts.membership", str(actor.membership.pk))
    assert (stored.purpose, stored.basis, stored.decision) == ("care_coordination", "avg_6_1_e", "pseudonymise")
    assert stored.on_behalf_of == "Gemeente Haarlem"
    assert stored.occurred_at.utcoffset() == UTC.utcoffset(None)


def test_the_event_holds_codes_and_ids_never_names(actor):
    event = record(actor=actor, action="update", target=actor.membership.organisation)
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    text = " ".join(str(value) for value in stored.values())
    assert actor.membership.organisation.name not in text
    assert actor.user.email not in text
    assert actor.user.full_name not in text


def test_the_first_event_of_a_partition_starts_the_chain(clean_log, one_partition):
    event = record(actor=None, action="search", object_type="identity.subject")
    assert (event.partition, event.seq, event.prev_hash) == (0, 1, GENESIS_HASH)
    stored = AuditEvent.objects.filter(pk=event.pk).values(*HASHED_FIELDS).get()
    assert event_hash(stored) == event.hash
    assert AuditChain.objects.get(partition=0).last_hash == event.hash


def test_each_event_links_to_the_one_before_it(actor):
    events = [record(actor=actor, action="read", object_type="identity.subject", object_id=str(n)) for n in range(4)]
    first = events[0].seq
    assert [e.seq for e in events] == [first, first + 1, first + 2, first + 3]
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    head = AuditChain.objects.get(partition=events[0].partition)
    assert (head.last_seq, head.last_hash) == (first + 3, events[-1].hash)


def test_events_of_one_transaction_stay_in_one_partition(actor):
    with transaction.atomic():
        partitions = {record(actor=actor, action="read", object_id=str(n)).partition for n in range(10)}
    assert len(partitions) == 1


def test_a_system_action_has_no_actor():
    event = record(actor=None, action="export", object_type="monitor.figures", purpose="monitoring")
    assert (event.actor_id, event.organisation_id, event.role) == (None, None, "")


def test_request_id_and_client_address_come_from_the_request(actor):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    request.request_id = "req-123"
    with bind_request(request):
        event = record(actor=actor, action="read", object_type="identity.subject", object_id="1")
    assert (event.request_id, event.client_address) == ("req-123", "192.0.2.7")


def test_forwarded_for_is_ignored_when_not_behind_a_proxy(actor, settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    with bind_request(request):
        event = record(actor=actor, action="read")
    assert event.client_address == "10.0.0.1"


def test_behind_a_proxy_the_right_most_forwarded_address_counts(actor, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1",
                                   HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.9")
    with bind_request(request):
        event = record(actor=actor, action="read")
    assert event.client_address == "198.51.100.9"


def test_outside_a_request_there_is_no_request_id_or_address(actor):
    event = record(actor=actor, action="read")
    assert (event.request_id, event.client_address) == ("", "")


@pytest.mark.parametrize("arguments", [
    {"action": "peek"},
    {"action": "read", "decision": "maybe"},
    {"action": "read", "object_id": "x" * 65},
])
def test_record_refuses_what_it_cannot_store(actor, arguments):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError):
        record(actor=actor, **arguments)
    assert AuditEvent.objects.count() == before


def test_target_and_explicit_object_exclude_each_other(actor):
    with pytest.raises(ValueError):
        record(actor=actor, action="read", target=actor.membership, object_type="accounts.membership")


def test_an_action_whose_audit_event_fails_is_undone(actor):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError), transaction.atomic():
        Organisation.objects.create(name="Stichting Onvastgelegd", type=OrganisationType.CARE_PROVIDER)
        record(actor=actor, action="not-an-action")
    assert not Organisation.objects.filter(name="Stichting Onvastgelegd").exists()
    assert AuditEvent.objects.count() == before


def test_a_database_failure_of_the_audit_write_undoes_the_action(actor, monkeypatch):
    def broken_insert(*args, **kwargs):
        raise DatabaseError("disk full")

    events, heads = AuditEvent.objects.count(), list(AuditChain.objects.values_list("partition", "last_seq"))
    monkeypatch.setattr("django.db.models.Model.save_base", broken_insert)
    with pytest.raises(DatabaseError), transaction.atomic():
        Organisation.objects.filter(pk=actor.membership.organisation_id).update(name="Hernoemd")
        record(actor=actor, action="update", target=actor.membership.organisation)
    assert not Organisation.objects.filter(name="Hernoemd").exists()
    assert AuditEvent.objects.count() == events
    assert list(AuditChain.objects.values_list("partition", "last_seq")) == heads

"""What registering a signal costs in queries, pinned so it cannot silently grow again (issue 5's measure), and
that the lean path keeps every guarantee: one audit event per business write in an unbroken chain, written at
the end of the registration's transaction, nothing recorded for what was rolled back, and the hit/no-hit index
kept current for the entities and people it registers. Run with --postgres too: the batched writes are
PostgreSQL's."""

import json
import uuid
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.models import Membership, TokenScope
from keten.accounts.roles import Role
from keten.accounts.services import token_issue
from keten.audit.models import AuditChain, AuditEvent
from keten.audit.services import deferred, record
from keten.audit.verify import verify_chains
from keten.identity.models import AttributeKind, Entity, EntityKind, IdentityAttribute
from keten.identity.services import entities_register
from keten.intake.services import PersonInput, signal_register
from keten.intake.tasks import signal_registered
from keten.signaltable.models import IdentifierToken

pytestmark = pytest.mark.django_db

#: The benchmark's body (bench/bench_intake.py): one indicator, one phone number.
BODY = {"observed_on": "2026-01-05", "municipality": "GM0363", "forms": ["labour"], "urgency": "normal",
        "basis": "wmo", "indicators": ["ILO-07"], "description": "Arbeiders slapen in een loods (benchmark).",
        "entities": [{"kind": "phone", "value": "06 10000 904"}]}
#: Counted with the database task queue of production, so enqueueing the routing and the notices is one more row
#: and they are not part of the request. The API call with a phone number already kept (one of them the API key,
#: as on any API call; before the lean path the same call took 40): on PostgreSQL 7 — the Idempotency-Key, the
#: signal's rows and its task go in one batch of statements and its audit events in another (keten.intake.batch,
#: keten.audit.services), and the municipality and the indicator catalogue were read by the first call and are
#: remembered (keten.core.memo); on SQLite, which takes one statement at a time, 17. The service with an address,
#: two more new entities and a new person with a phone number, the municipality and the catalogue not read before:
#: 26 and 42 (each new entity or value costs a savepoint, its row and its hit-index row). Raise these only for a
#: new guarantee, never for convenience.
API_CREATE_QUERIES = {"postgresql": 7, "sqlite": 17}
SERVICE_REGISTER_QUERIES = {"postgresql": 26, "sqlite": 42}


@pytest.fixture
def task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def one_chain(settings, demo):
    """One audit partition whose head exists already, so that no count includes creating a head."""
    settings.KETEN_AUDIT_PARTITIONS = 1
    with transaction.atomic():
        record(actor=None, action="search", object_type="identity.subject")
    return AuditChain.objects.get(partition=0)


@pytest.fixture
def api_key(demo):
    coordinator = demo[Role.CARE_COORDINATOR]
    keeper = Actor.of(Membership.objects.create(user=demo[Role.FUNCTIONAL_ADMIN].user, role=Role.FUNCTIONAL_ADMIN,
                                                organisation=coordinator.organisation, region=coordinator.region))
    return token_issue(actor=keeper, name="Registratiesysteem", role=Role.CARE_COORDINATOR,
                       region=coordinator.region, scopes=[TokenScope.READ, TokenScope.WRITE])[1]


def _create(client, key):
    return client.post(reverse("api-signal-list"), json.dumps(BODY), content_type="application/json",
                       headers={"Authorization": f"Token {key}", "Idempotency-Key": str(uuid.uuid4())})


def _events_since(head):
    """(object_type, action) of the events chained after `head` was read, in chain order."""
    return list(AuditEvent.objects.filter(partition=head.partition, seq__gt=head.last_seq).order_by("seq")
                .values_list("object_type", "action"))


def test_a_registration_through_the_api_stays_within_its_query_budget(task_queue, one_chain, api_key,
                                                                     django_assert_max_num_queries):
    client = Client()
    assert _create(client, api_key).status_code == 201  # the phone number is kept from now on
    with django_assert_max_num_queries(API_CREATE_QUERIES[connection.vendor]):
        response = _create(client, api_key)
    assert response.status_code == 201, response.content
    assert response.json()["forms"] == ["labour"]  # answered from what was written, not read back


def test_a_registration_with_people_and_new_entities_stays_within_its_query_budget(
        task_queue, one_chain, demo, django_assert_max_num_queries):
    actor = Actor.of(demo[Role.CARE_COORDINATOR])
    with django_assert_max_num_queries(SERVICE_REGISTER_QUERIES[connection.vendor]):
        signal = signal_register(
            actor=actor, observed_on=date(2026, 1, 5), municipality="GM0363", forms=["labour"], urgency="normal",
            basis="wmo", indicators=["ILO-07", "ILO-01"], address="Loodsweg 1, 1011 AB Amsterdam",
            entities=[("phone", "06 10000 905"), (EntityKind.VEHICLE, "XX-999-X")],
            people=[PersonInput(role="presumed_victim", estimated_age=30,
                                attributes=[(AttributeKind.PHONE, "06 10000 906")])])
    assert signal.entities.count() == 3 and signal.people.count() == 1


def test_every_write_of_a_registration_has_one_event_and_the_rules_route_it_in_the_background(
        task_queue, one_chain, demo):
    actor = Actor.of(demo[Role.CARE_COORDINATOR])
    signal = signal_register(
        actor=actor, observed_on=date(2026, 1, 5), municipality="GM0363", forms=["labour"], urgency="normal",
        basis="wmo", indicators=["ILO-07"], entities=[("phone", "06 10000 907"), ("phone", "0610000907")],
        people=[PersonInput(role="presumed_victim", attributes=[(AttributeKind.PHONE, "06 10000 908")])])
    # The same number twice is one entity with one event; the subject and the signal have theirs, in one run.
    assert _events_since(one_chain) == [("identity.subject", "create"), ("identity.entity", "create"),
                                        ("intake.signal", "create")]
    assert not signal.routings.exists()  # the registration has not waited for the rules

    head = AuditChain.objects.get(partition=0)
    signal_registered.call(str(signal.pk))
    routed = signal.routings.get()
    assert routed.rule_name and routed.reasons  # which rule routed it, and why
    shares = routed.shared_with.count()
    assert shares >= 1
    routing_events = [event for event in _events_since(head) if event[0].startswith("intake.")]
    assert sorted(routing_events) == sorted([("intake.routing", "create")] + [("intake.signal", "share")] * shares)

    signal_registered.call(str(signal.pk))  # a task run twice routes once, and tells nobody twice
    assert signal.routings.count() == 1
    assert [event for event in _events_since(head) if event[0].startswith("intake.")] == routing_events
    verify_chains()


def test_a_failure_inside_a_deferred_block_leaves_neither_the_write_nor_its_event(demo):
    actor = Actor.of(demo[Role.CARE_COORDINATOR])
    before = (AuditEvent.objects.count(), Entity.objects.count())
    with transaction.atomic():
        try:
            with deferred():
                entities_register(actor=actor, values=[("phone", "06 10000 909")])
                raise ValueError("something later in the registration fails")
        except ValueError:
            pass  # a caller that swallows the failure still cannot keep the entity without its event
        assert transaction.get_connection().needs_rollback
    assert (AuditEvent.objects.count(), Entity.objects.count()) == before


def test_an_event_recorded_in_a_rolled_back_savepoint_is_not_written(demo):
    actor = Actor.of(demo[Role.CARE_COORDINATOR])
    with transaction.atomic(), deferred():
        kept = record(actor=actor, action="read", object_type="identity.subject", object_id="kept")
        try:
            with transaction.atomic():
                record(actor=actor, action="read", object_type="identity.subject", object_id="rolled-back")
                raise ValueError
        except ValueError:
            pass
        assert kept.seq is None  # held until the block ends
    assert AuditEvent.objects.filter(object_id="kept").count() == 1
    assert not AuditEvent.objects.filter(object_id="rolled-back").exists()
    verify_chains()


def test_what_a_registration_adds_to_the_identity_store_is_in_the_hit_index(demo):
    actor = Actor.of(demo[Role.CARE_COORDINATOR])
    signal = signal_register(
        actor=actor, observed_on=date(2026, 1, 5), municipality="GM0363", forms=["labour"], urgency="normal",
        basis="wmo", entities=[("phone", "06 10000 910"), (EntityKind.COMPANY, "12345678")],
        people=[PersonInput(role="presumed_victim", attributes=[(AttributeKind.PHONE, "06 10000 911"),
                                                                (AttributeKind.NAME, "Demo Persoon")])])
    for entity in signal.entities.all():
        token = IdentifierToken.objects.get(entity=entity)
        assert (token.organisation_id, token.municipality_id) == (actor.organisation.pk, "GM0363")
    subject = signal.people.get().subject
    phone = IdentityAttribute.objects.get(subject=subject, kind=AttributeKind.PHONE)
    token = IdentifierToken.objects.get(attribute=phone)
    assert (token.organisation_id, token.municipality_id) == (actor.organisation.pk, "GM0363")
    # A name is no exact identifier: it stays out of the index.
    assert not IdentifierToken.objects.filter(attribute__subject=subject, kind=AttributeKind.NAME).exists()


def test_a_registration_marks_its_month_and_municipality_for_the_monitor_in_its_own_transaction(demo):
    from keten.intake.services import signal_register_from_guide
    from keten.monitor.facts import month_of
    from keten.monitor.models import StaleSlice

    StaleSlice.objects.all().delete()
    signal = signal_register(actor=Actor.of(demo[Role.CARE_COORDINATOR]), observed_on=date(2026, 1, 5),
                             municipality="GM0363", forms=["labour"], urgency="normal", basis="wmo")
    guided = signal_register_from_guide(observed_on=date(2026, 1, 5), municipality="GM0599", forms=["unknown"],
                                        urgency="normal")
    marked = set(StaleSlice.objects.values_list("month", "municipality"))
    assert marked == {(month_of(signal.created_at), "GM0363"), (month_of(guided.created_at), "GM0599")}


def test_text_that_looks_like_sql_or_a_placeholder_is_stored_as_typed(demo):
    """The batch binds each statement's values into its text (keten.core.statements): quotes, percent signs and
    placeholders in what a person types stay text."""
    typed = "100% zeker: %s en %(naam)s; '); DROP TABLE intake_signal; -- \\ \" ' ‘Ω’"
    signal = signal_register(actor=Actor.of(demo[Role.CARE_COORDINATOR]), observed_on=date(2026, 1, 5),
                             municipality="GM0363", forms=["labour"], urgency="normal", basis="wmo",
                             description=typed, entities=[(EntityKind.ONLINE_HANDLE, "@100%_%s")])
    signal.refresh_from_db()
    assert signal.description == typed
    assert signal.entities.get().value.endswith("100%_%s")

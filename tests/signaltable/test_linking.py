"""The linking engine in the platform: `manage.py link --rebuild` bundles the demo signals, and the verdicts of
table members are kept and win on the next run."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from keten.accounts.actor import Actor
from keten.audit.models import AuditEvent
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.core.models import AppendOnly
from keten.identity.models import EntityKind
from keten.intake.models import Signal, SignalEntity
from keten.signaltable.models import LinkDecision, LinkRun, SignalCluster
from keten.signaltable.services import link_decision_record

pytestmark = pytest.mark.django_db


def _rebuild() -> str:
    out = io.StringIO()
    call_command("link", "--rebuild", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _clusters(run: LinkRun) -> dict[str, set]:
    found = defaultdict(set)
    for key, signal in SignalCluster.objects.filter(run=run).values_list("cluster_key", "signal_id"):
        found[key].add(signal)
    return found


def test_demo_signals_sharing_a_phone_number_end_up_in_one_cluster(demo):
    summary = _rebuild()
    run = LinkRun.objects.first()
    assert f"records {run.records}" in summary and "largest cluster" in summary
    by_phone = defaultdict(set)
    for signal, value in SignalEntity.objects.filter(entity__kind=EntityKind.PHONE).values_list(
            "signal_id", "entity__value"):
        by_phone[value].add(signal)
    shared = [signals for signals in by_phone.values() if len(signals) >= 2]
    assert shared, "the demo world has signals sharing a phone number"
    clusters = _clusters(run)
    for signals in shared:
        assert any(signals <= members for members in clusters.values())


def test_the_bulk_read_of_the_identity_store_is_one_audit_event_with_a_purpose(demo):
    before = AuditEvent.objects.filter(object_type="identity.subject", action="search").count()
    _rebuild()
    events = AuditEvent.objects.filter(object_type="identity.subject", action="search")
    assert events.count() == before + 1
    assert events.order_by("-occurred_at").first().purpose == "table_meeting"


def test_link_without_rebuild_says_what_to_do(demo):
    with pytest.raises(CommandError, match="--rebuild"):
        call_command("link")


def _sharing_pair():
    by_phone = defaultdict(list)
    for signal, value in SignalEntity.objects.filter(entity__kind=EntityKind.PHONE).order_by(
            "signal__reference").values_list("signal_id", "entity__value"):
        by_phone[value].append(signal)
    a, b = next(signals for _value, signals in sorted(by_phone.items()) if len(signals) >= 2)[:2]
    return Signal.objects.get(pk=a), Signal.objects.get(pk=b)


def test_a_table_members_verdict_is_kept_and_wins_on_the_next_run(demo):
    chair = Actor.of(demo["table_chair"])
    a, b = _sharing_pair()
    decision = link_decision_record(actor=chair, signal_a=a, signal_b=b, verdict="different",
                                    reason="Andere persoon volgens de politie (fictief).")
    assert AuditEvent.objects.filter(object_id=str(decision.pk), action="create").exists()
    _rebuild()
    run = LinkRun.objects.first()
    person_clusters = {key: members for key, members in _clusters(run).items() if key.startswith("person-")}
    assert not any({a.pk, b.pk} <= members for members in person_clusters.values())
    with pytest.raises(AppendOnly):
        LinkDecision.objects.filter(pk=decision.pk).update(verdict="same")


def test_a_verdict_needs_a_reason_two_signals_and_a_seat_at_the_table(demo):
    a, b = _sharing_pair()
    chair = Actor.of(demo["table_chair"])
    with pytest.raises(ValidationFailed, match="reden"):
        link_decision_record(actor=chair, signal_a=a, signal_b=b, verdict="same", reason=" ")
    with pytest.raises(ValidationFailed, match="twee verschillende"):
        link_decision_record(actor=chair, signal_a=a, signal_b=a, verdict="same", reason="x")
    with pytest.raises(PermissionDenied):
        link_decision_record(actor=Actor.of(demo["national_analyst"]), signal_a=a, signal_b=b, verdict="same",
                             reason="x")
    assert not LinkDecision.objects.exists()

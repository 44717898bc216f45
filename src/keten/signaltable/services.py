"""Writes of the Signaaltafel's linking: recording people's verdicts on pairs of signals, and running and storing a
linking run over all signals."""

import time
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.audit.services import record as audit
from keten.core.clock import now
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.intake.models import Signal
from keten.linking import Decision, LinkResult, link
from keten.policy.decisions import decide
from keten.policy.purposes import ROLE_PURPOSES, Purpose
from keten.signaltable.adapter import SignalRecords, signal_records
from keten.signaltable.models import ClusterKind, LinkDecision, LinkRun, SignalCluster, Verdict

#: A value held by more signals than this makes no bundle (a shelter's phone, a big employer's address).
BUNDLE_CAP = 25


@transaction.atomic
def link_decision_record(*, actor: Actor, signal_a: Signal, signal_b: Signal, verdict: str,
                         reason: str) -> LinkDecision:
    """A table member's verdict that two signals are (not) about the same person or case; it wins over the
    engine from the next run on. Needs the table's purpose and access to both signals."""
    if Purpose.TABLE_MEETING not in ROLE_PURPOSES.get(actor.role, ()):
        raise PermissionDenied(_("Alleen deelnemers aan de Signaaltafel kunnen over koppelingen oordelen."))
    if signal_a.pk == signal_b.pk:
        raise ValidationFailed(_("Kies twee verschillende signalen."))
    if verdict not in Verdict.values:
        raise ValidationFailed(_("Kies of de signalen bij elkaar horen of niet."))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Geef een reden voor het oordeel."))
    for signal in (signal_a, signal_b):
        if not decide(actor, "read", signal, Purpose.TABLE_MEETING).allowed:
            raise PermissionDenied(_("U hebt geen toegang tot een van deze signalen."))
    decision = LinkDecision.objects.create(signal_a=signal_a, signal_b=signal_b, verdict=verdict, reason=reason,
                                           membership=actor.membership)
    audit(actor=actor, action="create", target=decision, purpose=Purpose.TABLE_MEETING)
    return decision


def decisions_as_pairs(found: SignalRecords) -> list[Decision]:
    """People's verdicts on signals as verdicts on their records: "same" ties one record of each signal
    together, "different" keeps every record of the one apart from every record of the other."""
    records_of: dict[str, list[str]] = {}
    for record_id, signal_id in found.signal_of.items():
        records_of.setdefault(signal_id, []).append(record_id)
    pairs = []
    for a, b, verdict, at in LinkDecision.objects.values_list("signal_a_id", "signal_b_id", "verdict",
                                                              "decided_at"):
        left, right = records_of.get(str(a), []), records_of.get(str(b), [])
        if not left or not right:
            continue
        if verdict == Verdict.SAME:
            pairs.append(Decision(left[0], right[0], "same", at))
        else:
            pairs.extend(Decision(x, y, "different", at) for x in left for y in right)
    return pairs


def link_rebuild(*, progress: Callable[[str, float], None] | None = None) -> tuple[LinkRun, LinkResult]:
    """Re-link every signal (after a model change, or nightly) and store the bundles as a new run. A system
    task: the bulk read of the identity store is recorded as one audit event with the table's purpose."""
    started = now()
    clock = time.perf_counter()
    audit(actor=None, action="search", object_type="identity.subject", purpose=Purpose.TABLE_MEETING)
    found = signal_records()
    result = link(found.records, decisions=decisions_as_pairs(found), progress=progress)
    return link_run_store(found=found, result=result, started_at=started,
                          seconds=time.perf_counter() - clock), result


@transaction.atomic
def link_run_store(*, found: SignalRecords, result: LinkResult, started_at, seconds: float) -> LinkRun:
    """One run and its bundles: per person cluster and per shared value, the signals in it (two or more)."""
    rows = []
    for number, cluster in enumerate(result.clusters(min_size=2)):
        signals = sorted({found.signal_of[record_id] for record_id in cluster})
        if len(signals) >= 2:
            rows += [(f"person-{number}", ClusterKind.PERSON, signal) for signal in signals]
    for number, bundle in enumerate(result.bundles(cap=BUNDLE_CAP)):
        signals = sorted({found.signal_of[record_id] for record_id in bundle.ids})
        if len(signals) >= 2 and bundle.kind in ClusterKind.values:
            rows += [(f"{bundle.kind}-{number}", bundle.kind, signal) for signal in signals]
    sizes: dict[str, int] = {}
    for key, _kind, _signal in rows:
        sizes[key] = sizes.get(key, 0) + 1
    run = LinkRun.objects.create(started_at=started_at, finished_at=now(), records=len(result.table),
                                 links=len(result.a), clusters=len(sizes), largest_cluster=max(sizes.values(),
                                                                                                default=0),
                                 seconds=seconds)
    SignalCluster.objects.bulk_create(
        SignalCluster(run=run, cluster_key=key, kind=kind, signal_id=signal) for key, kind, signal in rows)
    audit(actor=None, action="create", target=run, purpose=Purpose.TABLE_MEETING)
    return run

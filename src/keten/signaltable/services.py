"""Writes of the Signaaltafel's linking: recording people's verdicts on pairs of signals, and running and storing a
linking run over all signals."""

import time
import uuid
from collections.abc import Callable, Iterator
from itertools import islice

import numpy as np
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
from keten.signaltable.models import ClusterKind, LinkDecision, LinkRun, SignalCluster, SignalLink, Verdict

#: A value held by more signals than this makes no bundle (a shelter's phone, a big employer's address).
BUNDLE_CAP = 25
#: Explanations are inserted in batches of this size (a national run stores hundreds of thousands).
LINK_BATCH = 5_000
#: Links are compared and explained this many at a time, which bounds the memory of the explanations in flight.
EXPLAIN_CHUNK = 50_000


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
    """One run and its bundles: per person cluster and per shared value, the signals in it (two or more); and per
    pair of signals the engine linked, why (SignalLink: field names, levels and weights, never a value)."""
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
    # In batches as they are built: a national run's explanations do not all sit in memory at once.
    explained = _signal_links(run, found, result)
    while batch := list(islice(explained, LINK_BATCH)):
        SignalLink.objects.bulk_create(batch)
    audit(actor=None, action="create", target=run, purpose=Purpose.TABLE_MEETING)
    return run


_LINK_FIELDS = ("id", "created_at", "updated_at", "version", "run_id", "signal_a_id", "signal_b_id", "score",
                "weight", "prior", "contributions", "verdict")


def _signal_links(run: LinkRun | None, found: SignalRecords, result: LinkResult) -> Iterator[SignalLink]:
    """Per pair of different signals the strongest link between their records (a person's "same" first), with
    its explanation (LinkResult.explain_links, the batch form of explain). One vectorised pass over the run's
    links: no per-link work outside numpy but building the rows."""
    n = len(result.table)
    if tuple(field.attname for field in SignalLink._meta.concrete_fields) != _LINK_FIELDS:
        raise RuntimeError("SignalLink's fields changed: update _LINK_FIELDS and the row below")
    if not len(result.a):
        return
    run_id = run.pk if run is not None else None
    signals = sorted(set(found.signal_of.values()))  # string order of UUIDs is their order: a < b by id
    number = {signal: index for index, signal in enumerate(signals)}
    signal_of = np.fromiter((number[found.signal_of[record]] for record in result.table.ids), dtype=np.int64, count=n)
    x, y = np.minimum(result.a, result.b), np.maximum(result.a, result.b)
    p = result.probability
    forced = {pair: decision.verdict for pair, decision in result.verdicts.items()
              if decision.verdict == Verdict.SAME}
    is_forced = np.isin(x * n + y, np.array([a * n + b for a, b in forced], dtype=np.int64))
    sx, sy = signal_of[x], signal_of[y]
    apart = sx != sy
    x, y, p, is_forced = x[apart], y[apart], p[apart], is_forced[apart]
    low, high = np.minimum(sx[apart], sy[apart]), np.maximum(sx[apart], sy[apart])
    key = low * len(signals) + high
    order = np.lexsort((-p, ~is_forced, key))
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if len(order) else order
    x, y, p, low, high = x[first], y[first], p[first], low[first], high[first]

    prior = float(result.model.prior_bits)
    explained = result.explain_links(x, y, chunk=EXPLAIN_CHUNK)
    for (i, j, chance, a, b), (weight, parts) in zip(
            zip(x.tolist(), y.tolist(), p.tolist(), low.tolist(), high.tolist(), strict=True), explained, strict=True):
        # Positional, in _LINK_FIELDS order: Django's fast path (keyword arguments cost twice as much, and a
        # national run stores hundreds of thousands). Timestamps are set by bulk_create.
        yield SignalLink(uuid.uuid4(), None, None, 1, run_id, signals[a], signals[b], chance, weight, prior, parts,
                         forced.get((i, j), ""))

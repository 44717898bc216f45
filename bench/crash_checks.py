"""What bench/soak_crash.py checks after each round: acknowledged signals present, none half-written, one per key.

Every check reads the database afresh through the ORM of the soak's own process (its connection closed first: the
server may have been restarted since). Sets are read in dependency order (signals before what must accompany them)
so that the tasks worker, still routing meanwhile, can only add to what a later read sees, never take away."""

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTERED_TASK = "keten.intake.tasks.signal_registered"
#: The soak writes its Idempotency-Key into each signal's description, so a duplicate made by a retry shows.
KEY_IN_DESCRIPTION = re.compile(r"\(soak (soak-[0-9a-f-]+)\)")


@dataclass
class Findings:
    signals: int = 0
    lost: list = field(default_factory=list)  # acknowledged ids not in the database
    wrong_key: list = field(default_factory=list)  # the stored key names another signal than the one acknowledged
    duplicates: list = field(default_factory=list)  # keys with more than one signal
    unacknowledged: list = field(default_factory=list)  # signals whose key was never acknowledged
    half_written: dict = field(default_factory=dict)  # what is missing -> signal ids
    routings: int = 0
    routing_problems: dict = field(default_factory=dict)
    audit_ok: bool = False
    audit_line: str = ""

    @property
    def half_written_count(self) -> int:
        return len({signal for ids in self.half_written.values() for signal in ids})

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.wrong_key or self.duplicates or self.unacknowledged or self.half_written
                    or self.routing_problems or not self.audit_ok)

    def details(self) -> list[str]:
        lines = []
        for label, items in (("lost acknowledged", self.lost), ("key names another signal", self.wrong_key),
                             ("duplicate keys", self.duplicates), ("signals never acknowledged", self.unacknowledged)):
            if items:
                lines.append(f"{label}: {len(items)}, e.g. {items[:3]}")
        for missing, ids in {**self.half_written, **self.routing_problems}.items():
            lines.append(f"{missing}: {len(ids)}, e.g. {sorted(ids)[:3]}")
        if not self.audit_ok:
            lines.append(f"audit_verify: {self.audit_line}")
        return lines


def _ids(queryset, field_name: str) -> set[str]:
    return {str(value) for value in queryset.values_list(field_name, flat=True)}


def check(*, acknowledged: dict[str, str], membership_id, env: dict) -> Findings:
    """acknowledged: Idempotency-Key -> the signal id a 2xx answer gave for it (all rounds so far)."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from keten.audit.models import AuditEvent
    from keten.intake.models import IdempotencyKey, Routing, Signal, SignalEntity, SignalForm, SignalTransition

    connections.close_all()
    findings = Findings()
    described = dict(Signal.objects.filter(reporter_membership_id=membership_id).values_list("id", "description"))
    signals = {str(pk): description for pk, description in described.items()}
    findings.signals = len(signals)
    findings.lost = sorted(signal for signal in acknowledged.values() if signal not in signals)

    by_key: dict[str, list[str]] = {}
    for signal, description in signals.items():
        match = KEY_IN_DESCRIPTION.search(description)
        by_key.setdefault(match.group(1) if match else "?", []).append(signal)
    findings.duplicates = sorted(key for key, ids in by_key.items() if len(ids) > 1)
    findings.unacknowledged = sorted(key for key in by_key if key not in acknowledged)
    stored_keys = dict(IdempotencyKey.objects.filter(membership_id=membership_id).values_list("key", "signal_id"))
    findings.wrong_key = sorted(key for key, signal in acknowledged.items()
                                if str(stored_keys.get(key)) != signal)

    # What the registration writes with every signal in its one transaction (keten.intake.services.signal_register,
    # signal_register_idempotent): forms, the indicator, the first step of history, the phone number's link, the
    # key, the "create" audit event, and the routing task.
    ours = Signal.objects.filter(reporter_membership_id=membership_id)
    companions = {
        "no form": _ids(SignalForm.objects.filter(signal__in=ours), "signal_id"),
        "no indicator": _ids(Signal.indicators.through.objects.filter(signal__in=ours), "signal_id"),
        "no first step of history": _ids(SignalTransition.objects.filter(signal__in=ours, from_status=""),
                                          "signal_id"),
        "no entity link": _ids(SignalEntity.objects.filter(signal__in=ours), "signal_id"),
        "no idempotency key": _ids(IdempotencyKey.objects.filter(signal__in=ours), "signal_id"),
        "no audit event": _ids(AuditEvent.objects.filter(object_type="intake.signal", action="create"), "object_id"),
        "no routing task": {str(args["args"][0]) for args in DBTaskResult.objects.filter(
            task_path=REGISTERED_TASK).values_list("args_kwargs", flat=True) if args.get("args")},
    }
    for missing, present in companions.items():
        if absent := set(signals) - present:
            findings.half_written[missing] = absent

    # The worker's half: a routing (at most one per signal) with its own audit event.
    routed = list(Routing.objects.filter(signal__in=ours).values_list("id", "signal_id"))
    findings.routings = len(routed)
    routing_events = _ids(AuditEvent.objects.filter(object_type="intake.routing", action="create"), "object_id")
    twice = [str(signal) for signal, count in Counter(signal for _id, signal in routed).items() if count > 1]
    if twice:
        findings.routing_problems["routed more than once"] = set(twice)
    if unaudited := {str(pk) for pk, _signal in routed} - routing_events:
        findings.routing_problems["routing without audit event"] = unaudited

    findings.audit_ok, findings.audit_line = audit_verify(env)
    return findings


def audit_verify(env: dict) -> tuple[bool, str]:
    """`manage.py audit_verify` as an operator runs it: its exit code and last line."""
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "audit_verify"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode == 0, lines[-1] if lines else f"exit code {done.returncode}"


def routing_backlog(membership_id) -> Counter:
    """What is left of the routing of the soak's signals: tasks still queued (READY), and the signals left without
    a routing whose task will never run again: claimed by a worker that was killed (RUNNING for good) or ended by
    a lost database connection (FAILED; db_worker retries nothing). Not lost writes: the signal is stored and the
    region's triage sees it by policy, but its shares, registration tasks and notices are missing."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from keten.intake.models import Routing, Signal

    connections.close_all()
    unrouted = {str(pk) for pk in Signal.objects.filter(reporter_membership_id=membership_id)
                .exclude(pk__in=Routing.objects.values("signal_id")).values_list("pk", flat=True)}
    backlog = Counter()
    for status, args in (DBTaskResult.objects.filter(task_path=REGISTERED_TASK).exclude(status="SUCCESSFUL")
                         .values_list("status", "args_kwargs")):
        backlog[f"{status} tasks"] += 1
        if status != "READY" and str(args["args"][0]) in unrouted:
            backlog[f"signals never routed ({status})"] += 1
    backlog["signals without routing"] = len(unrouted)
    return backlog


def failed_task_errors() -> Counter:
    """Why routing tasks failed: their exception classes."""
    from django_tasks_db.models import DBTaskResult

    return Counter(DBTaskResult.objects.filter(task_path=REGISTERED_TASK, status="FAILED")
                   .values_list("exception_class_path", flat=True))

"""The signal's workflow: every step between two states is allowed or refused as the table says, a refusal says
why in Dutch, the step is taken by the right people, and the history only ever grows."""

from datetime import date
from itertools import pairwise, product

import pytest
from django.db import DatabaseError, connection, transaction

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.errors import ConcurrentUpdate, PermissionDenied
from keten.core.models import AppendOnly
from keten.intake.models import Signal, SignalTransition
from keten.intake.services import signal_register, signal_transition
from keten.intake.workflow import TRANSITIONS, Status, WorkflowError, check_transition, next_statuses

pytestmark = pytest.mark.django_db

S = Status
ALLOWED = {
    (S.NEW, S.TRIAGE), (S.NEW, S.CLOSED),
    (S.TRIAGE, S.AT_TABLE), (S.TRIAGE, S.REFERRED), (S.TRIAGE, S.RETURNED), (S.TRIAGE, S.CLOSED),
    (S.RETURNED, S.TRIAGE), (S.RETURNED, S.CLOSED),
    (S.AT_TABLE, S.REFERRED), (S.AT_TABLE, S.RETURNED), (S.AT_TABLE, S.CLOSED),
    (S.REFERRED, S.CLOSED),
}
# What each step needs besides the state: a reason to close, where it was referred to, the question.
NEEDS = {S.CLOSED: {"close_reason": "no_indication"}, S.REFERRED: {"referred_to": "police_avim"},
         S.RETURNED: {"note": "Wanneer was dit?"}}


@pytest.mark.parametrize(("current", "target"), list(product(S, S)))
def test_every_step_is_allowed_or_refused_as_the_workflow_says(current, target):
    # The table chair acts both as triage and as table; as reporter too, so only the states decide here.
    step = {"current": current, "target": target, "role": Role.TABLE_CHAIR, "is_reporter": True,
            **NEEDS.get(target, {})}
    if (current, target) in ALLOWED:
        check_transition(**step)
    else:
        with pytest.raises(WorkflowError) as refused:
            check_transition(**step)
        assert "niet" in str(refused.value.message)


def test_the_table_in_the_tests_is_the_table_in_the_code():
    assert set(TRANSITIONS) == ALLOWED


def test_a_refused_step_names_the_possible_ones():
    with pytest.raises(WorkflowError) as refused:
        check_transition(current=S.NEW, target=S.REFERRED, role=Role.CARE_COORDINATOR, is_reporter=False)
    assert str(refused.value.message) == ("Een signaal met status ‘Nieuw’ kan niet naar ‘Doorverwezen’. Mogelijk is: "
                                          "In triage, Afgesloten.")


def test_a_closed_signal_goes_nowhere():
    with pytest.raises(WorkflowError, match="afgesloten en gaat niet verder"):
        check_transition(current=S.CLOSED, target=S.TRIAGE, role=Role.TABLE_CHAIR, is_reporter=True)


@pytest.mark.parametrize(("target", "given", "message"), [
    (S.CLOSED, {}, "Kies een reden om het signaal af te sluiten."),
    (S.CLOSED, {"close_reason": "bored"}, "Kies een reden om af te sluiten uit de lijst."),
    (S.REFERRED, {}, "Kies de instantie waarnaar het signaal is doorverwezen."),
    (S.REFERRED, {"referred_to": "nobody"}, "Kies de instantie waarnaar het signaal is doorverwezen."),
    (S.RETURNED, {"note": "   "}, "Schrijf op welke informatie ontbreekt"),
    (S.CLOSED, {"close_reason": "duplicate", "note": "x" * 1001}, "te lang"),
])
def test_a_step_without_what_it_needs_is_refused(target, given, message):
    with pytest.raises(WorkflowError) as refused:
        check_transition(current=S.TRIAGE, target=target, role=Role.CARE_COORDINATOR, is_reporter=False, **given)
    assert message in str(refused.value.message)


@pytest.mark.parametrize(("role", "is_reporter", "current", "offered"), [
    (Role.CARE_COORDINATOR, False, S.NEW, [S.TRIAGE, S.CLOSED]),
    (Role.CARE_COORDINATOR, False, S.AT_TABLE, []),  # the table's decisions are the chair's to record
    (Role.TABLE_CHAIR, False, S.AT_TABLE, [S.REFERRED, S.RETURNED, S.CLOSED]),
    (Role.CARE_WORKER, False, S.NEW, []),
    (Role.CARE_WORKER, True, S.RETURNED, [S.TRIAGE]),  # the reporter answers the question
    (Role.CARE_WORKER, True, S.NEW, []),
])
def test_each_step_belongs_to_the_right_people(role, is_reporter, current, offered):
    assert next_statuses(current, role, is_reporter=is_reporter) == offered


def test_someone_who_may_not_take_a_step_is_told_who_does():
    with pytest.raises(PermissionDenied) as refused:
        check_transition(current=S.AT_TABLE, target=S.REFERRED, role=Role.POLICE_INVESTIGATOR, is_reporter=False,
                         referred_to="police_avim")
    assert "de voorzitter van de Signaaltafel" in str(refused.value.message)


# --- Through the service ----------------------------------------------------------------------------------------


def _actor(demo, role):
    return Actor.of(demo[role])


@pytest.fixture
def signal(demo):
    return signal_register(actor=_actor(demo, Role.CARE_WORKER), observed_on=date(2026, 1, 5),
                           municipality="GM0363", forms=["sexual"], urgency="high", basis="avg_6_1_e")


def _step(actor, signal, target, **needs):
    return signal_transition(actor=actor, signal=signal, to_status=target, expected_version=signal.version, **needs)


def test_a_signal_travels_the_workflow_and_its_history_shows_every_step(demo, signal):
    coordinator, chair = _actor(demo, Role.CARE_COORDINATOR), _actor(demo, Role.TABLE_CHAIR)
    reporter = _actor(demo, Role.CARE_WORKER)
    _step(coordinator, signal, S.TRIAGE)
    _step(coordinator, signal, S.RETURNED, note="Op welk adres was dit?")
    _step(reporter, signal, S.TRIAGE)
    _step(coordinator, signal, S.AT_TABLE)
    _step(chair, signal, S.REFERRED, referred_to="police_avim", close_reason="duplicate")
    _step(chair, signal, S.CLOSED, close_reason="handled")

    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.status, stored.close_reason, stored.version) == ("closed", "handled", signal.version)
    steps = list(stored.transitions.values_list("from_status", "to_status", "membership__role"))
    assert steps == [("", "new", "care_worker"), ("new", "triage", "care_coordinator"),
                     ("triage", "returned", "care_coordinator"), ("returned", "triage", "care_worker"),
                     ("triage", "at_table", "care_coordinator"), ("at_table", "referred", "table_chair"),
                     ("referred", "closed", "table_chair")]
    referred = stored.transitions.get(to_status="referred")
    assert (referred.referred_to, referred.close_reason) == ("police_avim", "")
    assert AuditEvent.objects.filter(object_id=str(signal.pk), action="update").count() == 6


def test_a_step_on_a_signal_someone_else_just_moved_is_refused_and_writes_nothing(demo, signal):
    coordinator, police = _actor(demo, Role.CARE_COORDINATOR), _actor(demo, Role.POLICE_INVESTIGATOR)
    stale = Signal.objects.get(pk=signal.pk)
    _step(coordinator, signal, S.TRIAGE)
    with pytest.raises(ConcurrentUpdate):
        _step(police, stale, S.CLOSED, close_reason="duplicate")
    assert stale.status == "new"  # the caller's copy is left as it was read
    assert Signal.objects.get(pk=signal.pk).status == "triage"
    assert signal.transitions.count() == 2


def test_triage_outside_ones_region_is_refused_by_policy(demo, signal):
    vt_limburg = _actor(demo, Role.VEILIG_THUIS_WORKER)
    with pytest.raises(PermissionDenied):
        _step(vt_limburg, signal, S.TRIAGE)
    assert Signal.objects.get(pk=signal.pk).status == "new" and signal.transitions.count() == 1


def test_the_history_cannot_be_changed_or_deleted(demo, signal):
    step = signal.transitions.get()
    step.note = "Achteraf aangepast"
    with pytest.raises(AppendOnly):
        step.save()
    with pytest.raises(AppendOnly):
        step.delete()
    with pytest.raises(AppendOnly):
        SignalTransition.objects.filter(pk=step.pk).update(note="x")
    with pytest.raises(AppendOnly):
        SignalTransition.objects.filter(pk=step.pk).delete()


def test_on_postgresql_the_database_itself_refuses_to_change_the_history(demo, signal):
    if connection.vendor != "postgresql":  # asked at run time: the --postgres leg switches the database late
        pytest.skip("the trigger exists on PostgreSQL only")
    step = signal.transitions.get()
    for statement in ("UPDATE intake_signaltransition SET note = 'x' WHERE id = %s",
                      "DELETE FROM intake_signaltransition WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [step.pk])


# --- The demo --------------------------------------------------------------------------------------------------------


def test_the_demo_has_signals_in_every_state_in_both_regions_along_allowed_steps(demo):
    statuses = set(Signal.objects.values_list("status", flat=True))
    assert statuses == set(S.values)
    provinces = set(Signal.objects.values_list("municipality__regions__code", flat=True))
    assert {"PV27", "PV31"} <= provinces
    assert 250 <= Signal.objects.count() <= 400
    for signal in Signal.objects.prefetch_related("transitions"):
        path = [step.to_status for step in signal.transitions.all()]
        assert path[0] == "new" and path[-1] == signal.status, signal.reference
        assert all((S(a), S(b)) in TRANSITIONS for a, b in pairwise(path)), signal.reference

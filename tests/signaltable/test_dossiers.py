"""Dossiers: the engine makes them from a link run's bundles, people add, remove, merge and split with a reason, and
what people did is kept when the engine runs again. Refusals for roles outside the table and dossiers out of reach."""

import io
from collections import Counter

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keten.accounts.actor import Actor
from keten.accounts.models import Membership
from keten.audit.models import AuditEvent
from keten.core.errors import ConcurrentUpdate, DomainError, PermissionDenied, ValidationFailed
from keten.intake.models import Signal
from keten.signaltable.dossier_services import (
    DOSSIER_CAP,
    dossier_add_signal,
    dossier_create,
    dossier_hand_over,
    dossier_merge,
    dossier_remove_signal,
    dossier_split,
    dossiers_sync,
    table_owner_for,
)
from keten.signaltable.models import (
    ChangeKind,
    ClusterKind,
    Dossier,
    DossierChange,
    DossierSignal,
    DossierStatus,
    LinkRun,
    SignalCluster,
)
from keten.signaltable.selectors import dossiers_visible
from keten.signaltable.services import link_rebuild

pytestmark = pytest.mark.django_db

REASON = "Volgens de politie een andere zaak (fictief)."


def _sync() -> tuple[LinkRun, object]:
    run, _result = link_rebuild()
    return run, dossiers_sync(run)


def _active(dossier: Dossier) -> set:
    return set(DossierSignal.objects.filter(dossier=dossier, is_active=True).values_list("signal_id", flat=True))


def _active_map() -> dict:
    return dict(DossierSignal.objects.filter(is_active=True).values_list("signal_id", "dossier_id"))


def _chair(demo) -> Actor:
    return Actor.of(demo["table_chair"])


def _biggest(actor: Actor, n: int = 0) -> Dossier:
    """The n-th largest open dossier the actor may see (the demo's Noord-Holland dossiers for the chair)."""
    ranked = dossiers_visible(actor=actor).filter(memberships__is_active=True).annotate(
        size=Count("memberships")).order_by("-size", "reference")
    return Dossier.objects.get(pk=ranked[n].pk)


def _signals(dossier: Dossier) -> list[Signal]:
    return list(Signal.objects.filter(pk__in=_active(dossier)).order_by("observed_on", "reference"))


def _free_signal(actor: Actor) -> Signal:
    """A signal in the chair's region that is in no dossier."""
    taken = DossierSignal.objects.filter(is_active=True).values("signal_id")
    return Signal.objects.filter(municipality__regions=actor.membership.region).exclude(pk__in=taken).order_by(
        "reference").first()


def _limburg_member(demo, make_person) -> Actor:
    user, _password, _secret = make_person("table_member", region=demo["veilig_thuis_worker"].region)
    return Actor.of(Membership.objects.get(user=user))


# --- The engine -----------------------------------------------------------------------------------------------------


def _forget(dossier: Dossier) -> list[Signal]:
    """Its signals as if they had come in after the last sync: in no dossier, never taken out of one."""
    signals = _signals(dossier)
    DossierSignal.objects.filter(signal__in=signals).update(is_active=False)
    return signals


def test_the_demo_signals_bundles_are_the_demo_dossiers(demo):
    run, result = _sync()
    assert result.created == [] and result.extended == [], "the demo world was made by the same engine"
    components: dict = {}
    # Person clusters are never cut; weaker ties (address, vehicle, phone) may be, where a component is too large.
    for key, signal in SignalCluster.objects.filter(run=run, kind=ClusterKind.PERSON).values_list(
            "cluster_key", "signal_id"):
        components.setdefault(key, set()).add(signal)
    active = _active_map()
    for signals in components.values():
        assert len({active[s] for s in signals}) == 1, "a person's signals are in one dossier"
    sizes = Counter(active.values())
    assert max(sizes.values()) <= DOSSIER_CAP
    engine_made = Dossier.objects.filter(by_engine=True)
    assert engine_made.count() >= 5
    assert {d.owner for d in engine_made} == {demo["table_chair"].organisation, None}  # no chair in Limburg yet


def test_the_engine_makes_a_dossier_of_a_new_bundle(demo):
    run, _result = _sync()
    signals = _forget(_biggest(_chair(demo)))
    result = dossiers_sync(run)
    assert len(result.created) == 1 and result.extended == []
    dossier = result.created[0]
    assert dossier.by_engine and _active(dossier) == {s.pk for s in signals}
    assert dossier.municipality_id == signals[0].municipality_id  # the earliest signal's place
    assert dossier.owner == table_owner_for(dossier.municipality) == demo["table_chair"].organisation
    change = DossierChange.objects.get(dossier=dossier)
    assert change.kind == ChangeKind.CREATED and change.membership is None
    event = AuditEvent.objects.get(object_id=str(dossier.pk), action="create")
    assert event.actor_id is None and event.purpose == "table_meeting"


def test_syncing_the_same_run_again_changes_nothing(demo):
    run, _result = _sync()
    before = (_active_map(), DossierChange.objects.count(), AuditEvent.objects.count())
    again = dossiers_sync(run)
    assert again.created == [] and again.extended == []
    assert (_active_map(), DossierChange.objects.count(), AuditEvent.objects.count()) == before


def test_a_signal_that_joins_a_bundle_later_is_added_to_that_dossier(demo):
    run, _result = _sync()
    dossier = _biggest(_chair(demo))
    late = _signals(dossier)[-1]
    DossierSignal.objects.filter(signal=late).delete()  # as if it came in after the last sync
    result = dossiers_sync(run)
    assert result.extended == [dossier] and late.pk in _active(dossier)
    change = DossierChange.objects.filter(dossier=dossier).last()
    assert change.kind == ChangeKind.ENGINE and change.signals == [str(late.pk)]
    assert AuditEvent.objects.filter(object_id=str(dossier.pk), action="update", actor_id=None).exists()


def test_link_rebuild_says_how_many_dossiers_it_made(demo):
    _forget(_biggest(_chair(demo)))
    out = io.StringIO()
    call_command("link", "--rebuild", stdout=out, stderr=io.StringIO())
    assert "dossiers: 1 created, 0 extended" in out.getvalue()


# --- What people did is kept across re-runs --------------------------------------------------------------------------


def test_a_removed_signal_is_not_put_back_when_the_engine_runs_again(demo):
    chair = _chair(demo)
    _sync()
    dossier = _biggest(chair)
    signal = _signals(dossier)[0]
    dossier_remove_signal(actor=chair, dossier=dossier, signal=signal, reason=REASON)
    _sync()
    assert signal.pk not in _active(dossier)
    change = DossierChange.objects.filter(dossier=dossier).last()
    assert (change.kind, change.reason, change.membership) == (ChangeKind.REMOVED, REASON, demo["table_chair"])
    assert AuditEvent.objects.filter(object_id=str(dossier.pk), action="update", actor_id=chair.user.pk).exists()


def test_a_merge_stays_merged_when_the_engine_runs_again(demo):
    chair = _chair(demo)
    _sync()
    dossier, other = _biggest(chair, 0), _biggest(chair, 1)
    moved = _active(other)
    dossier_merge(actor=chair, dossier=dossier, other=other, reason=REASON)
    _sync()
    other.refresh_from_db()
    assert (other.status, other.merged_into) == (DossierStatus.MERGED, dossier)
    assert moved <= _active(dossier) and _active(other) == set()
    assert DossierChange.objects.filter(dossier=other, kind=ChangeKind.MERGED, other=dossier).exists()
    assert DossierChange.objects.filter(dossier=dossier, kind=ChangeKind.MERGED, other=other).exists()


def test_a_signal_taken_out_before_a_merge_stays_out_of_the_merged_dossier(demo):
    chair = _chair(demo)
    _sync()
    dossier, other = _biggest(chair, 0), _biggest(chair, 1)
    out = _signals(other)[0]
    dossier_remove_signal(actor=chair, dossier=other, signal=out, reason=REASON)
    dossier_merge(actor=chair, dossier=dossier, other=other, reason=REASON)
    _sync()
    assert out.pk not in _active_map()


def test_a_split_is_not_merged_back_when_the_engine_runs_again(demo):
    chair = _chair(demo)
    _sync()
    dossier = _biggest(chair)
    part = _signals(dossier)[:2]
    new = dossier_split(actor=chair, dossier=dossier, signals=part, reason=REASON)
    _sync()
    assert _active(new) == {s.pk for s in part}
    assert not _active(dossier) & _active(new)
    assert not new.by_engine and new.created_by == demo["table_chair"]
    assert (new.municipality, new.owner) == (dossier.municipality, dossier.owner)
    assert AuditEvent.objects.filter(object_id=str(new.pk), action="create", actor_id=chair.user.pk).exists()


# --- Rules of people's changes --------------------------------------------------------------------------------------


def test_every_change_needs_a_reason(demo):
    chair = _chair(demo)
    _sync()
    dossier = _biggest(chair)
    before = _active(dossier)
    with pytest.raises(ValidationFailed, match="reden"):
        dossier_remove_signal(actor=chair, dossier=dossier, signal=_signals(dossier)[0], reason="   ")
    assert _active(dossier) == before


def test_a_role_outside_the_table_may_not_change_a_dossier(demo):
    _sync()
    dossier = _biggest(_chair(demo))
    with pytest.raises(PermissionDenied):
        dossier_remove_signal(actor=Actor.of(demo["care_worker"]), dossier=dossier, signal=_signals(dossier)[0],
                              reason=REASON)


def test_a_table_member_of_another_region_may_not_change_the_dossier(demo, make_person):
    _sync()
    dossier = _biggest(_chair(demo))
    with pytest.raises(PermissionDenied, match=dossier.reference):
        dossier_remove_signal(actor=_limburg_member(demo, make_person), dossier=dossier,
                              signal=_signals(dossier)[0], reason=REASON)
    assert len(_active(dossier)) == len(_signals(dossier))


def test_a_signal_in_another_dossier_cannot_be_added_the_member_is_told_to_merge(demo):
    chair = _chair(demo)
    _sync()
    dossier, other = _biggest(chair, 0), _biggest(chair, 1)
    with pytest.raises(ValidationFailed, match=f"{other.reference}.*samen"):
        dossier_add_signal(actor=chair, dossier=dossier, signal=_signals(other)[0], reason=REASON)


def test_a_signal_taken_out_can_be_put_back_by_a_person(demo):
    chair = _chair(demo)
    _sync()
    dossier = _biggest(chair)
    signal = _signals(dossier)[0]
    dossier_remove_signal(actor=chair, dossier=dossier, signal=signal, reason=REASON)
    dossier_add_signal(actor=chair, dossier=dossier, signal=signal, reason=REASON)
    assert signal.pk in _active(dossier)


def test_the_last_signal_cannot_be_removed_and_a_split_must_leave_some(demo):
    chair = _chair(demo)
    _sync()
    dossier = dossier_create(actor=chair, signals=[_free_signal(chair)], reason=REASON)
    with pytest.raises(ValidationFailed, match="laatste"):
        dossier_remove_signal(actor=chair, dossier=dossier, signal=_signals(dossier)[0], reason=REASON)
    big = _biggest(chair)
    with pytest.raises(ValidationFailed):
        dossier_split(actor=chair, dossier=big, signals=_signals(big), reason=REASON)
    with pytest.raises(ValidationFailed):
        dossier_split(actor=chair, dossier=big, signals=[], reason=REASON)


def test_a_member_groups_free_signals_into_a_dossier_by_hand(demo):
    chair = _chair(demo)
    _sync()
    signal = _free_signal(chair)
    dossier = dossier_create(actor=chair, signals=[signal], reason=REASON)
    assert _active(dossier) == {signal.pk} and not dossier.by_engine
    assert dossier.created_by == demo["table_chair"] and dossier.municipality == signal.municipality
    change = DossierChange.objects.get(dossier=dossier)
    assert (change.kind, change.membership, change.reason) == (ChangeKind.CREATED, demo["table_chair"], REASON)
    assert AuditEvent.objects.filter(object_id=str(dossier.pk), action="create", actor_id=chair.user.pk).exists()
    with pytest.raises(ValidationFailed, match=dossier.reference):
        dossier_create(actor=chair, signals=[signal], reason=REASON)


def test_a_merged_dossier_can_no_longer_be_changed(demo):
    chair = _chair(demo)
    _sync()
    dossier, other = _biggest(chair, 0), _biggest(chair, 1)
    dossier_merge(actor=chair, dossier=dossier, other=other, reason=REASON)
    other.refresh_from_db()
    with pytest.raises(ValidationFailed, match="open dossier"):
        dossier_add_signal(actor=chair, dossier=other, signal=_free_signal(chair), reason=REASON)


def test_a_change_on_a_dossier_someone_else_just_changed_is_refused(demo):
    chair = _chair(demo)
    _sync()
    dossier = _biggest(chair)
    stale = dossier.version
    dossier_remove_signal(actor=chair, dossier=dossier, signal=_signals(dossier)[0], reason=REASON)
    with pytest.raises(ConcurrentUpdate):
        dossier_remove_signal(actor=chair, dossier=dossier, signal=_signals(dossier)[0], reason=REASON,
                              expected_version=stale)


def test_a_dossier_handed_over_moves_to_the_other_regions_table(demo):
    chair = _chair(demo)
    _sync()
    dossier = _biggest(chair)
    limburg = demo["veilig_thuis_worker"].region
    dossier_hand_over(actor=chair, dossier=dossier, region=limburg, reason=REASON)
    dossier.refresh_from_db()
    assert limburg.municipalities.filter(pk=dossier.municipality_id).exists()
    assert dossier.owner == table_owner_for(dossier.municipality)
    assert DossierChange.objects.filter(dossier=dossier, kind=ChangeKind.HANDED_OVER, reason=REASON).exists()
    assert not dossiers_visible(actor=chair).filter(pk=dossier.pk).exists()


# --- Pages ------------------------------------------------------------------------------------------------------------


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _page(dossier) -> str:
    return reverse("signaltable:dossier", kwargs={"dossier_id": dossier.pk})


def test_the_dossier_page_offers_the_changes(demo, client_for):
    _sync()
    dossier = _biggest(_chair(demo))
    page = client_for("table_chair").get(_page(dossier)).content.decode()
    for name in ("dossier-add-signal", "dossier-remove-signal", "dossier-merge", "dossier-split"):
        assert reverse(f"signaltable:{name}", kwargs={"dossier_id": dossier.pk}) in page


def test_adding_a_signal_by_its_reference_on_the_page(demo, client_for):
    chair = _chair(demo)
    _sync()
    dossier, signal = _biggest(chair), _free_signal(chair)
    url = reverse("signaltable:dossier-add-signal", kwargs={"dossier_id": dossier.pk})
    refused = client_for("care_worker").post(url, {"reference": signal.reference, "reason": REASON})
    assert refused.status_code == 403
    reasonless = client_for("table_chair").post(url, {"reference": signal.reference, "reason": ""})
    assert reasonless["Location"] == _page(dossier) and "reden" in _messages(reasonless)
    assert signal.pk not in _active(dossier)
    response = client_for("table_chair").post(url, {"reference": signal.reference.lower(), "reason": REASON})
    assert response["Location"] == _page(dossier) and signal.reference in _messages(response)
    assert signal.pk in _active(dossier)


def test_removing_a_signal_on_the_page(demo, client_for):
    _sync()
    dossier = _biggest(_chair(demo))
    signal = _signals(dossier)[0]
    url = reverse("signaltable:dossier-remove-signal", kwargs={"dossier_id": dossier.pk})
    assert client_for("municipality_officer").post(url, {"signal": signal.pk, "reason": REASON}).status_code == 403
    assert signal.pk in _active(dossier)
    response = client_for("table_chair").post(url, {"signal": signal.pk, "reason": REASON, "version": 1})
    assert response["Location"] == _page(dossier) and "niet opnieuw" in _messages(response)
    assert signal.pk not in _active(dossier)


def test_merging_on_the_page_and_out_of_reach_answers_404(demo, client_for, make_person):
    _sync()
    dossier, other = _biggest(_chair(demo), 0), _biggest(_chair(demo), 1)
    url = reverse("signaltable:dossier-merge", kwargs={"dossier_id": dossier.pk})
    user, _password, _secret = make_person("table_member", region=demo["veilig_thuis_worker"].region)
    outsider = client_for("table_member")
    outsider.force_login(user)
    assert outsider.post(url, {"reference": other.reference, "reason": REASON}).status_code == 404
    unknown = client_for("table_chair").post(url, {"reference": "D-NOTHER", "reason": REASON})
    assert "D-NOTHER" in _messages(unknown)
    response = client_for("table_chair").post(url, {"reference": other.reference, "reason": REASON})
    assert response["Location"] == _page(dossier) and other.reference in _messages(response)
    other.refresh_from_db()
    assert other.status == DossierStatus.MERGED


def test_splitting_on_its_own_page(demo, client_for):
    _sync()
    dossier = _biggest(_chair(demo))
    signals = _signals(dossier)
    url = reverse("signaltable:dossier-split", kwargs={"dossier_id": dossier.pk})
    assert client_for("national_analyst").get(url).status_code == 403
    page = client_for("table_chair").get(url)
    assert page.status_code == 200 and signals[0].reference in page.content.decode()
    everything = client_for("table_chair").post(url, {"signals": [s.pk for s in signals], "reason": REASON})
    assert everything.status_code == 400 and "ten minste één signaal" in everything.content.decode()
    response = client_for("table_chair").post(url, {"signals": [signals[0].pk], "reason": REASON})
    assert response["Location"] == _page(dossier) and "nieuwe dossier" in _messages(response)
    assert signals[0].pk not in _active(dossier)


def test_creating_a_dossier_from_the_list_page(demo, client_for):
    chair = _chair(demo)
    _sync()
    signal = _free_signal(chair)
    url = reverse("signaltable:dossier-create")
    assert url in client_for("table_chair").get(reverse("signaltable:dossier-list")).content.decode()
    assert client_for("care_worker").post(url, {"references": signal.reference, "reason": REASON}).status_code == 403
    taken = _signals(_biggest(chair))[0]
    refused = client_for("table_chair").post(url, {"references": f"{signal.reference} {taken.reference}",
                                                   "reason": REASON, "next": "/signaaltafel/"})
    assert refused["Location"] == "/signaaltafel/" and taken.reference in _messages(refused)
    assert signal.pk not in _active_map()
    response = client_for("table_chair").post(url, {"references": signal.reference, "reason": REASON,
                                                    "next": "https://elders.invalid/"})
    dossier = Dossier.objects.get(pk=_active_map()[signal.pk])
    assert response["Location"] == _page(dossier)


# --- Any sequence of changes and re-runs ------------------------------------------------------------------------------

STEPS = st.lists(st.tuples(st.sampled_from(["add", "remove", "merge", "split", "create", "arrive", "sync"]),
                           st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=8)


def _step(op: str, i: int, j: int, *, chair: Actor, run: LinkRun, removed: set) -> None:
    """One change by the chair (refusals are fine), keeping `removed`: (dossier, signal) pairs a person took out
    that no one put back by hand."""
    open_ = list(dossiers_visible(actor=chair).order_by("reference"))
    dossier = open_[i % len(open_)] if open_ else None
    signals = _signals(dossier) if dossier else []
    try:
        if op == "sync":
            before = _active_map()
            dossiers_sync(run)
            after = _active_map()
            assert all(after[s] == d for s, d in before.items()), "the engine moved or dropped a signal"
        elif op == "remove" and signals:
            signal = signals[j % len(signals)]
            dossier_remove_signal(actor=chair, dossier=dossier, signal=signal, reason=REASON)
            removed.add((dossier.pk, signal.pk))
        elif op == "add" and dossier:
            signal = Signal.objects.filter(municipality__regions=chair.membership.region).order_by("reference")[j]
            dossier_add_signal(actor=chair, dossier=dossier, signal=signal, reason=REASON)
            removed.discard((dossier.pk, signal.pk))
        elif op == "merge" and dossier:
            other = open_[j % len(open_)]
            moving = _active(other)
            dossier_merge(actor=chair, dossier=dossier, other=other, reason=REASON)
            removed.difference_update((dossier.pk, s) for s in moving)
        elif op == "split" and len(signals) > 1:
            part = signals[:1 + j % (len(signals) - 1)]
            dossier_split(actor=chair, dossier=dossier, signals=part, reason=REASON)
            removed.update((dossier.pk, s.pk) for s in part)
        elif op == "arrive" and signals:
            # A signal the engine has not seen yet: one no person ever took out of a dossier.
            fresh = [s for s in signals if not DossierSignal.objects.filter(signal=s, is_active=False).exists()]
            if fresh and len(signals) > 1:
                DossierSignal.objects.filter(signal=fresh[j % len(fresh)]).delete()
        elif op == "create":
            free = _free_signal(chair)
            if free:
                dossier_create(actor=chair, signals=[free], reason=REASON)
    except DomainError:
        pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_no_sequence_of_changes_and_re_runs_puts_a_signal_in_two_dossiers_or_a_removed_one_back(demo, steps):
    chair = _chair(demo)
    run = LinkRun.objects.first()
    if run is None or not DossierSignal.objects.exists():
        run, _result = _sync()  # once per test: the examples below roll back to this world
    with transaction.atomic():
        removed: set = set()
        for op, i, j in steps:
            _step(op, i, j, chair=chair, run=run, removed=removed)
            doubles = DossierSignal.objects.filter(is_active=True).values("signal").annotate(n=Count("id")).filter(
                n__gt=1)
            assert not doubles.exists(), "a signal is active in two dossiers"
            back = [pair for pair in removed
                    if DossierSignal.objects.filter(dossier_id=pair[0], signal_id=pair[1], is_active=True).exists()]
            assert back == [], f"a removed signal came back after {op}"
        transaction.set_rollback(True)


def test_one_shared_address_does_not_glue_unrelated_pairs_into_one_dossier(demo):
    """Thirty signals at one big address, in fifteen pairs that each share a phone: fifteen dossiers of two, not one
    of thirty (the component is over the cap, so it is cut at its weakest tie, the address)."""
    signals = list(Signal.objects.filter(reporter_organisation__isnull=False).order_by("reference")[:30])
    DossierSignal.objects.filter(signal__in=signals).update(is_active=False)
    run = LinkRun.objects.create()
    rows = [SignalCluster(run=run, cluster_key="address-0", kind=ClusterKind.ADDRESS, signal=s) for s in signals]
    rows += [SignalCluster(run=run, cluster_key=f"phone-{i // 2}", kind=ClusterKind.PHONE, signal=s)
             for i, s in enumerate(signals)]
    SignalCluster.objects.bulk_create(rows)
    dossiers_sync(run)
    sizes = sorted(DossierSignal.objects.filter(signal__in=signals, is_active=True).values("dossier_id")
                   .annotate(n=Count("id")).values_list("n", flat=True))
    assert sizes == [2] * 15

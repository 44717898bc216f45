"""Link explanations at the table: every link a run makes between two signals is stored with why (field, level and
weight, never a value), the dossier page shows it in Dutch with a verdict form, and the verdict is recorded, audited
and kept by the next run. Refusals for roles outside the table, a missing reason and a signal out of reach."""

import json
from collections import defaultdict

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.models import Membership
from keten.audit.models import AuditEvent
from keten.identity.models import Entity, IdentityAttribute
from keten.intake.models import Signal
from keten.linking.compare import FIELDS
from keten.signaltable.adapter import signal_records
from keten.signaltable.dossier_services import dossier_create, dossiers_sync
from keten.signaltable.explanations import dossier_links
from keten.signaltable.models import (
    ClusterKind,
    Dossier,
    DossierSignal,
    LinkDecision,
    LinkRun,
    SignalCluster,
    SignalLink,
    Verdict,
)
from keten.signaltable.selectors import dossiers_visible
from keten.signaltable.services import link_decision_record, link_rebuild

pytestmark = pytest.mark.django_db

REASON = "Volgens de politie twee verschillende personen (fictief)."
LEVELS = {spec.name: spec.levels for spec in FIELDS}


def _rebuild() -> tuple[LinkRun, object]:
    run, result = link_rebuild()
    dossiers_sync(run)
    return run, result


def _chair(demo) -> Actor:
    return Actor.of(demo["table_chair"])


def _linked_dossier(actor: Actor) -> tuple[Dossier, list]:
    """The actor's open dossier with the most explained links, and those links."""
    found = [(dossier, dossier_links(actor, dossier)) for dossier in dossiers_visible(actor=actor)]
    dossier, links = max(found, key=lambda pair: (len(pair[1]), pair[0].reference))
    assert links, "the demo's dossiers have links between their signals"
    return dossier, links


def _persons_together(run: LinkRun, a, b) -> bool:
    members = defaultdict(set)
    for key, signal in SignalCluster.objects.filter(run=run, kind=ClusterKind.PERSON).values_list(
            "cluster_key", "signal_id"):
        members[key].add(signal)
    return any({a, b} <= signals for signals in members.values())


def _post(client, dossier, a, b, verdict="different", reason=REASON):
    return client.post(reverse("signaltable:link-verdict", kwargs={"dossier_id": dossier.pk}),
                       {"signal_a": str(a.pk), "signal_b": str(b.pk), "verdict": verdict, "reason": reason})


# --- What a run stores ------------------------------------------------------------------------------------------


def test_every_link_between_two_signals_is_stored_once_with_weights_that_add_up_to_its_score(demo):
    run, result = _rebuild()
    found = signal_records()
    strongest = {}
    for link in result.links():
        a, b = sorted((found.signal_of[link.a], found.signal_of[link.b]))
        if a != b:
            strongest.setdefault((a, b), []).append(link)
    stored = list(SignalLink.objects.filter(run=run))
    assert stored and {(str(s.signal_a_id), str(s.signal_b_id)) for s in stored} == set(strongest)
    for link in stored:
        assert str(link.signal_a_id) < str(link.signal_b_id)
        assert all(set(part) == {"field", "level", "weight"} for part in link.contributions)
        assert all(part["level"] in LEVELS[part["field"]] for part in link.contributions)
        # The engine's score: the prior plus every field's weight in bits, and its probability from that sum.
        assert link.weight == pytest.approx(link.prior + sum(p["weight"] for p in link.contributions), abs=0.01)
        expected = 1.0 if link.verdict == Verdict.SAME else 1 / (1 + 2 ** -link.weight)
        assert link.score == pytest.approx(expected, abs=1e-6)
        assert link.score >= 0.5
        # Where one pair of records ties the two signals, the stored explanation is the engine's own for that pair.
        records = strongest[str(link.signal_a_id), str(link.signal_b_id)]
        if len(records) == 1:
            engine = result.explain(records[0].a, records[0].b)
            assert link.weight == pytest.approx(engine.bits, abs=0.01)
            assert {(p["field"], p["level"]) for p in link.contributions} == {
                (c.field, c.level) for c in engine.contributions}


def test_signals_sharing_a_phone_number_are_explained_by_that_phone_number(demo):
    run, _result = _rebuild()
    shared = [link for link in SignalLink.objects.filter(run=run)
              if any(p["field"] == "phone" and p["level"] == "shared value" for p in link.contributions)]
    assert shared
    assert all(p["weight"] >= 0 for link in shared for p in link.contributions if p["field"] == "phone")


def test_explanations_hold_no_value_of_any_identity_attribute_or_entity(demo):
    run, _result = _rebuild()
    values = set()
    for model in (IdentityAttribute, Entity):
        for value, display in model.objects.values_list("value", "display"):
            values |= {value, display}
    values.discard("")
    for link in SignalLink.objects.filter(run=run):
        stored = json.dumps(link.contributions, ensure_ascii=False)
        words = {text for part in link.contributions for text in (part["field"], part["level"])}
        assert not words & values, link.contributions
        assert not [value for value in values if len(value) >= 4 and value in stored], link.contributions


# --- The dossier page -------------------------------------------------------------------------------------------


def test_the_dossier_page_says_in_dutch_why_its_signals_belong_together(demo, client_for):
    _rebuild()
    dossier, links = _linked_dossier(_chair(demo))
    page = client_for("table_chair").get(reverse("signaltable:dossier", kwargs={"dossier_id": dossier.pk}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Waarom deze signalen bij elkaar horen" in text
    first = links[0]
    assert f"{first.signal_a.reference} en {first.signal_b.reference}: {first.percent}% kans" in text
    assert all(part.label in text and part.level in text for part in first.contributions)
    assert any(label in text for label in ("Telefoonnummer", "Adres", "Achternaam", "Kenteken", "IBAN"))
    assert "Startgewicht" in text and "Hoort niet bij elkaar" in text and "Oordeel vastleggen" in text
    assert "shared value" not in text and "exact" not in text
    assert reverse("signaltable:link-verdict", kwargs={"dossier_id": dossier.pk}) in text


def test_a_different_verdict_from_the_page_is_audited_and_splits_the_two_signals_on_the_next_run(demo, client_for):
    run, _result = _rebuild()
    chair = _chair(demo)
    # A pair the engine holds to be one person (a link may also stand for a shared address or vehicle only).
    dossier, a, b = next((dossier, link.signal_a, link.signal_b)
                         for dossier in dossiers_visible(actor=chair).order_by("reference")
                         for link in dossier_links(chair, dossier)
                         if _persons_together(run, link.signal_a.pk, link.signal_b.pk))
    response = _post(client_for("table_chair"), dossier, a, b)
    assert response.status_code == 302 and response.url.endswith("#dossier-links")
    decision = LinkDecision.objects.get(signal_a=a, signal_b=b)
    assert (decision.verdict, decision.reason, decision.membership) == ("different", REASON, demo["table_chair"])
    assert AuditEvent.objects.filter(object_id=str(decision.pk), action="create",
                                     purpose="table_meeting").exists()
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("horen niet bij elkaar" in m and f"#remove-reason-{b.pk}" in m for m in said)
    shown = next(link for link in dossier_links(chair, dossier) if {link.signal_a, link.signal_b} == {a, b})
    assert (shown.decision.label, shown.decision.reason) == ("Hoort niet bij elkaar", REASON)

    again, _result = _rebuild()
    assert not _persons_together(again, a.pk, b.pk)
    assert not SignalLink.objects.filter(run=again, signal_a__in=(a, b), signal_b__in=(a, b)).exists()
    # The dossier is people's own: the verdict is for the engine, the two signals stay until someone takes one out.
    assert DossierSignal.objects.filter(dossier=dossier, signal__in=(a, b), is_active=True).count() == 2


def test_a_same_verdict_makes_a_link_the_next_run_explains_as_a_persons(demo, client_for):
    chair = _chair(demo)
    taken = DossierSignal.objects.filter(is_active=True).values("signal_id")
    a, b = Signal.objects.filter(municipality__regions=chair.membership.region).exclude(pk__in=taken).order_by(
        "reference")[:2]
    dossier = dossier_create(actor=chair, signals=[a, b], reason="Zelfde zaak volgens de opvang (fictief).")
    response = _post(client_for("table_member"), dossier, a, b, verdict="same", reason="Zelfde persoon (fictief).")
    assert response.status_code == 302
    run, _result = _rebuild()
    low, high = sorted((a, b), key=lambda s: str(s.pk))
    link = SignalLink.objects.get(run=run, signal_a=low, signal_b=high)
    assert (link.verdict, link.score) == ("same", 1.0)
    assert _persons_together(run, a.pk, b.pk)
    text = client_for("table_chair").get(reverse("signaltable:dossier", kwargs={"dossier_id": dossier.pk})
                                         ).content.decode()
    assert "gekoppeld door het oordeel van een persoon" in text and "Laatste oordeel:" in text


def test_the_verdicts_reason_is_shown_only_to_whom_policy_allows_special_category_data(demo):
    _rebuild()
    chair = _chair(demo)
    dossier, links = _linked_dossier(chair)
    a, b = links[0].signal_a, links[0].signal_b
    link_decision_record(actor=chair, signal_a=a, signal_b=b, verdict="same", reason=REASON)
    police = dossier_links(Actor.of(demo["police_investigator"]), dossier)
    seen = next(link for link in police if {link.signal_a, link.signal_b} == {a, b})
    assert seen.decision.label == "Hoort bij elkaar" and seen.decision.reason is None
    assert "Voorzitter Signaaltafel" in seen.decision.by


# --- Refusals ---------------------------------------------------------------------------------------------------


def test_a_care_worker_may_not_judge_a_link(demo, client_for):
    dossier, links = _linked_dossier(_chair(demo))
    response = _post(client_for("care_worker"), dossier, links[0].signal_a, links[0].signal_b)
    assert response.status_code == 403
    assert not LinkDecision.objects.exists()


def test_a_verdict_without_a_reason_is_refused_and_nothing_is_written(demo, client_for):
    dossier, links = _linked_dossier(_chair(demo))
    response = _post(client_for("table_chair"), dossier, links[0].signal_a, links[0].signal_b, reason="  ")
    assert response.status_code == 302
    assert any("reden" in str(m) for m in get_messages(response.wsgi_request))
    assert not LinkDecision.objects.exists()


def test_a_pair_outside_the_dossier_is_refused(demo, client_for):
    chair = _chair(demo)
    dossier, links = _linked_dossier(chair)
    outside = Signal.objects.filter(municipality__regions=chair.membership.region).exclude(
        pk__in=DossierSignal.objects.filter(dossier=dossier, is_active=True).values("signal_id")).first()
    response = _post(client_for("table_chair"), dossier, links[0].signal_a, outside)
    assert response.status_code == 302
    assert any("in dit dossier" in str(m) for m in get_messages(response.wsgi_request))
    assert not LinkDecision.objects.exists()


def test_a_signal_outside_the_actors_region_is_neither_shown_nor_judged(demo, client_for):
    chair = _chair(demo)
    dossier, links = _linked_dossier(chair)
    limburg = Signal.objects.filter(municipality__regions=demo["veilig_thuis_worker"].region).first()
    DossierSignal.objects.filter(signal=limburg, is_active=True).update(is_active=False)
    DossierSignal.objects.create(dossier=dossier, signal=limburg)
    run = LinkRun.objects.order_by("-started_at").first()
    low, high = sorted((links[0].signal_a, limburg), key=lambda s: str(s.pk))
    SignalLink.objects.create(run=run, signal_a=low, signal_b=high, score=0.9, weight=3.17, prior=-10.0,
                              contributions=[{"field": "phone", "level": "shared value", "weight": 13.17}])
    assert all(limburg not in (link.signal_a, link.signal_b) for link in dossier_links(chair, dossier))
    response = _post(client_for("table_chair"), dossier, links[0].signal_a, limburg)
    assert response.status_code == 403
    assert not LinkDecision.objects.exists()


def test_a_dossier_out_of_reach_answers_not_found(demo, make_person):
    dossier, links = _linked_dossier(_chair(demo))
    user, _password, _secret = make_person("table_member", region=demo["veilig_thuis_worker"].region)
    client = Client()
    client.force_login(user)
    assert Membership.objects.get(user=user).region != demo["table_chair"].region
    response = _post(client, dossier, links[0].signal_a, links[0].signal_b)
    assert response.status_code == 404
    assert not LinkDecision.objects.exists()


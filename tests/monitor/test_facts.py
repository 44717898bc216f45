"""The pre-aggregated figures (keten.monitor.facts, ADR 0014) are the figures the source tables give: over a few
hundred random synthetic signals (forms, reporters, hard indicators, steps, dossiers decided at the table), for
every count table and kept lead time, national and for an officer, on every layer and with a form chosen; after a
full recount and after writes that only marked their slices."""

import random
from datetime import timedelta

import pytest

from keten.accounts.actor import Actor
from keten.core.clock import now, today
from keten.intake.models import (
    ExploitationForm,
    IndicatorKind,
    IndicatorVersion,
    Signal,
    SignalForm,
    SignalTransition,
)
from keten.intake.workflow import Status
from keten.monitor import facts, selectors
from keten.monitor.models import StaleSlice
from keten.monitor.selectors import Dimension, LeadTime, MonitorFilters
from keten.regions.models import Municipality
from keten.signaltable.models import AgendaItem, DecisionKind, Dossier, DossierSignal, Meeting, TableDecision

pytestmark = pytest.mark.django_db

#: Municipalities in Noord-Holland and Limburg, where the demo's reporters sit, and one elsewhere.
PLACES = ("GM0363", "GM0361", "GM0935", "GM0983", "GM0917", "GM0344")


def _last_months(months: int, **values) -> MonitorFilters:
    last = today().replace(day=1)
    first = last
    for _index in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return MonitorFilters(first_month=first, last_month=last, **values)


def _random_signals(demo, rng: random.Random, count: int) -> list[Signal]:
    """`count` signals registered over the last fourteen months, with their forms, hard indicators and steps,
    written in bulk like an import (so no model signal marks them: a recount must)."""
    reporters = [demo[role] for role in ("care_coordinator", "police_investigator", "veilig_thuis_worker",
                                         "care_worker")]
    hard = list(IndicatorVersion.objects.filter(indicator__kind=IndicatorKind.HARD)[:3])
    soft = list(IndicatorVersion.objects.exclude(indicator__kind=IndicatorKind.HARD)[:3])
    places = {code: Municipality.objects.get(code=code) for code in PLACES}
    made, moments = [], []
    for _index in range(count):
        reporter = rng.choice([*reporters, None])
        moment = now() - timedelta(minutes=rng.randrange(14 * 30 * 24 * 60))
        made.append(Signal(
            reporter_kind="public_guide" if reporter is None else "professional", reporter_membership=reporter,
            reporter_organisation=None if reporter is None else reporter.organisation, observed_on=moment.date(),
            municipality=places[rng.choice(PLACES)], description="(fictief)", basis="wmo", status=Status.NEW,
            triage_due_at=moment + timedelta(days=5)))
        moments.append(moment)
    Signal.objects.bulk_create(made)
    for signal, moment in zip(made, moments, strict=True):
        signal.created_at = moment
    Signal.objects.bulk_update(made, ["created_at"])
    forms, indicators, steps = [], [], []
    for signal in made:
        for form in rng.sample(ExploitationForm.values, rng.choice([0, 1, 1, 1, 2])):
            forms.append(SignalForm(signal=signal, form=form))
        for version in rng.sample([*hard, *soft], rng.randrange(3)):
            indicators.append(Signal.indicators.through(signal=signal, indicatorversion=version))
        if rng.random() < 0.7:
            triage = signal.created_at + timedelta(seconds=rng.randrange(20 * 86400))
            steps.append(SignalTransition(signal=signal, from_status=Status.NEW, to_status=Status.TRIAGE, at=triage))
            if rng.random() < 0.4:
                steps.append(SignalTransition(signal=signal, from_status=Status.TRIAGE, to_status=Status.AT_TABLE,
                                              at=triage + timedelta(seconds=rng.randrange(30 * 86400))))
    SignalForm.objects.bulk_create(forms)
    Signal.indicators.through.objects.bulk_create(indicators)
    SignalTransition.objects.bulk_create(steps)
    return made


def decide(demo, signals: list[Signal], *, after: timedelta, kind: str = DecisionKind.CARE_TRAJECTORY,
           region_code: str = "PV27", municipality: str = "") -> TableDecision:
    """A dossier of `signals` (in `municipality`, else the first one's), on a meeting's agenda, decided `after` the
    first signal's registration."""
    from keten.regions.models import Region

    chair = demo["table_chair"]
    dossier = Dossier.objects.create(municipality_id=municipality or signals[0].municipality_id)
    for signal in signals:
        DossierSignal.objects.filter(signal=signal, is_active=True).update(is_active=False)
        DossierSignal.objects.create(dossier=dossier, signal=signal)
    meeting = Meeting.objects.create(region=Region.objects.get(code=region_code, layer__kind="province"),
                                     scheduled_at=now(), chair=chair)
    item = AgendaItem.objects.create(meeting=meeting, dossier=dossier, position=1)
    return TableDecision.objects.create(item=item, dossier=dossier, kind=kind, rationale="(fictief)",
                                        decided_by=chair, decided_at=signals[0].created_at + after)


def _decide_some(demo, rng: random.Random, made: list[Signal]) -> None:
    chosen = rng.sample(made, 40)
    for first in range(0, 40, 2):
        pair = sorted(chosen[first:first + 2], key=lambda signal: signal.created_at)
        decide(demo, pair, after=timedelta(seconds=rng.randrange(60 * 86400)),
               kind=rng.choice(DecisionKind.values))


def _scopes(demo):
    return [selectors.monitor_scope(Actor.of(demo["national_analyst"])),
            selectors.monitor_scope(Actor.of(demo["municipality_officer"]))]


def _assert_facts_equal_source(demo) -> None:
    for scope in _scopes(demo):
        for layer in ("province", "municipality", "veilig_thuis"):
            for form in ("", "labour", "unknown"):
                filters = _last_months(12, layer=layer, form=form)
                counted = facts.signal_counts(scope=scope, filters=filters)
                for dimension in Dimension:
                    assert counted[dimension] == selectors.signal_counts(
                        scope=scope, filters=filters, dimension=dimension), (scope.label, layer, form, dimension)
                for kind in facts.KEPT_LEAD_TIMES:
                    kept = facts.lead_times(scope=scope, filters=filters, kind=kind)
                    source = selectors.lead_times(scope=scope, filters=filters, kind=kind)
                    assert kept.count == source.count, (scope.label, layer, form, kind)
                    for figures, exact in ((kept.median_hours, source.median_hours),
                                           (kept.p90_hours, source.p90_hours)):
                        # Kept at the precision the dashboard publishes: tenths of a day, rounded.
                        assert {key: round(hours / 2.4) for key, hours in figures.items()} == {
                            key: facts.tenths(timedelta(hours=hours)) for key, hours in exact.items()}, kind


@pytest.mark.parametrize("seed", [1, 2])
def test_the_recounted_facts_give_the_figures_of_the_source_tables(demo, seed):
    rng = random.Random(seed)
    made = _random_signals(demo, rng, 300)
    _decide_some(demo, rng, made)
    facts.rebuild()
    assert not StaleSlice.objects.exists()
    _assert_facts_equal_source(demo)


def test_writes_through_the_models_mark_their_slices_and_a_refresh_counts_them(demo):
    rng = random.Random(3)
    made = _random_signals(demo, rng, 150)
    facts.rebuild()
    # A signal registered as the intake does: created, then its forms, indicators and first step.
    reporter = demo["care_coordinator"]
    signal = Signal.objects.create(
        reporter_kind="professional", reporter_membership=reporter, reporter_organisation=reporter.organisation,
        observed_on=today(), municipality_id="GM0935", basis="wmo", status=Status.NEW,
        triage_due_at=now() + timedelta(days=5))
    SignalForm.objects.bulk_create([SignalForm(signal=signal, form="labour")])
    signal.indicators.add(IndicatorVersion.objects.filter(indicator__kind=IndicatorKind.HARD).first())
    SignalTransition.objects.create(signal=signal, from_status=Status.NEW, to_status=Status.TRIAGE,
                                    at=now() + timedelta(hours=30))
    decide(demo, rng.sample(made, 2), after=timedelta(days=3))
    SignalForm.objects.filter(signal__in=made[:5]).delete()  # a form taken back
    assert StaleSlice.objects.exists()
    facts.refresh()
    assert not StaleSlice.objects.exists()
    _assert_facts_equal_source(demo)


def test_the_first_read_counts_everything_and_an_unchanged_read_counts_nothing(demo, django_assert_max_num_queries):
    facts.refresh()  # the demo world was written in bulk: the first refresh counts in full
    scope = _scopes(demo)[0]
    filters = _last_months(12)
    assert sum(map(sum, facts.signal_counts(scope=scope, filters=filters)[Dimension.MONTH].counts)) == 300
    with django_assert_max_num_queries(2):
        facts.refresh()


def test_the_lead_time_to_a_decision_counts_from_registration_to_the_first_decision_after_it(demo):
    signal = Signal.objects.filter(municipality_id="GM0935").order_by("created_at").first()
    DossierSignal.objects.filter(signal=signal).update(is_active=False)
    first = decide(demo, [signal], after=timedelta(days=2, hours=12))
    TableDecision.objects.create(item=first.item, dossier=first.dossier, kind=DecisionKind.MONITOR,
                                 rationale="(fictief)", decided_by=first.decided_by,
                                 decided_at=signal.created_at + timedelta(days=9))
    facts.refresh()
    month = facts.month_of(signal.created_at)
    filters = MonitorFilters(first_month=month, last_month=month, layer="municipality")
    durations = facts.lead_times(scope=_scopes(demo)[0], filters=filters, kind=LeadTime.DECISION)
    assert durations.count["GM0935"] == 1
    assert durations.median_hours["GM0935"] == pytest.approx(25 * 2.4)  # 2.5 days, the first decision

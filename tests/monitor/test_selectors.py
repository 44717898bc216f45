"""The monitor's figures against the demo world (200 signals in Noord-Holland, 100 in Limburg, registered in the
last four months): counts per region add up, every table of a query has the same row totals, lead times are the
nearest-rank percentiles, and the scope follows the role."""

from datetime import date

import pytest

from keten.accounts.actor import Actor
from keten.core.clock import today
from keten.core.errors import PermissionDenied
from keten.intake.models import IndicatorKind, Signal, SignalTransition
from keten.intake.workflow import Status
from keten.monitor import selectors
from keten.monitor.selectors import Dimension, LeadTime, MonitorFilters

pytestmark = pytest.mark.django_db


def _last_year(**values) -> MonitorFilters:
    month = today().replace(day=1)
    return MonitorFilters(first_month=date(month.year - 1, month.month, 1), last_month=month, **values)


def _rows(counts: selectors.Counts) -> dict[str, tuple[int, ...]]:
    return {counts.regions.names[code]: row for code, row in zip(counts.regions.codes, counts.counts, strict=True)
            if sum(row)}


@pytest.fixture
def analyst(demo):
    return Actor.of(demo["national_analyst"])


@pytest.fixture
def officer(demo):
    return Actor.of(demo["municipality_officer"])  # Limburg


def test_signals_per_province_and_month_add_up_to_the_demo_signals(analyst):
    counts = selectors.signal_counts(scope=selectors.monitor_scope(analyst), filters=_last_year(),
                                     dimension=Dimension.MONTH)
    rows = _rows(counts)
    assert set(rows) == {"Noord-Holland", "Limburg"}
    assert sum(rows["Noord-Holland"]) == 200 and sum(rows["Limburg"]) == 100
    assert len(counts.categories) == 13


@pytest.mark.parametrize("dimension", [Dimension.FORM, Dimension.REPORTER, Dimension.HARD_INDICATOR])
def test_every_table_of_the_query_counts_each_signal_once(analyst, dimension):
    scope = selectors.monitor_scope(analyst)
    by_month = _rows(selectors.signal_counts(scope=scope, filters=_last_year(), dimension=Dimension.MONTH))
    other = _rows(selectors.signal_counts(scope=scope, filters=_last_year(), dimension=dimension))
    assert {name: sum(row) for name, row in other.items()} == {name: sum(row) for name, row in by_month.items()}


def test_hard_indicator_counts_match_the_signals(analyst):
    counts = _rows(selectors.signal_counts(scope=selectors.monitor_scope(analyst), filters=_last_year(),
                                           dimension=Dimension.HARD_INDICATOR))
    with_hard = Signal.objects.filter(municipality__regions__code="PV31",
                                      indicators__indicator__kind=IndicatorKind.HARD).distinct().count()
    assert counts["Limburg"] == (with_hard, 100 - with_hard)


def test_a_form_filter_counts_only_signals_that_name_it(analyst):
    counts = selectors.signal_counts(scope=selectors.monitor_scope(analyst), filters=_last_year(form="labour"),
                                     dimension=Dimension.FORM)
    expected = Signal.objects.filter(forms__form="labour").distinct().count()
    assert sum(map(sum, counts.counts)) == expected
    column = {code: index for index, (code, _label) in enumerate(counts.categories)}
    assert all(row[column["sexual"]] == 0 for row in counts.counts)  # a labour-and-sexual signal is "multiple"


def test_the_median_lead_time_to_triage_is_the_nearest_rank_median(analyst):
    durations = selectors.lead_times(scope=selectors.monitor_scope(analyst), filters=_last_year(),
                                     kind=LeadTime.TRIAGE)
    took = sorted(
        (min(step.at for step in signal.transitions.all() if step.to_status == Status.TRIAGE) - signal.created_at
         ).total_seconds() / 3600
        for signal in Signal.objects.filter(municipality__regions__code="PV31",
                                            transitions__to_status=Status.TRIAGE).distinct()
        .prefetch_related("transitions"))
    assert durations.count["PV31"] == len(took)
    assert durations.median_hours["PV31"] == pytest.approx(took[(len(took) + 1) // 2 - 1], abs=0.01)
    assert durations.p90_hours["PV31"] == pytest.approx(took[-(-len(took) * 9 // 10) - 1], abs=0.01)
    assert SignalTransition.objects.exists()


def test_a_municipality_officer_sees_only_their_own_region(officer):
    scope = selectors.monitor_scope(officer)
    assert scope.label == "Limburg"
    by_province = _rows(selectors.signal_counts(scope=scope, filters=_last_year(), dimension=Dimension.MONTH))
    assert set(by_province) == {"Limburg"}
    by_municipality = selectors.signal_counts(scope=scope, filters=_last_year(layer="municipality"),
                                              dimension=Dimension.FORM)
    assert "Maastricht" in by_municipality.regions.names.values()
    assert "Amsterdam" not in by_municipality.regions.names.values()
    assert sum(map(sum, by_municipality.counts)) == 100
    durations = selectors.lead_times(scope=scope, filters=_last_year(), kind=LeadTime.TRIAGE)
    assert set(durations.count) <= {"PV31", ""}


@pytest.mark.parametrize("role", ["care_coordinator", "table_chair", "police_investigator", "privacy_officer",
                                  "functional_admin", "registration_officer"])
def test_other_roles_get_no_figures(demo, role):
    with pytest.raises(PermissionDenied):
        selectors.monitor_scope(Actor.of(demo[role]))

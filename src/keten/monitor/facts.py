"""The monitor's pre-aggregated figures (ADR 0014): counts of signals and histograms of their lead times per month
of registration × municipality, counted from the source tables in slices, kept current by marking the slices a
write touches (keten.monitor.receivers) and counting those again before figures are read, and counted again in
full by `manage.py monitor_facts --rebuild` and the periodic task. The reads here give the same raw figures as
keten.monitor.selectors computes from the source tables; disclosure control stays in keten.monitor.dashboard."""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import DatabaseError, transaction
from django.db.models import F, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from keten.core.clock import now
from keten.intake.models import PUBLIC_GUIDE_REPORTER, IndicatorKind, Signal, SignalForm, SignalTransition
from keten.intake.workflow import Status
from keten.monitor.models import FactsState, LeadTimeFact, SignalFact, StaleSlice
from keten.monitor.selectors import (
    HARD,
    MULTIPLE_FORMS,
    MUNICIPALITY,
    NO_HARD,
    Counts,
    Dimension,
    Durations,
    LeadTime,
    MonitorFilters,
    Scope,
    count_categories,
    count_table,
    regions_in_scope,
)
from keten.signaltable.models import DossierSignal

#: The lead times kept as histograms; referral → acceptance is read from the referrals themselves (ADR 0014).
KEPT_LEAD_TIMES = (LeadTime.TRIAGE, LeadTime.TABLE, LeadTime.DECISION)
#: Durations are kept in tenths of a day, the precision the dashboard publishes them at (one decimal of a day).
SECONDS_PER_TENTH = 8640
BATCH = 5000


def tenths(duration: timedelta) -> int:
    """A duration in tenths of a day, rounded half up. A percentile of rounded durations is the rounded percentile
    (rounding never changes their order), so a histogram of these gives the published figure exactly."""
    return math.floor(duration.total_seconds() / SECONDS_PER_TENTH + 0.5)


def month_of(moment: datetime) -> date:
    """The first day of the month `moment` falls in, in the current time zone (as MonitorFilters.bounds)."""
    return timezone.localtime(moment).date().replace(day=1)


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return datetime.combine(month, time.min, tzinfo=zone), datetime.combine(following, time.min, tzinfo=zone)


# --- Marking what a write touched ----------------------------------------------------------------------------------


def mark(slices: Iterable[tuple[datetime, str]]) -> None:
    """Mark the slices of signals registered at these moments in these municipalities as stale. Written in the
    writer's transaction: rolled back with it, and seen by the next read once it commits."""
    rows = {(month_of(moment), municipality) for moment, municipality in slices if moment and municipality}
    StaleSlice.objects.bulk_create([StaleSlice(month=month, municipality=code) for month, code in rows])


def mark_signals(signals: QuerySet[Signal]) -> None:
    mark(signals.values_list("created_at", "municipality_id"))


# --- Counting ------------------------------------------------------------------------------------------------------


@dataclass
class _Counted:
    signals: Counter
    lead_times: Counter


def _count(signals: QuerySet[Signal]) -> _Counted:
    """Every fact of these signals: a handful of grouped queries, then one pass in Python."""
    ids = signals.values("pk")
    forms: dict = defaultdict(list)
    for signal, form in SignalForm.objects.filter(signal__in=ids).values_list("signal_id", "form"):
        forms[signal].append(form)
    hard = set(Signal.indicators.through.objects.filter(
        signal__in=ids, indicatorversion__indicator__kind=IndicatorKind.HARD).values_list("signal_id", flat=True))
    reached: dict = {}
    steps = (SignalTransition.objects.filter(signal__in=ids, to_status__in=(Status.TRIAGE, Status.AT_TABLE))
             .order_by().values_list("signal_id", "to_status").annotate(first=Min("at")))
    for signal, status, first in steps:
        reached[(signal, LeadTime.TRIAGE if status == Status.TRIAGE else LeadTime.TABLE)] = first
    # The first decision on a dossier that holds the signal, taken once the signal was registered.
    decided = (DossierSignal.objects.filter(signal__in=ids, is_active=True).order_by().values_list("signal_id")
               .annotate(first=Min("dossier__decisions__decided_at",
                                   filter=Q(dossier__decisions__decided_at__gte=F("signal__created_at")))))
    for signal, first in decided:
        if first is not None:
            reached[(signal, LeadTime.DECISION)] = first
    counted = _Counted(Counter(), Counter())
    rows = signals.order_by().values_list("pk", "created_at", "municipality_id", "reporter_organisation__type")
    for signal, created_at, municipality, reporter in rows.iterator(chunk_size=BATCH):
        month = month_of(created_at)
        named = sorted(forms.get(signal, ()))
        categories = ((Dimension.MONTH, month.isoformat()),
                      (Dimension.FORM, named[0] if len(named) == 1 else MULTIPLE_FORMS),
                      (Dimension.REPORTER, reporter or PUBLIC_GUIDE_REPORTER),
                      (Dimension.HARD_INDICATOR, HARD if signal in hard else NO_HARD))
        took = [(kind, tenths(reached[(signal, kind)] - created_at)) for kind in KEPT_LEAD_TIMES
                if (signal, kind) in reached]
        for form in ("", *named):  # "" counts every signal; a form counts the signals that name it
            for dimension, category in categories:
                counted.signals[(month, municipality, form, dimension, category)] += 1
            for kind, value in took:
                counted.lead_times[(month, municipality, form, kind, value)] += 1
    return counted


def _store(counted: _Counted) -> None:
    SignalFact.objects.bulk_create(
        (SignalFact(month=month, municipality_id=municipality, form=form, dimension=dimension, category=category,
                    count=count)
         for (month, municipality, form, dimension, category), count in counted.signals.items()), batch_size=BATCH)
    LeadTimeFact.objects.bulk_create(
        (LeadTimeFact(month=month, municipality_id=municipality, form=form, kind=kind, tenths=value, count=count)
         for (month, municipality, form, kind, value), count in counted.lead_times.items()), batch_size=BATCH)


def _recount(month: date, municipalities: set[str] | None) -> None:
    """Count one month again, for some municipalities or (None) all."""
    start, end = _month_bounds(month)
    signals = Signal.objects.filter(created_at__gte=start, created_at__lt=end)
    old_signals, old_lead_times = SignalFact.objects.filter(month=month), LeadTimeFact.objects.filter(month=month)
    if municipalities is not None:
        signals = signals.filter(municipality_id__in=municipalities)
        old_signals = old_signals.filter(municipality_id__in=municipalities)
        old_lead_times = old_lead_times.filter(municipality_id__in=municipalities)
    old_signals.delete()
    old_lead_times.delete()
    _store(_count(signals))


def _state() -> FactsState | None:
    return FactsState.objects.filter(pk=1).first()


@transaction.atomic
def rebuild() -> FactsState:
    """Count every fact again from the source tables, a month at a time. Slices marked stale before it started
    are covered; those marked while it runs stay, and are counted again by the next refresh."""
    state = FactsState.objects.select_for_update().filter(pk=1).first()
    covered = StaleSlice.objects.aggregate(last=Max("pk"))["last"]
    SignalFact.objects.all().delete()
    LeadTimeFact.objects.all().delete()
    bounds = Signal.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    if bounds["first"] is not None:
        month, last = month_of(bounds["first"]), month_of(bounds["last"])
        while month <= last:
            _recount(month, None)
            month = _month_bounds(month)[1].date()
    if covered is not None:
        StaleSlice.objects.filter(pk__lte=covered).delete()
    moment = now()
    if state is None:
        state = FactsState(pk=1)
    state.rebuilt_at = state.refreshed_at = moment
    state.save()
    return state


def refresh() -> FactsState:
    """Bring the facts up to date before figures are read: the first time in full, after that only the slices
    writes marked. While another process holds the facts (a rebuild, or another refresh), the figures are read as
    they are, seconds old at most, rather than waiting for it."""
    state = _state()
    if state is None:
        return rebuild()
    if not StaleSlice.objects.exists():
        return state
    try:
        with transaction.atomic():
            locked = FactsState.objects.select_for_update(skip_locked=True).filter(pk=1).first()
            if locked is None:
                return state
            stale = list(StaleSlice.objects.values_list("pk", "month", "municipality"))
            per_month: dict[date, set[str]] = defaultdict(set)
            for _pk, month, municipality in stale:
                per_month[month].add(municipality)
            for month, municipalities in sorted(per_month.items()):
                _recount(month, municipalities)
            StaleSlice.objects.filter(pk__in=[pk for pk, _month, _code in stale]).delete()
            locked.refreshed_at = now()
            locked.save(update_fields=["refreshed_at"])
            return locked
    except DatabaseError:
        # A read must not fail because the facts could not be written (a read-only replica, a lock timeout):
        # the figures are read as they were last counted.
        return state


# --- Reading -------------------------------------------------------------------------------------------------------


def _in_scope(facts: QuerySet, scope: Scope, filters: MonitorFilters) -> QuerySet:
    facts = facts.filter(form=filters.form, month__gte=filters.first_month, month__lte=filters.last_month)
    return facts if scope.national else facts.filter(municipality_id__in=scope.municipalities)


def signal_counts(*, scope: Scope, filters: MonitorFilters) -> dict[str, Counts]:
    """Every count table of the query (selectors.signal_counts for each Dimension), from one grouped read."""
    regions = regions_in_scope(scope=scope, layer=filters.layer)
    grouped: dict[str, list] = defaultdict(list)
    rows = (_in_scope(SignalFact.objects.all(), scope, filters).order_by()
            .values_list("dimension", "municipality_id", "category").annotate(total=Sum("count")))
    for dimension, municipality, category, total in rows:
        key = date.fromisoformat(category) if dimension == Dimension.MONTH else category
        grouped[dimension].append((municipality, key, total))
    return {dimension: count_table(regions, count_categories(dimension, filters), grouped[dimension],
                                   drop_unused=dimension == Dimension.REPORTER)
            for dimension in Dimension}


def lead_times(*, scope: Scope, filters: MonitorFilters, kind: str) -> Durations:
    """selectors.lead_times for a kept kind, from the histograms: count, and the nearest-rank median and 90th
    percentile (the smallest duration whose cumulative share reaches the fraction), per region and overall."""
    facts = _in_scope(LeadTimeFact.objects.filter(kind=kind), scope, filters).order_by()
    if filters.layer == MUNICIPALITY:
        by_region = facts.annotate(region=F("municipality_id"))
    else:  # one annotate call: both names share one join (a municipality in two regions counts in both)
        by_region = (facts.annotate(region=F("municipality__regions__code"),
                                    layer=F("municipality__regions__layer__kind")).filter(layer=filters.layer))
    histograms: dict[str, Counter] = defaultdict(Counter)
    for region, value, count in by_region.values_list("region", "tenths").annotate(total=Sum("count")):
        histograms[region][value] += count
    for value, count in facts.values_list("tenths").annotate(total=Sum("count")):
        histograms[""][value] += count
    durations = Durations(count={"": 0}, median_hours={}, p90_hours={})
    for region, histogram in histograms.items():
        total = sum(histogram.values())
        durations.count[region] = total
        durations.median_hours[region] = _nearest_rank(histogram, total, 1, 2) * 2.4
        durations.p90_hours[region] = _nearest_rank(histogram, total, 9, 10) * 2.4
    return durations


def _nearest_rank(histogram: Counter, total: int, numerator: int, denominator: int) -> int:
    """The smallest value whose cumulative count reaches numerator/denominator of the total (in integers)."""
    cumulative = 0
    for value in sorted(histogram):
        cumulative += histogram[value]
        if cumulative * denominator >= numerator * total:
            return value
    raise ValueError("empty histogram")

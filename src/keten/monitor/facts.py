"""The monitor's pre-aggregated figures (ADR 0014): counts of signals and histograms of their lead times per month
of registration × municipality, counted from the source tables in slices, kept current by marking the slices a
write touches (keten.monitor.receivers) and counting those again before figures are read, and counted again in
full by `manage.py monitor_facts --rebuild` and the periodic task. The reads here give the same raw figures as
keten.monitor.selectors computes from the source tables; disclosure control stays in keten.monitor.dashboard."""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from keten.core.clock import now
from keten.intake.models import PUBLIC_GUIDE_REPORTER, IndicatorKind, Signal, SignalForm, SignalTransition
from keten.intake.workflow import Status
from keten.monitor.models import FactsState, LeadTimeFact, SignalFact, StaleSlice
from keten.monitor.selectors import (
    HARD,
    LAYERS,
    MULTIPLE_FORMS,
    MUNICIPALITY,
    NO_HARD,
    Counts,
    Dimension,
    Durations,
    LeadTime,
    MonitorFilters,
    Regions,
    Scope,
    count_categories,
    count_table,
    regions_in_scope,
)
from keten.regions.models import Region
from keten.signaltable.models import DossierSignal

#: The lead times kept as histograms; referral → acceptance is read from the referrals themselves (ADR 0014).
KEPT_LEAD_TIMES = (LeadTime.TRIAGE, LeadTime.TABLE, LeadTime.DECISION)
#: Durations are kept in tenths of a day, the precision the dashboard publishes them at (one decimal of a day).
SECONDS_PER_TENTH = 8640
BATCH = 5000
NATIONAL = "national"
#: The layers whose regions get rows of their own.
LAYER_KINDS = tuple(kind for kind in LAYERS if kind != MUNICIPALITY)


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
    StaleSlice.objects.bulk_create(stale_marks(slices))


def stale_marks(slices: Iterable[tuple[datetime, str]]) -> list[StaleSlice]:
    """What mark() writes, unsaved: for a writer that inserts them together with its own rows, in its own
    transaction (registering a signal writes its rows without model signals, so marks its slice itself)."""
    rows = {(month_of(moment), municipality) for moment, municipality in slices if moment and municipality}
    return [StaleSlice(month=month, municipality=code) for month, code in rows]


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


def _areas() -> dict[str, list[tuple[str, str]]]:
    """The areas above each municipality: its region in each of the monitor's layers (sometimes two), then the
    whole country."""
    areas: dict[str, list[tuple[str, str]]] = defaultdict(list)
    links = Region.municipalities.through.objects.filter(region__layer__kind__in=LAYER_KINDS).values_list(
        "municipality_id", "region__layer__kind", "region__code")
    for municipality, kind, code in links:
        areas[municipality].append((kind, code))
    return areas


def _with_areas(counter: Counter, areas: dict) -> Counter:
    """Keys (month, municipality, ...) as rows of every area: the municipality's own, and added up for its regions
    and the country. Works for changes too (negative counts)."""
    rows: Counter = Counter()
    for (month, municipality, *rest), count in counter.items():
        if not count:
            continue
        rows[(month, MUNICIPALITY, municipality, *rest)] += count
        for kind, code in areas.get(municipality, ()):
            rows[(month, kind, code, *rest)] += count
        rows[(month, NATIONAL, "", *rest)] += count
    return rows


#: The key fields of each fact table, after month, area_kind and area.
TABLES = ((SignalFact, ("form", "dimension", "category")), (LeadTimeFact, ("form", "kind", "tenths")))


def _sql(model, template: str, fields) -> str:
    quote = connection.ops.quote_name
    return template.format(table=quote(model._meta.db_table), columns=", ".join(quote(name) for name in fields),
                           values=", ".join(["%s"] * len(fields)))


def _insert(model, rest: tuple[str, ...], rows: Counter) -> None:
    """Many rows in one executemany: no model instance per row (a full recount writes about a million)."""
    fields = ("month", "area_kind", "area", *rest, "count")
    values = [(*key, count) for key, count in rows.items() if count]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and values:  # COPY: an order of magnitude faster than INSERTs
            with cursor.cursor.copy(_sql(model, "COPY {table} ({columns}) FROM STDIN", fields)) as copy:
                for row in values:
                    copy.write_row(row)
            return
        for first in range(0, len(values), BATCH):
            cursor.executemany(_sql(model, "INSERT INTO {table} ({columns}) VALUES ({values})", fields),
                               values[first:first + BATCH])


def _recount_month(month: date, areas: dict) -> None:
    start, end = _month_bounds(month)
    counted = _count(Signal.objects.filter(created_at__gte=start, created_at__lt=end))
    for (model, rest), counter in zip(TABLES, (counted.signals, counted.lead_times), strict=True):
        _insert(model, rest, _with_areas(counter, areas))


def _recount_slices(month: date, municipalities: set[str], areas: dict) -> None:
    """Count some municipalities of one month again, and carry the difference into their regions and the country
    (the other municipalities' rows stay as they are)."""
    start, end = _month_bounds(month)
    counted = _count(Signal.objects.filter(created_at__gte=start, created_at__lt=end,
                                           municipality_id__in=municipalities))
    for (model, rest), new in zip(TABLES, (counted.signals, counted.lead_times), strict=True):
        change = Counter(new)
        old = model.objects.filter(month=month, area_kind=MUNICIPALITY, area__in=municipalities)
        for area, *key, count in old.values_list("area", *rest, "count"):
            change[(month, area, *key)] -= count
        _apply(model, rest, month, _with_areas(change, areas))


def _apply(model, rest: tuple[str, ...], month: date, changes: Counter) -> None:
    """Add `changes` to the rows of one month: update what exists, drop rows that reach zero, insert new ones."""
    changes = Counter({key: change for key, change in changes.items() if change})
    if not changes:
        return
    existing = {}
    rows = model.objects.filter(month=month, area__in={key[2] for key in changes})
    for pk, *key, count in rows.values_list("pk", "month", "area_kind", "area", *rest, "count"):
        if tuple(key) in changes:
            existing[tuple(key)] = (pk, count)
    updates, gone, new = [], [], Counter()
    for key, change in changes.items():
        if key in existing:
            pk, count = existing[key]
            (updates.append((count + change, pk)) if count + change else gone.append(pk))
        else:
            new[key] = change
    model.objects.filter(pk__in=gone).delete()
    if updates:
        with connection.cursor() as cursor:
            cursor.executemany(_sql(model, "UPDATE {table} SET {columns} = %s WHERE id = %s", ["count"]), updates)
    _insert(model, rest, new)


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
        areas = _areas()
        month, last = month_of(bounds["first"]), month_of(bounds["last"])
        while month <= last:
            _recount_month(month, areas)
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
            areas = _areas()
            for month, municipalities in sorted(per_month.items()):
                _recount_slices(month, municipalities, areas)
            StaleSlice.objects.filter(pk__in=[pk for pk, _month, _code in stale]).delete()
            locked.refreshed_at = now()
            locked.save(update_fields=["refreshed_at"])
            return locked
    except DatabaseError:
        # A read must not fail because the facts could not be written (a read-only replica, a lock timeout):
        # the figures are read as they were last counted.
        return state


# --- Reading -------------------------------------------------------------------------------------------------------


def _read(facts: QuerySet, scope: Scope, filters: MonitorFilters, regions: Regions) -> tuple[QuerySet, Regions]:
    """The rows to add up and how their areas map onto the table's regions. The whole country reads the layer's
    own rows (a few per region and month); a region's officer reads the rows of the municipalities in scope."""
    facts = facts.filter(form=filters.form, month__gte=filters.first_month, month__lte=filters.last_month)
    if scope.national:
        own = {code: (code,) for code in regions.codes}
        return facts.filter(area_kind=filters.layer), replace(regions, of_municipality=own)
    return facts.filter(area_kind=MUNICIPALITY, area__in=scope.municipalities), regions


def signal_counts(*, scope: Scope, filters: MonitorFilters) -> dict[str, Counts]:
    """Every count table of the query (selectors.signal_counts for each Dimension), from one grouped read."""
    regions = regions_in_scope(scope=scope, layer=filters.layer)
    rows, mapping = _read(SignalFact.objects.all(), scope, filters, regions)
    grouped: dict[str, list] = defaultdict(list)
    for dimension, area, category, total in (rows.order_by().values_list("dimension", "area", "category")
                                             .annotate(total=Sum("count"))):
        key = date.fromisoformat(category) if dimension == Dimension.MONTH else category
        grouped[dimension].append((area, key, total))
    return {dimension: replace(count_table(mapping, count_categories(dimension, filters), grouped[dimension],
                                           drop_unused=dimension == Dimension.REPORTER), regions=regions)
            for dimension in Dimension}


def lead_times(*, scope: Scope, filters: MonitorFilters, kind: str) -> Durations:
    """selectors.lead_times for a kept kind, from the histograms: count, and the nearest-rank median and 90th
    percentile (the smallest duration whose cumulative share reaches the fraction), per region and overall."""
    regions = regions_in_scope(scope=scope, layer=filters.layer)
    rows, mapping = _read(LeadTimeFact.objects.filter(kind=kind), scope, filters, regions)
    histograms: dict[str, Counter] = defaultdict(Counter)
    for area, value, count in rows.order_by().values_list("area", "tenths").annotate(total=Sum("count")):
        for region in mapping.of_municipality.get(area, ()):
            histograms[region][value] += count
        if not scope.national:
            histograms[""][value] += count
    if scope.national:  # the country's own rows: a municipality in two regions of a layer counts once here
        national = LeadTimeFact.objects.filter(kind=kind, form=filters.form, month__gte=filters.first_month,
                                               month__lte=filters.last_month, area_kind=NATIONAL)
        for value, count in national.order_by().values_list("tenths").annotate(total=Sum("count")):
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

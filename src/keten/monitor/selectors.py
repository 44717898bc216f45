"""Reads of the monitor: counts and lead times per region, added up by the database (GROUP BY and window
functions; no signal or referral row is loaded into Python), within the scope policy gives the actor for
monitoring. What these return is raw: every figure goes through keten.monitor.disclosure before anyone sees it
(keten.monitor.dashboard)."""

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, CumeDist, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keten.accounts.actor import Actor
from keten.accounts.roles import OrganisationType
from keten.audit.services import record as audit
from keten.core.errors import PermissionDenied
from keten.core.privacy import DataCategory
from keten.intake.models import (
    PUBLIC_GUIDE_REPORTER,
    ExploitationForm,
    IndicatorKind,
    Signal,
    SignalForm,
)
from keten.intake.workflow import Status
from keten.policy.decisions import evaluate
from keten.policy.purposes import Purpose
from keten.policy.rules import Effect, Relation
from keten.referrals.models import Referral, ReferralStatus, StepAction
from keten.regions.models import LayerKind, Municipality, Region
from keten.regions.selectors import sort_key
from keten.signaltable.models import TableDecision
from keten.socialmap import ondergrens
from keten.trajectories.models import Phase, Trajectory

#: The region layers the monitor groups by; "municipality" is no layer of keten.regions but the finest grain.
MUNICIPALITY = "municipality"
LAYERS: dict[str, object] = {
    LayerKind.PROVINCE: LayerKind.PROVINCE.label,
    LayerKind.POLICE_UNIT: LayerKind.POLICE_UNIT.label,
    LayerKind.VEILIG_THUIS: LayerKind.VEILIG_THUIS.label,
    LayerKind.CARE_COORDINATION: LayerKind.CARE_COORDINATION.label,
    MUNICIPALITY: gettext_lazy("Gemeente"),
}

#: A signal with more than one form counts once, here: so every table of a query adds up to the same totals.
MULTIPLE_FORMS = "multiple"
HARD, NO_HARD = "hard", "no_hard"


class Dimension(StrEnum):
    """What the columns of a count table are."""

    MONTH = "month"
    FORM = "form"
    REPORTER = "reporter"
    HARD_INDICATOR = "hard"


@dataclass(frozen=True)
class MonitorFilters:
    """What the user chose: the months from `first_month` to `last_month` (both the first of their month,
    inclusive), the layer to group by, and optionally one form of exploitation (signals that name it)."""

    first_month: date
    last_month: date
    layer: str = LayerKind.PROVINCE
    form: str = ""

    @property
    def months(self) -> list[date]:
        months, month = [], self.first_month
        while month <= self.last_month:
            months.append(month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return months

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in the local time zone: from the first moment of the first month to that of the month
        after the last."""
        end = date(self.last_month.year + self.last_month.month // 12, self.last_month.month % 12 + 1, 1)
        zone = timezone.get_current_timezone()
        return (datetime.combine(self.first_month, time.min, tzinfo=zone), datetime.combine(end, time.min, tzinfo=zone))


@dataclass(frozen=True)
class Scope:
    """The municipalities whose figures the actor may see; None: the whole country."""

    municipalities: frozenset[str] | None
    label: str

    @property
    def national(self) -> bool:
        return self.municipalities is None


def monitor_scope(actor: Actor) -> Scope:
    """A national analyst sees the whole country, a municipality officer the municipalities of their
    membership's region; anyone else nothing (policy: aggregates, for monitoring, by region)."""
    effect, _rule = evaluate(role=actor.role, org_type=actor.organisation.type, category=DataCategory.AGGREGATE,
                             purpose=Purpose.MONITORING, relations=frozenset({Relation.REGION}))
    if effect != Effect.ALLOW:
        raise PermissionDenied(_("Als {role} ziet u geen cijfers van de landelijke monitor.").format(
            role=actor.membership.get_role_display()))
    if actor.is_national:
        return Scope(municipalities=None, label=_("heel Nederland"))
    region = actor.membership.region
    return Scope(municipalities=frozenset(region.municipalities.values_list("code", flat=True)), label=region.name)


def record_view(*, actor: Actor, export: bool = False) -> None:
    """One audit event per dashboard view or export: figures only, no record, for monitoring."""
    audit(actor=actor, action="export" if export else "search", object_type="monitor.dashboard",
          purpose=Purpose.MONITORING)


# --- Regions -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regions:
    """The rows of a table: the layer's regions that hold municipalities in scope, and which region(s) each such
    municipality lies in."""

    codes: tuple[str, ...]
    names: dict[str, str]
    of_municipality: dict[str, tuple[str, ...]]


def regions_in_scope(*, scope: Scope, layer: str) -> Regions:
    if layer == MUNICIPALITY:
        found = Municipality.objects.all()
        if not scope.national:
            found = found.filter(code__in=scope.municipalities)
        names = dict(found.values_list("code", "name"))
        return Regions(codes=_by_name(names), names=names, of_municipality={code: (code,) for code in names})
    links = Region.municipalities.through.objects.filter(region__layer__kind=layer)
    if not scope.national:
        links = links.filter(municipality_id__in=scope.municipalities)
    names: dict[str, str] = {}
    of_municipality: dict[str, tuple[str, ...]] = {}
    for municipality, code, name in links.values_list("municipality_id", "region__code", "region__name"):
        names[code] = name
        of_municipality[municipality] = (*of_municipality.get(municipality, ()), code)
    return Regions(codes=_by_name(names), names=names, of_municipality=of_municipality)


def _by_name(names: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=lambda code: (sort_key(names[code]), code)))


# --- Counts ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Counts per region (rows, in `regions.codes` order) and category (columns)."""

    regions: Regions
    categories: tuple[tuple[str, str], ...]  # (code, label)
    counts: tuple[tuple[int, ...], ...]


def signals_in(*, scope: Scope, filters: MonitorFilters) -> QuerySet[Signal]:
    """The signals the figures count: registered in the period, in scope, naming the chosen form."""
    start, end = filters.bounds
    signals = Signal.objects.filter(created_at__gte=start, created_at__lt=end)
    if not scope.national:
        signals = signals.filter(municipality_id__in=scope.municipalities)
    if filters.form:
        signals = signals.filter(Exists(SignalForm.objects.filter(signal=OuterRef("pk"), form=filters.form)))
    return signals


def signal_counts(*, scope: Scope, filters: MonitorFilters, dimension: str) -> Counts:
    """Signals per region of the chosen layer × month, form, reporter type or hard indicator, counted from the
    source tables (the dashboard reads the same figures from keten.monitor.facts). Grouped by the database per
    municipality (a few hundred rows at most), then added up per region."""
    regions = regions_in_scope(scope=scope, layer=filters.layer)
    signals = signals_in(scope=scope, filters=filters)
    if dimension == Dimension.FORM:
        grouped = _form_counts(signals)
    elif dimension == Dimension.HARD_INDICATOR:
        grouped = _hard_counts(signals)
    else:
        expression = TruncMonth("created_at") if dimension == Dimension.MONTH else _REPORTER
        grouped = [(municipality, category.date() if isinstance(category, datetime) else category, count)
                   for municipality, category, count in signals.annotate(category=expression).order_by()
                   .values_list("municipality_id", "category").annotate(count=Count("pk"))]
    return count_table(regions, count_categories(dimension, filters), grouped,
                       drop_unused=dimension == Dimension.REPORTER)


def count_categories(dimension: str, filters: MonitorFilters) -> list[tuple]:
    """The columns (code, label) of a count table, in order."""
    if dimension == Dimension.MONTH:
        return [(month, month_label(month)) for month in filters.months]
    if dimension == Dimension.FORM:
        return [*ExploitationForm.choices, (MULTIPLE_FORMS, _("Meer dan één vorm"))]
    if dimension == Dimension.REPORTER:
        return [*OrganisationType.choices, (PUBLIC_GUIDE_REPORTER, _("Aanmeldwijzer (zonder inloggen)"))]
    if dimension == Dimension.HARD_INDICATOR:
        return [(HARD, _("Met een hard signaal")), (NO_HARD, _("Zonder hard signaal"))]
    raise ValueError(f"Unknown dimension {dimension!r}")


def count_table(regions: Regions, categories: list[tuple], grouped, *, drop_unused: bool = False) -> Counts:
    """(municipality, category, count) rows added up per region; with `drop_unused`, columns nobody counted in
    are left out (fourteen kinds of reporter, most of which never report in a region)."""
    index = {code: row for row, code in enumerate(regions.codes)}
    columns = {code: column for column, (code, _label) in enumerate(categories)}
    table = [[0] * len(categories) for _code in regions.codes]
    for municipality, key, count in grouped:
        for region in regions.of_municipality.get(municipality, ()):
            if key in columns:
                table[index[region]][columns[key]] += count
    if drop_unused:
        used = [column for column in range(len(categories)) if any(row[column] for row in table)]
        categories = [categories[column] for column in used]
        table = [[row[column] for column in used] for row in table]
    return Counts(regions=regions, categories=tuple(categories), counts=tuple(tuple(row) for row in table))


_REPORTER = Coalesce(F("reporter_organisation__type"), Value(PUBLIC_GUIDE_REPORTER), output_field=CharField())


# A signal's forms and hard indicators are other tables. Putting a signal in its column by a subquery per signal
# costs a lookup per signal, and an IN (subquery) in the SELECT list is hashed only while it fits in PostgreSQL's
# work_mem, else rescanned per signal: both are far too slow over a million signals. So they are counted with joins
# (one GROUP BY per signal at most), and what is left over is worked out from the totals.


def _totals(signals: QuerySet[Signal]) -> dict[str, int]:
    return dict(signals.order_by().values_list("municipality_id").annotate(count=Count("pk")))


def _form_counts(signals: QuerySet[Signal]) -> list[tuple[str, str, int]]:
    """(municipality, form or MULTIPLE_FORMS, signals): a signal with one form counts under it, any other (more
    forms, or none) once under MULTIPLE_FORMS. One join and GROUP BY per signal, wrapped in one GROUP BY per
    municipality and column (the ORM cannot group twice)."""
    per_signal = signals.order_by().annotate(forms_named=Count("forms"), first_form=Min("forms__form"))
    sql, params = per_signal.values("municipality_id", "forms_named", "first_form").query.sql_with_params()
    quote = connection.ops.quote_name
    municipality, named, first = quote("municipality_id"), quote("forms_named"), quote("first_form")
    # Only the ORM's own SQL and quoted names are put together here; every value is a parameter.
    outer = (f"SELECT {municipality}, CASE WHEN {named} = 1 THEN {first} ELSE %s END, COUNT(*) "  # noqa: S608
             f"FROM ({sql}) per_signal GROUP BY 1, 2")
    with connection.cursor() as cursor:
        cursor.execute(outer, [MULTIPLE_FORMS, *params])
        return cursor.fetchall()


def _hard_counts(signals: QuerySet[Signal]) -> list[tuple[str, str, int]]:
    """(municipality, HARD or NO_HARD, signals): with at least one hard indicator, or without."""
    hard = Signal.indicators.through.objects.filter(indicatorversion__indicator__kind=IndicatorKind.HARD)
    with_hard = _totals(signals.filter(pk__in=hard.values("signal_id")))
    return [row for municipality, total in _totals(signals).items()
            for row in ((municipality, HARD, with_hard.get(municipality, 0)),
                        (municipality, NO_HARD, total - with_hard.get(municipality, 0)))]


MONTH_NAMES = (gettext_lazy("jan"), gettext_lazy("feb"), gettext_lazy("mrt"), gettext_lazy("apr"),
               gettext_lazy("mei"), gettext_lazy("jun"), gettext_lazy("jul"), gettext_lazy("aug"),
               gettext_lazy("sep"), gettext_lazy("okt"), gettext_lazy("nov"), gettext_lazy("dec"))


def month_label(month: date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


# --- Lead times --------------------------------------------------------------------------------------------------


class LeadTime(StrEnum):
    TRIAGE = "triage"
    TABLE = "table"
    DECISION = "decision"
    ACCEPTANCE = "acceptance"


LEAD_TIME_LABELS = {
    LeadTime.TRIAGE: gettext_lazy("Signaal tot triage"),
    LeadTime.TABLE: gettext_lazy("Signaal tot Signaaltafel"),
    LeadTime.DECISION: gettext_lazy("Signaal tot besluit van de Signaaltafel"),
    LeadTime.ACCEPTANCE: gettext_lazy("Aanmelding tot aanname"),
}


@dataclass(frozen=True)
class Durations:
    """Per region (and "" for the whole scope): how many records reached the step, and the median and 90th
    percentile of the time it took, in hours (nearest rank)."""

    count: dict[str, int]
    median_hours: dict[str, float]
    p90_hours: dict[str, float]


def lead_times(*, scope: Scope, filters: MonitorFilters, kind: str) -> Durations:
    """Signal → triage and signal → Signaaltafel (the first step to that status) for signals registered in the
    period; referral → acceptance for referrals made in it. Medians and 90th percentiles by window functions, in
    the database."""
    start, end = filters.bounds
    if kind == LeadTime.ACCEPTANCE:
        referrals = Referral.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
            status=ReferralStatus.DRAFT)  # a draft was never made to anyone
        records = _with_form(_in_scope(referrals, scope), filters.form, "forms")
        reached_at = Min("steps__at", filter=Q(steps__action=StepAction.ACCEPTED))
        # From sending, not from writing: a referral drafted at the table waits for no coordinator until sent.
        started_at = Min("steps__at", filter=Q(steps__action=StepAction.SENT))
    elif kind == LeadTime.DECISION:
        records = signals_in(scope=scope, filters=filters)
        # The first decision on a dossier that holds the signal, once it was registered. A subquery per signal:
        # this source reading is the reference the dashboard's facts are checked against, not what a view runs.
        first = (TableDecision.objects.filter(dossier__memberships__signal=OuterRef("pk"),
                                              dossier__memberships__is_active=True,
                                              decided_at__gte=OuterRef("created_at"))
                 .order_by("decided_at").values("decided_at")[:1])
        reached_at, started_at = Subquery(first), F("created_at")
    else:
        records = signals_in(scope=scope, filters=filters)
        status = Status.TRIAGE if kind == LeadTime.TRIAGE else Status.AT_TABLE
        reached_at = Min("transitions__at", filter=Q(transitions__to_status=status))
        started_at = F("created_at")
    # A join and one GROUP BY per record, not a subquery per record: linear over a million signals.
    timed = (records.annotate(reached_at=reached_at, started_at=started_at).filter(reached_at__isnull=False)
             .annotate(took=ExpressionWrapper(F("reached_at") - F("started_at"), output_field=DurationField())))
    return _durations(timed, _by_region(timed, filters.layer))


def _in_scope(records: QuerySet, scope: Scope, field: str = "municipality_id") -> QuerySet:
    return records if scope.national else records.filter(**{f"{field}__in": scope.municipalities})


def _with_form(records: QuerySet, form: str, field: str) -> QuerySet:
    """Records whose JSON list of form codes (`field`) holds `form`; all of them when no form is chosen."""
    if not form:
        return records
    # SQLite has no JSON containment, but a quoted code is unambiguous.
    if connection.features.supports_json_field_contains:
        return records.filter(**{f"{field}__contains": [form]})
    return records.filter(**{f"{field}__icontains": f'"{form}"'})


def _by_region(records: QuerySet, layer: str) -> QuerySet:
    """`records` with the code of their region in `layer` as "region": by a join, so a municipality in two regions
    of the layer counts in both, as in signal_counts."""
    if layer == MUNICIPALITY:
        return records.annotate(region=F("municipality_id"))
    # One annotate call: both names share one join, which a later filter() on the relation would not.
    return (records.annotate(region=F("municipality__regions__code"), layer=F("municipality__regions__layer__kind"))
            .filter(layer=layer))


def _durations(overall: QuerySet, grouped: QuerySet) -> Durations:
    """Count, median and 90th percentile (nearest rank) of "took", per "region" of `grouped` and, under "", over
    `overall`: the smallest duration whose cumulative share reaches the fraction. CUME_DIST is a window function
    SQLite and PostgreSQL both have; the ORM cannot group over a window, so each ranked query is wrapped in one
    outer GROUP BY of its own, which gives all three figures at once."""
    quote = connection.ops.quote_name
    region, took, share = quote("region"), quote("took"), quote("share")
    durations = Durations(count={}, median_hours={}, p90_hours={})
    for records, partition in ((grouped, [F("region")]), (overall.annotate(region=Value("")), None)):
        ranked = records.annotate(share=Window(CumeDist(), partition_by=partition, order_by=F("took").asc()))
        sql, params = ranked.order_by().values("region", "took", "share").query.sql_with_params()
        # Only the ORM's own SQL and quoted names are put together here; every value is a parameter.
        outer = (f"SELECT {region}, COUNT(*), MIN(CASE WHEN {share} >= %s THEN {took} END), "  # noqa: S608
                 f"MIN(CASE WHEN {share} >= %s THEN {took} END) FROM ({sql}) ranked GROUP BY {region}")
        with connection.cursor() as cursor:
            cursor.execute(outer, [0.5, 0.9, *params])  # the two fractions come before the inner query
            for key, count, median, p90 in cursor.fetchall():
                durations.count[key or ""] = count
                durations.median_hours[key or ""] = _hours(median)
                durations.p90_hours[key or ""] = _hours(p90)
    durations.count.setdefault("", 0)
    return durations


def _hours(value) -> float:
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else float(value) / 1_000_000
    return seconds / 3600



# --- Trajectories ------------------------------------------------------------------------------------------------


def _trajectories(*, scope: Scope, filters: MonitorFilters) -> QuerySet[Trajectory]:
    """Trajectories in scope (by the municipality they are kept for) whose referral named the chosen form."""
    return _with_form(_in_scope(Trajectory.objects.all(), scope), filters.form, "referral__forms")


def open_trajectories(*, scope: Scope, filters: MonitorFilters) -> Counts:
    """Trajectories that run now, per region × phase: a count of people, so it goes through disclosure control.
    The period does not apply: a trajectory's phase is only known as it is today."""
    regions = regions_in_scope(scope=scope, layer=filters.layer)
    categories = [(code, label) for code, label in Phase.choices if code != Phase.CLOSED]
    grouped = (_trajectories(scope=scope, filters=filters).exclude(phase=Phase.CLOSED).order_by()
               .values_list("municipality_id", "phase").annotate(count=Count("pk")))
    index = {code: row for row, code in enumerate(regions.codes)}
    columns = {code: column for column, (code, _label) in enumerate(categories)}
    table = [[0] * len(categories) for _code in regions.codes]
    for municipality, phase, count in grouped:
        for region in regions.of_municipality.get(municipality, ()):
            table[index[region]][columns[phase]] += count
    return Counts(regions=regions, categories=tuple(categories), counts=tuple(tuple(row) for row in table))


def trajectory_durations(*, scope: Scope, filters: MonitorFilters) -> Durations:
    """Per close reason (and "" for all): how many trajectories closed in the period, and the median and 90th
    percentile of how long they ran, from start to close."""
    start, end = filters.bounds
    timed = (_trajectories(scope=scope, filters=filters)
             .filter(phase=Phase.CLOSED, closed_at__gte=start, closed_at__lt=end)
             .annotate(took=ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())))
    return _durations(timed, timed.annotate(region=F("close_reason")))


# --- The social map's ondergrens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Per region (in `regions.codes` order), how many of its municipalities meet every norm, some, or fall short
    (keten.socialmap.ondergrens: no care coordinator, or no norm met); `norms` is how many norms are active."""

    regions: Regions
    statuses: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    norms: int


def ondergrens_coverage(*, scope: Scope, layer: str) -> Coverage:
    regions = regions_in_scope(scope=scope, layer=layer)
    evaluation = ondergrens.evaluate_standard()
    statuses = (ondergrens.Status.GOOD, ondergrens.Status.PARTIAL, ondergrens.Status.GAP)
    index = {code: row for row, code in enumerate(regions.codes)}
    table = [[0] * len(statuses) for _code in regions.codes]
    for municipality in evaluation.municipalities:
        if municipality.status in statuses:
            for region in regions.of_municipality.get(municipality.code, ()):
                table[index[region]][statuses.index(municipality.status)] += 1
    return Coverage(regions=regions, statuses=statuses, counts=tuple(tuple(row) for row in table),
                    norms=len(evaluation.criteria))

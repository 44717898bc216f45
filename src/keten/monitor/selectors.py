"""Reads of the monitor: counts and lead times per region, added up by the database (GROUP BY and window
functions; no signal or referral row is loaded into Python), within the scope policy gives the actor for
monitoring. What these return is raw: every figure goes through keten.monitor.disclosure before anyone sees it
(keten.monitor.dashboard)."""

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
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
    SignalTransition,
)
from keten.intake.workflow import Status
from keten.policy.decisions import evaluate
from keten.policy.purposes import Purpose
from keten.policy.rules import Effect, Relation
from keten.referrals.models import Referral, ReferralStep, StepAction
from keten.regions.models import LayerKind, Municipality, Region
from keten.regions.selectors import sort_key

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
    """Signals per region of the chosen layer × month, form, reporter type or hard indicator. Grouped by the
    database per municipality (a few hundred rows at most), then added up per region."""
    regions = regions_in_scope(scope=scope, layer=filters.layer)
    expression, categories = _dimension(dimension, filters)
    grouped = (signals_in(scope=scope, filters=filters).annotate(category=expression).order_by()
               .values_list("municipality_id", "category").annotate(count=Count("pk")))
    index = {code: row for row, code in enumerate(regions.codes)}
    columns = {code: column for column, (code, _label) in enumerate(categories)}
    table = [[0] * len(categories) for _code in regions.codes]
    for municipality, category, count in grouped:
        key = category.date() if isinstance(category, datetime) else category
        for region in regions.of_municipality.get(municipality, ()):
            if key in columns:
                table[index[region]][columns[key]] += count
    if dimension == Dimension.REPORTER:  # fourteen kinds of reporter: leave out those that never reported
        used = [column for column in range(len(categories)) if any(row[column] for row in table)]
        categories = [categories[column] for column in used]
        table = [[row[column] for column in used] for row in table]
    return Counts(regions=regions, categories=tuple(categories), counts=tuple(tuple(row) for row in table))


def _dimension(dimension: str, filters: MonitorFilters):
    """The SQL expression that puts a signal in a column, and the columns (code, label) in order."""
    if dimension == Dimension.MONTH:
        return TruncMonth("created_at"), [(month, month_label(month)) for month in filters.months]
    if dimension == Dimension.FORM:
        forms = SignalForm.objects.filter(signal=OuterRef("pk")).order_by().values("signal")
        single = Subquery(forms.annotate(first=Min("form")).values("first"))
        several = Exists(forms.annotate(n=Count("pk")).filter(n__gt=1))
        expression = Case(When(several, then=Value(MULTIPLE_FORMS)), default=Coalesce(single, Value(MULTIPLE_FORMS)),
                          output_field=CharField())
        return expression, [*ExploitationForm.choices, (MULTIPLE_FORMS, _("Meer dan één vorm"))]
    if dimension == Dimension.REPORTER:
        return (Coalesce(F("reporter_organisation__type"), Value(PUBLIC_GUIDE_REPORTER), output_field=CharField()),
                [*OrganisationType.choices, (PUBLIC_GUIDE_REPORTER, _("Aanmeldwijzer (zonder inloggen)"))])
    if dimension == Dimension.HARD_INDICATOR:
        hard = Signal.indicators.through.objects.filter(signal_id=OuterRef("pk"),
                                                          indicatorversion__indicator__kind=IndicatorKind.HARD)
        return (Case(When(Exists(hard), then=Value(HARD)), default=Value(NO_HARD), output_field=CharField()),
                [(HARD, _("Met een hard signaal")), (NO_HARD, _("Zonder hard signaal"))])
    raise ValueError(f"Unknown dimension {dimension!r}")


MONTH_NAMES = (gettext_lazy("jan"), gettext_lazy("feb"), gettext_lazy("mrt"), gettext_lazy("apr"),
               gettext_lazy("mei"), gettext_lazy("jun"), gettext_lazy("jul"), gettext_lazy("aug"),
               gettext_lazy("sep"), gettext_lazy("okt"), gettext_lazy("nov"), gettext_lazy("dec"))


def month_label(month: date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


# --- Lead times --------------------------------------------------------------------------------------------------


class LeadTime(StrEnum):
    TRIAGE = "triage"
    TABLE = "table"
    ACCEPTANCE = "acceptance"


LEAD_TIME_LABELS = {
    LeadTime.TRIAGE: gettext_lazy("Signaal tot triage"),
    LeadTime.TABLE: gettext_lazy("Signaal tot Signaaltafel"),
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
        records = Referral.objects.filter(created_at__gte=start, created_at__lt=end)
        if not scope.national:
            records = records.filter(municipality_id__in=scope.municipalities)
        if filters.form:
            # The forms are a JSON list of codes; SQLite has no JSON containment, but a quoted code is unambiguous.
            records = records.filter(forms__contains=[filters.form]) if _json_contains() else records.filter(
                forms__icontains=f'"{filters.form}"')
        steps = ReferralStep.objects.filter(referral=OuterRef("pk"), action=StepAction.ACCEPTED).values("referral")
    else:
        records = signals_in(scope=scope, filters=filters)
        status = Status.TRIAGE if kind == LeadTime.TRIAGE else Status.AT_TABLE
        steps = SignalTransition.objects.filter(signal=OuterRef("pk"), to_status=status).values("signal")
    reached_at = Subquery(steps.order_by().annotate(first=Min("at")).values("first"))
    region = _region_expression(filters.layer)
    timed = (records.annotate(reached_at=reached_at).filter(reached_at__isnull=False)
             .annotate(region=region, took=ExpressionWrapper(F("reached_at") - F("created_at"),
                                                             output_field=DurationField())))
    return Durations(count=_counts(timed), median_hours=_percentile(timed, 0.5), p90_hours=_percentile(timed, 0.9))


def _json_contains() -> bool:
    return connection.features.supports_json_field_contains


def _region_expression(layer: str):
    """The code of the record's region in `layer`, by a correlated subquery (a complete layer has one)."""
    if layer == MUNICIPALITY:
        return F("municipality_id")
    codes = Region.objects.filter(layer__kind=layer, municipalities=OuterRef("municipality_id")).order_by("code")
    return Subquery(codes.values("code")[:1], output_field=CharField())


def _counts(timed: QuerySet) -> dict[str, int]:
    per_region = dict(timed.order_by().values_list("region").annotate(n=Count("pk")))
    per_region[""] = timed.count()
    return per_region


def _percentile(timed: QuerySet, fraction: float) -> dict[str, float]:
    """Nearest-rank percentile per region and over all: the smallest duration whose cumulative share reaches
    `fraction`. CUME_DIST is a window function SQLite and PostgreSQL both have; the ORM cannot group over a
    window, so the ranked query is wrapped in one outer GROUP BY of its own."""
    quote = connection.ops.quote_name
    results = {}
    for partition in ([F("region")], None):
        ranked = timed.annotate(share=Window(CumeDist(), partition_by=partition, order_by=F("took").asc()))
        sql, params = ranked.order_by().values("region", "took", "share").query.sql_with_params()
        region, took, share = quote("region"), quote("took"), quote("share")
        select, group = (region, f" GROUP BY {region}") if partition else ("''", "")
        # Only the ORM's own SQL and quoted names are put together here; every value is a parameter.
        outer = f"SELECT {select}, MIN({took}) FROM ({sql}) ranked WHERE {share} >= %s{group}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(outer, [*params, fraction])
            results.update({region or "": _hours(value) for region, value in cursor.fetchall() if value is not None})
    return results


def _hours(value) -> float:
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else float(value) / 1_000_000
    return seconds / 3600


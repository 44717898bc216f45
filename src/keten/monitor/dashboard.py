"""The monitor's tables as the page and the exports show them: the raw figures of keten.monitor.selectors, every
one through keten.monitor.disclosure, with their labels, a chart and the notes on suppression and rounding."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from keten.monitor import facts, selectors, table_selectors
from keten.monitor.charts import Chart, bar_chart
from keten.monitor.disclosure import ProtectedTable, protect, protect_together, statistic_publishable
from keten.monitor.selectors import LEAD_TIME_LABELS, Dimension, Durations, LeadTime, MonitorFilters, Scope
from keten.socialmap.ondergrens import STATUS_WORDS
from keten.trajectories.models import CloseReason

#: How a suppressed figure reads, on the page and in the exports; NOTHING where there is nothing to measure.
SUPPRESSED = "·"
NOTHING = "–"


@dataclass(frozen=True)
class Figure:
    """One published figure: its value (None when suppressed or nothing to measure) and how it reads."""

    value: int | float | None
    text: str

    @property
    def suppressed(self) -> bool:
        return self.text == SUPPRESSED


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Figure, ...]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    description: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    chart: Chart
    note: str = ""  # how to read this table, where it differs from the others


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    filters: MonitorFilters
    tables: tuple[Table, ...]
    min_cell: int
    rounding: int
    has_rest: bool
    rebuilt_at: datetime | None = None  # when the facts were last counted in full (keten.monitor.facts)

    def table(self, slug: str) -> Table | None:
        return next((table for table in self.tables if table.slug == slug), None)

    @property
    def notes(self) -> list[str]:
        """What a reader needs to read the figures right; on the page and under every export."""
        notes = [_("{symbol} = niet getoond: minder dan {limit}, of verborgen zodat een klein aantal niet uit de "
                   "totalen of uit andere cijfers is terug te rekenen.").format(symbol=SUPPRESSED,
                                                                                  limit=self.min_cell),
                 _("{symbol} = niets te meten: er zijn geen signalen of aanmeldingen.").format(symbol=NOTHING)]
        if self.rounding > 1:
            notes.append(_("Aantallen zijn afgerond op veelvouden van {base}; elk totaal is apart afgerond, "
                           "zodat de getallen niet altijd precies optellen.").format(base=self.rounding))
        if self.has_rest:
            notes.append(_("Gebieden met minder dan {limit} signalen zijn samengevoegd in de rij ‘Overige "
                           "gebieden samen’.").format(limit=self.min_cell))
        notes.append(_("Een signaal met meer dan één vorm van uitbuiting telt één keer, in de kolom ‘Meer dan één "
                       "vorm’. Doorlooptijden staan alleen bij ten minste {limit} signalen of aanmeldingen.")
                     .format(limit=self.min_cell))
        if self.rebuilt_at:
            notes.append(_("Nieuwe signalen, stappen en besluiten tellen direct mee. Wijzigingen in bulk (zoals "
                           "imports en samengevoegde dossiers) tellen mee vanaf de volledige herberekening; de "
                           "laatste was op {moment}.").format(
                moment=date_format(timezone.localtime(self.rebuilt_at), "j F Y, H:i")))
        if settings.KETEN_MONITOR_CACHE_SECONDS:
            notes.append(ngettext("De cijfers worden één minuut bewaard: ze kunnen zo oud zijn.",
                                  "De cijfers worden {minutes} minuten bewaard: ze kunnen zo oud zijn.",
                                  max(1, settings.KETEN_MONITOR_CACHE_SECONDS // 60)).format(
                minutes=max(1, settings.KETEN_MONITOR_CACHE_SECONDS // 60)))
        return notes


#: The count tables of one query: they share their rows and row totals, so they are protected together.
COUNT_TABLES = (
    ("per-maand", Dimension.MONTH),
    ("per-vorm", Dimension.FORM),
    ("per-melder", Dimension.REPORTER),
    ("harde-signalen", Dimension.HARD_INDICATOR),
)
LEAD_TIMES = "doorlooptijden"
OPEN_TRAJECTORIES = "open-trajecten"
TRAJECTORY_DURATIONS = "trajectduur"
TABLE_DECISIONS = "tafelbesluiten"
TABLE_ACTIONS = "tafelacties"
ONDERGRENS = "ondergrens"
SLUGS = (*(slug for slug, _dimension in COUNT_TABLES), LEAD_TIMES, OPEN_TRAJECTORIES, TRAJECTORY_DURATIONS,
         TABLE_DECISIONS, TABLE_ACTIONS, ONDERGRENS)


def build_dashboard(*, scope: Scope, filters: MonitorFilters) -> Dashboard:
    """Every table of the dashboard for `scope` and `filters`, protected with the configured threshold and
    rounding; kept KETEN_MONITOR_CACHE_SECONDS in the shared cache (after disclosure control: only published
    figures are kept), so a national view over a million signals is added up once per few minutes, not per view."""
    seconds = settings.KETEN_MONITOR_CACHE_SECONDS
    if not seconds:
        return _build(scope, filters)
    key = _cache_key(scope, filters)
    board = cache.get(key)
    if board is None:
        board = _build(scope, filters)
        cache.set(key, board, seconds)
    return board


def _cache_key(scope: Scope, filters: MonitorFilters) -> str:
    """Everything the figures and their words depend on: who sees which municipalities, the filters, the rule and
    the language."""
    municipalities = None if scope.national else sorted(scope.municipalities)
    parts = (municipalities, scope.label, filters.first_month, filters.last_month, filters.layer, filters.form,
             settings.KETEN_MONITOR_MIN_CELL, settings.KETEN_MONITOR_ROUNDING, get_language())
    return "monitor:dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _build(scope: Scope, filters: MonitorFilters) -> Dashboard:
    min_cell, rounding = settings.KETEN_MONITOR_MIN_CELL, settings.KETEN_MONITOR_ROUNDING
    state = facts.refresh()  # the slices writes marked since, counted again first: the figures are current
    counts = facts.signal_counts(scope=scope, filters=filters)
    regions = counts[Dimension.MONTH].regions
    linked = protect_together([counts[dimension].counts for _slug, dimension in COUNT_TABLES], min_cell=min_cell,
                              rounding=rounding)
    labels = [_rest_label() if len(group) > 1 else regions.names[regions.codes[group[0]]]
              for group in linked.groups]
    layer = str(selectors.LAYERS[filters.layer])
    tables = [
        _count_table(slug, dimension, counts[dimension], protected, labels, layer, filters)
        for (slug, dimension), protected in zip(COUNT_TABLES, linked.tables, strict=True)
    ]
    tables.append(_lead_time_table(scope, filters, regions, layer, min_cell))
    tables.append(_open_trajectories_table(scope, filters, layer, min_cell, rounding))
    tables.append(_trajectory_duration_table(scope, filters, min_cell))
    tables.append(_table_decisions_table(scope, filters, layer, min_cell, rounding))
    tables.append(_table_actions_table(scope, filters, layer, min_cell, rounding))
    tables.append(_ondergrens_table(scope, filters, layer))
    return Dashboard(scope=scope, filters=filters, tables=tuple(tables), min_cell=min_cell, rounding=rounding,
                     has_rest=linked.has_rest, rebuilt_at=state.rebuilt_at)


def _rest_label() -> str:
    return _("Overige gebieden samen")


def _count(value: int | None) -> Figure:
    return Figure(None, SUPPRESSED) if value is None else Figure(value, number_format(value, force_grouping=True))


TITLES = {
    Dimension.MONTH: (lambda: _("Signalen per maand"),
                      lambda: _("Het aantal geregistreerde signalen per gebied en per maand van registratie.")),
    Dimension.FORM: (lambda: _("Signalen per vorm van uitbuiting"),
                     lambda: _("Het aantal signalen per gebied en per vorm van uitbuiting die de melder koos.")),
    Dimension.REPORTER: (lambda: _("Signalen per soort melder"),
                         lambda: _("Het aantal signalen per gebied en per soort organisatie die meldde; "
                                   "‘Aanmeldwijzer’ zijn meldingen zonder inloggen.")),
    Dimension.HARD_INDICATOR: (lambda: _("Signalen met een hard signaal"),
                               lambda: _("Signalen met ten minste één hard signaal (een vastgesteld feit), en "
                                         "het aandeel daarvan per gebied.")),
}


def _count_table(slug: str, dimension: str, counts: selectors.Counts, protected: ProtectedTable,
                 labels: list[str], layer: str, filters: MonitorFilters) -> Table:
    columns = [str(label) for _code, label in counts.categories]
    rows = [Row(label, tuple(_count(value) for value in (*cells, total)))
            for label, cells, total in zip(labels, protected.cells, protected.row_totals, strict=True)]
    totals = Row(_("Totaal"), tuple(_count(value) for value in (*protected.column_totals, protected.total)),
                 is_total=True)
    title, description = (text() for text in TITLES[dimension])
    if dimension == Dimension.HARD_INDICATOR:
        # The share only where both counts are published: from a suppressed count it would give that count away.
        rows = [_with_share(row) for row in rows]
        totals = _with_share(totals)
        columns.append(_("Aandeel met een hard signaal"))
        chart = bar_chart(_("Aandeel signalen met een hard signaal per gebied"),
                          [(row.label, row.cells[-1].value, row.cells[-1].text) for row in rows])
    else:
        chart = bar_chart(_("{title}, {scope}").format(title=title, scope=_("alle gebieden samen")),
                          [(column, figure.value, figure.text) for column, figure in zip(
                              columns, totals.cells, strict=False)])
    return Table(slug=slug, title=title, description=description, row_header=layer,
                 columns=(*columns[:len(counts.categories)], _("Totaal"), *columns[len(counts.categories):]),
                 rows=(*rows, totals), chart=chart)


def _with_share(row: Row) -> Row:
    hard, without, total = row.cells
    if hard.suppressed or without.suppressed:
        share = Figure(None, SUPPRESSED)
    elif not hard.value + without.value:
        share = Figure(None, NOTHING)
    else:
        percentage = round(100 * hard.value / (hard.value + without.value))
        share = Figure(percentage, f"{percentage}%")
    return Row(row.label, (hard, without, total, share), row.is_total)


def _lead_time_table(scope: Scope, filters: MonitorFilters, regions: selectors.Regions, layer: str,
                     min_cell: int) -> Table:
    kinds = (LeadTime.TRIAGE, LeadTime.TABLE, LeadTime.DECISION, LeadTime.ACCEPTANCE)
    found = {kind: (facts.lead_times if kind in facts.KEPT_LEAD_TIMES else selectors.lead_times)(
        scope=scope, filters=filters, kind=kind) for kind in kinds}

    def figures(key: str) -> tuple[Figure, ...]:
        return tuple(figure for kind in kinds for figure in _statistics(found[kind], key, min_cell))

    rows = [Row(regions.names[code], figures(code)) for code in regions.codes]
    rows.append(Row(_("Alle gebieden samen"), figures(""), is_total=True))
    columns = [text.format(step=LEAD_TIME_LABELS[kind]) for kind in kinds
               for text in (_("{step}: mediaan (dagen)"), _("{step}: 90% binnen (dagen)"))]
    chart = bar_chart(_("Mediaan van signaal tot triage, in dagen"),
                      [(row.label, row.cells[0].value, row.cells[0].text) for row in rows])
    return Table(slug=LEAD_TIMES, title=_("Doorlooptijden"),
                 # Translators: "90%" is a percentage, not a placeholder.
                 # xgettext:no-python-format
                 description=_("Hoe lang het duurde van registratie tot de eerste stap naar triage of naar de "
                               "Signaaltafel, tot het eerste besluit van de Signaaltafel over een dossier met het "
                               "signaal, en van aanmelding bij de zorgcoördinator tot aanname: de mediaan en de "
                               "tijd waarbinnen 90% het haalde."),
                 row_header=layer, columns=tuple(columns), rows=tuple(rows), chart=chart)


def _statistics(durations: Durations, key: str, min_cell: int) -> tuple[Figure, Figure]:
    """The median and 90th percentile of one row, in days; only over at least `min_cell` records."""
    count = durations.count.get(key, 0)
    if not count:
        return Figure(None, NOTHING), Figure(None, NOTHING)
    if not statistic_publishable(count, min_cell=min_cell):
        return Figure(None, SUPPRESSED), Figure(None, SUPPRESSED)
    return _days(durations.median_hours.get(key)), _days(durations.p90_hours.get(key))


def _open_trajectories_table(scope: Scope, filters: MonitorFilters, layer: str, min_cell: int,
                             rounding: int) -> Table:
    return _own_query_table(
        OPEN_TRAJECTORIES, selectors.open_trajectories(scope=scope, filters=filters), layer, min_cell, rounding,
        title=_("Lopende trajecten per fase"),
        description=_("Trajecten die nu lopen, per gebied en per fase waarin ze nu zijn. De gekozen periode telt "
                      "hier niet: een fase is alleen bekend zoals die vandaag is."),
        chart_title=_("Lopende trajecten per fase, alle gebieden samen"))


def _table_decisions_table(scope: Scope, filters: MonitorFilters, layer: str, min_cell: int,
                           rounding: int) -> Table:
    return _own_query_table(
        TABLE_DECISIONS, table_selectors.table_decisions(scope=scope, filters=filters), layer, min_cell, rounding,
        title=_("Besluiten van de Signaaltafel"),
        description=_("Besluiten die de Signaaltafel in de periode nam, per gebied van het dossier en per soort "
                      "besluit. Eén dossier kan meer besluiten krijgen."),
        chart_title=_("Besluiten van de Signaaltafel per soort, alle gebieden samen"))


def _table_actions_table(scope: Scope, filters: MonitorFilters, layer: str, min_cell: int, rounding: int) -> Table:
    return _own_query_table(
        TABLE_ACTIONS, table_selectors.open_actions(scope=scope, filters=filters), layer, min_cell, rounding,
        title=_("Openstaande acties van de Signaaltafel"),
        description=_("Acties die de Signaaltafel afsprak en die nog open staan, per gebied van het dossier: "
                      "binnen de afgesproken termijn of eroverheen. De gekozen periode telt hier niet: of een actie "
                      "open staat, is alleen bekend zoals het vandaag is."),
        chart_title=_("Openstaande acties, alle gebieden samen"))


def _own_query_table(slug: str, counts: selectors.Counts, layer: str, min_cell: int, rounding: int, *, title: str,
                     description: str, chart_title: str) -> Table:
    """A count table of its own query (not of signals): protected on its own, totals included."""
    protected = protect(counts.counts, min_cell=min_cell, rounding=rounding)
    columns = [str(label) for _code, label in counts.categories]
    rows = [Row(counts.regions.names[code], tuple(_count(value) for value in (*cells, total)))
            for code, cells, total in zip(counts.regions.codes, protected.cells, protected.row_totals, strict=True)]
    totals = Row(_("Totaal"), tuple(_count(value) for value in (*protected.column_totals, protected.total)),
                 is_total=True)
    chart = bar_chart(chart_title, [(column, figure.value, figure.text)
                                    for column, figure in zip(columns, totals.cells, strict=False)])
    return Table(slug=slug, title=title, description=description, row_header=layer,
                 columns=(*columns, _("Totaal")), rows=(*rows, totals), chart=chart)


def _trajectory_duration_table(scope: Scope, filters: MonitorFilters, min_cell: int) -> Table:
    durations = selectors.trajectory_durations(scope=scope, filters=filters)
    rows = [Row(str(label), _statistics(durations, code, min_cell)) for code, label in CloseReason.choices]
    rows.append(Row(_("Alle uitkomsten samen"), _statistics(durations, "", min_cell), is_total=True))
    chart = bar_chart(_("Mediane duur van een traject per uitkomst, in dagen"),
                      [(row.label, row.cells[0].value, row.cells[0].text) for row in rows])
    return Table(slug=TRAJECTORY_DURATIONS, title=_("Duur van trajecten per uitkomst"),
                 description=_("Hoe lang trajecten die in de periode zijn afgesloten liepen, van start tot "
                               "afsluiten, per reden van afsluiten: de mediaan en de tijd waarbinnen 90% was "
                               "afgesloten."),
                 row_header=_("Uitkomst"), columns=(_("Mediaan (dagen)"), _("90% binnen (dagen)")),
                 rows=tuple(rows), chart=chart)


def _ondergrens_table(scope: Scope, filters: MonitorFilters, layer: str) -> Table:
    coverage = selectors.ondergrens_coverage(scope=scope, layer=filters.layer)

    def row(label: str, counts: tuple[int, ...], is_total: bool = False) -> Row:
        return Row(label, tuple(Figure(value, number_format(value, force_grouping=True))
                                for value in (*counts, sum(counts))), is_total)

    rows = [row(coverage.regions.names[code], counts)
            for code, counts in zip(coverage.regions.codes, coverage.counts, strict=True)]
    totals = tuple(sum(column) for column in zip(*coverage.counts, strict=True)) if coverage.counts else (
        (0,) * len(coverage.statuses))
    rows.append(row(_("Totaal"), totals, is_total=True))
    columns = [str(STATUS_WORDS[status]) for status in coverage.statuses]
    chart = bar_chart(_("Gemeenten per uitkomst van de ondergrens, alle gebieden samen"),
                      [(column, figure.value, figure.text) for column, figure in zip(columns, rows[-1].cells,
                                                                                      strict=False)])
    note = _("Dit zijn aantallen gemeenten, geen mensen of signalen: ze staan er precies, zonder iets te verbergen.")
    if not coverage.norms:
        note += " " + _("Er zijn nog geen normen ingesteld; elke gemeente telt daarom nergens mee.")
    return Table(slug=ONDERGRENS, title=_("Sociale kaart: de ondergrens per gebied"),
                 description=_("Hoeveel gemeenten per gebied voldoen aan alle normen van de ondergrens, aan een "
                               "deel, of een tekort hebben (geen zorgcoördinator, of geen enkele norm gehaald)."),
                 row_header=layer, columns=(*columns, _("Gemeenten")), rows=tuple(rows), chart=chart, note=note)


def _days(hours: float | None) -> Figure:
    if hours is None:
        return Figure(None, SUPPRESSED)
    days = round(hours / 24, 1)
    return Figure(days, number_format(days, decimal_pos=1))


def period_label(filters: MonitorFilters) -> str:
    months = len(filters.months)
    return ngettext("{first} (één maand)", "{first} tot en met {last} ({months} maanden)", months).format(
        first=selectors.month_label(filters.first_month), last=selectors.month_label(filters.last_month),
        months=months)

"""The quarterly report of one region as a PDF (fpdf2): the dashboard's tables and charts for the quarter, after
disclosure control, and a short summary in Dutch of what changed against the previous quarter that only ever
names published figures."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from keten.core.clock import today
from keten.core.pdf import Document
from keten.monitor import selectors
from keten.monitor.dashboard import (
    LEAD_TIMES,
    Dashboard,
    Figure,
    Table,
    build_dashboard,
    period_label,
)
from keten.monitor.selectors import MonitorFilters, Scope
from keten.regions.models import Region

PAGE_WIDTH = 180  # mm between the margins of an A4 page
CHART_SCALE = PAGE_WIDTH / 640  # the charts are drawn for the page's 640 SVG units

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1–4

    @property
    def first_month(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def label(self) -> str:
        return _("{number}e kwartaal {year}").format(number=self.number, year=self.year)

    def filters(self, layer: str) -> MonitorFilters:
        first = self.first_month
        return MonitorFilters(first_month=first, last_month=first.replace(month=first.month + 2), layer=layer)

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def latest_complete(cls) -> "Quarter":
        return cls.of(today()).previous


def region_scope(region: Region) -> Scope:
    return Scope(municipalities=frozenset(region.municipalities.values_list("code", flat=True)), label=region.name)


# --- The summary -------------------------------------------------------------------------------------------------


def _total(dashboard: Dashboard, slug: str, column: int = -1) -> Figure:
    """A figure of the table's total row."""
    return dashboard.table(slug).rows[-1].cells[column]


def _count_words(value: int, rounded: bool) -> str:
    number = number_format(value, force_grouping=True)
    return _("ongeveer {number}").format(number=number) if rounded else number


def summary(current: Dashboard, previous: Dashboard, quarter: Quarter) -> list[str]:
    """Sentences on what changed since the previous quarter. A figure that either quarter does not publish is
    never named, and neither is a difference computed from one."""
    rounded = current.rounding > 1
    before, now_ = _total(previous, "per-maand"), _total(current, "per-maand")
    lines = []
    if before.suppressed or now_.suppressed or before.value is None or now_.value is None:
        lines.append(_("Het aantal signalen is in dit of het vorige kwartaal te klein om te tonen; daarom staat "
                       "hier geen vergelijking."))
    elif now_.value == before.value:
        lines.append(_("Het aantal signalen bleef gelijk: {now} in het {quarter}, net als in het kwartaal "
                       "ervoor.").format(now=_count_words(now_.value, rounded), quarter=quarter.label))
    else:
        text = (_("Het aantal signalen steeg van {before} in het {previous} naar {now} in het {quarter}.")
                if now_.value > before.value else
                _("Het aantal signalen daalde van {before} in het {previous} naar {now} in het {quarter}."))
        lines.append(text.format(before=_count_words(before.value, rounded), now=_count_words(now_.value, rounded),
                                 previous=quarter.previous.label, quarter=quarter.label))
    share_before, share_now = _total(previous, "harde-signalen"), _total(current, "harde-signalen")
    if share_before.value is not None and share_now.value is not None:
        lines.append(_("Het aandeel signalen met een hard signaal was {now}; het kwartaal ervoor {before}.")
                     .format(now=share_now.text, before=share_before.text))
    form = _largest_change(previous.table("per-vorm"), current.table("per-vorm"))
    if form:
        label, old, new = form
        text = (_("De grootste stijging per vorm: {form}, van {before} naar {now}.") if new > old else
                _("De grootste daling per vorm: {form}, van {before} naar {now}."))
        lines.append(text.format(form=label.lower(), before=_count_words(old, rounded),
                                 now=_count_words(new, rounded)))
    triage_before, triage_now = _total(previous, LEAD_TIMES, 0), _total(current, LEAD_TIMES, 0)
    if triage_before.value is not None and triage_now.value is not None:
        lines.append(_("De mediane tijd van signaal tot triage was {now} dagen; het kwartaal ervoor {before} dagen.")
                     .format(now=triage_now.text, before=triage_before.text))
    return lines


def _largest_change(previous: Table, current: Table) -> tuple[str, int, int] | None:
    """The form whose total changed most, among the forms both quarters publish."""
    changes = [(abs(new.value - old.value), label, old.value, new.value)
               for label, old, new in zip(current.columns, previous.rows[-1].cells[:-1], current.rows[-1].cells[:-1],
                                          strict=False)
               if old.value is not None and new.value is not None and old.value != new.value]
    if not changes:
        return None
    _size, label, old, new = max(changes, key=lambda change: change[0])
    return label, old, new


# --- The PDF -----------------------------------------------------------------------------------------------------


def quarterly_report(*, region: Region, quarter: Quarter, progress: Progress = lambda _percent: None) -> bytes:
    """The PDF of `region` for `quarter`: the dashboard on the region's own layer, as published."""
    scope = region_scope(region)
    layer = region.layer.kind
    previous = build_dashboard(scope=scope, filters=quarter.previous.filters(layer))
    progress(30)
    current = build_dashboard(scope=scope, filters=quarter.filters(layer))
    progress(60)
    title = _("Kwartaalrapport mensenhandel: {region}").format(region=region.name)
    pdf = Document(_("{title}, {quarter}").format(title=title, quarter=quarter.label))
    pdf.set_title(pdf.text_of(title))
    pdf.set_author("Keten")
    pdf.add_page()
    pdf.paragraph(title, size=16, bold=True, height=8)
    pdf.paragraph(_("{quarter}: {period}. Indeling: {layer}.").format(
        quarter=quarter.label, period=period_label(current.filters), layer=selectors.LAYERS[layer]))
    pdf.ln(3)
    pdf.paragraph(_("Wat er veranderde"), size=13, bold=True, height=7)
    for line in summary(current, previous, quarter):
        pdf.paragraph(f"• {line}")
    pdf.ln(2)
    pdf.paragraph(_("Zo leest u de cijfers"), size=13, bold=True, height=7)
    for note in current.notes:
        pdf.paragraph(f"• {note}", size=9, height=4.5)
    for number, table in enumerate(current.tables, start=1):
        _table(pdf, table, current)
        progress(60 + 35 * number // len(current.tables))
    return bytes(pdf.output())


def _table(pdf: Document, table: Table, dashboard: Dashboard) -> None:
    if pdf.get_y() > 190:  # a table's heading never stands alone at the foot of a page
        pdf.add_page()
    else:
        pdf.ln(6)
    pdf.paragraph(table.title, size=13, bold=True, height=7)
    pdf.paragraph(table.description, size=9, height=4.5)
    if table.note:
        pdf.paragraph(table.note, size=9, height=4.5)
    pdf.ln(2)
    _chart(pdf, table)
    pdf.ln(3)
    # A table of a region on its own layer has a row or two and many columns: it reads better turned.
    header, rows = _turned(table) if len(table.columns) > len(table.rows) else _as_is(table)
    first = min(70, PAGE_WIDTH / 2)
    other = (PAGE_WIDTH - first) / max(1, len(header) - 1)
    with pdf.table(col_widths=(first, *([other] * (len(header) - 1))), text_align=(
            "LEFT", *(["RIGHT"] * (len(header) - 1))), line_height=5, first_row_as_headings=True) as grid:
        pdf.use(8)
        for values in (header, *rows):
            row = grid.row()
            for value in values:
                row.cell(pdf.text_of(value))


def _as_is(table: Table) -> tuple[list[str], list[list[str]]]:
    return [table.row_header, *table.columns], [[row.label, *(cell.text for cell in row.cells)] for row in table.rows]


def _turned(table: Table) -> tuple[list[str], list[list[str]]]:
    return ([table.row_header, *(row.label for row in table.rows)],
            [[column, *(row.cells[index].text for row in table.rows)] for index, column in enumerate(table.columns)])


def _chart(pdf: Document, table: Table) -> None:
    """The page's chart drawn again: the same bars, labels and published values."""
    chart = table.chart
    pdf.use(8)
    pdf.paragraph(chart.title, size=9, bold=True, height=5)
    if pdf.get_y() + chart.height * CHART_SCALE > pdf.h - 20:
        pdf.add_page()
    top, left = pdf.get_y(), pdf.l_margin
    pdf.use(7)
    pdf.set_fill_color(21, 66, 115)
    for bar in chart.bars:
        y = top + bar.y * CHART_SCALE
        height = chart.bar_height * CHART_SCALE
        pdf.set_xy(left, y)
        pdf.cell((chart.label_x - 2) * CHART_SCALE, height, pdf.text_of(bar.label), align="R")
        if bar.width:
            pdf.rect(left + chart.label_width * CHART_SCALE, y, bar.width * CHART_SCALE, height, style="F")
        pdf.set_xy(left + bar.value_x * CHART_SCALE, y)
        pdf.cell(20, height, pdf.text_of(bar.text))
    pdf.set_xy(left, top + chart.height * CHART_SCALE)

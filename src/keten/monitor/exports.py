"""A dashboard table as a file: CSV (semicolons and a byte-order mark, as Dutch Excel reads it) or XLSX. Only what
the page shows goes out: the figures after disclosure control, with the notes on suppression and rounding."""

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from keten.core.downloads import csv_download, formula_safe
from keten.monitor.dashboard import Dashboard, Table, period_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _heading(dashboard: Dashboard, table: Table) -> list[str]:
    return [table.title, _("Periode: {period}").format(period=period_label(dashboard.filters)),
            _("Gebied: {scope}").format(scope=dashboard.scope.label)]


def _file_name(table: Table, extension: str) -> str:
    return f"monitor-{table.slug}.{extension}"


def csv_response(dashboard: Dashboard, table: Table) -> HttpResponse:
    rows = [*([line] for line in _heading(dashboard, table)), [], [table.row_header, *table.columns],
            *([row.label, *(cell.text for cell in row.cells)] for row in table.rows), [],
            *([note] for note in dashboard.notes)]
    return csv_download(_file_name(table, "csv"), rows)


def xlsx_response(dashboard: Dashboard, table: Table) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]  # Excel's limit on a sheet name
    for line in _heading(dashboard, table):
        sheet.append([formula_safe(line)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append([formula_safe(text) for text in (table.row_header, *table.columns)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        # Numbers as numbers, so they can be used; a suppressed figure as its symbol.
        sheet.append([formula_safe(row.label), *(cell.text if cell.suppressed else cell.value
                                                 for cell in row.cells)])
    sheet.append([])
    for note in dashboard.notes:
        sheet.append([formula_safe(note)])
    sheet.column_dimensions["A"].width = 32
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(table, "xlsx")}"'
    return response

"""Files people download and open in a spreadsheet: CSV as Dutch Excel reads it (semicolons, UTF-8 with a
byte-order mark), and never a cell that a spreadsheet would run as a formula."""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

#: A spreadsheet runs a cell that starts like this as a formula (CSV injection); texts can be typed by people.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_download(filename: str, rows: Iterable[Sequence[str]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv.writer(response, delimiter=";").writerows([formula_safe(str(cell)) for cell in row] for row in rows)
    return response

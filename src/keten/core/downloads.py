"""Files people download and open in a spreadsheet: CSV as Dutch Excel reads it (semicolons, UTF-8 with a
byte-order mark), and never a cell that a spreadsheet would run as a formula."""

import csv
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

#: A spreadsheet runs a cell that starts like this as a formula (CSV injection); texts can be typed by people.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A phone number or a plain number ("+31 20 123 4567", "-12", "-4,5"): a spreadsheet may compute it, but without
#: letters there is no function, cell reference or DDE link (cmd|...) to run; HSDS consumers need the phone as is.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 ().,/-]*")
#: What formula_escape prefixes: a formula start, after any apostrophes a previous escape may have put there.
_ESCAPABLE = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def _harmless(text: str) -> bool:
    # fullmatch, not match with "$": "$" also matches before a final line break ("-1\n=cmd|...").
    return PLAIN_NUMBER.fullmatch(text) is not None


def formula_safe(text: str) -> str:
    """For a file people only read: the cell shows as text, with a visible apostrophe where it started like a
    formula."""
    return f"'{text}" if text.startswith(FORMULA_START) and not _harmless(text) else text


def formula_escape(text: str) -> str:
    """For a file that comes back in (the HSDS data package): like formula_safe, and undone exactly by
    formula_unescape, because a text that already starts with apostrophes before a formula start gets one more."""
    return f"'{text}" if _ESCAPABLE.match(text) and not _harmless(text) else text


def formula_unescape(text: str) -> str:
    """The text formula_escape was given: one leading apostrophe less where one was put."""
    return text[1:] if _ESCAPED.match(text) else text


def csv_download(filename: str, rows: Iterable[Sequence[str]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv.writer(response, delimiter=";").writerows([formula_safe(str(cell)) for cell in row] for row in rows)
    return response

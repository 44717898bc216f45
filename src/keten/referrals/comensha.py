"""CoMensha's registration vocabulary — dossier types, forms and sectors of exploitation, reporter types and
regions, age bands, gender, victim groups — read once from the shipped reference data (data/SOURCE.md), and the
rules that derive a registration's age band and victim group."""

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "comensha_registration.csv"
#: Reporter types that report on the basis of the Police Data Act (Besluit politiegegevens art. 4:3).
INVESTIGATIVE_REPORTERS = frozenset({"politie", "kmar", "nla"})
#: Dossier types that ask CoMensha for shelter or help: from care organisations only with the person's consent.
HELP_DOSSIERS = frozenset({"registratie_opvang", "registratie_informatie_advies"})
ADULT_AGE = 18


@cache
def _rows() -> tuple[dict, ...]:
    with DATA.open(encoding="utf-8") as file:
        return tuple(csv.DictReader(file))


def choices(field: str) -> list[tuple[str, str]]:
    """(code, label) of one field, in the language of the request (Dutch by default)."""
    english = (get_language() or "nl").startswith("en")
    return [(row["code"], row["label_en"] if english else row["label_nl"]) for row in _rows()
            if row["field"] == field]


def codes(field: str) -> frozenset[str]:
    return frozenset(code for code, _label in choices(field))


def label(field: str, code: str) -> str:
    return dict(choices(field)).get(code, code)


def sectors() -> list[tuple[str, str]]:
    return choices("sector_sexual") + choices("sector_labour")


def age_band(age: int | None) -> str:
    if age is None:
        return "leeftijd_onbekend"
    return "0_17" if age < ADULT_AGE else "18_22" if age <= 22 else "23_plus"


def victim_group(age: int | None, nationality: str) -> str:
    if age is None or not nationality:
        return "groep_onbekend"
    dutch = "nl" if nationality.upper() == "NL" else "niet_nl"
    return f"{dutch}_{'minderjarig' if age < ADULT_AGE else 'meerderjarig'}"

"""The committed indicator catalogue and forms of exploitation (intake/data, see its SOURCES.md), read and checked.

The database holds the living catalogue (keten.intake.models.Indicator and its versions); these files seed it
(keten.intake.services.load_indicators) and give each form of exploitation its definition.
"""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from keten.intake.models import IndicatorForm, IndicatorKind, Theme

DATA = Path(__file__).resolve().parent / "data"

#: Codes: ILO-nn for the ILO's eleven indicators of forced labour, ANY-nn for signs of more than one form, and one
#: prefix per form. A new indicator takes the next free number of its prefix; a retired number is never reused.
CODE_PATTERN = re.compile(r"(ILO|ANY|SEX|LAB|CRI|ORG)-\d{2,3}")
PREFIX_OF_FORM = {IndicatorForm.ANY: "ANY", IndicatorForm.SEXUAL: "SEX", IndicatorForm.LABOUR: "LAB",
                  IndicatorForm.CRIMINAL: "CRI", IndicatorForm.ORGAN_REMOVAL: "ORG"}

#: What the intake says with every list of indicators: every Dutch list warns so (shared catalogue SOURCES.md).
NOT_CONCLUSIVE = _(
    "Geen enkel signaal is op zichzelf bewijs van mensenhandel: een signaal kan ook op andere problemen wijzen. "
    "Een hard signaal is een vastgesteld feit, geen bewijs; een zacht signaal is een aanwijzing. Het gaat om het "
    "geheel."
)


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    form: str
    theme: str
    kind: str
    text_nl: str
    text_en: str
    source: str


@dataclass(frozen=True)
class FormDefinition:
    code: str
    label_nl: str
    label_en: str
    definition_nl: str
    definition_en: str
    legal_reference: str

    @property
    def definition(self) -> str:
        """The definition in the language of the request (Dutch unless English is asked for)."""
        return self.definition_en if (get_language() or "nl").startswith("en") else self.definition_nl


class CatalogueError(ValueError):
    """The committed catalogue is broken; raised when it is read, so a bad file never reaches the database."""


def read_indicators(path: Path = DATA / "indicators.csv") -> list[IndicatorRow]:
    """Every row of the committed indicator catalogue, checked: known form, theme and kind, well-formed unique
    codes, and texts that fit the database."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [IndicatorRow(code=r["code"].strip(), form=r["form"], theme=r["theme"], kind=r["kind"],
                             text_nl=r["indicator_nl"].strip(), text_en=r["indicator_en"].strip(),
                             source=r["source"].strip())
                for r in csv.DictReader(handle)]
    seen = set()
    for row in rows:
        problems = [
            not CODE_PATTERN.fullmatch(row.code) and "code",
            row.code in seen and "duplicate code",
            row.form not in IndicatorForm.values and "form",
            row.theme not in Theme.values and "theme",
            row.kind not in IndicatorKind.values and "kind",
            not 0 < len(row.text_nl) <= 300 and "indicator_nl",
            not 0 < len(row.text_en) <= 300 and "indicator_en",
        ]
        if any(problems):
            raise CatalogueError(f"{path.name}, {row.code or 'row without code'}: bad "
                                 f"{', '.join(p for p in problems if p)}")
        seen.add(row.code)
    return rows


@lru_cache(maxsize=1)
def exploitation_forms() -> dict[str, FormDefinition]:
    """The four forms of exploitation (art. 273f Sr) with their definitions, by code."""
    with (DATA / "exploitation_forms.csv").open(encoding="utf-8", newline="") as handle:
        return {r["code"]: FormDefinition(r["code"], r["label_nl"], r["label_en"], r["definition_nl"],
                                          r["definition_en"], r["legal_reference"])
                for r in csv.DictReader(handle)}

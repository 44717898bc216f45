"""The yearly dataset for the national rapporteur: one row per CoMensha registration of the year, with only its
quasi-identifiers (age band, gender, region of origin, form, police unit, year), made k-anonymous by
keten.monitor.disclosure.k_anonymise: generalised step by step first, and only then are the rows still in too
small a class left out. No number, date, exact age, nationality, sector or reporter leaves."""

import csv
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from keten.monitor.disclosure import AnonymisationReport, k_anonymise
from keten.referrals import comensha
from keten.referrals.models import Registration
from keten.regions.models import LayerKind, Region

#: ISO 3166-1 alpha-2 → region of origin (data/SOURCE.md names the sources).
ORIGINS = Path(__file__).parent / "data" / "origin_regions.csv"
UNKNOWN_ORIGIN = "onbekend"
NATIONAL = "NL"

#: The columns of the file, in order: (key, header).
COLUMNS = (("year", "jaar"), ("age_band", "leeftijdsklasse"), ("gender", "geslacht"), ("origin", "herkomst"),
           ("form", "uitbuitingsvorm"), ("region", "politie_eenheid"))
QUASI_IDENTIFIERS = tuple(key for key, _header in COLUMNS)

ADULT_BANDS = frozenset({"18_22", "23_plus"})
#: Each quasi-identifier's steps of generalisation after its own value (the year is the dataset's one year).
GENERALISATIONS: dict[str, tuple[Callable[[str], str], ...]] = {
    "age_band": (lambda band: "18_plus" if band in ADULT_BANDS else band, lambda _band: "alle_leeftijden"),
    "gender": (lambda _gender: "geslacht_alle",),
    "origin": (lambda origin: origin if origin in ("nederland", UNKNOWN_ORIGIN) else "buiten_nederland",
               lambda _origin: "herkomst_alle"),
    "form": (lambda form: form if form == "seksuele_uitbuiting" else "andere_vormen", lambda _form: "vorm_alle"),
    "region": (lambda _region: NATIONAL,),
}
STEP_NAMES = {"age_band": "leeftijdsklasse", "gender": "geslacht", "origin": "herkomst", "form": "uitbuitingsvorm",
              "region": "politie-eenheid"}


@cache
def _origins() -> dict[str, str]:
    with ORIGINS.open(encoding="utf-8") as file:
        return {row["code"]: row["origin"] for row in csv.DictReader(file)}


def origin(nationality: str) -> str:
    """The region of origin of a nationality code; "onbekend" when none or not known."""
    return _origins().get((nationality or "").upper(), UNKNOWN_ORIGIN)


def records(year: int) -> list[dict[str, str]]:
    """The quasi-identifiers of every registration of `year`: two queries."""
    units = dict(Region.municipalities.through.objects.filter(region__layer__kind=LayerKind.POLICE_UNIT)
                 .values_list("municipality_id", "region__code"))
    return [{"year": str(year), "age_band": comensha.age_band(age), "gender": gender, "origin": origin(nationality),
             "form": form, "region": units.get(municipality, NATIONAL)}
            for age, gender, nationality, form, municipality in Registration.objects.filter(
                registered_on__year=year).order_by().values_list("age", "gender", "nationality",
                                                                 "exploitation_form", "municipality_id")]


def yearly_dataset(year: int, *, k: int) -> tuple[bytes, AnonymisationReport]:
    """The CSV of `year` (semicolons, UTF-8 with a byte-order mark, as Dutch Excel reads it) and what
    k-anonymising it did. The rows are sorted, so their order says nothing about when anyone was registered."""
    kept, report = k_anonymise(records(year), QUASI_IDENTIFIERS, k, GENERALISATIONS)
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _key, header in COLUMNS])
    for row in sorted(tuple(record[key] for key in QUASI_IDENTIFIERS) for record in kept):
        writer.writerow(row)
    return output.getvalue().encode("utf-8"), report


def explain(report: AnonymisationReport) -> str:
    """What k-anonymising did, in Dutch, for the job page."""
    steps = [_("{name} {levels}× verruimd").format(name=STEP_NAMES[name], levels=level)
             for name, level in report.levels.items() if level]
    text = _("{kept} van {total} registraties, in groepen van ten minste {k} met dezelfde kenmerken.").format(
        kept=report.records_out, total=report.records_in, k=report.k)
    text += " " + (_("Verruimd: {steps}.").format(steps=", ".join(steps)) if steps else _("Niets verruimd."))
    if report.suppressed:
        text += " " + ngettext("{count} registratie in een te kleine groep is weggelaten.",
                               "{count} registraties in te kleine groepen zijn weggelaten.",
                               report.suppressed).format(count=report.suppressed)
    return text

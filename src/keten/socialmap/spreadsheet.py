"""The spreadsheet route into the social map: an Excel template (one row per service, Dutch columns, dropdowns
from Keten's vocabularies, an instructions sheet) filled with the services the administrator keeps, and the
reading of a filled-in copy. Checking and importing its rows: keten.socialmap.spreadsheet_import.

The rules a person can rely on (also on the instructions sheet):
- a row without Keten-id is a new service; a row with one changes that service, but only if its version is
  still the one in the file (no silent overwrite of a change made after the template was downloaded);
- a column that is left out of the file changes nothing; an empty cell empties that fact, except for the
  address and phone columns: empty leaves the address or phone as it is;
- a secret (shelter) address is never written into the template: its cells stay empty, so it stays as it is.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from keten.accounts.actor import Actor
from keten.socialmap import taxonomy as vocabularies
from keten.socialmap.editing import editable_services
from keten.socialmap.forms import LANGUAGE_CHOICES
from keten.socialmap.importing import FileRejected
from keten.socialmap.models import (
    CapacityUnit,
    Location,
    Phone,
    Service,
    ServiceStatus,
)

SHEET = "Diensten"
LISTS_SHEET = "Keuzelijsten"
HELP_SHEET = "Toelichting"
#: Rows a template offers dropdowns for, and the most data rows one file may hold.
MAX_ROWS = 5000
SEPARATOR = ";"
YES, NO = "ja", "nee"
POSTCODE = re.compile(r"^\s*([1-9]\d{3})\s*([A-Za-z]{2})\s*$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class Column:
    """One column of the template. The headers are the file format, so they stay Dutch in any language."""

    key: str
    header: str
    help: str
    vocabulary: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    multiple: bool = False
    required: bool = False
    whole_number: tuple[int, int] | None = None
    width: int = 20
    as_text: bool = False  # keeps Excel from turning 020 1234567 into a number


def _dutch(choices) -> tuple[tuple[str, str], ...]:
    """Choices as the file shows them: in Dutch, whatever language the page speaks (the file is a format)."""
    with translation.override("nl"):
        return tuple((value, str(label)) for value, label in choices if value)


COLUMNS = (
    Column("organization", "Organisatie", gettext_lazy("De organisatie die de dienst biedt, zoals die op de sociale "
                                                       "kaart staat. Mag leeg als u er één beheert."), width=30),
    Column("name", "Naam", gettext_lazy("Naam van de dienst."), required=True, width=34),
    Column("description", "Omschrijving", gettext_lazy("Wat de dienst biedt."), width=40),
    Column("status", "Status", gettext_lazy("Leeg: actief."), choices=_dutch(ServiceStatus.choices)),
    Column("service_types", "Soort hulp", gettext_lazy("Eén of meer, gescheiden door een puntkomma."),
           vocabulary=vocabularies.SERVICE_TYPE, multiple=True, required=True, width=30),
    Column("audiences", "Doelgroep", gettext_lazy("Eén of meer, gescheiden door een puntkomma."),
           vocabulary=vocabularies.AUDIENCE, multiple=True),
    Column("eligibility_description", "Voor wie (toelichting)", gettext_lazy("Toelichting op wie er terecht kan."),
           width=30),
    Column("minimum_age", "Leeftijd van", gettext_lazy("Hele jaren; leeg: geen ondergrens."),
           whole_number=(0, 120), width=12),
    Column("maximum_age", "Leeftijd tot", gettext_lazy("Hele jaren, tot en met; leeg: geen bovengrens."),
           whole_number=(0, 120), width=12),
    Column("gender", "Geslacht", gettext_lazy("Leeg: iedereen."), vocabulary=vocabularies.GENDER, width=14),
    Column("exploitation_forms", "Vormen van uitbuiting", gettext_lazy("Eén of meer, gescheiden door een "
                                                                       "puntkomma."),
           vocabulary=vocabularies.EXPLOITATION_FORM, multiple=True, width=30),
    Column("residence_statuses", "Verblijfsstatus", gettext_lazy("Eén of meer, gescheiden door een puntkomma."),
           vocabulary=vocabularies.RESIDENCE_STATUS, multiple=True, width=30),
    Column("languages", "Talen", gettext_lazy("Talen waarin hulp mogelijk is, gescheiden door een puntkomma."),
           choices=_dutch(LANGUAGE_CHOICES), multiple=True),
    Column("funding", "Financiering", gettext_lazy("Wie de dienst betaalt; één of meer, gescheiden door een "
                                                   "puntkomma."),
           vocabulary=vocabularies.FUNDING_SOURCE, multiple=True, width=26),
    Column("chain_role", "Rol in de keten", gettext_lazy("Alleen voor zorgcoördinatie, Veilig Thuis, politie "
                                                         "(AVIM) en CoMensha."),
           vocabulary=vocabularies.CHAIN_ROLE, width=26),
    Column("capacity_unit", "Capaciteit eenheid", gettext_lazy("Waarin de plekken geteld worden."),
           choices=_dutch(CapacityUnit.choices), width=14),
    Column("capacity_total", "Capaciteit totaal", gettext_lazy("Aantal plekken in totaal."),
           whole_number=(0, 100000), width=14),
    Column("capacity_available", "Capaciteit beschikbaar", gettext_lazy("Aantal plekken dat nu vrij is."),
           whole_number=(0, 100000), width=14),
    Column("address_1", "Adres", gettext_lazy("Straat en huisnummer. Leeg: het adres blijft zoals het is."),
           width=28),
    Column("postal_code", "Postcode", gettext_lazy("Bijvoorbeeld 1011 AB."), width=12, as_text=True),
    Column("city", "Plaats", gettext_lazy("Leeg: de naam van de gemeente."), width=18),
    Column("municipality", "Gemeente", gettext_lazy("Naam of CBS-code (GM0363); leeg: volgt uit de postcode."),
           width=18),
    Column("confidential", "Geheim adres", gettext_lazy("ja: het adres wordt nooit openbaar getoond (opvang)."),
           choices=((YES, YES), (NO, NO)), width=12),
    Column("phone", "Telefoon", gettext_lazy("Telefoonnummer van de dienst. Leeg: blijft zoals het is."), width=16,
           as_text=True),
    Column("email", "E-mail", gettext_lazy("E-mailadres van de dienst."), width=26),
    Column("url", "Website", gettext_lazy("Webadres van de dienst."), width=30),
    Column("service_id", "Keten-id", gettext_lazy("Niet wijzigen. Leeg bij een nieuwe dienst."), width=38,
           as_text=True),
    Column("version", "Versie", gettext_lazy("Niet wijzigen. Leeg bij een nieuwe dienst."), width=8),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
#: The plain fields of a service that columns set one to one.
SERVICE_FIELDS = ("name", "description", "status", "eligibility_description", "minimum_age", "maximum_age",
                  "capacity_unit", "capacity_total", "capacity_available", "email", "url")
ADDRESS_KEYS = ("address_1", "postal_code", "city", "municipality", "confidential")


def fold(text: str) -> str:
    """Compare what a person typed without case, accents or extra spaces."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(ascii_text.casefold().split())


def _vocabulary(name: str) -> vocabularies.Vocabulary:
    return next(v for v in vocabularies.VOCABULARIES if v.name == name)


def options(column: Column) -> list[str]:
    """What a cell of the column may hold, as the dropdown shows it."""
    if column.vocabulary:
        return [term.name for term in _vocabulary(column.vocabulary).terms]
    return [label for _value, label in column.choices]


# --- The template ----------------------------------------------------------------------------------------------


def template(actor: Actor) -> bytes:
    """The template as an .xlsx file, filled with the services the actor keeps."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([column.header for column in COLUMNS])
    for cell, column in zip(sheet[1], COLUMNS, strict=True):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        sheet.column_dimensions[cell.column_letter].width = column.width
        if column.as_text:
            sheet.column_dimensions[cell.column_letter].number_format = "@"
    sheet.freeze_panes = "B2"
    for service in services_of(actor):
        sheet.append(_template_row(service))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.data_type == "f":
                # openpyxl makes any text starting with "=" a formula; a name typed as one stays text, unchanged,
                # so that the template still comes back in as it went out.
                cell.data_type = "s"
    _add_dropdowns(workbook, sheet)
    _add_help(workbook)
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def services_of(actor: Actor):
    return editable_services(actor).order_by("organization__name", "name").prefetch_related(
        "attributes__taxonomy_term__taxonomy", "languages", "phones", "service_at_locations__location__addresses")


def primary_location(service: Service) -> Location | None:
    """The location the template shows: the first by name, as the public pages list them."""
    links = sorted(service.service_at_locations.all(), key=lambda link: (link.location.name, str(link.id)))
    return links[0].location if links else None


def primary_phone(service: Service) -> Phone | None:
    return min(service.phones.all(), key=lambda phone: (phone.number, str(phone.id)), default=None)


def _template_row(service: Service) -> list:
    """A service as a row of the template. A secret address stays out: its cells are left empty."""
    location = primary_location(service)
    public = location if location and not location.is_confidential else None
    address = next(iter(public.addresses.all()), None) if public else None
    phone = primary_phone(service)
    terms = {}
    for attribute in service.attributes.all():
        terms.setdefault(attribute.taxonomy_term.taxonomy.name, []).append(attribute.taxonomy_term.name)
    values = {
        "organization": service.organization.name,
        "status": dict(COLUMN_BY_KEY["status"].choices).get(service.status, ""),
        "languages": f"{SEPARATOR} ".join(sorted(language.name for language in service.languages.all())),
        "capacity_unit": dict(COLUMN_BY_KEY["capacity_unit"].choices).get(service.capacity_unit, ""),
        "address_1": address.address_1 if address else "",
        "postal_code": address.postal_code if address else "",
        "city": address.city if address else "",
        "municipality": public.municipality_id if public else "",
        "confidential": (YES if location.is_confidential else NO) if location else "",
        "phone": phone.number if phone else "",
        "service_id": str(service.pk),
        "version": service.version,
    }
    row = []
    for column in COLUMNS:
        if column.vocabulary:
            row.append(f"{SEPARATOR} ".join(sorted(terms.get(column.vocabulary, []))))
        else:
            row.append(values[column.key] if column.key in values else getattr(service, column.key))
    return row


def _add_dropdowns(workbook: Workbook, sheet) -> None:
    """Dropdowns from a hidden sheet of lists. A column that takes several values keeps its dropdown as a
    suggestion (a person may type "Opvang; Zorg"); the check after upload is what counts."""
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    last_row = MAX_ROWS + 1
    lists_used = 0
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{last_row}"
        if column.whole_number:
            low, high = column.whole_number
            validation = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                                        allow_blank=True, showErrorMessage=True)
            validation.error = _("Vul een heel getal in van {low} tot en met {high}.").format(low=low, high=high)
        elif values := options(column):
            lists_used += 1
            list_letter = get_column_letter(lists_used)
            lists[f"{list_letter}1"] = column.header
            for row, value in enumerate(values, start=2):
                lists[f"{list_letter}{row}"] = value
            source = f"'{LISTS_SHEET}'!${list_letter}$2:${list_letter}${len(values) + 1}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True,
                                        showErrorMessage=not column.multiple)
            validation.error = _("Kies een waarde uit de lijst.")
        else:
            continue
        validation.promptTitle = column.header[:32]
        validation.prompt = str(column.help)[:255]
        validation.showInputMessage = True
        sheet.add_data_validation(validation)
        validation.add(cells)


def _add_help(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(HELP_SHEET, 0)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 90
    sheet.column_dimensions["C"].width = 12
    lines = [
        _("Sociale kaart: diensten importeren"),
        _("Eén rij per dienst op het werkblad ‘Diensten’. Upload het ingevulde bestand bij Sociale kaart "
          "bijhouden → Importeren."),
        _("Keten controleert eerst elke rij en importeert niets zolang er fouten zijn; u ziet per rij wat er "
          "niet klopt. U kunt daarna ook alleen de goede rijen laten importeren."),
        _("Een rij zonder Keten-id wordt een nieuwe dienst. Een rij met Keten-id wijzigt die dienst, maar alleen "
          "als niemand de dienst sinds het downloaden van dit bestand heeft gewijzigd (Versie); download anders "
          "een nieuw sjabloon."),
        _("Een lege cel maakt dat gegeven leeg. Bij Adres en Telefoon blijft een leeg veld zoals het is. Een "
          "kolom die u verwijdert, verandert niets."),
        _("Een geheim adres (opvang) staat nooit in dit bestand; laat de adreskolommen leeg om het te houden."),
        _("Meerdere waarden in één cel scheidt u met een puntkomma, bijvoorbeeld: Opvang; Traumabehandeling."),
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in sheet.iter_rows(min_row=2, max_row=len(lines)):
        sheet.merge_cells(start_row=row[0].row, start_column=1, end_row=row[0].row, end_column=3)
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row[0].row].height = 32
    sheet.append([])
    sheet.append([_("Kolom"), _("Uitleg"), _("Verplicht")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        values = options(column)
        explanation = str(column.help) + (" " + _("Keuzes: {values}.").format(values=", ".join(values))
                                          if values else "")
        sheet.append([column.header, explanation, _("ja") if column.required else ""])
        sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")


# --- Reading a filled-in copy ----------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return str(value).strip()


def read_rows(content: bytes) -> tuple[list[str | None], list[tuple[int, dict[str, str]]]]:
    """The column keys of the header (None for a column Keten does not know) and the non-empty data rows as
    (row number, column key → text). Refuses what is not a readable workbook with a sheet of services."""
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl fails in many ways on a damaged or foreign file; all mean the same
        raise FileRejected(_("Dit Excel-bestand kan niet worden gelezen. Sla het op als Excel-werkmap (.xlsx) "
                             "en probeer het opnieuw.")) from error
    try:
        if SHEET in workbook.sheetnames:
            sheet = workbook[SHEET]
        else:
            sheet = next((ws for ws in workbook.worksheets if ws.title not in (HELP_SHEET, LISTS_SHEET)), None)
        if sheet is None:
            raise FileRejected(_("Het bestand heeft geen werkblad ‘{sheet}’.").format(sheet=SHEET))
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        by_header = {fold(column.header): column.key for column in COLUMNS}
        keys = [by_header.get(fold(_text(cell))) for cell in header or ()]
        if "name" not in keys:
            raise FileRejected(_("Het werkblad ‘{sheet}’ heeft geen kolom ‘Naam’ in de eerste rij. Gebruik het "
                                 "sjabloon van Keten.").format(sheet=sheet.title))
        data = []
        for number, cells in enumerate(rows, start=2):
            values = {key: _text(cell) for key, cell in zip(keys, cells, strict=False) if key}
            if any(values.values()):
                data.append((number, values))
                if len(data) > MAX_ROWS:
                    raise FileRejected(_("Het bestand heeft meer dan {count} rijen. Splits het in kleinere "
                                         "bestanden.").format(count=MAX_ROWS))
    finally:
        workbook.close()
    if not data:
        raise FileRejected(_("Het werkblad ‘{sheet}’ bevat geen diensten.").format(sheet=sheet.title))
    return keys, data

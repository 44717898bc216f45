"""The social map as an Open Referral HSDS 3.0 tabular data package: a zip of CSV files with a datapackage.json,
shaped as ../shared/data/hsds/datapackage.json (same resource names, file names, field names and order, types
and constraints; tests/socialmap/test_datapackage.py holds this copy to the official one), and the way back in.

Export is the public view and reuses the HSDS records of keten.socialmap.hsds, so privacy rule 6 holds here as
in the JSON API: a confidential location is never published (nor its address, phones or opening hours); a
service offered there shows the organisation's intake point. Keten publishes the resources it holds data for;
its own facts (service type, eligibility, capacity, chain role, funding) are taxonomy terms in
taxonomy_terms.csv and attributes.csv (see keten.socialmap.hsds for the capacity pseudo-taxonomy).

A cell that a spreadsheet would run as a formula is escaped with an apostrophe (keten.core.downloads.
formula_escape), which reading a package undoes, so the round trip is exact.

Import takes the same format back: keten.socialmap.package_import.
"""

import csv
import io
import json
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from keten.core.clock import now
from keten.core.downloads import formula_escape, formula_unescape
from keten.socialmap import hsds
from keten.socialmap.api_hsds import public_locations_queryset, service_queryset
from keten.socialmap.importing import FileRejected, RowError
from keten.socialmap.models import (
    Organization,
    Taxonomy,
    TaxonomyTerm,
)

# --- The tabular format ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "string"
    format: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()

    def descriptor(self) -> dict:
        constraints = {"required": self.required, "unique": self.unique, **({"enum": list(self.enum)}
                                                                            if self.enum else {})}
        return {"name": self.name, "type": self.type, **({"format": self.format} if self.format else {}),
                "constraints": constraints}


def text(name: str, *, required=False, unique=False, enum=()) -> Field:
    return Field(name, required=required, unique=unique, enum=tuple(enum))


def ref(name: str, *, required=False) -> Field:
    return Field(name, format="uuid", required=required)


def typed(kind: str, name: str) -> Field:
    return Field(name, type=kind)


def formatted(kind: str, name: str) -> Field:
    return Field(name, format=kind)


ID = Field("id", format="uuid", required=True, unique=True)
PLACE_TYPES = ("physical", "postal", "virtual")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    fields: tuple[Field, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def descriptor(self) -> dict:
        # A reference is named after the resource it points at (service_id → service), as in HSDS's own package.
        foreign_keys = [{"fields": f.name, "reference": {"resource": f.name[:-3], "fields": "id"}}
                        for f in self.fields if f.format == "uuid" and f.name[:-3] in RESOURCE_BY_NAME]
        return {"name": self.name, "path": self.path, "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8",
                "schema": {"fields": [f.descriptor() for f in self.fields], "primaryKey": "id",
                           "foreignKeys": foreign_keys}}


#: The resources Keten publishes, in the order of HSDS's datapackage.json.
RESOURCES = (
    Resource("organization", "organizations.csv", (
        ID, text("name", required=True), text("alternate_name"), text("description", required=True),
        formatted("email", "email"), formatted("uri", "website"), text("tax_status"), text("tax_id"),
        typed("number", "year_incorporated"), text("legal_status"), text("logo"), formatted("uri", "uri"),
        ref("parent_organization_id"))),
    Resource("service", "services.csv", (
        ID, ref("organization_id", required=True), ref("program_id"), text("name", required=True),
        text("alternate_name"), text("description"), formatted("uri", "url"), formatted("email", "email"),
        text("status", required=True, enum=("active", "inactive", "defunct", "temporarily closed")),
        text("interpretation_services"), text("application_process"), text("fees_description"),
        text("wait_time"), text("fees"), text("accreditations"), text("eligibility_description"),
        typed("number", "minimum_age"), typed("number", "maximum_age"), typed("date", "assured_date"),
        formatted("email", "assurer_email"), text("licenses"), text("alert"), typed("datetime", "last_modified"))),
    Resource("attribute", "attributes.csv", (
        ID, ref("link_id", required=True), ref("taxonomy_term_id", required=True), text("link_type"),
        text("link_entity", required=True), text("value"))),
    Resource("service_at_location", "service_at_location.csv", (
        ID, ref("service_id", required=True), ref("location_id", required=True), text("description"))),
    Resource("location", "locations.csv", (
        ID, text("location_type", required=True, enum=PLACE_TYPES), formatted("uri", "url"), ref("organization_id"),
        text("name"), text("alternate_name"), text("description"), text("transportation"),
        typed("number", "latitude"), typed("number", "longitude"), text("external_identifier"),
        text("external_identifier_type"))),
    Resource("phone", "phones.csv", (
        ID, ref("location_id"), ref("service_id"), ref("organization_id"), ref("contact_id"),
        ref("service_at_location_id"), text("number", required=True), typed("number", "extension"), text("type"),
        text("description"))),
    Resource("address", "addresses.csv", (
        ID, ref("location_id"), text("attention"), text("address_1", required=True), text("address_2"),
        text("city", required=True), text("region"), text("state_province", required=True),
        text("postal_code", required=True), text("country", required=True),
        text("address_type", required=True, enum=PLACE_TYPES))),
    Resource("schedule", "schedules.csv", (
        ID, ref("service_id"), ref("location_id"), ref("service_at_location_id"), typed("date", "valid_from"),
        typed("date", "valid_to"), typed("date", "dtstart"), typed("number", "timezone"), typed("date", "until"),
        typed("number", "count"), text("wkst", enum=WEEKDAYS), text("freq", enum=hsds.SCHEDULE_FREQUENCIES),
        typed("number", "interval"), text("byday"), text("byweekno"), text("bymonthday"), text("byyearday"),
        text("description"), typed("time", "opens_at"), typed("time", "closes_at"), formatted("uri", "schedule_link"),
        text("attending_type"), text("notes"))),
    Resource("funding", "funding.csv", (ID, ref("organization_id"), ref("service_id"), text("source"))),
    Resource("service_area", "service_areas.csv", (
        ID, ref("service_id"), text("name"), text("description"), text("extent"), text("extent_type"),
        text("uri"))),
    Resource("language", "languages.csv", (
        ID, ref("service_id"), ref("location_id"), ref("phone_id"), text("name"), text("code"), text("note"))),
    Resource("taxonomy_term", "taxonomy_terms.csv", (
        ID, text("code", unique=True), text("name", required=True), text("description", required=True),
        ref("parent_id"), text("taxonomy"), text("language"), ref("taxonomy_id"), formatted("uri", "term_uri"))),
    Resource("taxonomy", "taxonomies.csv", (
        ID, text("name", required=True), text("description", required=True), formatted("uri", "uri"),
        text("version"))),
)
RESOURCE_BY_NAME = {resource.name: resource for resource in RESOURCES}


def descriptor() -> dict:
    return {
        "name": "keten-sociale-kaart",
        "title": "Sociale kaart van de keten tegen mensenhandel (Keten)",
        "description": "De openbare sociale kaart als Open Referral HSDS 3.0-datapakket. Geheime adressen "
                       "(opvang) staan er nooit in; bij zo'n dienst staat het aanmeldpunt.",
        "profile": "tabular-data-package",
        "homepage": hsds.PROFILE_URL,
        "created": hsds.iso_datetime(now()),
        "resources": [resource.descriptor() for resource in RESOURCES],
    }


# --- Export ----------------------------------------------------------------------------------------------------


def public_tables() -> dict[str, list[dict]]:
    """Resource name → its HSDS records (flat fields are taken, nested ones ignored), in the public view."""
    tables: dict[str, dict[str, dict]] = defaultdict(dict)

    def add(resource: str, records) -> None:
        for record in records:  # a phone of both a service and a location is one row
            tables[resource].setdefault(record["id"], record)

    organizations = Organization.objects.order_by("name", "id").prefetch_related(
        "phones", Prefetch("locations", queryset=public_locations_queryset(), to_attr="public_locations"))
    for organization in organizations:
        add("organization", [hsds.organization_summary(organization)])
        add("phone", [hsds.phone_record(p) for p in sorted(organization.phones.all(), key=lambda p: str(p.id))])
        for location in hsds.public_locations(organization):
            record = hsds.location_record(location)
            add("location", [record])
            add("address", record["addresses"])
            add("phone", record["phones"])
            add("schedule", record["schedules"])
    for service in service_queryset().order_by("name", "id"):
        record = hsds.service_record(service)
        add("service", [record])
        for key, resource in (("phones", "phone"), ("schedules", "schedule"), ("service_areas", "service_area"),
                              ("languages", "language"), ("funding", "funding"), ("attributes", "attribute"),
                              ("service_at_locations", "service_at_location")):
            add(resource, record[key])
    add("taxonomy", [hsds.taxonomy_record(t) for t in [*Taxonomy.objects.order_by("name"), hsds.CAPACITY_TAXONOMY]])
    terms = [*TaxonomyTerm.objects.select_related("taxonomy"), *hsds.CAPACITY_TERMS.values()]
    add("taxonomy_term", [hsds.taxonomy_term_record(t) for t in
                          sorted(terms, key=lambda t: (t.taxonomy.name, t.code))])
    return {name: list(records.values()) for name, records in tables.items()}


def _cell(field_: Field, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if field_.type == "time" and len(value) == 5:
        return f"{value}:00"  # Table Schema's time is hh:mm:ss; HSDS's JSON has hh:mm
    return str(value)


def table_csv(resource: Resource, records: list[dict]) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(resource.field_names)
    for record in records:
        # Escaped, not made safe one way: the package is opened in spreadsheets and also imported back (read_package
        # undoes it), so a name typed as "=HYPERLINK(...)" is harmless there and returns exactly.
        writer.writerow([formula_escape(_cell(f, record.get(f.name))) for f in resource.fields])
    return output.getvalue().encode("utf-8")


def export_zip() -> bytes:
    """The whole public social map as a data package (zip)."""
    tables = public_tables()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor(), ensure_ascii=False, indent=2))
        for resource in RESOURCES:
            archive.writestr(resource.path, table_csv(resource, tables.get(resource.name, [])))
    return output.getvalue()


# --- Reading a package -----------------------------------------------------------------------------------------

#: Most bytes a package may unpack to (a 5 MB upload of CSV compresses about tenfold).
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
#: The resources imported, in the order they are written (parents before what points at them).
IMPORTED = ("organization", "location", "address", "service", "service_at_location", "phone", "schedule",
            "service_area", "language", "funding", "attribute")
#: Read to understand attributes of a package made elsewhere, not imported.
READ_ONLY = ("taxonomy_term",)


@dataclass
class Record:
    """One CSV row: its line, id and typed values (only for the columns the file has; None when empty)."""

    resource: str
    path: str
    row: int
    id: uuid.UUID | None
    values: dict


def _typed(field_: Field, raw: str):
    if not raw:
        if field_.required:
            raise ValueError(_("Dit veld is verplicht."))
        return None
    try:
        if field_.format == "uuid":
            return uuid.UUID(raw)
        if field_.type == "number":
            return Decimal(raw)
        if field_.type == "date":
            return date.fromisoformat(raw)
        if field_.type == "time":
            return time.fromisoformat(raw)
        if field_.type == "datetime":
            moment = parse_datetime(raw)
            if moment is None:
                raise ValueError
            return moment
    except (ValueError, InvalidOperation):
        message = {"uuid": _("Geen geldige id (UUID).")}.get(field_.format) or {
            "number": _("Geen getal."), "date": _("Geen datum (JJJJ-MM-DD)."), "time": _("Geen tijd (UU:MM)."),
            "datetime": _("Geen datum en tijd (ISO 8601).")}[field_.type]
        raise ValueError(message) from None
    if field_.enum and raw not in field_.enum:
        raise ValueError(_("Kies uit: {values}.").format(values=", ".join(field_.enum)))
    return raw


def _read_table(resource: Resource, path: str, data: bytes) -> tuple[list[Record], list[RowError]]:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(_("{path} is geen UTF-8-tekst.").format(path=path)) from None
    reader = csv.reader(io.StringIO(content, newline=""))
    header = [name.strip() for name in next(reader, [])]
    fields = {f.name: f for f in resource.fields}
    errors = [RowError(path, None, name, _("Onbekende kolom.")) for name in header if name not in fields]
    errors += [RowError(path, None, f.name, _("Deze verplichte kolom ontbreekt.")) for f in resource.fields
               if f.required and f.name not in header]
    if errors:
        return [], errors
    records, seen = [], {}
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                errors.append(RowError(path, reader.line_num, "", _("Deze regel heeft {count} velden; de kop heeft "
                                                                    "er {header}.").format(count=len(cells),
                                                                                          header=len(header))))
                continue
            values = {}
            for name, raw in zip(header, cells, strict=True):
                try:
                    # Undone before stripping, so a cell means what it meant before table_csv escaped it.
                    values[name] = _typed(fields[name], formula_unescape(raw).strip())
                except ValueError as error:
                    errors.append(RowError(path, reader.line_num, name, str(error)))
            if values.get("id") in seen:
                errors.append(RowError(path, reader.line_num, "id", _("Deze id staat al op regel {row}.").format(
                    row=seen[values["id"]])))
            elif values.get("id"):
                seen[values["id"]] = reader.line_num
            records.append(Record(resource.name, path, reader.line_num, values.get("id"), values))
    except csv.Error:
        raise FileRejected(_("{path} is geen geldig CSV-bestand.").format(path=path)) from None
    return records, errors


def _paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Resource name → file in the zip: as its datapackage.json says, else HSDS's standard file names; the
    package may sit in one folder inside the zip."""
    names = set(archive.namelist())
    folders = {name.rpartition("/")[0] for name in names if name.endswith("datapackage.json")}
    prefix = "" if "datapackage.json" in names or len(folders) != 1 else folders.pop() + "/"
    paths = {resource.name: prefix + resource.path for resource in RESOURCES}
    if prefix + "datapackage.json" in names:
        try:
            declared = json.loads(archive.read(prefix + "datapackage.json")).get("resources", [])
            paths.update({r["name"]: prefix + r["path"] for r in declared
                          if isinstance(r, dict) and isinstance(r.get("path"), str) and r.get("name") in paths})
        except (ValueError, AttributeError):
            raise FileRejected(_("datapackage.json in het zip-bestand is geen geldige JSON.")) from None
    return {name: path for name, path in paths.items() if path in names}


def read_package(content: bytes) -> tuple[dict[str, list[Record]], list[RowError]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise FileRejected(_("Dit is geen geldig zip-bestand.")) from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise FileRejected(_("Het zip-bestand is uitgepakt te groot. Splits het in kleinere pakketten."))
        paths = _paths(archive)
        if not any(name in paths for name in IMPORTED):
            raise FileRejected(_("Het zip-bestand bevat geen HSDS-tabellen (zoals organizations.csv of "
                                 "services.csv)."))
        tables, errors = {}, []
        for name in IMPORTED + READ_ONLY:
            if name in paths:
                tables[name], table_errors = _read_table(RESOURCE_BY_NAME[name], paths[name],
                                                         archive.read(paths[name]))
                errors += table_errors
    return tables, errors

"""The social map as an HSDS 3.0 tabular data package: the public export matches the official datapackage.json
(../shared/data/hsds/) field for field and row for row, never holds a confidential location, and comes back in:
an export imported into an emptied organisation recreates the same records, for the organisation's own
administrator only, never over a change made after the export, and every write audited.

The fixture's names contain "Kwikstaart", a word no demo record uses."""

import csv
import io
import json
import os
import re
import uuid
import zipfile
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.models import AuditEvent
from keten.core.downloads import FORMULA_START
from keten.regions.models import Municipality
from keten.socialmap import datapackage, hsds
from keten.socialmap.importing import import_start
from keten.socialmap.models import (
    Address,
    Funding,
    ImportStatus,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    TaxonomyTerm,
)
from keten.socialmap.services import service_update

pytestmark = pytest.mark.django_db

IN_CI = os.environ.get("CI", "").lower() == "true"
OFFICIAL = Path(settings.PROJECT_DIR).parent / "shared" / "data" / "hsds" / "datapackage.json"
SECRET_STREET, SECRET_POSTCODE = "Geheimgracht 13", "1015ZZ"


@pytest.fixture(scope="module")
def official():
    """The official HSDS 3.0 tabular data package descriptor, by resource name."""
    if not OFFICIAL.is_file():
        message = f"the HSDS 3.0 datapackage.json is missing: expected {OFFICIAL} (see ../shared/data/hsds)"
        if IN_CI:
            pytest.fail(message + "; it is required in CI.")
        pytest.skip(message)
    return {resource["name"]: resource for resource in json.loads(OFFICIAL.read_text(encoding="utf-8"))["resources"]}


# --- A small social map kept by one organisation ---------------------------------------------------------------


def _term(taxonomy: str, code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__name=taxonomy, code=code)


@pytest.fixture
def keeper(regions_loaded):
    return Organisation.objects.create(name="Kwikstaart Beheer (fictief)", type=OrganisationType.SHELTER)


@pytest.fixture
def kwik(keeper):
    """An organisation with a shelter (secret address), a public intake point and two services."""
    amsterdam, zaanstad = Municipality.objects.get(code="GM0363"), Municipality.objects.get(code="GM0479")
    organization = Organization.objects.create(name="Kwikstaart Opvang", description="Opvang voor slachtoffers.",
                                               email="info@kwikstaart.invalid", maintainer=keeper,
                                               website="https://kwikstaart.invalid/")
    Phone.objects.create(organization=organization, number="088 555 0100", description="Algemeen nummer")
    shelter = Location.objects.create(organization=organization, municipality=amsterdam, is_confidential=True,
                                      name="Kwikstaart geheime opvang", latitude=Decimal("52.37000"),
                                      longitude=Decimal("4.89000"))
    Address.objects.create(location=shelter, address_1=SECRET_STREET, postal_code=SECRET_POSTCODE,
                           city="Amsterdam", state_province="Noord-Holland")
    Phone.objects.create(location=shelter, number="020 999 1313", description="Groepsleiding")
    intake = Location.objects.create(organization=organization, municipality=amsterdam, is_intake_point=True,
                                     name="Aanmeldpunt Kwikstaart", latitude=Decimal("52.37900"),
                                     longitude=Decimal("4.89000"))
    Address.objects.create(location=intake, address_1="Kwikstaartplein 1", postal_code="1011AB", city="Amsterdam",
                           state_province="Noord-Holland")
    Phone.objects.create(location=intake, number="088 555 0101", description="Aanmelden")
    Schedule.objects.create(location=intake, byday="MO,TU,WE,TH,FR", opens_at=time(9), closes_at=time(17))
    women = Service.objects.create(
        organization=organization, name="Kwikstaart Vrouwenopvang", description="Beschermde opvang.",
        minimum_age=18, maximum_age=64, email="opvang@kwikstaart.invalid", url="https://kwikstaart.invalid/opvang",
        capacity_unit="bed", capacity_total=12, capacity_available=3,
        capacity_updated_at=datetime(2026, 11, 27, 9, 15, 30, 123456, tzinfo=UTC))
    ServiceAtLocation.objects.create(service=women, location=shelter, description="Opvanghuis")
    for taxonomy, code, value in [("keten-service-type", "shelter_women", ""), ("keten-audience", "victim", ""),
                                  ("keten-gender", "female", ""), ("keten-exploitation-form", "labour", "ook")]:
        ServiceAttribute.objects.create(service=women, taxonomy_term=_term(taxonomy, code), value=value)
    Phone.objects.create(service=women, number="088 555 0102")
    Schedule.objects.create(service=women, byday="MO,TU,WE,TH,FR,SA,SU", opens_at=time(0), closes_at=time(23, 59))
    ServiceArea.objects.create(service=women, municipality=amsterdam)
    ServiceArea.objects.create(service=women, municipality=zaanstad)
    Language.objects.create(service=women, code="en", name="Engels")
    Funding.objects.create(service=women, source="Wmo (centrumgemeente Amsterdam)")
    outreach = Service.objects.create(organization=organization, name="Kwikstaart Ambulante begeleiding",
                                      description="Begeleiding thuis.")
    ServiceAttribute.objects.create(service=outreach, taxonomy_term=_term("keten-service-type", "care"))
    ServiceAtLocation.objects.create(service=outreach, location=intake)
    return organization


@pytest.fixture
def own_admin(keeper, make_person, demo):
    user, _password, _secret = make_person(Role.FUNCTIONAL_ADMIN, organisation=keeper,
                                           region=demo[Role.CARE_COORDINATOR].region)
    return Actor(user=user, membership=user.memberships.get())


# --- Reading a package -----------------------------------------------------------------------------------------


def download() -> bytes:
    response = Client().get(reverse("hsds:datapackage"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return response.content


def unpack(content: bytes) -> tuple[dict, dict[str, list[dict]], dict[str, list[str]]]:
    """The descriptor, each resource's rows (column → text) and each resource's header."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        rows, headers = {}, {}
        for resource in descriptor["resources"]:
            reader = csv.reader(io.StringIO(archive.read(resource["path"]).decode("utf-8"), newline=""))
            headers[resource["name"]] = next(reader)
            rows[resource["name"]] = [dict(zip(headers[resource["name"]], cells, strict=True)) for cells in reader]
    return descriptor, rows, headers


def pack(tables: dict[str, list[dict]]) -> bytes:
    """A package of these rows, with the exported header of each resource."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, records in tables.items():
            resource = datapackage.RESOURCE_BY_NAME[name]
            writer_output = io.StringIO()
            writer = csv.DictWriter(writer_output, fieldnames=resource.field_names, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(records)
            archive.writestr(resource.path, writer_output.getvalue())
    return output.getvalue()


def of_organization(tables: dict[str, list[dict]], organization_id: str) -> dict[str, list[dict]]:
    """The rows that belong to one organisation, with all taxonomies and terms."""
    locations = {r["id"] for r in tables["location"] if r["organization_id"] == organization_id}
    services = {r["id"] for r in tables["service"] if r["organization_id"] == organization_id}
    mine = {
        "organization": lambda r: r["id"] == organization_id,
        "location": lambda r: r["id"] in locations, "service": lambda r: r["id"] in services,
        "address": lambda r: r["location_id"] in locations,
        "phone": lambda r: r["organization_id"] == organization_id or r["service_id"] in services
        or r["location_id"] in locations,
        "schedule": lambda r: r["service_id"] in services or r["location_id"] in locations,
        "attribute": lambda r: r["link_id"] in services,
    }
    return {name: [r for r in records if mine.get(name, lambda r: r.get("service_id") in services)(r)]
            if name not in ("taxonomy", "taxonomy_term") else records for name, records in tables.items()}


def run_import(actor: Actor, content: bytes):
    job = import_start(actor=actor, file_name="pakket.zip", content=content)
    job.refresh_from_db()
    return job


# --- A small Table Schema validator (types, formats, required, unique, enum, foreign keys) ---------------------

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def cell_problem(spec: dict, value: str) -> str | None:
    constraints = spec.get("constraints", {})
    if value == "":
        return "required" if constraints.get("required") else None
    kind, form = spec["type"], spec.get("format")
    checks = {
        "uuid": lambda v: str(uuid.UUID(v)) == v.lower(),
        "email": lambda v: EMAIL.match(v),
        "uri": lambda v: urlsplit(v).scheme in ("http", "https") and urlsplit(v).netloc,
    }
    if form in checks and not checks[form](value):
        return f"not a {form}"
    if kind == "number":
        try:
            if not Decimal(value).is_finite():
                return "not a number"
        except InvalidOperation:
            return "not a number"
    if kind == "date" and not (DATE.match(value) and date.fromisoformat(value)):
        return "not a date"
    if kind == "time" and not (TIME.match(value) and time.fromisoformat(value)):
        return "not a time"
    if kind == "datetime" and not (DATETIME.match(value) and datetime.fromisoformat(value)):
        return "not a datetime"
    if constraints.get("enum") and value not in constraints["enum"]:
        return "not in enum"
    return None


def table_problems(official: dict, rows: dict[str, list[dict]]) -> list[str]:
    problems = []
    for name, records in rows.items():
        fields = official[name]["schema"]["fields"]
        for spec in fields:
            values = [record[spec["name"]] for record in records]
            problems += [f"{name}.{spec['name']} row {i + 2}: {problem} ({value!r})"
                         for i, value in enumerate(values) if (problem := cell_problem(spec, value))]
            filled = [value for value in values if value]
            if spec.get("constraints", {}).get("unique") and len(filled) != len(set(filled)):
                problems.append(f"{name}.{spec['name']}: values are not unique")
        for key in official[name]["schema"].get("foreignKeys", []):
            target, column = key["reference"]["resource"], key["fields"]
            known = {record["id"] for record in rows.get(target, [])}
            dangling = {record[column] for record in records if record[column] and record[column] not in known}
            problems += [f"{name}.{column} → {target}: {value} does not exist" for value in sorted(dangling)]
    return problems


# --- The export ------------------------------------------------------------------------------------------------


def test_every_csv_has_the_official_header_and_every_row_satisfies_the_table_schema(kwik, official):
    descriptor, rows, headers = unpack(download())
    assert descriptor["profile"] == "tabular-data-package"
    for resource in descriptor["resources"]:
        expected = official[resource["name"]]
        assert resource["path"] == expected["path"]
        assert headers[resource["name"]] == [f["name"] for f in expected["schema"]["fields"]]
        # The descriptor Keten ships says what the official one says about every field.
        for ours, theirs in zip(resource["schema"]["fields"], expected["schema"]["fields"], strict=True):
            assert (ours["name"], ours["type"], ours.get("format")) == (theirs["name"], theirs["type"],
                                                                       theirs.get("format"))
            assert ours["constraints"] == theirs["constraints"], ours["name"]
    assert table_problems(official, rows) == []
    mine = of_organization(rows, str(kwik.pk))
    assert {r["name"] for r in mine["service"]} == {"Kwikstaart Vrouwenopvang", "Kwikstaart Ambulante begeleiding"}
    assert len(rows["service"]) == Service.objects.count()


def test_keten_facts_travel_as_attributes_and_terms(kwik):
    _descriptor, rows, _headers = unpack(download())
    women = Service.objects.get(name="Kwikstaart Vrouwenopvang")
    terms = {r["id"]: r for r in rows["taxonomy_term"]}
    facts = {(terms[a["taxonomy_term_id"]]["taxonomy"], terms[a["taxonomy_term_id"]]["code"], a["value"])
             for a in rows["attribute"] if a["link_id"] == str(women.pk)}
    assert {("keten-service-type", "shelter_women", ""), ("keten-exploitation-form", "labour", "ook"),
            ("keten-capacity", "maximum", "12"), ("keten-capacity", "available", "3"),
            ("keten-capacity", "unit", "bed")} <= facts
    area_uris = {r["uri"] for r in rows["service_area"] if r["service_id"] == str(women.pk)}
    assert area_uris == {"urn:cbs:gemeente:GM0363", "urn:cbs:gemeente:GM0479"}


def test_a_confidential_location_never_leaves_and_the_intake_point_stands_in(kwik):
    content = download()
    _descriptor, rows, _headers = unpack(content)
    shelter = Location.objects.get(name="Kwikstaart geheime opvang")
    text = b"".join(zipfile.ZipFile(io.BytesIO(content)).read(name)
                    for name in zipfile.ZipFile(io.BytesIO(content)).namelist()).decode()
    assert str(shelter.pk) not in text and SECRET_STREET not in text and SECRET_POSTCODE not in text
    assert "020 999 1313" not in text
    women = Service.objects.get(name="Kwikstaart Vrouwenopvang")
    links = [r for r in rows["service_at_location"] if r["service_id"] == str(women.pk)]
    intake = Location.objects.get(name="Aanmeldpunt Kwikstaart")
    assert [(r["location_id"], r["description"]) for r in links] == [(str(intake.pk), hsds.SUBSTITUTE_DESCRIPTION)]


# --- The import ------------------------------------------------------------------------------------------------

#: Columns that say when, not what: a recreated record is newer, and that is right.
MOMENTS = {"last_modified", "assured_date"}


def comparable(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {name: sorted(({k: v for k, v in r.items() if k not in MOMENTS} for r in records),
                         key=lambda r: r["id"]) for name, records in tables.items()}


def test_an_export_imported_into_the_emptied_organisation_recreates_the_same_records(kwik, own_admin):
    before = of_organization(unpack(download())[1], str(kwik.pk))
    Organization.objects.filter(pk=kwik.pk).delete()
    assert not Service.objects.filter(name__startswith="Kwikstaart").exists()

    job = run_import(own_admin, pack(before))

    assert job.status == ImportStatus.DONE, job.errors
    after = of_organization(unpack(download())[1], str(kwik.pk))
    assert comparable(after) == comparable(before)
    assert Organization.objects.get(pk=kwik.pk).maintainer == own_admin.organisation
    women = Service.objects.get(name="Kwikstaart Vrouwenopvang")
    assert (women.capacity_total, women.capacity_available, women.capacity_unit) == (12, 3, "bed")
    assert women.last_verified_by == own_admin.user
    # One audit event per record written, and nothing but creations.
    events = AuditEvent.objects.filter(actor_id=own_admin.user.pk, object_type__startswith="socialmap.")
    assert events.filter(action="create").exclude(object_type="socialmap.importjob").count() == job.records_created
    assert job.records_created == sum(len(r) for n, r in before.items() if n not in ("taxonomy", "taxonomy_term")
                                      ) - 4  # the 4 capacity attributes are service fields, not rows
    assert job.records_updated == 0


def test_importing_the_same_export_again_changes_nothing(kwik, own_admin):
    package = pack(of_organization(unpack(download())[1], str(kwik.pk)))
    job = run_import(own_admin, package)
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.records_created, job.records_updated) == (0, 0)


def test_a_change_in_the_package_updates_the_record(kwik, own_admin):
    tables = of_organization(unpack(download())[1], str(kwik.pk))
    women = next(r for r in tables["service"] if r["name"] == "Kwikstaart Vrouwenopvang")
    women["description"] = "Beschermde opvang voor vrouwen, ook met kinderen."
    tables["attribute"] = [a for a in tables["attribute"] if not (a["link_id"] == women["id"] and a["value"] == "ook")]
    job = run_import(own_admin, pack(tables))
    assert job.status == ImportStatus.DONE, job.errors
    service = Service.objects.get(pk=women["id"])
    assert service.description.endswith("ook met kinderen.") and service.version == 2
    assert not service.attributes.filter(taxonomy_term__code="labour").exists()
    assert AuditEvent.objects.filter(object_id=women["id"], action="update").count() == 1


def test_rows_of_another_organisation_are_refused_and_nothing_is_imported(kwik, own_admin):
    _descriptor, rows, _headers = unpack(download())
    other = next(r for r in rows["organization"] if r["id"] != str(kwik.pk))
    other["name"] = "Overgenomen door Kwikstaart"
    job = run_import(own_admin, pack(rows))
    assert job.status == ImportStatus.REJECTED
    assert any(e["sheet"] == "organizations.csv" and "die u niet beheert" in e["message"] for e in job.errors)
    assert not Organization.objects.filter(name="Overgenomen door Kwikstaart").exists()


def test_a_package_older_than_a_change_in_keten_is_refused(kwik, own_admin):
    tables = of_organization(unpack(download())[1], str(kwik.pk))
    women = Service.objects.get(name="Kwikstaart Vrouwenopvang")
    service_update(actor=own_admin, service=women, expected_version=women.version, capacity_available=1)
    next(r for r in tables["service"] if r["id"] == str(women.pk))["name"] = "Oude naam"
    job = run_import(own_admin, pack(tables))
    assert job.status == ImportStatus.REJECTED
    assert [(e["sheet"], e["column"]) for e in job.errors] == [("services.csv", "last_modified")]
    assert "gewijzigd na de export" in job.errors[0]["message"]
    women.refresh_from_db()
    assert (women.name, women.capacity_available) == ("Kwikstaart Vrouwenopvang", 1)


def test_each_bad_row_is_reported_with_its_file_line_column_and_reason(kwik, own_admin):
    tables = of_organization(unpack(download())[1], str(kwik.pk))
    tables["service"][0]["status"] = "open"
    tables["service"][1]["name"] = ""
    tables["location"][0]["latitude"] = "noord"
    job = run_import(own_admin, pack(tables))
    assert job.status == ImportStatus.REJECTED
    reported = {(e["sheet"], e["row"], e["column"]) for e in job.errors}
    assert reported == {("services.csv", 2, "status"), ("services.csv", 3, "name"), ("locations.csv", 2, "latitude")}
    assert all(e["message"] for e in job.errors)
    assert Service.objects.get(pk=tables["service"][0]["id"]).status == "active"


def test_a_formula_typed_in_the_social_map_is_harmless_in_the_package_and_comes_back_exactly(kwik, own_admin):
    hostile, quoted = '=HYPERLINK("http://evil.invalid","klik")', "'@SUM(1)"
    Service.objects.filter(name="Kwikstaart Ambulante begeleiding").update(name=hostile, description=quoted)
    Phone.objects.filter(number="088 555 0100").update(number="+31 88 555 0100")
    _descriptor, rows, _headers = unpack(download())

    service = next(r for r in rows["service"] if r["organization_id"] == str(kwik.pk) and "HYPERLINK" in r["name"])
    assert (service["name"], service["description"]) == (f"'{hostile}", f"'{quoted}")
    assert any(r["number"] == "+31 88 555 0100" for r in rows["phone"])  # a phone number stays dialable
    starts = [cell for records in rows.values() for r in records for cell in r.values()
              if cell.startswith(FORMULA_START)]
    assert all(re.fullmatch(r"[+-]?[0-9][0-9 ().,/-]*", cell) for cell in starts), starts

    Organization.objects.filter(pk=kwik.pk).delete()
    job = run_import(own_admin, pack(of_organization(rows, str(kwik.pk))))
    assert job.status == ImportStatus.DONE, job.errors
    assert (Service.objects.get(pk=service["id"]).name, Service.objects.get(pk=service["id"]).description) == (
        hostile, quoted)
    assert Phone.objects.filter(organization_id=kwik.pk, number="+31 88 555 0100").exists()


def _zip_with(name: str, data: str) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr(name, data)
    return output.getvalue()


@pytest.mark.parametrize(("content", "status", "message"), [
    (b"PK\x03\x04 not really a zip", ImportStatus.FAILED, "Dit is geen geldig zip-bestand."),
    (_zip_with("leesmij.txt", "Hallo"), ImportStatus.FAILED, "bevat geen HSDS-tabellen"),
    (_zip_with("services.csv", "id,naam\r\n"), ImportStatus.REJECTED, "Onbekende kolom"),
    (_zip_with("services.csv", "id,name\r\n"), ImportStatus.REJECTED, "verplichte kolom ontbreekt"),
])
def test_a_file_that_is_no_package_is_refused_in_dutch(own_admin, content, status, message):
    job = run_import(own_admin, content)
    assert job.status == status
    assert message in job.errors[0]["message"]

"""Importing the social map from the Excel template: the template offers the organisation's own services with
dropdowns and an instructions sheet; an upload is checked row by row, imports nothing while a row is wrong
(unless the administrator asks for only the good rows), never overwrites a later change, refuses other
organisations' services and bad files in Dutch, audits every record it writes, and shows its progress.

The fixture's names contain "Kwikstaart", a word no demo record uses."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.models import AuditEvent
from keten.core.clock import now
from keten.socialmap import spreadsheet
from keten.socialmap.models import (
    IMPORT_STALLED_AFTER,
    Address,
    ImportJob,
    ImportStatus,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    TaxonomyTerm,
)
from keten.socialmap.services import service_update

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in spreadsheet.COLUMNS]
SECRET_STREET = "Geheimgracht 13"


@pytest.fixture
def keeper(regions_loaded):
    return Organisation.objects.create(name="Kwikstaart Beheer (fictief)", type=OrganisationType.SHELTER)


@pytest.fixture
def kwik(keeper):
    """One organisation on the map with one shelter service at a secret address."""
    organization = Organization.objects.create(name="Kwikstaart Opvang", description="Opvang.", maintainer=keeper)
    shelter = Location.objects.create(organization=organization, municipality_id="GM0363", is_confidential=True,
                                      name="Kwikstaart geheime opvang")
    Address.objects.create(location=shelter, address_1=SECRET_STREET, postal_code="1015ZZ", city="Amsterdam",
                           state_province="Noord-Holland")
    service = Service.objects.create(organization=organization, name="Kwikstaart Vrouwenopvang",
                                     capacity_unit="bed", capacity_total=10, capacity_available=2)
    ServiceAtLocation.objects.create(service=service, location=shelter)
    ServiceAttribute.objects.create(service=service, taxonomy_term=TaxonomyTerm.objects.get(
        taxonomy__name="keten-service-type", code="shelter_women"))
    return organization


@pytest.fixture
def own_admin(keeper, make_person, demo):
    user, _password, _secret = make_person(Role.FUNCTIONAL_ADMIN, organisation=keeper,
                                           region=demo[Role.CARE_COORDINATOR].region)
    return Actor(user=user, membership=user.memberships.get())


@pytest.fixture
def browser_of(own_admin):
    client = Client()
    client.force_login(own_admin.user)
    return client


def workbook(rows: list[dict], headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Diensten"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def upload(client: Client, content: bytes, name: str = "diensten.xlsx"):
    """Upload through the page; returns the response and the job it made (None when the form refused it)."""
    before = set(ImportJob.objects.values_list("pk", flat=True))
    response = client.post(reverse("socialmap_admin:import"), {"file": SimpleUploadedFile(name, content)})
    job = ImportJob.objects.exclude(pk__in=before).first()
    return response, job


NEW_ROW = {
    "Naam": "Kwikstaart Crisisopvang", "Omschrijving": "Opvang dezelfde dag.", "Soort hulp": "Crisisopvang; Zorg",
    "Doelgroep": "Slachtoffers", "Leeftijd van": 18, "Geslacht": "Vrouwen",
    "Vormen van uitbuiting": "Seksuele uitbuiting; arbeidsuitbuiting", "Verblijfsstatus": "Bedenktijd (B8)",
    "Talen": "Nederlands; Engels", "Capaciteit eenheid": "bed", "Capaciteit totaal": 6,
    "Capaciteit beschikbaar": 1, "Adres": SECRET_STREET, "Postcode": "1015 ZZ", "Geheim adres": "ja",
    "Telefoon": "020 999 1414", "E-mail": "crisis@kwikstaart.invalid", "Website": "kwikstaart.invalid/crisis",
}


# --- The template ----------------------------------------------------------------------------------------------


def test_the_template_has_dropdowns_instructions_and_only_the_organisations_own_services(kwik, browser_of):
    response = browser_of.get(reverse("socialmap_admin:import-template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Toelichting", "Diensten", "Keuzelijsten"]
    sheet = book["Diensten"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    rows = [dict(zip(HEADERS, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [row["Naam"] for row in rows] == ["Kwikstaart Vrouwenopvang"]
    service = Service.objects.get(name="Kwikstaart Vrouwenopvang")
    assert (rows[0]["Keten-id"], rows[0]["Versie"], rows[0]["Soort hulp"]) == (str(service.pk), 1, "Vrouwenopvang")
    # A secret address is never written into a file: the cells stay empty, which keeps it as it is.
    assert rows[0]["Geheim adres"] == "ja" and not rows[0]["Adres"] and not rows[0]["Postcode"]
    assert SECRET_STREET.encode() not in response.content
    dropdowns = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    service_types = dropdowns[f"{get_column_letter(HEADERS.index('Soort hulp') + 1)}2"]
    assert service_types.type == "list" and service_types.formula1.startswith("'Keuzelijsten'!")
    help_text = " ".join(str(cell.value) for row in book["Toelichting"].iter_rows() for cell in row if cell.value)
    assert "importeert niets zolang er fouten zijn" in help_text and "Soort hulp" in help_text


# --- Clean files -----------------------------------------------------------------------------------------------


def test_a_clean_file_creates_the_services_with_their_facts_and_audits_every_record(kwik, browser_of, own_admin):
    response, job = upload(browser_of, workbook([NEW_ROW, {"Naam": "Kwikstaart Advies", "Soort hulp": "Juridische "
                                                           "hulp", "Adres": "Damrak 1", "Postcode": "1012LG"}]))
    assert response.status_code == 302 and response["Location"] == reverse("socialmap_admin:import-job",
                                                                           args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    crisis = Service.objects.get(name="Kwikstaart Crisisopvang")
    assert (crisis.organization, crisis.minimum_age, crisis.capacity_total, crisis.capacity_available) == (
        kwik, 18, 6, 1)
    assert crisis.url == "https://kwikstaart.invalid/crisis" and crisis.last_verified_by == own_admin.user
    codes = set(crisis.attributes.values_list("taxonomy_term__code", flat=True))
    assert codes == {"shelter_crisis", "care", "victim", "female", "sexual", "labour", "b8_reflection"}
    assert set(crisis.languages.values_list("code", flat=True)) == {"nl", "en"}
    assert crisis.phones.get().number == "020 999 1414"
    # The same secret address as the existing shelter: the service joins that location.
    location = crisis.service_at_locations.get().location
    assert location.name == "Kwikstaart geheime opvang" and location.is_confidential
    advice = Service.objects.get(name="Kwikstaart Advies")
    public = advice.service_at_locations.get().location
    assert (public.is_confidential, public.municipality_id, public.addresses.get().city) == (False, "GM0363",
                                                                                             "Amsterdam")
    events = AuditEvent.objects.filter(actor_id=own_admin.user.pk, action="create",
                                       object_type__startswith="socialmap.").exclude(object_type="socialmap.importjob")
    assert events.count() == job.records_created
    page = browser_of.get(reverse("socialmap_admin:import-job", args=[job.pk])).content.decode()
    assert "Klaar" in page and "<progress" in page and "2 van 2 rijen gecontroleerd" in page


def test_the_template_comes_back_with_a_change_and_only_that_service_is_updated(kwik, browser_of):
    book = load_workbook(io.BytesIO(browser_of.get(reverse("socialmap_admin:import-template")).content))
    sheet = book["Diensten"]
    sheet.cell(2, HEADERS.index("Capaciteit beschikbaar") + 1, 0)
    sheet.cell(2, HEADERS.index("Talen") + 1, "Pools")
    output = io.BytesIO()
    book.save(output)
    _response, job = upload(browser_of, output.getvalue())
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    service = Service.objects.get(name="Kwikstaart Vrouwenopvang")
    assert (service.capacity_available, service.version) == (0, 2) and service.capacity_updated_at is not None
    assert list(service.languages.values_list("code", flat=True)) == ["pl"]
    # The secret address stayed, though the template left it out.
    assert service.service_at_locations.get().location.addresses.get().address_1 == SECRET_STREET


def test_an_unchanged_template_changes_nothing(kwik, browser_of):
    _response, job = upload(browser_of, browser_of.get(reverse("socialmap_admin:import-template")).content)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.records_created, job.records_updated) == (0, 0)
    assert Service.objects.get(name="Kwikstaart Vrouwenopvang").version == 1


# --- Bad rows --------------------------------------------------------------------------------------------------

BAD_ROWS = [
    NEW_ROW,
    {"Naam": "Kwikstaart Fout 1", "Soort hulp": "Opvnag", "Leeftijd van": 200},
    {"Naam": "Kwikstaart Fout 2", "Soort hulp": "Opvang", "Adres": "Damrak 1", "Postcode": "10A"},
    {"Naam": "", "Soort hulp": "Opvang", "Leeftijd van": 30, "Leeftijd tot": 20},
]


def test_a_file_with_bad_rows_imports_nothing_and_reports_each_row_column_and_reason(kwik, browser_of):
    _response, job = upload(browser_of, workbook(BAD_ROWS))
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (3, "Soort hulp"), (3, "Leeftijd van"), (4, "Postcode"), (5, "Naam"), (5, "Leeftijd tot")}
    assert (job.rows_total, job.rows_failed) == (4, 3)
    assert not Service.objects.filter(name__startswith="Kwikstaart Crisis").exists()
    page = browser_of.get(reverse("socialmap_admin:import-job", args=[job.pk])).content.decode()
    assert "Er is niets geïmporteerd: 3 van de 4 rijen bevatten fouten." in page
    assert "‘Opvnag’ staat niet in de lijst" in page and "Vul een Nederlandse postcode in" in page
    assert "Alleen de goede rijen importeren" in page


def test_only_the_good_rows_imports_exactly_those(kwik, browser_of):
    _response, job = upload(browser_of, workbook(BAD_ROWS))
    response = browser_of.post(reverse("socialmap_admin:import-good-rows", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.good_rows_only
    assert list(Service.objects.filter(name__startswith="Kwikstaart").exclude(pk__in=kwik.services.filter(
        name="Kwikstaart Vrouwenopvang")).values_list("name", flat=True)) == ["Kwikstaart Crisisopvang"]
    assert len({e["row"] for e in job.errors}) == 3 and job.content in (b"", memoryview(b""))
    page = browser_of.get(reverse("socialmap_admin:import-job", args=[job.pk])).content.decode()
    assert "3 rijen met fouten zijn overgeslagen" in page


def test_a_service_of_another_organisation_is_refused(kwik, browser_of, demo):
    others = Service.objects.exclude(organization=kwik).filter(organization__maintainer__isnull=False).first()
    _response, job = upload(browser_of, workbook([{"Naam": "Overgenomen", "Soort hulp": "Opvang",
                                                   "Keten-id": str(others.pk), "Versie": others.version}]))
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "Keten-id")]
    assert "niet beheert" in job.errors[0]["message"]
    assert Service.objects.get(pk=others.pk).name != "Overgenomen"


def test_a_template_older_than_a_change_in_keten_is_refused(kwik, browser_of, own_admin):
    template = browser_of.get(reverse("socialmap_admin:import-template")).content
    service = Service.objects.get(name="Kwikstaart Vrouwenopvang")
    service_update(actor=own_admin, service=service, expected_version=service.version, capacity_available=5)
    book = load_workbook(io.BytesIO(template))
    book["Diensten"].cell(2, HEADERS.index("Capaciteit beschikbaar") + 1, 9)
    output = io.BytesIO()
    book.save(output)
    _response, job = upload(browser_of, output.getvalue())
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "Versie")]
    assert "gewijzigd nadat het sjabloon is gedownload" in job.errors[0]["message"]
    assert Service.objects.get(pk=service.pk).capacity_available == 5


# --- Bad files -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("diensten.csv", b"naam;soort hulp\n", "Kies een Excel-bestand (.xlsx, het sjabloon) of een HSDS-datapakket"),
    ("diensten.xlsx", b"Dit is tekst, geen Excel.", "Dit bestand is geen geldig Excel-bestand"),
    ("diensten.xlsx", b"PK\x03\x04" + b"0" * (5 * 1024 * 1024), "Het bestand is groter dan 5 MB"),
])
def test_a_file_that_is_not_an_xlsx_or_too_large_is_refused_at_once(kwik, browser_of, name, content, message):
    response, job = upload(browser_of, content, name)
    assert response.status_code == 200 and job is None
    assert message in response.content.decode()


def _zip(name: str, data: str) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr(name, data)
    return output.getvalue()


@pytest.mark.parametrize(("content", "message"), [
    (_zip("word/document.xml", "<w/>"), "Dit Excel-bestand kan niet worden gelezen"),
    (workbook([]), "Het werkblad ‘Diensten’ bevat geen diensten."),
    (workbook([{"Naam": "x"}], headers=["Dienst", "Soort hulp"]), "heeft geen kolom ‘Naam’"),
])
def test_an_unreadable_or_empty_workbook_is_refused_in_dutch(kwik, browser_of, content, message):
    _response, job = upload(browser_of, content)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert message in job.errors[0]["message"]
    page = browser_of.get(reverse("socialmap_admin:import-job", args=[job.pk])).content.decode()
    assert message in page.replace("&lsquo;", "‘").replace("&rsquo;", "’")


# --- Who sees a job, and how it shows its progress -------------------------------------------------------------


def test_a_job_is_seen_by_its_organisations_admins_and_national_admins_only(kwik, browser_of, client_for,
                                                                            make_person, demo):
    _response, job = upload(browser_of, workbook([NEW_ROW]))
    url = reverse("socialmap_admin:import-job", args=[job.pk])
    assert client_for(Role.FUNCTIONAL_ADMIN).get(url).status_code == 200  # the demo admin is national
    other = Organisation.objects.create(name="Kwikstaart Ander (fictief)", type=OrganisationType.SHELTER)
    user, _password, _secret = make_person(Role.FUNCTIONAL_ADMIN, organisation=other,
                                           region=demo[Role.CARE_COORDINATOR].region)
    outsider = Client()
    outsider.force_login(user)
    assert outsider.get(url).status_code == 404
    assert outsider.post(reverse("socialmap_admin:import-good-rows", args=[job.pk])).status_code == 404
    assert "diensten.xlsx" not in outsider.get(reverse("socialmap_admin:import")).content.decode()
    assert client_for(Role.CARE_COORDINATOR).get(url).status_code == 403


def test_the_real_worker_runs_the_job_while_the_page_polls(kwik, browser_of, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    # The test runs inside one transaction; the worker's clean-up of stale connections would close it.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    _response, job = upload(browser_of, workbook([NEW_ROW]))
    url = reverse("socialmap_admin:import-job", args=[job.pk])
    page = browser_of.get(url).content.decode()
    assert job.status == ImportStatus.QUEUED and 'hx-trigger="every 1s"' in page and "In de wachtrij" in page
    assert browser_of.get(url, headers={"HX-Request": "true"}).status_code == 200  # keep polling

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    last = browser_of.get(url, headers={"HX-Request": "true"})
    assert last.status_code == 286 and "Alle rijen zijn gecontroleerd en geïmporteerd." in last.content.decode()
    assert Service.objects.filter(name="Kwikstaart Crisisopvang").exists()


def test_a_job_no_worker_picks_up_says_so_and_stops_polling(kwik, browser_of, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    _response, job = upload(browser_of, workbook([NEW_ROW]))  # queued; no worker runs in this test
    url = reverse("socialmap_admin:import-job", args=[job.pk])
    assert browser_of.get(url, headers={"HX-Request": "true"}).status_code == 200
    ImportJob.objects.filter(pk=job.pk).update(updated_at=now() - IMPORT_STALLED_AFTER - timedelta(minutes=1))
    last = browser_of.get(url, headers={"HX-Request": "true"})
    assert last.status_code == 286 and "nog niet opgepakt" in last.content.decode()
    assert 'hx-trigger="every 1s"' not in browser_of.get(url).content.decode()

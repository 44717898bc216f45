"""A functional administrator imports services from the Excel template in the browser: upload, the check's
progress and report, "only the good rows", and a job page that follows a running import by itself (htmx,
under the content security policy). Every page is checked by axe."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from keten.accounts.models import Membership
from keten.accounts.roles import Role
from keten.socialmap.models import ImportJob, ImportKind, ImportStatus, Organization, Service
from keten.socialmap.spreadsheet import COLUMNS
from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e


def _template_file(tmp_path, rows: list[dict]):
    book = Workbook()
    sheet = book.active
    sheet.title = "Diensten"
    headers = [column.header for column in COLUMNS]
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    path = tmp_path / "diensten.xlsx"
    output = io.BytesIO()
    book.save(output)
    path.write_bytes(output.getvalue())
    return path


def test_admin_uploads_a_template_sees_the_report_and_imports_the_good_rows(page, demo_person, tmp_path):
    organization = Organization.objects.order_by("name").first().name
    rows = [
        {"Organisatie": organization, "Naam": "Importtest Crisisopvang", "Soort hulp": "Crisisopvang",
         "Doelgroep": "Slachtoffers", "Adres": "Damrak 1", "Postcode": "1012 LG", "Telefoon": "020 999 2020"},
        {"Organisatie": organization, "Naam": "Importtest Traumazorg", "Soort hulp": "Traumabehandeling; Zorg"},
        {"Organisatie": organization, "Naam": "Importtest Fout", "Soort hulp": "Opvnag"},
    ]
    log_in(page, demo_person("functional_admin"))
    page.goto("/sociale-kaart/beheer/")
    page.get_by_role("link", name="Importeren", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sociale kaart importeren")
    assert_accessible(page)

    page.get_by_label("Bestand", exact=True).set_input_files(_template_file(tmp_path, rows))
    page.get_by_role("button", name="Uploaden en controleren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import van diensten.xlsx")
    expect(page.get_by_text("Er is niets geïmporteerd: één van de 3 rijen bevat fouten.")).to_be_visible()
    report = page.get_by_role("table", name="Wat er niet klopt")
    expect(report).to_contain_text("Soort hulp")
    expect(report).to_contain_text("‘Opvnag’ staat niet in de lijst")
    expect(page.get_by_label("Voortgang van de controle")).to_be_visible()
    assert_accessible(page)
    assert not Service.objects.filter(name__startswith="Importtest").exists()

    page.get_by_role("button", name="Alleen de goede rijen importeren").click()
    expect(page.get_by_text("Klaar", exact=True)).to_be_visible()
    expect(page.get_by_text("3 van 3 rijen gecontroleerd")).to_be_visible()
    expect(page.get_by_text("De goede rijen zijn geïmporteerd; één rij met fouten is overgeslagen.")).to_be_visible()
    assert_accessible(page)
    assert set(Service.objects.filter(name__startswith="Importtest").values_list("name", flat=True)) == {
        "Importtest Crisisopvang", "Importtest Traumazorg"}


def test_the_job_page_follows_a_running_import_until_it_is_done(page, demo_person):
    person = demo_person("functional_admin")
    membership = Membership.objects.get(user__email=person.email, role=Role.FUNCTIONAL_ADMIN)
    # A job as the worker leaves it while it runs; the test plays the worker's part.
    job = ImportJob.objects.create(membership=membership, organisation=membership.organisation,
                                   kind=ImportKind.SPREADSHEET, file_name="groot.xlsx", content=b"",
                                   status=ImportStatus.VALIDATING, rows_total=400, rows_processed=100)
    log_in(page, person)
    polls = []
    page.on("request", lambda request: polls.append(request) if request.headers.get("hx-request") else None)
    page.goto(f"/sociale-kaart/beheer/import/{job.pk}/")
    expect(page.get_by_text("100 van 400 rijen gecontroleerd")).to_be_visible()
    expect(page.get_by_label("Voortgang van de controle")).to_have_attribute("value", "100")
    assert_accessible(page)

    ImportJob.objects.filter(pk=job.pk).update(rows_processed=250)
    expect(page.get_by_text("250 van 400 rijen gecontroleerd")).to_be_visible()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, rows_processed=400, records_created=3)
    expect(page.get_by_text("Alle rijen zijn gecontroleerd en geïmporteerd.")).to_be_visible()
    assert_accessible(page)
    # The last answer told htmx to stop asking.
    count = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == count

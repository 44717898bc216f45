"""A care coordinator registers a signal in the browser: with an indicator, a phone number and an attachment
(downloaded again from the signal page), sees it in the list and takes it to triage; each page checked by axe."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
INDICATOR = "Bewegingsvrijheid beperkt: mag niet zelfstandig weg, wordt opgesloten of steeds begeleid"


def test_care_coordinator_registers_a_signal_and_takes_it_to_triage(page, demo_person, artifacts):
    call_command("load_indicators", verbosity=0)
    log_in(page, demo_person("care_coordinator"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signalen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signalen")
    assert_accessible(page)
    page.get_by_role("link", name="Nieuw signaal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signaal registreren")
    assert_accessible(page)

    page.get_by_label("Gemeente", exact=True).fill("Amsterdam")
    page.get_by_label("Datum waarop het is gezien").fill("2026-01-05")
    page.get_by_role("group", name="Vorm van uitbuiting").get_by_label("Arbeidsuitbuiting").check()
    page.get_by_label(INDICATOR).check()
    page.get_by_label("Omschrijving").fill("Arbeiders slapen in een loods.")
    entity = page.get_by_role("group", name="Gegeven 1")
    entity.get_by_label("Soort gegeven").select_option("phone")
    entity.get_by_label("Waarde").fill("06 10000 001")  # a number the demo signals share
    entity.get_by_label("Waarde").blur()
    expect(entity.get_by_text("andere signalen die u mag zien")).to_be_visible()
    # Acute reveals 112 at once; back to normal hides it again.
    urgency = page.get_by_role("group", name="Urgentie", exact=True)
    urgency.get_by_label("Acuut: direct gevaar").check()
    expect(page.get_by_role("link", name="112")).to_be_visible()
    urgency.get_by_label("Normaal").check()
    expect(page.get_by_role("link", name="112")).to_be_hidden()
    page.get_by_label("Grondslag voor het melden").select_option("wmo")
    page.get_by_label("Bijlagen (niet verplicht)").set_input_files(
        files=[{"name": "advertentie.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.screenshot(path=artifacts / "intake-create.png", full_page=True)
    page.get_by_role("button", name="Signaal registreren").click()

    expect(page.get_by_text("is geregistreerd.")).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Signaal ")
    expect(page.get_by_text(INDICATOR)).to_be_visible()
    expect(page.get_by_text("+31 6 10000001")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="advertentie.pdf").click()
    assert download.value.suggested_filename == "advertentie.pdf"
    assert_accessible(page)

    page.get_by_role("link", name="Signalen", exact=True).first.click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Zet op ‘In triage’").click()
    expect(page.get_by_text(f"Signaal {reference} staat nu op ‘In triage’.")).to_be_visible()
    assert_accessible(page)

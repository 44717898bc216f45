"""The kennisbank in the browser: a front-desk worker without an account searches a term, finds the chain of her
region and prints it; a care coordinator reads a definition as a tooltip on the signal form; the national
functional administrator corrects a definition. Every page checked by axe."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(demo_person):
    call_command("load_indicators", verbosity=0)
    call_command("load_knowledge", demo=True, verbosity=0)
    return demo_person


def test_a_front_desk_worker_finds_a_definition_and_the_chain_of_her_region(page, world, artifacts):
    page.goto("/")
    page.get_by_role("link", name="Naar de kennisbank").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennisbank mensenhandel")
    assert_accessible(page)

    page.get_by_label("Zoek in de kennisbank").fill("bedenktijd")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Bedenktijd (B8)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedenktijd (B8)")
    expect(page.get_by_text("ten hoogste drie maanden").first).to_be_visible()
    expect(page.get_by_text(re.compile("^Bron: Vreemdelingencirculaire"))).to_be_visible()
    assert_accessible(page)

    page.goto("/kennisbank/")
    page.get_by_label("Uw gemeente of postcode").fill("3511")
    page.get_by_role("button", name="Toon de keten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("De keten in Zorgcoördinatie Midden-Nederland")
    expect(page.get_by_text("Deze regio heeft geen zorgcoördinator mensenhandel. Bel CoMensha")).to_be_visible()
    expect(page.get_by_text("ja, Veilig Thuis is hier ook het meldpunt mensenhandel").first).to_be_visible()
    expect(page.get_by_role("heading", name="Politie-eenheid Midden-Nederland")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("button", name="Print als handout")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_have_count(0)
    expect(page.get_by_role("button", name="Print als handout")).to_be_hidden()
    expect(page.get_by_role("heading", name="Zorgcoördinator mensenhandel")).to_be_visible()
    handout = page.pdf(path=artifacts / "knowledge-region-handout.pdf", format="A4")
    assert re.findall(rb"/Count (\d+)", handout)[0] == b"1", "the handout fits on one A4 page"
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Alle regio’s").click()
    page.goto("/kennisbank/wie-doet-wat/")
    assert_accessible(page)
    page.get_by_role("link", name="Nederlandse Arbeidsinspectie (NLA)").first.click()
    expect(page.get_by_role("heading", name="Bevoegdheden")).to_be_visible()
    assert_accessible(page)
    page.goto("/kennisbank/zorgcoordinator/")
    expect(page.get_by_role("table", name="Zorgcoördinatie per regio")).to_contain_text("Zorgcoördinatie Amsterdam")
    page.screenshot(path=artifacts / "knowledge-care-coordinator.png", full_page=True)
    assert_accessible(page)
    page.goto("/kennisbank/begrippen/")
    assert_accessible(page)


def test_a_care_coordinator_reads_a_definition_as_a_tooltip_on_the_signal_form(page, world):
    log_in(page, world("care_coordinator"))
    page.goto("/signalen/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Signaal registreren")
    term = page.get_by_role("button", name="Indicatoren (niet verplicht)")
    tip = page.get_by_role("tooltip")
    expect(tip).to_be_hidden()
    term.focus()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Een waarneembaar teken")
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    expect(page.get_by_text(re.compile("^Een vastgesteld feit dat zelf een middel"))).to_be_visible()


def test_the_national_administrator_corrects_a_definition(page, world):
    log_in(page, world("functional_admin"))
    page.goto("/kennisbank/begrippen/omm/")
    page.get_by_role("link", name=re.compile("^Wijzigen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("‘Opvang multiproblematiek (OMM)’ wijzigen")
    assert_accessible(page)
    page.get_by_label("Korte definitie (Nederlands)").fill("Opvang voor slachtoffers met meervoudige problemen.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opvang multiproblematiek (OMM)")
    expect(page.get_by_text("Opvang voor slachtoffers met meervoudige problemen.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Geschiedenis")).click()
    expect(page.get_by_role("heading", name=re.compile("^Versie 2"))).to_be_visible()
    assert_accessible(page)
    page.goto("/kennisbank/beheer/")
    assert_accessible(page)

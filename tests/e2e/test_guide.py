"""A front-desk worker without an account uses "Mag ik dit delen?" in the browser, each page checked by axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e

DISCLAIMER = "Dit is een hulpmiddel, geen juridisch advies."


def answer(page, question: str, choice: str) -> None:
    """Check that `question` is asked, that the page is accessible, then choose `choice` and go on."""
    group = page.get_by_role("group", name=question)
    expect(group).to_be_visible()
    expect(page.get_by_text(DISCLAIMER)).to_be_visible()
    assert_accessible(page)
    group.get_by_role("radio", name=choice, exact=True).check()
    page.get_by_role("button", name="Volgende").click()


def test_municipal_front_desk_worker_finds_out_they_should_ask_consent_first(page):
    # A woman at the municipal front desk says her employer keeps her passport; she does not want help yet.
    page.goto("/mag-ik-dit-delen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mag ik dit delen?")
    answer(page, "Is er nu acuut gevaar voor iemand?", "Nee, niet op dit moment")

    # Going on without a choice shows an error, in an accessible way.
    expect(page.get_by_role("group", name="Waar werkt u?")).to_be_visible()
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_text("Kies een antwoord.")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Fout:"))
    answer(page, "Waar werkt u?", "Gemeente, bijvoorbeeld een loket, burgerzaken of handhaving")

    answer(page, "Waar gaat uw signaal over?", "Over een persoon die misschien slachtoffer is en hulp nodig heeft")
    answer(page, "Hoe oud is de persoon om wie het gaat?", "18 jaar of ouder")
    answer(page, "Geeft de persoon toestemming om het signaal te delen?", "Nee, of ik heb het nog niet gevraagd")

    expect(page).to_have_url(re.compile(r"/mag-ik-dit-delen/stap/\?path=no\.municipality\.person\.adult\.no$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vraag toestemming en overleg intussen anoniem")
    expect(page.get_by_text("De zorgcoördinator mensenhandel in uw regio (anoniem)")).to_be_visible()
    expect(page.get_by_role("heading", name="Op welke grond?")).to_be_visible()
    expect(page.get_by_text(DISCLAIMER)).to_be_visible()
    answers = page.locator("section", has=page.get_by_role("heading", name="Uw antwoorden"))
    expect(answers).to_contain_text("Gemeente, bijvoorbeeld een loket, burgerzaken of handhaving")
    expect(page.get_by_role("link", name="Naar de startpagina van Keten")).to_have_attribute("href", "/")
    assert_accessible(page)

    # Back one step: the consent question again; "Opnieuw beginnen" returns to the start.
    page.get_by_role("link", name="Terug").click()
    expect(page.get_by_role("group", name="Geeft de persoon toestemming om het signaal te delen?")).to_be_visible()
    page.get_by_role("link", name="Opnieuw beginnen").click()
    expect(page).to_have_url(re.compile(r"/mag-ik-dit-delen/$"))
    expect(page.get_by_role("group", name="Is er nu acuut gevaar voor iemand?")).to_be_visible()


def test_police_officer_is_told_of_the_comensha_duty_without_javascript(open_page):
    page = open_page(java_script_enabled=False)  # axe needs JavaScript; this test proves the forms do not
    page.goto("/mag-ik-dit-delen/")
    for choice in ("Nee, niet op dit moment", "Politie, Koninklijke Marechaussee of Nederlandse Arbeidsinspectie",
                   "Over een vermoedelijk slachtoffer"):
        page.get_by_role("radio", name=choice, exact=True).check()
        page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meld het vermoedelijke slachtoffer bij CoMensha")


def test_a_broken_link_explains_itself_and_offers_a_fresh_start(page):
    page.goto("/mag-ik-dit-delen/stap/?path=no.onbekend")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze stap bestaat niet")
    assert_accessible(page)
    page.get_by_role("link", name="Opnieuw beginnen").click()
    expect(page.get_by_role("group", name="Is er nu acuut gevaar voor iemand?")).to_be_visible()

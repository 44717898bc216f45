"""A whole Signaaltafel meeting in the browser: the chair puts the proposed agenda on next week's meeting (the dossier
with the police's overdue action flagged), weighs and decides on an item, agrees an action, closes the meeting and
sends the minutes; the police investigator then reads their own copy. Every page checked by axe."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e

OVERDUE = "Let op: acties over de termijn"
# A phone number in full (the demo's are 06 10000xxx and 06 123456xx): at the table only the last digits show.
FULL_PHONE = re.compile(r"\b06[\s-]?\d{4}\s?\d{4}\b")


def open_planned_meeting(page) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signaaltafel").click()
    assert_accessible(page)
    page.get_by_role("navigation", name="Signaaltafel").get_by_role("link", name="Overleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overleggen van de Signaaltafel")
    assert_accessible(page)
    planned = page.get_by_role("table", name="Geplande overleggen, eerstvolgende eerst")
    planned.get_by_role("row").filter(has_text="Gepland").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signaaltafel")
    assert_accessible(page)


def agenda_rows(page):
    return page.get_by_role("table", name="Dossiers op de agenda, in de volgorde van bespreking").locator("tbody tr")


def keep_only_on_agenda(page, reference: str) -> None:
    """Take every other (not yet weighed) dossier off the agenda, one button press and page load at a time."""
    while True:
        others = agenda_rows(page).filter(has_not_text=reference).get_by_role("button", name="Van de agenda halen")
        if others.count() == 0:
            return
        others.first.click()
        expect(page.get_by_text("Agendapunt verwijderd.")).to_be_visible()


def test_the_chair_runs_a_meeting_and_the_police_investigator_reads_their_minutes(page, open_page, demo_person,
                                                                                  artifacts):
    from keten.core.clock import today

    log_in(page, demo_person("table_chair"))
    open_planned_meeting(page)
    meeting_url = page.url
    meeting_heading = page.get_by_role("heading", level=1).inner_text()

    # The proposal names the dossier whose police action from the last meeting is past its deadline.
    proposal = page.get_by_role("region", name="Voorstel voor de agenda")
    flagged = proposal.get_by_role("listitem").filter(has_text="Acties over de termijn")
    expect(flagged).to_have_count(1)
    reference = flagged.inner_text().split(":")[0].strip()
    proposal.get_by_role("button", name="Voorstel op de agenda zetten").click()
    expect(page.get_by_text("dossier(s) op de agenda gezet.")).to_be_visible()
    overdue_row = agenda_rows(page).filter(has_text=reference)
    expect(overdue_row.get_by_text(OVERDUE)).to_be_visible()
    assert_accessible(page)

    keep_only_on_agenda(page, reference)
    expect(agenda_rows(page)).to_have_count(1)
    page.get_by_role("button", name="Overleg beginnen").click()
    expect(page.get_by_text("Het overleg is begonnen.")).to_be_visible()

    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Agendapunt dossier {reference}")
    expect(page.get_by_text("Let op: dit dossier heeft acties over de termijn.")).to_be_visible()
    assert_accessible(page)

    weighing = page.get_by_role("group", name="Weging vastleggen")
    weighing.get_by_role("group", name="Aanwijzingen voor mensenhandel").get_by_label("Ja").check()
    weighing.get_by_role("group", name="Vormen van uitbuiting").get_by_label("Arbeidsuitbuiting").check()
    weighing.get_by_role("group", name="Ernst").get_by_label("Midden").check()
    weighing.get_by_role("group", name="Minderjarige betrokken").get_by_label("Nee").check()
    weighing.get_by_label("Aantekeningen").fill("Demo-aantekening: opvang lijkt nodig (fictief).")
    weighing.get_by_role("button", name="Weging opslaan").click()
    expect(page.get_by_text("De weging is vastgelegd.")).to_be_visible()
    assert_accessible(page)

    deciding = page.get_by_role("group", name="Besluit vastleggen")
    deciding.get_by_label("Besluit", exact=True).select_option(label="Zorgtraject via de zorgcoördinator")
    deciding.get_by_label("Onderbouwing").fill("Vermoedelijk slachtoffer heeft opvang nodig (fictief demoverhaal).")
    deciding.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_text("Het besluit is vastgelegd.")).to_be_visible()
    decided = page.get_by_role("region", name="Besluiten").get_by_role("listitem").filter(
        has_text="Zorgtraject via de zorgcoördinator")
    expect(decided).to_contain_text("Vermoedelijk slachtoffer heeft opvang nodig")
    expect(decided.get_by_role("link", name=re.compile(r"^conceptaanmelding "))).to_be_visible()
    assert_accessible(page)

    acting = page.get_by_role("group", name="Actie afspreken")
    acting.get_by_label("Actie", exact=True).fill("Stand van het onderzoek terugmelden aan de tafel")
    police = acting.get_by_label("Organisatie die de actie uitvoert").locator("option", has_text="Politie")
    acting.get_by_label("Organisatie die de actie uitvoert").select_option(police.first.get_attribute("value"))
    due = today() + timedelta(days=14)
    acting.get_by_label("Uiterlijk").fill(due.isoformat())
    acting.get_by_label("Hoort bij besluit").select_option(index=1)
    acting.get_by_role("button", name="Actie opslaan").click()
    expect(page.get_by_text("De actie is vastgelegd en de eigenaar is op de hoogte gebracht.")).to_be_visible()
    agreed = page.get_by_role("table", name="Acties van dit agendapunt")
    expect(agreed.get_by_role("row").filter(has_text="Stand van het onderzoek terugmelden")).to_contain_text(
        "Politie")
    assert_accessible(page)

    # The dossier behind the item: people under aliases, phone numbers only by their last digits.
    page.get_by_role("region", name="Dossier").get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dossier {reference}")
    expect(page.get_by_role("table", name=re.compile("^Betrokken personen")).get_by_text(
        re.compile(r"^Persoon [A-Z]")).first).to_be_visible()
    # Which phone numbers a dossier holds depends on the demo's random signals; whichever show are masked.
    phones = page.locator("main").get_by_text(re.compile(r"^Telefoonnummer: ")).all_text_contents()
    assert all(re.fullmatch(r"Telefoonnummer: •+\d{2,4}", phone.strip()) for phone in phones), phones
    assert not FULL_PHONE.search(page.locator("main").inner_text())
    assert_accessible(page)

    page.goto(meeting_url)
    expect(agenda_rows(page).filter(has_text=reference)).to_contain_text("Besluit: Zorgtraject")
    page.get_by_role("button", name="Overleg afronden").click()
    expect(page.get_by_text("Het overleg is afgerond.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Verslag", exact=True).click()
    expect(page.get_by_role("heading", level=2, name=f"1. Dossier {reference}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Verslag versturen").click()
    expect(page.get_by_text(re.compile(r"Het verslag is verstuurd naar \d+ deelnemers?\."))).to_be_visible()
    sent = page.get_by_role("table", name=re.compile("^Verstuurde exemplaren"))
    expect(sent.get_by_role("row").filter(has_text="Politie")).not_to_have_count(0)
    assert_accessible(page)

    investigator = open_page()
    log_in(investigator, demo_person("police_investigator"))
    investigator.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signaaltafel").click()
    investigator.get_by_role("navigation", name="Signaaltafel").get_by_role("link", name="Overleggen").click()
    done = investigator.get_by_role("table", name="Afgeronde overleggen, laatste eerst")
    done.get_by_role("link").first.click()
    expect(investigator.get_by_role("heading", level=1)).to_have_text(meeting_heading)
    assert_accessible(investigator)
    investigator.get_by_role("link", name="Verslag", exact=True).click()
    facts = investigator.get_by_role("region", name="Overleg")
    expect(facts.get_by_role("definition").first).to_contain_text("Rechercheur (AVIM)")
    expect(investigator.get_by_text("Voorbeeld: dit is het exemplaar voor")).to_have_count(0)
    item = investigator.get_by_role("region", name=f"1. Dossier {reference}")
    expect(item).to_contain_text("Zorgtraject via de zorgcoördinator")
    expect(item).to_contain_text("Stand van het onderzoek terugmelden aan de tafel")
    # The notes may touch on health or sexual life: the police's copy says they are shielded, never what they say.
    expect(item).to_contain_text("Aantekeningen afgeschermd")
    expect(item).not_to_contain_text("opvang lijkt nodig")
    expect(investigator.get_by_role("button", name="Verslag versturen")).to_have_count(0)
    assert_accessible(investigator)
    investigator.screenshot(path=artifacts / "signaltable-minutes.png", full_page=True)

"""From referral to trajectory in the browser: a care worker refers a presumed victim, the care coordinator of
the place accepts the referral into a trajectory and records a ZRM assessment; every page checked by axe."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e


def test_a_referral_becomes_a_trajectory_with_a_zrm_assessment(page, open_page, demo_person, artifacts):
    log_in(page, demo_person("care_worker"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanmeldingen").click()
    assert_accessible(page)
    page.get_by_role("link", name="Iemand aanmelden").click()
    page.get_by_label("Gemeente waar de persoon nu is").fill("Amsterdam")
    page.get_by_role("group", name="Vorm van uitbuiting").get_by_label("Arbeidsuitbuiting").check()
    page.get_by_role("group", name="Wat is nodig?").get_by_label("Opvang vannacht").check()
    page.get_by_label("Hoe bereikt de zorgcoördinator u?").fill("06 10000 996 (werk)")
    assert_accessible(page)
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_text("is verstuurd naar")).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Aanmelding ")

    coordinator = open_page()
    log_in(coordinator, demo_person("care_coordinator"))
    coordinator.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanmeldingen").click()
    coordinator.get_by_role("link", name=reference).click()
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Aannemen en traject starten").click()
    expect(coordinator.get_by_text("is gestart.")).to_be_visible()
    assert_accessible(coordinator)

    zrm = coordinator.get_by_role("group", name="ZRM-meting vastleggen")
    for select in zrm.get_by_role("combobox").all():
        select.select_option("4")
    zrm.get_by_role("button", name="Meting opslaan").click()
    expect(coordinator.get_by_text("Opgeslagen.")).to_be_visible()
    expect(coordinator.get_by_role("table").filter(has_text="Financiën")).to_be_visible()
    coordinator.screenshot(path=artifacts / "trajectory.png", full_page=True)
    assert_accessible(coordinator)

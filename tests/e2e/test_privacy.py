"""Privacy in the browser: a care coordinator of another region sees no one and is told why; the privacy
officer of the keeping organisation reads who saw a person."""

import pytest
from playwright.sync_api import expect

from keten.identity.models import Subject
from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e


def test_a_limburg_worker_sees_no_person_from_noord_holland_and_is_told_why(page, demo_person):
    log_in(page, demo_person("veilig_thuis_worker"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Personen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personen")
    expect(page.get_by_text("uit uw regio (Limburg)")).to_be_visible()
    expect(page.get_by_text("Er zijn geen personen die u voor dit doel mag zien.")).to_be_visible()
    expect(page.get_by_text("Testpersoon")).to_have_count(0)
    assert_accessible(page)


def test_the_care_coordinator_sees_identity_and_the_privacy_officer_sees_who_looked(page, open_page, demo_person):
    log_in(page, demo_person("care_coordinator"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Personen").click()
    assert_accessible(page)
    alfa = Subject.objects.get(attributes__display="Testpersoon Alfa")  # one of several demo people in Amsterdam
    page.get_by_role("link", name=str(alfa.alias)).click()
    expect(page.get_by_text("Testpersoon Alfa")).to_be_visible()
    assert_accessible(page)
    alias = page.get_by_role("heading", level=1).inner_text()

    officer = open_page()
    log_in(officer, demo_person("privacy_officer"))
    officer.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Personen").click()
    officer.get_by_role("link", name=alias).click()
    expect(officer.get_by_text("Testpersoon Alfa")).to_have_count(0)
    officer.get_by_role("link", name="Inzagelog").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(alias)
    expect(officer.get_by_role("table")).to_contain_text("Demo Zorgcoördinator (fictief)")
    assert_accessible(officer)

"""A functional administrator at work in the browser: people of their organisation, region layers, API docs."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e


def test_admin_adds_a_colleague_who_then_appears_in_the_list(page, demo_person):
    log_in(page, demo_person("functional_admin"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gebruikers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gebruikers van")
    assert_accessible(page)

    page.get_by_role("link", name="Gebruiker toevoegen").click()
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill("new-analyst@example.invalid")
    page.get_by_label("Naam").fill("A national analyst")
    page.get_by_label("Rol").select_option(label="Landelijk analist")
    page.get_by_role("button", name="Toevoegen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("A national analyst")
    expect(page.get_by_role("table")).to_contain_text("Landelijk analist")
    assert_accessible(page)
    page.get_by_role("link", name="Terug naar gebruikers").click()
    expect(page.get_by_role("table")).to_contain_text("new-analyst@example.invalid")


def test_admin_finds_the_care_coordination_regions(page, demo_person):
    log_in(page, demo_person("functional_admin"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Regio-indelingen").click()
    assert_accessible(page)
    page.get_by_role("link", name="Zorgcoördinatieregio").first.click()
    expect(page.get_by_text("Zorgcoördinatie Amsterdam").first).to_be_visible()
    assert_accessible(page)


def test_api_docs_open_without_breaking_the_content_security_policy(page, demo_person):
    log_in(page, demo_person("national_analyst"))
    page.goto("/api/v1/docs/")
    expect(page.get_by_text("Keten API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/me/").first).to_be_visible()

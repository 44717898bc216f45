"""What a visitor and a care coordinator see and do in the browser, each page checked by axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e


def test_anonymous_visitor_sees_the_dutch_landing_page(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keten tegen mensenhandel")
    expect(page.get_by_text("Wegwijzer voor de balie").first).to_be_visible()
    expect(page.get_by_role("link", name="Inloggen")).to_have_attribute("href", "/accounts/login/")
    assert_accessible(page)


def test_care_coordinator_logs_in_with_a_code_and_sees_their_overview(page, demo_care_coordinator, artifacts):
    log_in(page, demo_care_coordinator)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht voor de zorgcoördinator")
    for heading in ("Nieuwe aanmeldingen", "Trajecten die aandacht nodig hebben", "Bedenktijd die binnenkort afloopt"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    header = page.get_by_role("banner")
    expect(header).to_contain_text("Zorgcoördinator")
    expect(header).to_contain_text("Demo Zorgcoördinatie Noord-Holland (fictief)")
    expect(header).to_contain_text("Noord-Holland")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    page.screenshot(path=artifacts / "care-coordinator-home.png", full_page=True)
    assert_accessible(page)


def test_language_switch_to_english_and_back(page):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    assert_accessible(page)

    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="Nederlands")).to_have_attribute("aria-current", "true")
    assert_accessible(page)


def test_login_and_code_pages_are_accessible_also_with_errors(page, demo_care_coordinator):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij Keten")
    assert_accessible(page)

    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator(".utrecht-form-field--invalid").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("E-mailadres").fill(demo_care_coordinator.email)
    page.get_by_label("Wachtwoord", exact=True).fill(demo_care_coordinator.password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code uit uw authenticator-app")
    assert_accessible(page)

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_label("Code")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_role_switcher_works_without_javascript(page, demo_care_coordinator):
    from keten.accounts.models import Membership, Organisation, User

    user = User.objects.get(email=demo_care_coordinator.email)
    # Sorted after "Demo Zorgcoördinatie", so the care coordinator role stays the one the user starts in.
    table = Organisation.objects.create(name="Zorg- en Veiligheidshuis Demo", type="zvh")
    Membership.objects.create(user=user, organisation=table, role="table_chair")

    # Keten's only script is htmx; without it the page must still work. (Switching JavaScript off in the
    # browser would also stop axe, which runs in the page.)
    page.route("**/vendor/htmx/**", lambda route: route.abort())
    log_in(page, demo_care_coordinator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht voor de zorgcoördinator")
    assert_accessible(page)

    page.get_by_label("Andere rol kiezen").select_option(
        label="Voorzitter Signaaltafel — Zorg- en Veiligheidshuis Demo (landelijk)")
    page.get_by_role("button", name="Wissel van rol").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht voor de voorzitter van de Signaaltafel")
    expect(page.get_by_role("status")).to_contain_text("U werkt nu als")
    assert_accessible(page)

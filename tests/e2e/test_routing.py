"""The national functional administrator changes a routing rule in the browser, tries it on recent signals first,
then saves it; every page checked by axe."""

import pytest
from playwright.sync_api import expect

from keten.intake.models import RoutingRule
from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e


def test_admin_tries_a_rule_on_recent_signals_and_then_saves_it(page, demo_person):
    log_in(page, demo_person("functional_admin"))
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Routeringsregels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Routeringsregels")
    assert_accessible(page)

    page.get_by_role("link", name="Arbeidsuitbuiting: Arbeidsinspectie").click()
    assert_accessible(page)
    page.get_by_label("Naam").fill("Arbeid met harde signalen: Arbeidsinspectie")
    page.get_by_label("Ten minste zoveel harde signalen").fill("2")
    page.get_by_role("button", name="Proef").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Proef van de routeringsregels")
    expect(page.get_by_text("Er is niets opgeslagen of gedeeld.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("harde signalen ≥ 2")
    assert_accessible(page)
    assert not RoutingRule.objects.filter(name__startswith="Arbeid met harde").exists()

    page.go_back()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Regel ‘Arbeid met harde signalen: Arbeidsinspectie’ is opgeslagen.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("ten minste 2 harde signalen")
    assert_accessible(page)

"""A front-desk worker without an account uses the Aanmeldwijzer in the browser: from the home page through the
questions to whom to call, and a text for the person in Polish; each page checked by axe, and once without
JavaScript. The browser tests start from an empty database, so the test builds its own small social map."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from keten.core.clock import now
from keten.regions.models import Municipality
from keten.socialmap.models import Organization, Phone, Service, ServiceArea, ServiceAttribute, TaxonomyTerm
from keten.socialmap.services import load_taxonomies
from keten.socialmap.taxonomy import CHAIN_ROLE
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e

LABOUR = ("Iemand werkt onder dwang of in slechte omstandigheden: heel lange dagen, weinig of geen loon, schulden "
          "bij de baas of een afgepakt paspoort")


def _chain_service(organization_name: str, role: str, phone: str, *areas) -> None:
    organization = Organization.objects.create(name=organization_name, description="Keten")
    service = Service.objects.create(organization=organization, name=organization_name, last_verified_at=now())
    for municipality in areas:
        ServiceArea.objects.create(service=service, municipality=municipality)
    ServiceAttribute.objects.create(service=service,
                                    taxonomy_term=TaxonomyTerm.objects.get(taxonomy__name=CHAIN_ROLE, code=role))
    Phone.objects.create(service=service, number=phone)


@pytest.fixture
def small_map(transactional_db):
    """Amsterdam with a care coordinator and Veilig Thuis; CoMensha nationally (besides what the demo map may
    hold)."""
    call_command("load_regions", verbosity=0)
    load_taxonomies()
    amsterdam = Municipality.objects.get(code="GM0363")
    _chain_service("Zorgcoördinatie Amsterdam-Amstelland", "care_coordinator", "020 111 11 11", amsterdam)
    _chain_service("Veilig Thuis Amsterdam-Amstelland", "veilig_thuis", "0800-2000", amsterdam)
    _chain_service("CoMensha", "comensha", "033 448 11 86")
    return amsterdam


def answer_the_questions(page, *, place: str, minor: str, danger: str) -> None:
    page.get_by_role("group", name="Wat viel u op?").get_by_label(LABOUR).check()
    page.get_by_label("Waar was het?").fill(place)
    page.get_by_role("group", name="Lijkt de persoon jonger dan 18 jaar?").get_by_label(minor, exact=True).check()
    page.get_by_role("group", name="Is er nu direct gevaar?").get_by_label(danger, exact=True).check()
    page.get_by_role("button", name="Toon wie ik bel").click()


def contacts(page):
    return page.locator("section", has=page.get_by_role("heading", name="Wie u belt")).get_by_role("listitem")


def test_front_desk_worker_goes_from_the_home_page_to_whom_to_call_and_a_polish_text(page, small_map, artifacts):
    page.goto("/")
    page.get_by_role("link", name="Naar de Aanmeldwijzer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmeldwijzer")
    expect(page.get_by_role("link", name="Bel 112.")).to_have_attribute("href", "tel:112")
    page.screenshot(path=artifacts / "aanmeldwijzer-questions.png", full_page=True)
    assert_accessible(page)

    # A man at the desk of a municipal office works long days for no pay; he is in danger now.
    answer_the_questions(page, place="1011 AB", minor="Nee", danger="Ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie belt u nu?")
    expect(page.get_by_text("Voor de gemeente Amsterdam.")).to_be_visible()
    first = contacts(page).first
    expect(first.get_by_role("heading")).to_have_text("Alarmnummer 112")
    expect(first.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
    coordinator = contacts(page).filter(has=page.get_by_role("heading", name="Zorgcoördinator mensenhandel"),
                                        has_text="Zorgcoördinatie Amsterdam-Amstelland")
    expect(coordinator.get_by_role("link", name="020 111 11 11")).to_have_attribute("href", "tel:0201111111")
    inspectorate = contacts(page).filter(has=page.get_by_role("heading", name="Nederlandse Arbeidsinspectie"))
    expect(inspectorate.get_by_role("link", name="0800-5151")).to_be_visible()
    expect(page.get_by_role("heading", name="Wat zegt u?")).to_be_visible()
    expect(page.get_by_text("Of de persoon nu in gevaar is.")).to_be_visible()
    page.screenshot(path=artifacts / "aanmeldwijzer-advice.png", full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="Polski (Pools)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tekst in het Pools")
    text = page.get_by_role("article")
    expect(text).to_have_attribute("lang", "pl")
    expect(text.get_by_role("heading")).to_have_text("Możesz otrzymać pomoc")
    expect(text).to_contain_text("Zadzwoń pod numer 112.")
    expect(text.get_by_role("link", name="020 111 11 11")).to_be_visible()  # the care coordinator of the advice
    expect(page.get_by_role("button", name="Printen")).to_be_visible()
    page.screenshot(path=artifacts / "aanmeldwijzer-text-pl.png", full_page=True)
    assert_accessible(page)

    # On paper only the text and its numbers.
    page.emulate_media(media="print")
    expect(text).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_hidden()
    expect(page.get_by_role("button", name="Printen")).to_be_hidden()
    expect(page.get_by_role("heading", name="Andere talen")).to_be_hidden()
    page.screenshot(path=artifacts / "aanmeldwijzer-text-pl-print.png", full_page=True)
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Terug naar het advies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie belt u nu?")
    page.get_by_role("link", name="Antwoorden wijzigen").click()
    expect(page.get_by_label("Waar was het?")).to_have_value("Amsterdam")
    expect(page.get_by_role("group", name="Is er nu direct gevaar?").get_by_label("Ja", exact=True)).to_be_checked()


def test_an_unknown_place_is_explained_and_the_national_numbers_are_shown_at_once(page, small_map):
    page.goto("/aanmeldwijzer/")
    answer_the_questions(page, place="Atlantis", minor="Ja", danger="Nee")
    expect(page).to_have_title(re.compile(r"^Fout:"))
    expect(page.get_by_text("We vinden geen gemeente of postcode ‘Atlantis’.")).to_be_visible()
    expect(page.get_by_label("Waar was het?")).to_have_value("Atlantis")
    meanwhile = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Heeft u haast?")))
    expect(meanwhile).to_contain_text("We weten niet in welke gemeente dit is.")
    expect(meanwhile.get_by_role("link", name="0800-2000")).to_be_visible()
    expect(meanwhile.get_by_role("link", name="0900-8844")).to_be_visible()
    assert_accessible(page)


def test_the_guide_works_without_javascript(open_page, small_map):
    page = open_page(java_script_enabled=False)  # axe needs JavaScript; this test proves the guide does not
    page.goto("/aanmeldwijzer/")
    answer_the_questions(page, place="Amsterdam", minor="Ja", danger="Nee")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie belt u nu?")
    expect(contacts(page).first.get_by_role("heading")).to_have_text("Veilig Thuis")
    page.get_by_role("link", name="Polski (Pools)").click()
    expect(page.get_by_role("article")).to_contain_text("Zadzwoń pod numer 112.")
    expect(page.get_by_role("button", name="Printen")).to_be_hidden()  # printing from a button needs JavaScript

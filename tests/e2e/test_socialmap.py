"""A front-desk worker without an account uses the social map in the browser: whom to call and help nearby,
each page checked by axe. The browser tests start from an empty database, so each builds its own small map."""

import re
from datetime import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from keten.core.clock import now
from keten.regions.models import Municipality
from keten.socialmap.models import (
    Address,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    TaxonomyTerm,
)
from keten.socialmap.services import load_taxonomies
from keten.socialmap.taxonomy import AUDIENCE, CHAIN_ROLE, SERVICE_TYPE
from tests.e2e.axe import assert_accessible
from tests.e2e.flows import log_in

pytestmark = pytest.mark.e2e


def _service(organization, name, *, areas=(), locations=(), terms=(), phone="", **fields):
    service = Service.objects.create(organization=organization, name=name, last_verified_at=now(), **fields)
    for municipality in areas:
        ServiceArea.objects.create(service=service, municipality=municipality)
    for location in locations:
        ServiceAtLocation.objects.create(service=service, location=location)
    for taxonomy, code in terms:
        ServiceAttribute.objects.create(service=service,
                                        taxonomy_term=TaxonomyTerm.objects.get(taxonomy__name=taxonomy, code=code))
    if phone:
        Phone.objects.create(service=service, number=phone)
    return service


def _location(organization, municipality, name, latitude, longitude, street, postcode, city, **flags):
    location = Location.objects.create(organization=organization, municipality=municipality, name=name,
                                       latitude=Decimal(latitude), longitude=Decimal(longitude), **flags)
    Address.objects.create(location=location, address_1=street, postal_code=postcode, city=city, state_province="")
    return location


@pytest.fixture
def small_map(transactional_db):
    """Amsterdam with a care coordinator, Veilig Thuis and a shelter at a secret address behind a public intake
    point; Vlieland without a care coordinator; CoMensha nationally."""
    call_command("load_regions", verbosity=0)
    load_taxonomies()
    amsterdam, vlieland = Municipality.objects.get(code="GM0363"), Municipality.objects.get(code="GM0096")
    chain = Organization.objects.create(name="Zorgcoördinatie Amsterdam-Amstelland", description="Keten")
    coordinator = _service(chain, "Zorgcoördinatie mensenhandel", areas=[amsterdam],
                           terms=[(CHAIN_ROLE, "care_coordinator")], phone="020 111 11 11")
    Schedule.objects.create(service=coordinator, byday="MO,TU,WE,TH,FR", opens_at=time(9), closes_at=time(17))
    _service(Organization.objects.create(name="Veilig Thuis Amsterdam-Amstelland", description="VT"),
             "Advies en melden", areas=[amsterdam], terms=[(CHAIN_ROLE, "veilig_thuis")], phone="0800-2000")
    _service(Organization.objects.create(name="CoMensha", description="Landelijk"), "Aanmelden slachtoffers",
             terms=[(CHAIN_ROLE, "comensha")], phone="033 448 11 86")

    shelter_org = Organization.objects.create(name="Stichting Veilig Onderdak", description="Opvang")
    intake = _location(shelter_org, amsterdam, "Aanmeldpunt Centrum", "52.37910", "4.90030", "Stationsplein 1",
                       "1012AB", "Amsterdam", is_intake_point=True)
    secret = _location(shelter_org, amsterdam, "Huis aan de Vecht", "52.34000", "4.95000", "Geheimstraat 7",
                       "1097AA", "Amsterdam", is_confidential=True)
    _service(shelter_org, "Vrouwenopvang Amstel", areas=[amsterdam], locations=[secret],
             terms=[(SERVICE_TYPE, "shelter_women"), (AUDIENCE, "victim")], minimum_age=18,
             capacity_unit="bed", capacity_total=12, capacity_available=3, capacity_updated_at=now())
    _service(shelter_org, "Ambulante begeleiding", areas=[amsterdam], locations=[intake],
             terms=[(SERVICE_TYPE, "care"), (AUDIENCE, "victim")], capacity_unit="place", capacity_total=5,
             capacity_available=0)
    return {"amsterdam": amsterdam, "vlieland": vlieland}


def search(page, place: str) -> None:
    page.get_by_label("Plaats, postcode of gemeente").fill(place)
    page.get_by_role("button", name="Zoeken").click()


def test_front_desk_worker_types_a_postcode_and_sees_whom_to_call_and_help_nearby(page, small_map, artifacts):
    page.goto("/sociale-kaart/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sociale kaart")
    assert_accessible(page)
    search(page, "1011 AB")

    card = page.locator("section", has=page.get_by_role("heading", name="Wie bel ik?"))
    expect(card).to_contain_text("Voor de gemeente Amsterdam")
    coordinator = card.locator("li", has=page.get_by_role("heading", name="Zorgcoördinator mensenhandel"))
    expect(coordinator).to_contain_text("Zorgcoördinatie Amsterdam-Amstelland")
    expect(coordinator).to_contain_text("ma–vr 09:00–17:00")
    expect(coordinator.get_by_role("link", name="020 111 11 11")).to_have_attribute("href", "tel:0201111111")
    expect(card).to_contain_text("Veilig Thuis Amsterdam-Amstelland")
    expect(card).to_contain_text("CoMensha")

    shelter = page.get_by_role("article", name="Vrouwenopvang Amstel")
    expect(shelter).to_contain_text("3 van 12 bedden vrij")
    expect(shelter).to_contain_text("Stationsplein 1")  # the public intake point, never the shelter itself
    expect(page.get_by_role("article", name="Ambulante begeleiding")).to_be_visible()
    expect(page.get_by_text("Geheimstraat")).to_have_count(0)
    expect(page.get_by_text("Huis aan de Vecht")).to_have_count(0)
    page.screenshot(path=artifacts / "socialmap-search.png", full_page=True)
    assert_accessible(page)

    # Only places free now: the shelter stays, the service without room goes.
    page.get_by_label("Alleen met plek vrij").check()
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("article", name="Vrouwenopvang Amstel")).to_be_visible()
    expect(page.get_by_role("article", name="Ambulante begeleiding")).to_have_count(0)
    assert_accessible(page)


def test_a_municipality_without_care_coordinator_is_pointed_to_comensha_without_javascript(open_page, small_map):
    page = open_page(java_script_enabled=False)  # axe needs JavaScript; this test proves the form does not
    page.goto("/sociale-kaart/")
    page.get_by_text("Meer filters").click()
    page.get_by_role("group", name="Soort hulp").get_by_label("Opvang", exact=True).check()
    search(page, "vlieland")
    card = page.locator("section", has=page.get_by_role("heading", name="Wie bel ik?"))
    expect(card).to_contain_text("CoMensha coördineert waar de regio geen zorgcoördinator heeft")
    expect(card).to_contain_text("033 448 11 86")
    expect(page.get_by_role("article", name="Ambulante begeleiding")).to_have_count(0)


def test_an_unknown_place_is_explained_and_the_coverage_page_lists_the_gaps(page, small_map):
    page.goto("/sociale-kaart/")
    search(page, "Atlantis")
    expect(page.get_by_text("We vinden geen gemeente of postcode ‘Atlantis’.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Welke gemeenten hebben nog geen zorgcoördinator?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dekking van de zorgcoördinatie")
    total = re.compile(r"^In totaal hebben \d+ van de 342 gemeenten geen zorgcoördinator\.$")
    expect(page.get_by_text(total)).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("in Fryslân zonder zorgcoördinator$"))).to_contain_text("Vlieland")
    assert_accessible(page)


def test_a_care_coordinator_reveals_a_shelter_address_of_their_region(page, demo_care_coordinator):
    log_in(page, demo_care_coordinator)
    page.goto("/sociale-kaart/")
    page.get_by_text("Meer filters").click()
    page.get_by_role("group", name="Soort hulp").get_by_label("Opvang", exact=True).check()
    search(page, "Haarlem")
    reveal = page.get_by_role("link", name=re.compile(r"^Geheim adres van .* tonen$")).first
    expect(reveal).to_be_visible()
    expect(page.get_by_text("Dat u het heeft bekeken, is vastgelegd.")).to_have_count(0)
    assert_accessible(page)

    reveal.click()  # htmx swaps the address into the result, in place
    shown = page.get_by_role("status").filter(has_text="Geheim adres")
    expect(shown).to_contain_text("Dat u het heeft bekeken, is vastgelegd.")
    expect(shown).to_contain_text(re.compile(r"\d{4}[A-Z]{2} "))
    expect(page).to_have_url(re.compile(r"/sociale-kaart/\?"))
    assert_accessible(page)

"""A front-desk worker without an account looks at the map of the social map: municipalities coloured by care
coordination, a marker and a municipality opened by clicking, the keyboard never caught in the map, and the
same facts as a list without JavaScript. Each page is checked by axe. The browser tests start from an empty
database, so this module builds its own small map."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from keten.regions.models import Municipality
from keten.socialmap.models import (
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    TaxonomyTerm,
)
from keten.socialmap.services import load_taxonomies
from keten.socialmap.taxonomy import CHAIN_ROLE, SERVICE_TYPE
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e

MAP = "/sociale-kaart/kaart/"


def _service(organization, name, *, term, areas=(), locations=()):
    service = Service.objects.create(organization=organization, name=name)
    ServiceAttribute.objects.create(service=service, taxonomy_term=TaxonomyTerm.objects.get(
        taxonomy__name=term[0], code=term[1]))
    for municipality in areas:
        ServiceArea.objects.create(service=service, municipality=municipality)
    for location in locations:
        ServiceAtLocation.objects.create(service=service, location=location)


@pytest.fixture
def small_map(transactional_db):
    """Amsterdam with a care coordinator and a shelter at a secret address behind a public intake point; every
    other municipality without one. Whatever social map an earlier test left goes first."""
    call_command("load_regions", verbosity=0)
    load_taxonomies()
    Organization.objects.all().delete()
    amsterdam = Municipality.objects.get(code="GM0363")
    chain = Organization.objects.create(name="Zorgcoördinatie Amsterdam-Amstelland", description="Keten")
    _service(chain, "Zorgcoördinatie mensenhandel", areas=[amsterdam], term=(CHAIN_ROLE, "care_coordinator"))
    shelter_org = Organization.objects.create(name="Stichting Veilig Onderdak", description="Opvang")
    Location.objects.create(organization=shelter_org, municipality=amsterdam, name="Aanmeldpunt Centrum",
                            latitude="52.37910", longitude="4.90030", is_intake_point=True)
    secret = Location.objects.create(organization=shelter_org, municipality=amsterdam, name="Huis aan de Vecht",
                                     latitude="52.34000", longitude="4.95000", is_confidential=True)
    _service(shelter_org, "Vrouwenopvang Amstel", areas=[amsterdam], locations=[secret],
             term=(SERVICE_TYPE, "shelter_women"))


def test_the_map_colours_municipalities_and_opens_a_marker_and_a_municipality(page, small_map, artifacts):
    page.goto(MAP)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kaart van de sociale kaart")
    areas = page.locator(".keten-map__frame svg path.keten-map__area")
    expect(areas).to_have_count(Municipality.objects.count())
    expect(page.locator("path.keten-map__area--good")).to_have_count(1)
    expect(page.locator('path.keten-map__area--good[data-municipality="GM0363"]')).to_have_count(1)
    expect(page.locator("path.keten-map__area--gap")).to_have_count(Municipality.objects.count() - 1)
    expect(page.locator("path.keten-map__province")).to_have_count(12)
    legend = page.get_by_role("list", name="Legenda")
    expect(legend).to_contain_text("Zorgcoördinator aanwezig")
    expect(legend).to_contain_text("Geen zorgcoördinator (CoMensha coördineert)")
    expect(legend).to_contain_text("Dienst: openbaar adres of aanmeldpunt")
    page.screenshot(path=artifacts / "socialmap-map.png", full_page=False)
    assert_accessible(page)

    # The shelter stands at its organisation's intake point, the only marker: its secret house has none.
    marker = page.locator("path.keten-map__marker")
    expect(marker).to_have_count(1)
    marker.click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text("Vrouwenopvang Amstel")
    expect(popup).to_contain_text("Stichting Veilig Onderdak")
    expect(popup).to_contain_text("Vrouwenopvang")
    expect(popup.get_by_role("link", name="Zoek hulp in deze gemeente")).to_have_attribute(
        "href", "/sociale-kaart/?place=Amsterdam")
    expect(popup.get_by_role("button", name="Sluiten")).to_be_visible()
    expect(popup).to_have_css("opacity", "1")  # faded in: axe judges the contrast a reader gets
    assert_accessible(page)
    popup.get_by_role("button", name="Sluiten").click()

    expect(popup).to_have_count(0)

    page.locator('path[data-municipality="GM0344"]').click()  # Utrecht: no care coordinator here
    expect(popup).to_contain_text("Utrecht: geen zorgcoördinator (CoMensha coördineert)")
    expect(popup).to_have_css("opacity", "1")
    page.screenshot(path=artifacts / "socialmap-map-popup.png", full_page=False)
    popup.get_by_role("link", name="Wie bel ik in Utrecht?").click()
    expect(page).to_have_url("/sociale-kaart/?place=Utrecht")
    expect(page.locator("section", has=page.get_by_role("heading", name="Wie bel ik?"))).to_contain_text(
        "Voor de gemeente Utrecht")


def test_the_keyboard_passes_through_the_map(page, small_map):
    page.goto(MAP)
    expect(page.locator("path.keten-map__marker")).to_have_count(1)
    frame = page.get_by_role("region", name="Kaart van de zorgcoördinatie en de diensten per gemeente")
    frame.focus()
    page.keyboard.press("ArrowDown")  # the arrows move the map, not the focus
    for _press in range(8):
        page.keyboard.press("Tab")
        if not frame.evaluate("(map) => map.contains(document.activeElement)"):
            break
    assert not frame.evaluate("(map) => map.contains(document.activeElement)"), "Tab stays caught in the map"


def test_without_javascript_the_list_tells_the_same(open_page, small_map):
    page = open_page(java_script_enabled=False)  # axe needs JavaScript; this test proves the list does not
    page.goto(MAP)
    expect(page.locator(".keten-map")).to_be_hidden()
    utrecht = page.get_by_role("row").filter(has=page.get_by_role("link", name="Utrecht", exact=True))
    expect(utrecht).to_contain_text("Geen zorgcoördinator: CoMensha coördineert")
    amsterdam = page.get_by_role("row").filter(has=page.get_by_role("link", name="Amsterdam", exact=True))
    expect(amsterdam).to_contain_text("Zorgcoördinator aanwezig")
    expect(amsterdam).to_contain_text("Vrouwenopvang Amstel (Stichting Veilig Onderdak)")
    expect(page.get_by_text("Huis aan de Vecht")).to_have_count(0)

"""The map of the social map: coverage per municipality as the coverage page has it, services at their public
points only (never a shelter's own location), the same facts as a list without JavaScript, and tiles only by
setting.

Other tests add services to the same world, so assertions on services look only at this module's own records
(their names start with "TK ")."""

import ast
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from keten.regions.models import Municipality
from keten.settings import map_tile_source
from keten.socialmap import geo
from keten.socialmap.models import (
    Address,
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceStatus,
    TaxonomyTerm,
)
from keten.socialmap.selectors import coverage
from keten.socialmap.services import load_taxonomies
from keten.socialmap.taxonomy import CHAIN_ROLE, SERVICE_TYPE

pytestmark = pytest.mark.django_db

MAP = "/sociale-kaart/kaart/"
STATUS, MARKERS = f"{MAP}dekking.json", f"{MAP}diensten.json"
SECRET_LATITUDE, SECRET_LONGITUDE = Decimal("52.43891"), Decimal("4.82581")
INTAKE_LATITUDE, INTAKE_LONGITUDE = Decimal("52.37910"), Decimal("4.90030")


def _service(organization, name, *, locations=(), types=(), areas=(), chain_role=""):
    service = Service.objects.create(organization=organization, name=name)
    for location in locations:
        ServiceAtLocation.objects.create(service=service, location=location)
    for code in types:
        ServiceAttribute.objects.create(service=service, taxonomy_term=TaxonomyTerm.objects.get(
            taxonomy__name=SERVICE_TYPE, code=code))
    if chain_role:
        ServiceAttribute.objects.create(service=service, taxonomy_term=TaxonomyTerm.objects.get(
            taxonomy__name=CHAIN_ROLE, code=chain_role))
    for municipality in areas:
        ServiceArea.objects.create(service=service, municipality=municipality)
    return service


@pytest.fixture
def shelter(regions_loaded):
    """A women's shelter at a secret address in Zaanstad, whose organisation has a public intake point in
    Amsterdam, and a legal-aid office in Haarlem."""
    load_taxonomies()
    amsterdam, zaanstad, haarlem = (Municipality.objects.get(code=code) for code in ("GM0363", "GM0479", "GM0392"))
    organization = Organization.objects.create(name="TK Opvang Noord", description="Opvang")
    Location.objects.create(organization=organization, municipality=amsterdam, name="TK Aanmeldpunt",
                            latitude=INTAKE_LATITUDE, longitude=INTAKE_LONGITUDE, is_intake_point=True)
    secret = Location.objects.create(organization=organization, municipality=zaanstad, name="TK Geheim Huis",
                                     latitude=SECRET_LATITUDE, longitude=SECRET_LONGITUDE, is_confidential=True)
    Address.objects.create(location=secret, address_1="Geheimstraat 7", postal_code="1500AA", city="Zaandam",
                           state_province="Noord-Holland")
    women = _service(organization, "TK Vrouwenopvang", locations=[secret], types=["shelter_women"])
    lawyers = Organization.objects.create(name="TK Advocaten", description="Recht")
    office = Location.objects.create(organization=lawyers, municipality=haarlem, name="TK Kantoor",
                                     latitude=Decimal("52.38740"), longitude=Decimal("4.64620"))
    legal = _service(lawyers, "TK Juridisch Loket", locations=[office], types=["legal_aid"])
    return {"women": women, "legal": legal, "secret": secret}


def _json(url, **query):
    response = Client().get(url, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def _own_features(collection):
    return [f for f in collection["features"] if f["properties"]["name"].startswith("TK ")]


def _without_care_coordinator(municipality):
    """Whatever else the test world holds: no care coordinator covers the municipality (rolled back after)."""
    ServiceArea.objects.filter(municipality=municipality, service__attributes__taxonomy_term__code="care_coordinator",
                               service__attributes__taxonomy_term__taxonomy__name=CHAIN_ROLE).delete()
    Service.objects.filter(attributes__taxonomy_term__code="care_coordinator", service_areas__isnull=True).update(
        status=ServiceStatus.INACTIVE)


# --- coverage ----------------------------------------------------------------------------------------------------


def test_every_municipality_is_coloured_as_the_coverage_page_has_it(regions_loaded):
    document = _json(STATUS)
    uncovered = {m.code for province in coverage() for m in province.uncovered}
    assert uncovered, "the demo world leaves some regions without a care coordinator"
    statuses = document["municipalities"]
    assert set(statuses) == set(Municipality.objects.values_list("code", flat=True))
    assert {code for code, entry in statuses.items() if entry["status"] == "gap"} == uncovered
    assert {entry["status"] for entry in statuses.values()} == {"good", "gap"}
    assert [entry["status"] for entry in document["legend"]] == ["good", "gap"]
    assert all(entry["label"] for entry in document["legend"])

    amsterdam = statuses["GM0363"]
    assert amsterdam["label"].startswith("Amsterdam: ")
    assert parse_qs(urlsplit(amsterdam["url"]).query) == {"place": ["Amsterdam"]}
    assert urlsplit(amsterdam["url"]).path == "/sociale-kaart/"


def test_a_municipality_without_care_coordinator_is_a_gap_on_the_map_and_in_the_list(regions_loaded):
    vlieland = Municipality.objects.get(code="GM0096")
    _without_care_coordinator(vlieland)
    entry = _json(STATUS)["municipalities"]["GM0096"]
    assert entry["status"] == "gap"
    assert entry["label"] == "Vlieland: geen zorgcoördinator (CoMensha coördineert)"

    page = Client().get(MAP).text
    row = page[page.index('data-municipality="GM0096"'):]
    row = row[:row.index("</tr>")]
    assert "Vlieland" in row
    assert "Geen zorgcoördinator: CoMensha coördineert" in row

    load_taxonomies()
    _service(Organization.objects.create(name="TK Zorgcoördinatie Wadden", description="Keten"),
             "TK Zorgcoördinatie Wadden", areas=[vlieland], chain_role="care_coordinator")
    assert _json(STATUS)["municipalities"]["GM0096"]["status"] == "good"


# --- markers: public points only ---------------------------------------------------------------------------------


def test_markers_never_carry_a_confidential_location(shelter):
    features = _json(MARKERS)["features"]
    secret_points = {(round(float(lon), 5), round(float(lat), 5)) for lat, lon in
                     Location.objects.filter(is_confidential=True).values_list("latitude", "longitude")}
    assert len(secret_points) > 1  # the demo world's shelters and this module's own
    assert all(f["geometry"]["type"] == "Point" for f in features)
    assert not {tuple(f["geometry"]["coordinates"]) for f in features} & secret_points

    women = [f for f in features if f["properties"]["name"] == "TK Vrouwenopvang"]
    assert [f["geometry"]["coordinates"] for f in women] == [[float(INTAKE_LONGITUDE), float(INTAKE_LATITUDE)]]
    assert women[0]["properties"] == {
        "name": "TK Vrouwenopvang", "organization": "TK Opvang Noord", "types": ["Vrouwenopvang"],
        "url": "/sociale-kaart/?place=Amsterdam"}


@pytest.mark.parametrize("url", [MAP, STATUS, MARKERS])
def test_no_response_holds_the_secret_address(shelter, url):
    text = Client().get(url).text
    for secret in ("TK Geheim Huis", "Geheimstraat", "1500AA", str(SECRET_LATITUDE), str(SECRET_LONGITUDE),
                   "52,43891", "4,82581"):
        assert secret not in text


def test_the_type_filter_narrows_markers_and_list_as_on_the_search_page(shelter):
    shelters = _own_features(_json(MARKERS, type="shelter"))  # the parent type finds its children
    assert [f["properties"]["name"] for f in shelters] == ["TK Vrouwenopvang"]
    assert shelters[0]["properties"]["url"] == "/sociale-kaart/?place=Amsterdam&type=shelter"
    assert [f["properties"]["name"] for f in _own_features(_json(MARKERS, type="legal_aid"))] == [
        "TK Juridisch Loket"]

    page = Client().get(MAP, {"type": "legal_aid"}).text
    assert "TK Juridisch Loket" in page
    assert "TK Vrouwenopvang" not in page
    assert 'data-markers-url="/sociale-kaart/kaart/diensten.json?type=legal_aid"' in page


def test_an_unknown_type_is_refused_in_dutch_and_changes_nothing(shelter):
    response = Client().get(MARKERS, {"type": "nonsense"})
    assert response.status_code == 400
    assert response.json() == {"error": "Kies een soort hulp uit de lijst."}

    page = Client().get(MAP, {"type": "nonsense"})
    assert page.status_code == 200
    assert "Kies een soort hulp uit de lijst." in page.text
    assert "<title>Fout:" in page.text
    assert "TK Vrouwenopvang" in page.text and "TK Juridisch Loket" in page.text


def test_an_inactive_service_is_not_on_the_map(shelter):
    Service.objects.filter(pk=shelter["legal"].pk).update(status=ServiceStatus.DEFUNCT)
    assert [f["properties"]["name"] for f in _own_features(_json(MARKERS))] == ["TK Vrouwenopvang"]


# --- the page and its list ---------------------------------------------------------------------------------------


def test_the_list_shows_each_service_where_the_public_sees_it(shelter):
    page = Client().get(MAP).text
    amsterdam = page[page.index('data-municipality="GM0363"'):]
    amsterdam = amsterdam[:amsterdam.index("</tr>")]
    assert "TK Vrouwenopvang (TK Opvang Noord)" in amsterdam  # at the intake point, not at the secret house
    assert 'href="/sociale-kaart/?place=Amsterdam"' in amsterdam
    zaanstad = page[page.index('data-municipality="GM0479"'):]
    assert "TK Vrouwenopvang" not in zaanstad[:zaanstad.index("</tr>")]
    for province in ("Noord-Holland", "Fryslân", "Limburg"):
        assert f">{province}</h3>" in page


def test_without_javascript_the_map_stays_hidden_and_the_list_stands_in(regions_loaded):
    page = Client().get(MAP).text
    assert '<div class="keten-map" hidden data-keten-map' in page
    assert "Alle gemeenten als lijst" in page
    assert page.count('data-municipality="GM') == Municipality.objects.count()
    assert 'data-status-url="/sociale-kaart/kaart/dekking.json"' in page
    assert 'aria-label="Kaart van de zorgcoördinatie en de diensten per gemeente"' in page


def test_without_a_tile_setting_the_page_names_no_tile_server(regions_loaded, settings):
    settings.KETEN_MAP_TILE_URL = ""
    page = Client().get(MAP)
    assert 'data-tile-url=""' in page.text
    assert "{z}" not in page.text

    settings.KETEN_MAP_TILE_URL = "https://{s}.tiles.example.nl/{z}/{x}/{y}.png"
    settings.KETEN_MAP_TILE_ATTRIBUTION = "© Voorbeeld"
    page = Client().get(MAP).text
    assert 'data-tile-url="https://{s}.tiles.example.nl/{z}/{x}/{y}.png"' in page
    assert 'data-tile-attribution="© Voorbeeld"' in page


@pytest.mark.parametrize(("url", "source"), [
    ("", ""),
    ("/tegels/{z}/{x}/{y}.png", ""),  # on Keten's own host: 'self' admits it
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("https://tiles.example.nl:8443/{z}/{x}/{y}.png", "https://tiles.example.nl:8443"),
])
def test_the_csp_admits_the_tile_host_and_nothing_else(url, source):
    assert map_tile_source(url) == source


def test_a_configured_tile_server_is_admitted_for_images_only(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES'])")
    env = {k: v for k, v in os.environ.items() if k not in ("KETEN_DEV", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="keten.settings", DJANGO_SECRET_KEY="x" * 50, KETEN_VAR_DIR=str(tmp_path),
               KETEN_MAP_TILE_URL="https://{s}.tiles.example.nl/{z}/{x}/{y}.png")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    directives = ast.literal_eval(result.stdout.strip())
    assert "https://*.tiles.example.nl" in directives["img-src"]
    assert not any("example.nl" in source for name, sources in directives.items() if name != "img-src"
                   for source in sources)


@pytest.mark.parametrize("url", ["https://{s}/{z}/{x}/{y}.png", "https://a.{s}.example.org/{z}.png",
                                 "ftp://tiles.example.org/{z}.png"])
def test_a_tile_url_the_csp_cannot_express_stops_the_start(url):
    with pytest.raises(ImproperlyConfigured):
        map_tile_source(url)


def test_the_boundaries_are_the_committed_files_served_as_static_files(regions_loaded):
    page = Client().get(MAP).text
    assert 'data-municipalities-url="/static/boundaries/gemeente_2025.geojson"' in page
    assert 'data-provinces-url="/static/boundaries/provincie_2025.geojson"' in page
    found = Path(finders.find("boundaries/gemeente_2025.geojson"))
    assert found == geo.MUNICIPALITY_BOUNDARIES  # no second copy
    assert len(json.loads(found.read_text(encoding="utf-8"))["features"]) == 342



@pytest.mark.parametrize(("url", "queries"), [(MAP, 8), (STATUS, 4), (MARKERS, 4)])
def test_the_map_costs_a_fixed_number_of_queries_whatever_the_number_of_services(shelter, url, queries):
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(url).status_code == 200
    assert len(captured) == queries

"""Anyone opens the ondergrens monitor in the browser: the standard, the tables per province and the map, each view
checked by axe. The database may hold the demo world or nothing (a browser test empties it when done), so this one
loads the default standard itself, gives Amsterdam a care coordinator and makes sure Vlieland has none."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import expect

from keten.regions.models import Municipality
from keten.socialmap.models import Organization, Service, ServiceArea, ServiceAttribute, ServiceStatus, TaxonomyTerm
from keten.socialmap.selectors import care_coordinators
from keten.socialmap.services import load_taxonomies
from keten.socialmap.taxonomy import CHAIN_ROLE
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e

DATA_MIGRATION = importlib.import_module("keten.socialmap.migrations.0002_minimum_standard")


@pytest.fixture
def small_standard(transactional_db):
    call_command("load_regions", verbosity=0)
    load_taxonomies()
    DATA_MIGRATION.add_default_standard(apps, None)
    organization = Organization.objects.create(name="Zorgcoördinatie Amsterdam-Amstelland", description="Keten")
    coordinator = Service.objects.create(organization=organization, name="Zorgcoördinatie mensenhandel")
    ServiceArea.objects.create(service=coordinator, municipality=Municipality.objects.get(code="GM0363"))
    ServiceAttribute.objects.create(service=coordinator, taxonomy_term=TaxonomyTerm.objects.get(
        taxonomy__name=CHAIN_ROLE, code="care_coordinator"))
    coordinators = care_coordinators().exclude(pk=coordinator.pk)
    ServiceArea.objects.filter(municipality_id="GM0096", service__in=coordinators).delete()
    coordinators.filter(service_areas__isnull=True).update(status=ServiceStatus.INACTIVE)


def test_anyone_sees_which_municipalities_miss_the_minimum_standard(page, small_standard, artifacts):
    page.goto("/sociale-kaart/dekking/")
    page.get_by_role("link", name=re.compile("Bekijk de ondergrens per gemeente")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ondergrens: wat iedere gemeente minstens heeft")
    expect(page.get_by_role("table", name="De ondergrens: 8 normen")).to_contain_text("Hulp voor daders binnen 50 km")
    expect(page.get_by_role("table", name="Gemeenten per provincie naar hoe zij de ondergrens halen")).to_contain_text(
        "Fryslân")
    expect(page.locator(".keten-map .leaflet-container")).to_be_visible()  # the map component drew itself
    assert_accessible(page)

    page.get_by_label("Provincie", exact=True).select_option(label="Fryslân")
    page.get_by_role("button", name="Toon").click()
    table = page.get_by_role("table", name=re.compile(r"^Fryslân: "))
    expect(table).to_be_visible()
    vlieland = table.get_by_role("row", name=re.compile("^Vlieland"))
    expect(vlieland).to_contain_text("Nee")
    expect(vlieland).to_contain_text("Tekort")
    expect(table.get_by_role("columnheader", name="Zorgcoördinator mensenhandel voor de gemeente")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile(r"^Noord-Holland: "))).to_have_count(0)
    page.screenshot(path=artifacts / "socialmap-ondergrens.png", full_page=True)
    assert_accessible(page)

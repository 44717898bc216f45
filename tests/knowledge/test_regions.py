"""Region pages agree with the social map and the region layers for every region in the demo: the expected chain is
computed here from socialmap ("Wie bel ik?") and regions, and compared with what the page shows."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from keten.knowledge.models import RegionNote
from keten.knowledge.selectors import national_shelters
from keten.regions.models import LayerKind, Municipality, Region
from keten.regions.selectors import regions_for
from keten.socialmap.selectors import CARE_COORDINATOR, COMENSHA, POLICE_AVIM, VEILIG_THUIS, who_to_call

pytestmark = pytest.mark.django_db


def _expected(region: Region) -> dict:
    coordinators, gaps, veilig_thuis, police, tables, comensha = set(), [], {}, {}, set(), set()
    for municipality in region.municipalities.all():
        answer = who_to_call(municipality)
        found = answer.contacts_for(CARE_COORDINATOR)
        coordinators |= {(c.service_name, c.organization_name) for c in found}
        if not found:
            gaps.append(municipality.name)
        layers = regions_for(municipality)
        veilig_thuis.setdefault(layers[LayerKind.VEILIG_THUIS].name, set()).update(
            c.service_name for c in answer.contacts_for(VEILIG_THUIS))
        police.setdefault(layers[LayerKind.POLICE_UNIT].name, set()).update(
            c.service_name for c in answer.contacts_for(POLICE_AVIM))
        tables.add(layers[LayerKind.SIGNAL_TABLE].name)
        comensha |= {c.service_name for c in answer.contacts_for(COMENSHA)}
    return {"coordinators": coordinators, "gaps": gaps, "veilig_thuis": veilig_thuis, "police": police,
            "tables": tables, "comensha": comensha}


def test_every_demo_region_page_agrees_with_the_social_map_and_the_regions(regions_loaded):
    regions = Region.objects.filter(layer__kind=LayerKind.CARE_COORDINATION).order_by("code")
    assert regions.count() == 10
    shelters = national_shelters()
    assert {s.kind for s in shelters} == {"COSM", "OMM"}
    client = Client()
    for region in regions:
        expected = _expected(region)
        response = client.get(reverse("knowledge:region", args=[region.code]))
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        for service, organisation in expected["coordinators"]:
            assert service in page and organisation in page, region.code
        if expected["coordinators"]:
            assert "Deze regio heeft geen zorgcoördinator mensenhandel" not in page
        else:
            assert "Deze regio heeft geen zorgcoördinator mensenhandel" in page, region.code
        for name in expected["gaps"] if expected["coordinators"] else ():
            assert name in page.split("Zonder zorgcoördinator:")[1].split("</p>")[0]
        for name, services in expected["veilig_thuis"].items():
            assert name in page and all(service in page for service in services), (region.code, name)
        for name, services in expected["police"].items():
            assert f"Politie-eenheid {name}" in page and f"RIEC van eenheid {name}" in page
            assert all(service in page for service in services)
        for name in expected["tables"]:
            assert name in page
        assert all(service in page for service in expected["comensha"])
        for shelter in shelters:
            assert shelter.name in page and shelter.capacity in page
        note = RegionNote.objects.filter(region=region).first()
        if note and note.ketenregisseur:
            assert note.ketenregisseur in page


def test_the_demo_gap_regions_send_the_reader_to_comensha(regions_loaded):
    page = Client().get(reverse("knowledge:region", args=["ZC03"])).content.decode()
    assert "Deze regio heeft geen zorgcoördinator mensenhandel. Bel CoMensha" in page


def test_veilig_thuis_as_meldpunt_comes_from_the_note_and_unknown_stays_unknown(regions_loaded):
    page = html.unescape(Client().get(reverse("knowledge:region", args=["ZC03"])).content.decode())  # Midden-NL
    utrecht = page.split("<h3 class=\"utrecht-heading-3\">Utrecht")[1].split("</p>")[0]
    assert "ja, Veilig Thuis is hier ook het meldpunt mensenhandel" in utrecht
    gooi = page.split("Gooi en Vechtstreek")[1].split("</p>")[0]
    assert "onbekend" in gooi


def test_every_municipality_leads_to_its_regions_page(regions_loaded):
    client = Client()
    for municipality in Municipality.objects.all()[:: 40]:
        region = regions_for(municipality)[LayerKind.CARE_COORDINATION]
        response = client.get(reverse("knowledge:municipality", args=[municipality.code]))
        assert response.status_code == 302 and response["Location"] == reverse("knowledge:region", args=[region.code])
    response = client.get(reverse("knowledge:region-list"), {"gemeente": "3511"})
    assert response["Location"] == reverse("knowledge:municipality", args=["GM0344"])


def test_an_unknown_place_gets_a_clear_dutch_error(regions_loaded):
    page = Client().get(reverse("knowledge:region-list"), {"gemeente": "Atlantis"}).content.decode()
    assert "We vinden geen gemeente of postcode ‘Atlantis’" in page


def test_the_region_page_prints_as_a_handout_without_inline_styles(regions_loaded):
    page = Client().get(reverse("knowledge:region", args=["ZC05"])).content.decode()
    assert "knowledge/knowledge.css" in page and "style=" not in page and "<script>" not in page

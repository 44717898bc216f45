"""The loaded reference data: counts per layer, complete coverage, known memberships, a repeatable load."""

import pytest
from django.core.management import call_command

from keten.regions.models import LayerKind, Municipality, Postcode4, Region, RegionLayer
from keten.regions.selectors import municipality_by_code, regions_for
from keten.regions.services import region_update

pytestmark = pytest.mark.django_db

EXPECTED_REGIONS = {
    LayerKind.PROVINCE: 12,
    LayerKind.SAFETY_REGION: 25,
    LayerKind.POLICE_UNIT: 10,
    LayerKind.VEILIG_THUIS: 25,
    LayerKind.GGD: 25,
    LayerKind.YOUTH_CARE: 42,
    # Seeded from the police units until an administrator changes them.
    LayerKind.CARE_COORDINATION: 10,
    LayerKind.SIGNAL_TABLE: 10,
}


def _counts():
    return (
        Municipality.objects.count(),
        Postcode4.objects.count(),
        {layer.kind: layer.regions.count() for layer in RegionLayer.objects.all()},
        Region.municipalities.through.objects.count(),
    )


def test_every_layer_has_the_official_number_of_regions(regions_loaded):
    assert Municipality.objects.count() == 342
    counts = {layer.kind: layer.regions.count() for layer in RegionLayer.objects.all()}
    assert counts == EXPECTED_REGIONS


def test_every_municipality_lies_in_exactly_one_region_of_every_complete_layer(regions_loaded):
    layers = list(RegionLayer.objects.filter(complete=True))
    assert {layer.kind for layer in layers} == set(LayerKind.values)
    through = Region.municipalities.through.objects
    for layer in layers:
        per_municipality = list(through.filter(region__layer=layer).values_list("municipality_id", flat=True))
        assert len(per_municipality) == 342, layer.kind
        assert set(per_municipality) == set(Municipality.objects.values_list("code", flat=True)), layer.kind


@pytest.mark.parametrize("code, expected", [
    ("GM0363", {"province": "Noord-Holland", "police_unit": "Amsterdam",
                "safety_region": "Amsterdam-Amstelland", "ggd": "GGD Amsterdam"}),
    ("GM0935", {"province": "Limburg", "police_unit": "Limburg", "safety_region": "Limburg-Zuid",
                "veilig_thuis": "Zuid-Limburg", "youth_care": "Zuid-Limburg"}),
    ("GM0014", {"province": "Groningen", "police_unit": "Noord-Nederland", "ggd": "GGD Groningen"}),
    ("GM0599", {"province": "Zuid-Holland", "police_unit": "Rotterdam", "safety_region": "Rotterdam-Rijnmond"}),
    ("GM0518", {"province": "Zuid-Holland", "police_unit": "Den Haag", "safety_region": "Haaglanden"}),
    ("GM0344", {"province": "Utrecht", "police_unit": "Midden-Nederland", "youth_care": "Utrecht Stad"}),
    ("GM0772", {"province": "Noord-Brabant", "police_unit": "Oost-Brabant", "safety_region": "Brabant-Zuidoost"}),
    # Islands and former sea floor, where simplified borders and water gaps would fool a point test.
    ("GM0448", {"province": "Noord-Holland", "police_unit": "Noord-Holland", "youth_care": "Kop van Noord-Holland"}),
    ("GM0096", {"province": "Fryslân", "police_unit": "Noord-Nederland"}),
    ("GM0184", {"province": "Flevoland", "police_unit": "Midden-Nederland"}),
    ("GM1676", {"province": "Zeeland", "police_unit": "Zeeland - West-Brabant"}),
])
def test_known_municipalities_lie_in_their_regions(regions_loaded, code, expected):
    regions = regions_for(municipality_by_code(code))
    assert {kind: regions[kind].name for kind in expected} == expected


def test_seeded_layers_follow_the_police_units(regions_loaded):
    regions = regions_for(municipality_by_code("GM0363"))
    assert regions["care_coordination"].code == "ZC05"
    assert regions["care_coordination"].name == "Zorgcoördinatie Amsterdam"
    assert regions["signal_table"].code == "ST05"
    assert regions["signal_table"].name == "Signaaltafel Amsterdam"


def test_loading_twice_changes_nothing(regions_loaded):
    before = _counts()
    call_command("load_regions", verbosity=0)
    assert _counts() == before


def test_loading_again_keeps_an_administrators_edit(regions_loaded, admin):
    layer = RegionLayer.objects.get(kind=LayerKind.CARE_COORDINATION)
    amsterdam = Region.objects.get(layer=layer, code="ZC05")
    noord_holland = Region.objects.get(layer=layer, code="ZC04")
    amstelveen = Municipality.objects.get(code="GM0362")
    region_update(actor=admin, region=amsterdam, name="Zorgcoördinatie Groot-Amsterdam",
                  municipalities=[*amsterdam.municipalities.all(), Municipality.objects.get(code="GM0392")],
                  expected_version=amsterdam.version)

    call_command("load_regions", verbosity=0)

    amsterdam.refresh_from_db()
    assert amsterdam.name == "Zorgcoördinatie Groot-Amsterdam"
    assert amsterdam.municipalities.filter(code="GM0392").exists()  # Haarlem, moved in
    assert not noord_holland.municipalities.filter(code="GM0392").exists()
    assert amsterdam.municipalities.filter(pk=amstelveen.pk).exists()
    assert layer.regions.count() == 10


def test_loading_restores_renamed_cbs_names(regions_loaded):
    Region.objects.filter(layer__kind=LayerKind.PROVINCE, code="PV31").update(name="Limburgh")
    Municipality.objects.filter(code="GM0935").update(name="Mestreech")

    call_command("load_regions", verbosity=0)

    assert Region.objects.get(layer__kind=LayerKind.PROVINCE, code="PV31").name == "Limburg"
    assert Municipality.objects.get(code="GM0935").name == "Maastricht"

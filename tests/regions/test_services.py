"""Editing the configurable layers: moves keep every municipality in exactly one region; CBS layers stay."""

import pytest

from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.regions.models import LayerKind, Municipality, Region, RegionLayer
from keten.regions.services import region_create, region_update

pytestmark = pytest.mark.django_db


def _region(kind, code):
    return Region.objects.select_related("layer").get(layer__kind=kind, code=code)


def _members(region):
    return set(region.municipalities.values_list("code", flat=True))


def test_ticking_a_municipality_of_another_region_moves_it(regions_loaded, admin):
    amsterdam = _region(LayerKind.SIGNAL_TABLE, "ST05")
    noord_holland = _region(LayerKind.SIGNAL_TABLE, "ST04")
    haarlem = Municipality.objects.get(code="GM0392")

    change = region_update(actor=admin, region=amsterdam, name=amsterdam.name,
                           municipalities=[*amsterdam.municipalities.all(), haarlem],
                           expected_version=amsterdam.version)

    assert "GM0392" in _members(amsterdam)
    assert "GM0392" not in _members(noord_holland)
    assert [(m.municipality.code, m.from_region.code) for m in change.moved] == [("GM0392", "ST04")]
    assert change.region.version == 2


def test_unticking_a_municipality_is_refused_because_it_would_belong_nowhere(regions_loaded, admin):
    amsterdam = _region(LayerKind.CARE_COORDINATION, "ZC05")
    before = _members(amsterdam)
    keep = amsterdam.municipalities.exclude(code="GM0362")

    with pytest.raises(ValidationFailed, match="Amstelveen"):
        region_update(actor=admin, region=amsterdam, name="Nieuwe naam", municipalities=list(keep),
                      expected_version=amsterdam.version)

    amsterdam.refresh_from_db()
    assert amsterdam.name == "Zorgcoördinatie Amsterdam"
    assert _members(amsterdam) == before


def test_a_stale_form_does_not_overwrite_a_newer_edit(regions_loaded, admin):
    region = _region(LayerKind.CARE_COORDINATION, "ZC01")
    members = list(region.municipalities.all())
    region_update(actor=admin, region=region, name="Eerste wijziging", municipalities=members, expected_version=1)

    with pytest.raises(ConcurrentUpdate):
        region_update(actor=admin, region=region, name="Tweede wijziging", municipalities=members, expected_version=1)
    region.refresh_from_db()
    assert region.name == "Eerste wijziging"


def test_losing_a_municipality_makes_the_other_regions_open_form_stale(regions_loaded, admin):
    amsterdam = _region(LayerKind.CARE_COORDINATION, "ZC05")
    noord_holland = _region(LayerKind.CARE_COORDINATION, "ZC04")
    read_version = noord_holland.version
    region_update(actor=admin, region=amsterdam, name=amsterdam.name,
                  municipalities=[*amsterdam.municipalities.all(), Municipality.objects.get(code="GM0392")],
                  expected_version=amsterdam.version)

    # The other administrator's form still has Haarlem ticked; saving it must not pull Haarlem back.
    with pytest.raises(ConcurrentUpdate):
        region_update(actor=admin, region=noord_holland, name=noord_holland.name,
                      municipalities=list(Municipality.objects.filter(code__in=["GM0392"])),
                      expected_version=read_version)


def test_a_new_region_gets_the_next_code_and_takes_its_municipalities(regions_loaded, admin):
    layer = RegionLayer.objects.get(kind=LayerKind.CARE_COORDINATION)
    change = region_create(actor=admin, layer=layer, name="Zorgcoördinatie Amstelland",
                           municipalities=list(Municipality.objects.filter(code__in=["GM0362", "GM0358"])))
    assert change.region.code == "ZC11"
    assert _members(change.region) == {"GM0362", "GM0358"}
    assert {m.from_region.code for m in change.moved} == {"ZC05"}


def test_a_duplicate_name_in_the_layer_is_refused(regions_loaded, admin):
    layer = RegionLayer.objects.get(kind=LayerKind.CARE_COORDINATION)
    with pytest.raises(ValidationFailed):
        region_create(actor=admin, layer=layer, name="zorgcoördinatie  amsterdam", municipalities=[])


def test_cbs_layers_cannot_be_edited(regions_loaded, admin):
    province = _region(LayerKind.PROVINCE, "PV31")
    with pytest.raises(PermissionDenied):
        region_update(actor=admin, region=province, name="Limburgh", municipalities=list(province.municipalities.all()),
                      expected_version=province.version)
    with pytest.raises(PermissionDenied):
        region_create(actor=admin, layer=province.layer, name="Twentsche Provincie", municipalities=[])


def test_an_edit_leaves_one_audit_event(regions_loaded, admin):
    from keten.audit.models import AuditEvent

    region = _region(LayerKind.CARE_COORDINATION, "ZC05")
    region_update(actor=admin, region=region, name="Zorgcoördinatie Amstel", municipalities=list(
        region.municipalities.all()), expected_version=region.version)
    events = AuditEvent.objects.filter(object_type="regions.region", object_id=str(region.pk))
    assert list(events.values_list("action", "actor")) == [("update", admin.user.pk)]

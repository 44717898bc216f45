"""The demo social map: about 300 synthetic services in every province, with the chain roles, capacity,
stale entries and gaps that the social-map views need to show."""

import pytest
from django.db.models import Sum

from keten.demo.socialmap import CARE_COORDINATION_GAPS, seed_demo_social_map
from keten.regions.models import LayerKind, Region
from keten.socialmap import taxonomy as V
from keten.socialmap.models import (
    Address,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAttribute,
)

pytestmark = pytest.mark.django_db


def _with(taxonomy: str, code: str):
    return Service.objects.filter(attributes__taxonomy_term__taxonomy__name=taxonomy,
                                  attributes__taxonomy_term__code=code)


def _chain_role_areas(role: str) -> list[set[str]]:
    """Per service with this chain role: the municipalities it covers."""
    areas = {}
    for service_id, municipality in ServiceArea.objects.filter(service__in=_with(V.CHAIN_ROLE, role)).values_list(
            "service_id", "municipality_id"):
        areas.setdefault(service_id, set()).add(municipality)
    return list(areas.values())


def test_the_map_has_about_300_services_in_every_province(demo):
    assert 250 <= Service.objects.count() <= 350
    for province in Region.objects.filter(layer__kind=LayerKind.PROVINCE):
        located = Service.objects.filter(service_at_locations__location__municipality__in=province.municipalities.all())
        assert located.exists(), province.name


def test_every_name_and_contact_looks_synthetic(demo):
    for organization in Organization.objects.all():
        assert organization.name.startswith("Demo ") and organization.name.endswith("(fictief)")
        assert organization.email.endswith("@demo.keten.invalid")
        assert organization.website.startswith("https://demo.keten.invalid/")
    public_lines = {"0800 2000", "0900 8844"}
    assert all(n.startswith("088 555 ") or n in public_lines for n in Phone.objects.values_list("number", flat=True))


def test_cosm_omm_and_mens_shelter_match_the_national_figures(demo):
    cosm = _with(V.SERVICE_TYPE, "shelter_cosm")
    assert cosm.count() == 3
    assert 40 <= cosm.aggregate(total=Sum("capacity_total"))["total"] <= 70
    assert _with(V.SERVICE_TYPE, "shelter_omm").aggregate(total=Sum("capacity_total"))["total"] == 36
    assert _with(V.SERVICE_TYPE, "shelter_men").values("organization").distinct().count() == 6
    for shelter in Service.objects.filter(attributes__taxonomy_term__parent__code="shelter").distinct():
        assert shelter.capacity_unit and shelter.capacity_updated_at
        assert 0 <= shelter.capacity_available <= shelter.capacity_total


def test_some_entries_are_stale_and_some_were_never_verified(demo):
    services = list(Service.objects.all())
    stale = [s for s in services if s.is_stale]
    assert any(s.last_verified_at is None for s in stale)
    assert any(s.last_verified_at is not None for s in stale)
    assert len(stale) < len(services) * 0.15  # most entries are fresh


def test_age_bands_cover_minors_adults_the_split_at_23_and_any_age(demo):
    bands = set(Service.objects.values_list("minimum_age", "maximum_age").distinct())
    assert {(0, 17), (18, None), (18, 22), (23, None), (None, None)} <= bands


def test_two_care_coordination_regions_have_no_care_coordinator(demo):
    covered = set().union(*_chain_role_areas("care_coordinator"))
    regions = Region.objects.filter(layer__kind=LayerKind.CARE_COORDINATION).prefetch_related("municipalities")
    gaps = {r.code for r in regions if not {m.code for m in r.municipalities.all()} & covered}
    assert gaps == set(CARE_COORDINATION_GAPS)


@pytest.mark.parametrize(("kind", "role"), [(LayerKind.VEILIG_THUIS, "veilig_thuis"),
                                            (LayerKind.POLICE_UNIT, "police_avim")])
def test_every_veilig_thuis_region_and_police_unit_has_its_chain_role_service(demo, kind, role):
    areas = _chain_role_areas(role)
    regions = Region.objects.filter(layer__kind=kind).prefetch_related("municipalities")
    assert len(areas) == regions.count()
    for region in regions:
        assert {m.code for m in region.municipalities.all()} in areas, region.name


def test_comensha_helpdesk_is_national_and_maintained_by_the_demo_comensha(demo):
    helpdesk = _with(V.CHAIN_ROLE, "comensha").get()
    assert not helpdesk.service_areas.exists()
    assert set(helpdesk.attributes.values_list("taxonomy_term__code", flat=True)) >= {"information",
                                                                                      "reporting_point"}
    assert helpdesk.organization.maintainer == demo["registration_officer"].organisation


def test_demo_keten_organisations_maintain_their_own_entries(demo):
    coordination = demo["care_coordinator"].organisation
    shelter = demo["care_worker"].organisation
    assert _with(V.CHAIN_ROLE, "care_coordinator").filter(organization__maintainer=coordination).exists()
    assert Location.objects.filter(is_confidential=True, organization__maintainer=shelter).exists()


def test_shelter_addresses_stay_secret_behind_a_public_intake_point(demo):
    confidential = Location.objects.filter(is_confidential=True).select_related("organization")
    assert confidential.exists()
    for location in confidential:
        public = Address.objects.filter(location__organization=location.organization,
                                        location__is_confidential=False, location__is_intake_point=True)
        assert public.exists(), location.organization.name
        secret = {(a.address_1, a.postal_code) for a in location.addresses.all()}
        assert not secret & {(a.address_1, a.postal_code) for a in public}
    # the public addresses are exactly those of locations that are not confidential
    assert not Address.objects.filter(location__is_confidential=False, location__in=confidential).exists()


def test_every_service_has_a_type_a_location_and_an_audience(demo):
    services = Service.objects.count()
    for taxonomy in (V.SERVICE_TYPE, V.AUDIENCE):
        typed = ServiceAttribute.objects.filter(taxonomy_term__taxonomy__name=taxonomy).values("service").distinct()
        assert typed.count() == services, taxonomy
    assert Service.objects.filter(service_at_locations__isnull=False).distinct().count() == services


def test_seeding_the_social_map_again_changes_nothing(demo):
    counts = [m.objects.count() for m in (Organization, Service, Location, Address, ServiceArea, ServiceAttribute)]
    summary = seed_demo_social_map()
    assert not summary.created
    assert [m.objects.count() for m in (Organization, Service, Location, Address, ServiceArea,
                                        ServiceAttribute)] == counts

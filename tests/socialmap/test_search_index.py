"""The search index of the social map: it always says what the source tables say (after the demo world, after
each kind of edit, after any series of small edits), an edit shows in the search at once, and a shelter's
coordinates never enter it.

Other tests add services to the same world, so every search assertion looks only at this module's own records
(their names start with "IX ")."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keten.core.concurrency import save_versioned
from keten.regions.models import Municipality
from keten.socialmap import search_index
from keten.socialmap.models import (
    Address,
    Location,
    Organization,
    SearchPoint,
    SearchService,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceStatus,
    TaxonomyTerm,
)
from keten.socialmap.selectors import Reach, SearchFilters, resolve_place, search_services
from keten.socialmap.services import load_taxonomies
from keten.socialmap.taxonomy import AUDIENCE, EXPLOITATION_FORM, GENDER, SERVICE_TYPE

pytestmark = pytest.mark.django_db

EVERYTHING = 10_000
HOUSE_LATITUDE, HOUSE_LONGITUDE = Decimal("52.36123"), Decimal("4.91234")
FACETS = ("is_national", "type_mask", "audience_mask", "exploitation_mask", "residence_mask", "gender_mask")


def _index() -> tuple[set, set]:
    return (set(SearchService.objects.values_list("service_id", *FACETS)),
            set(SearchPoint.objects.values_list("service_id", "location_id", "latitude", "longitude", *FACETS)))


def _rebuilt() -> tuple[set, set]:
    search_index.rebuild()
    return _index()


def _term(taxonomy, code):
    return TaxonomyTerm.objects.get(taxonomy__name=taxonomy, code=code)


def _location(organization, municipality, name, latitude, longitude, **flags):
    location = Location.objects.create(organization=organization, municipality=municipality, name=name,
                                       latitude=Decimal(latitude), longitude=Decimal(longitude), **flags)
    Address.objects.create(location=location, address_1="Straat 1", postal_code="1000AA", city=name,
                           state_province="")
    return location


def _service(organization, name, *, areas=(), locations=(), types=()):
    service = Service.objects.create(organization=organization, name=name)
    for municipality in areas:
        ServiceArea.objects.create(service=service, municipality=municipality)
    for location in locations:
        ServiceAtLocation.objects.create(service=service, location=location)
    for code in types:
        ServiceAttribute.objects.create(service=service, taxonomy_term=_term(SERVICE_TYPE, code))
    return service


def search(text, radius, **filters):
    hits = search_services(resolve_place(text), radius, SearchFilters(**filters), page_size=EVERYTHING)
    return {hit.service.name: hit for hit in hits if hit.service.name.startswith("IX ")}


@pytest.fixture
def world(regions_loaded):
    """An organisation with a public intake point in Amsterdam and a house in Amsterdam, public at first, at
    which its shelter works (service area: Amsterdam)."""
    load_taxonomies()
    amsterdam, maastricht = (Municipality.objects.get(code=code) for code in ("GM0363", "GM0935"))
    organization = Organization.objects.create(name="IX Opvang", description="Opvang")
    intake = _location(organization, amsterdam, "IX Aanmeldpunt", "52.37910", "4.90030", is_intake_point=True)
    house = _location(organization, amsterdam, "IX Huis", HOUSE_LATITUDE, HOUSE_LONGITUDE)
    shelter = _service(organization, "IX Opvang Amsterdam", areas=[amsterdam], locations=[house],
                       types=["shelter_women"])
    return {"amsterdam": amsterdam, "maastricht": maastricht, "organization": organization, "intake": intake,
            "house": house, "shelter": shelter}


def _make_confidential(location):
    location.is_confidential = True
    location.save()


# --- The index says what the tables say --------------------------------------------------------------------


def test_the_index_of_the_demo_world_equals_a_fresh_rebuild(regions_loaded):
    entries, points = _index()
    assert len(entries) == Service.objects.count() > 100
    assert points
    assert (entries, points) == _rebuilt()


def test_the_command_rebuilds_the_index(world):
    before = _index()
    SearchPoint.objects.all().delete()
    SearchService.objects.all().delete()
    output = io.StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert "Search index rebuilt" in output.getvalue()
    assert _index() == before


# --- Each kind of edit shows in the search at once ---------------------------------------------------------


def test_a_term_added_or_removed_changes_what_the_filter_finds(world):
    assert "IX Opvang Amsterdam" not in search("Amsterdam", 10, service_types=["care"])
    attribute = ServiceAttribute.objects.create(service=world["shelter"], taxonomy_term=_term(SERVICE_TYPE,
                                                                                              "care_trauma"))
    assert "IX Opvang Amsterdam" in search("Amsterdam", 10, service_types=["care"])
    attribute.delete()
    assert "IX Opvang Amsterdam" not in search("Amsterdam", 10, service_types=["care"])
    assert "IX Opvang Amsterdam" in search("Amsterdam", 10, service_types=["shelter"])


def test_a_gender_term_narrows_a_service_that_was_for_everyone(world):
    assert "IX Opvang Amsterdam" in search("Amsterdam", 10, genders=["male"])
    female = ServiceAttribute.objects.create(service=world["shelter"], taxonomy_term=_term(GENDER, "female"))
    assert "IX Opvang Amsterdam" not in search("Amsterdam", 10, genders=["male"])
    assert "IX Opvang Amsterdam" in search("Amsterdam", 10, genders=["female"])
    female.delete()
    assert "IX Opvang Amsterdam" in search("Amsterdam", 10, genders=["male"])


def test_a_service_area_added_or_removed_makes_a_service_regional_or_national(world):
    line = _service(world["organization"], "IX Hulplijn")
    assert search("Maastricht", 5)["IX Hulplijn"].reach == Reach.NATIONAL
    area = ServiceArea.objects.create(service=line, municipality=world["amsterdam"])
    assert "IX Hulplijn" not in search("Maastricht", 5)
    assert search("Amsterdam", 5)["IX Hulplijn"].reach == Reach.AREA
    area.delete()
    assert search("Maastricht", 5)["IX Hulplijn"].reach == Reach.NATIONAL


def test_a_location_made_confidential_is_replaced_by_the_intake_point(world):
    at_the_house = f"{HOUSE_LATITUDE},{HOUSE_LONGITUDE}"
    assert search(at_the_house, 1)["IX Opvang Amsterdam"].location.name == "IX Huis"
    _make_confidential(world["house"])
    assert search(at_the_house, 1)["IX Opvang Amsterdam"].reach == Reach.AREA  # the intake point is 2 km away
    hit = search(at_the_house, 5)["IX Opvang Amsterdam"]
    assert (hit.reach, hit.location.name) == (Reach.NEARBY, "IX Aanmeldpunt")
    assert not SearchPoint.objects.filter(location=world["house"]).exists()


def test_a_new_location_of_a_service_adds_its_point(world):
    office = _location(world["organization"], world["maastricht"], "IX Kantoor", "50.85140", "5.69100")
    assert "IX Opvang Amsterdam" not in search("Maastricht", 5)
    link = ServiceAtLocation.objects.create(service=world["shelter"], location=office)
    assert search("Maastricht", 5)["IX Opvang Amsterdam"].location.name == "IX Kantoor"
    link.delete()
    assert "IX Opvang Amsterdam" not in search("Maastricht", 5)


def test_an_intake_point_moved_takes_the_shelters_of_its_organisation_along(world):
    _make_confidential(world["house"])
    intake = world["intake"]
    assert search("Amsterdam", 5)["IX Opvang Amsterdam"].reach == Reach.NEARBY
    intake.latitude, intake.longitude = Decimal("50.85140"), Decimal("5.69100")  # to Maastricht
    intake.save()
    assert search("Maastricht", 5)["IX Opvang Amsterdam"].location.name == "IX Aanmeldpunt"
    assert search("Amsterdam", 5)["IX Opvang Amsterdam"].reach == Reach.AREA
    intake.is_intake_point = False
    intake.save()
    assert "IX Opvang Amsterdam" not in search("Maastricht", 5)
    assert not SearchPoint.objects.filter(service=world["shelter"]).exists()


def test_a_deleted_intake_point_takes_the_shelters_point_along(world):
    _make_confidential(world["house"])
    world["intake"].delete()
    assert not SearchPoint.objects.filter(service=world["shelter"]).exists()
    assert search("Amsterdam", 5)["IX Opvang Amsterdam"].reach == Reach.AREA


def test_a_service_deactivated_or_deleted_is_gone_at_once(world):
    shelter = world["shelter"]
    shelter.status = ServiceStatus.INACTIVE
    shelter.save()
    assert "IX Opvang Amsterdam" not in search("Amsterdam", 25)
    # A write past the signals (as optimistic locking's conditional update is) cannot leave the status stale.
    Service.objects.filter(pk=shelter.pk).update(status=ServiceStatus.ACTIVE)
    assert "IX Opvang Amsterdam" in search("Amsterdam", 25)
    Service.objects.filter(pk=shelter.pk).update(status=ServiceStatus.DEFUNCT)
    assert "IX Opvang Amsterdam" not in search("Amsterdam", 25)
    shelter.delete()
    assert not SearchService.objects.filter(service_id=shelter.pk).exists()
    assert not SearchPoint.objects.filter(service_id=shelter.pk).exists()


def test_a_batch_of_writes_is_refreshed_once_at_its_end(world):
    with search_index.batched():
        for code in ("care_trauma", "care_medical"):
            ServiceAttribute.objects.create(service=world["shelter"], taxonomy_term=_term(SERVICE_TYPE, code))
        _service(world["organization"], "IX Nieuw", areas=[world["amsterdam"]], types=["care_trauma"])
        assert "IX Nieuw" not in search("Amsterdam", 10, service_types=["care"])  # not yet: at the end
    found = search("Amsterdam", 10, service_types=["care"])
    assert {"IX Opvang Amsterdam", "IX Nieuw"} <= found.keys()
    assert _index() == _rebuilt()


def test_a_failed_batch_refreshes_nothing(world):
    before = _index()
    with pytest.raises(RuntimeError), transaction.atomic(), search_index.batched():
        ServiceAttribute.objects.create(service=world["shelter"], taxonomy_term=_term(SERVICE_TYPE, "legal_aid"))
        raise RuntimeError("the import failed")
    assert _index() == before == _rebuilt()


# --- Any series of small edits keeps the index equal to a rebuild ------------------------------------------

TERMS = [(SERVICE_TYPE, "shelter_women"), (SERVICE_TYPE, "care_trauma"), (AUDIENCE, "victim"),
         (EXPLOITATION_FORM, "labour"), (GENDER, "female"), (GENDER, "any")]
EDITS = ["term", "area", "link", "confidential", "intake", "move", "status", "delete_location", "delete_service",
         "new_service", "new_location"]


@pytest.fixture
def small_world(world):
    """Two organisations, each with an intake point and a house, and three services among them."""
    other = Organization.objects.create(name="IX Zorg", description="Zorg")
    locations = [world["intake"], world["house"],
                 _location(other, world["maastricht"], "IX Loket", "50.85140", "5.69100", is_intake_point=True),
                 _location(other, world["maastricht"], "IX Woning", "50.84000", "5.70000", is_confidential=True)]
    services = [world["shelter"],
                _service(other, "IX Zorg Maastricht", areas=[world["maastricht"]], locations=locations[3:]),
                _service(other, "IX Landelijk", types=["care_trauma"])]
    return {"organizations": [world["organization"], other], "locations": [loc.pk for loc in locations],
            "services": [service.pk for service in services],
            "municipalities": [world["amsterdam"], world["maastricht"]]}


def _toggle(model, **fields):
    found = model.objects.filter(**fields)
    if found.exists():
        found.get().delete()  # one by one, as a person removes it (a queryset delete also signals, in bulk)
    else:
        model.objects.create(**fields)


def _apply(edit: str, number: int, other: int, flag: bool, world: dict) -> None:
    service = Service.objects.filter(pk=world["services"][number % len(world["services"])]).first()
    location = Location.objects.filter(pk=world["locations"][other % len(world["locations"])]).first()
    if edit == "term" and service:
        _toggle(ServiceAttribute, service=service, taxonomy_term=_term(*TERMS[other % len(TERMS)]))
    elif edit == "area" and service:
        _toggle(ServiceArea, service=service, municipality=world["municipalities"][other % 2])
    elif edit == "link" and service and location:
        _toggle(ServiceAtLocation, service=service, location=location)
    elif edit in ("confidential", "intake") and location:
        setattr(location, f"is_{'confidential' if edit == 'confidential' else 'intake_point'}", flag)
        location.save()
    elif edit == "move" and location:
        location.latitude += Decimal("0.1") if flag else Decimal("-0.1")
        location.save()
    elif edit == "status" and service:
        service.status = ServiceStatus.ACTIVE if flag else ServiceStatus.INACTIVE
        service.save()
    elif edit == "delete_location" and location:
        location.delete()
    elif edit == "delete_service" and service:
        service.delete()
    elif edit == "new_service":
        created = _service(world["organizations"][number % 2], "IX Extra", locations=[location] if location else [])
        world["services"].append(created.pk)
    elif edit == "new_location":
        created = _location(world["organizations"][number % 2], world["municipalities"][other % 2], "IX Extra",
                            "52.0", "5.0", is_intake_point=flag, is_confidential=not flag and number % 2 == 0)
        world["locations"].append(created.pk)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 5), st.integers(0, 5), st.booleans()),
                min_size=1, max_size=6))
def test_any_series_of_small_edits_keeps_the_index_equal_to_a_rebuild(small_world, edits):
    world = {key: list(value) for key, value in small_world.items()}  # an example adds to its own copy
    with transaction.atomic():
        for edit in edits:
            _apply(*edit, world=world)
            assert _index() == _rebuilt(), edit
        transaction.set_rollback(True)  # the next example starts from the same world


# --- Shelter addresses -----------------------------------------------------------------------------------------


def test_the_index_holds_no_coordinates_of_a_confidential_location(world):
    _make_confidential(world["house"])
    confidential = Location.objects.filter(is_confidential=True)
    assert confidential.count() > 1  # the demo world's shelters, and this one
    assert not SearchPoint.objects.filter(location__in=confidential).exists()
    coordinates = set(SearchPoint.objects.values_list("latitude", "longitude"))
    assert (float(HOUSE_LATITUDE), float(HOUSE_LONGITUDE)) not in coordinates
    assert SearchPoint.objects.filter(service=world["shelter"], location=world["intake"]).exists()


def test_a_location_made_confidential_past_the_signals_is_never_shown(world):
    at_the_house = f"{HOUSE_LATITUDE},{HOUSE_LONGITUDE}"
    house = world["house"]
    Location.objects.filter(pk=house.pk).update(is_confidential=True)  # a bulk update: no signal, no refresh
    hit = search(at_the_house, 1)["IX Opvang Amsterdam"]
    assert (hit.reach, hit.location, hit.distance_km) == (Reach.AREA, None, None)


def test_a_location_made_confidential_by_a_versioned_update_leaves_the_index(world):
    house = world["house"]
    house.is_confidential = True
    save_versioned(house, expected_version=house.version, fields=["is_confidential"])
    assert not SearchPoint.objects.filter(location=house).exists()

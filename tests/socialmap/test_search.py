"""The public social map: finding a place, searching services near it or covering it on every facet, never
showing a shelter's address, whom to call per municipality, coverage of care coordination, and the pages.

Other tests add services to the same world, so every assertion looks only at this module's own records (their
names start with "TK ") and searches fetch all hits on one page."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from keten.core.clock import now
from keten.regions.models import Municipality
from keten.socialmap import geo
from keten.socialmap.models import (
    Address,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceStatus,
    TaxonomyTerm,
)
from keten.socialmap.selectors import (
    Reach,
    SearchFilters,
    coverage,
    opening_hours_text,
    resolve_place,
    search_services,
    who_to_call,
)
from keten.socialmap.services import load_taxonomies
from keten.socialmap.taxonomy import (
    AUDIENCE,
    CHAIN_ROLE,
    EXPLOITATION_FORM,
    GENDER,
    RESIDENCE_STATUS,
    SERVICE_TYPE,
)

pytestmark = pytest.mark.django_db

EVERYTHING = 10_000  # one page holds every hit, whatever else the test world contains
SECRET_STREET, SECRET_POSTCODE = "Geheimstraat 7", "1500AA"
SECRET_LATITUDE, SECRET_LONGITUDE = Decimal("52.43891"), Decimal("4.82581")


def _attach(service, taxonomy, *codes):
    for code in codes:
        term = TaxonomyTerm.objects.get(taxonomy__name=taxonomy, code=code)
        ServiceAttribute.objects.create(service=service, taxonomy_term=term)


def _location(organization, municipality, name, latitude, longitude, street="", postcode="", city="", **flags):
    location = Location.objects.create(organization=organization, municipality=municipality, name=name,
                                       latitude=Decimal(latitude), longitude=Decimal(longitude), **flags)
    if street:
        Address.objects.create(location=location, address_1=street, postal_code=postcode, city=city,
                               state_province="")
    return location


def _service(organization, name, *, areas=(), locations=(), terms=(), languages=(), verified=True, **fields):
    service = Service.objects.create(organization=organization, name=name,
                                     last_verified_at=now() if verified else None, **fields)
    for municipality in areas:
        ServiceArea.objects.create(service=service, municipality=municipality)
    for location in locations:
        ServiceAtLocation.objects.create(service=service, location=location)
    for taxonomy, *codes in terms:
        _attach(service, taxonomy, *codes)
    for code, language in languages:
        Language.objects.create(service=service, code=code, name=language)
    return service


@pytest.fixture
def towns(regions_loaded):
    load_taxonomies()
    codes = {"amsterdam": "GM0363", "zaanstad": "GM0479", "haarlem": "GM0392", "maastricht": "GM0935",
             "vlieland": "GM0096"}
    return {name: Municipality.objects.get(code=code) for name, code in codes.items()}


@pytest.fixture
def fixture_map(towns):
    """Amsterdam, Zaanstad, Haarlem and Maastricht, with a shelter at a secret address in Zaanstad whose
    organisation has a public intake point in Amsterdam."""
    amsterdam, zaanstad, haarlem, maastricht = (towns[n] for n in ("amsterdam", "zaanstad", "haarlem", "maastricht"))
    north = Organization.objects.create(name="TK Opvang Noord", description="Opvang")
    intake = _location(north, amsterdam, "TK Aanmeldpunt Amsterdam", "52.37910", "4.90030", "Stationsplein 1",
                       "1012AB", "Amsterdam", is_intake_point=True)
    secret = _location(north, zaanstad, "TK Geheim Huis", SECRET_LATITUDE, SECRET_LONGITUDE, SECRET_STREET,
                       SECRET_POSTCODE, "Zaandam", is_confidential=True)
    Phone.objects.create(location=secret, number="020 999 99 99")
    Phone.objects.create(organization=north, number="020 123 45 67", description="aanmelden")
    women = _service(north, "TK Vrouwenopvang", areas=[zaanstad, amsterdam], locations=[secret],
                     terms=[(SERVICE_TYPE, "shelter_women"), (AUDIENCE, "victim"), (GENDER, "female"),
                            (EXPLOITATION_FORM, "sexual"), (RESIDENCE_STATUS, "b8_reflection")],
                     languages=[("nl", "Nederlands"), ("en", "Engels")], minimum_age=18, capacity_unit="bed",
                     capacity_total=12, capacity_available=3,
                     capacity_updated_at=datetime(2025, 3, 4, 10, 0, tzinfo=UTC))
    Schedule.objects.create(service=women, byday="MO,TU,WE,TH,FR,SA,SU", opens_at=time(0), closes_at=time(23, 59))

    haarlem_org = Organization.objects.create(name="TK Zorg Haarlem", description="Zorg")
    clinic = _location(haarlem_org, haarlem, "TK Kliniek", "52.38740", "4.64620", "Grote Markt 2", "2011RD",
                       "Haarlem")
    trauma = _service(haarlem_org, "TK Trauma Haarlem", areas=[haarlem], locations=[clinic], verified=False,
                      terms=[(SERVICE_TYPE, "care_trauma"), (AUDIENCE, "victim"), (EXPLOITATION_FORM, "labour"),
                             (RESIDENCE_STATUS, "dutch_eu")],
                      languages=[("pl", "Pools")], minimum_age=18, maximum_age=23, capacity_unit="place",
                      capacity_total=5, capacity_available=0)
    Schedule.objects.create(service=trauma, byday="MO,TU,WE,TH,FR", opens_at=time(9), closes_at=time(17))
    _service(haarlem_org, "TK Regio Zorg", areas=[amsterdam],
             terms=[(SERVICE_TYPE, "perpetrator_help"), (AUDIENCE, "perpetrator")])

    youth_org = Organization.objects.create(name="TK Jeugd Amsterdam", description="Jeugd")
    south = _location(youth_org, amsterdam, "TK Zuid", "52.35000", "4.87200", "Zuidplein 3", "1077XV", "Amsterdam")
    _service(youth_org, "TK Jeugdopvang", areas=[amsterdam], locations=[south],
             terms=[(SERVICE_TYPE, "shelter_youth"), (AUDIENCE, "victim"), (GENDER, "any"),
                    (EXPLOITATION_FORM, "criminal"), (RESIDENCE_STATUS, "unaccompanied_minor")],
             minimum_age=12, maximum_age=17, capacity_unit="place", capacity_total=4, capacity_available=2)
    _service(youth_org, "TK Volwassenen 23+", areas=[amsterdam], locations=[south],
             terms=[(SERVICE_TYPE, "care_mental_health"), (AUDIENCE, "victim")], minimum_age=23)
    _service(youth_org, "TK Gesloten", areas=[amsterdam], locations=[south], status=ServiceStatus.DEFUNCT,
             terms=[(SERVICE_TYPE, "shelter")])

    south_org = Organization.objects.create(name="TK Limburg", description="Limburg")
    office = _location(south_org, maastricht, "TK Maastricht", "50.85140", "5.69100", "Markt 1", "6211CK",
                       "Maastricht")
    _service(south_org, "TK Maastricht Hulp", areas=[maastricht], locations=[office],
             terms=[(SERVICE_TYPE, "legal_aid"), (AUDIENCE, "perpetrator"), (GENDER, "male")])
    _service(south_org, "TK Landelijke Lijn", terms=[])  # no service area and no location: national
    _service(north, "TK Ambulant Noord", areas=[haarlem], locations=[clinic])  # public location only: no intake
    _service(south_org, "TK Landelijk Centrum", locations=[south])  # national, with an office in Amsterdam
    return {"intake": intake, "secret": secret}


def own(hits):
    return [hit for hit in hits if hit.service.name.startswith("TK ")]


def names(hits):
    return [hit.service.name for hit in own(hits)]


def search(text="Amsterdam", radius=25, **filters):
    return search_services(resolve_place(text), radius, SearchFilters(**filters), page_size=EVERYTHING)


# --- places ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1011", "1011 AB", " 1011ab ", "GM0363", "gm0363", "0363", "Amsterdam",
                                  "  amsterdam  ", "AMSTERDAM"])
def test_a_postcode_code_or_name_finds_the_municipality_and_its_point(text, towns):
    place = resolve_place(text)
    assert place.municipality.code == "GM0363"
    point = geo.point_of("GM0363")
    assert (place.latitude, place.longitude) == (point.latitude, point.longitude)


@pytest.mark.parametrize("text", ["sudwest-fryslan", "Súdwest-Fryslân", "sudwest fryslan", "SÚDWEST FRYSLÂN"])
def test_a_name_is_found_without_its_diacritics_or_hyphens(text, towns):
    assert resolve_place(text).municipality.name == "Súdwest-Fryslân"


def test_common_names_that_are_not_the_cbs_name_are_understood(towns):
    assert resolve_place("Den Haag").municipality.code == "GM0518"
    assert resolve_place("den bosch").municipality.code == "GM0796"
    assert resolve_place("'s-Hertogenbosch").municipality.code == "GM0796"


def test_coordinates_keep_their_point_and_find_the_nearest_municipality(towns):
    place = resolve_place("52.3791, 4.9003")
    assert (place.latitude, place.longitude) == (52.3791, 4.9003)
    assert place.municipality.code == "GM0363"
    assert resolve_place("50.8514,5.6910").municipality.code == "GM0935"


@pytest.mark.parametrize("text", ["", "   ", "xyz", "1000", "0000", "GM9999", "Atlantis", "95.0,4.9", "52.3,200",
                                  "1011 ABC", "x" * 500, "<script>"])
def test_garbage_is_no_place(text, towns):
    assert resolve_place(text) is None


def test_a_bare_four_digit_number_is_a_postcode_not_a_municipality_code(towns):
    # 1507 is a postcode in Zaanstad and also the CBS code of Horst aan de Maas; people type postcodes.
    assert resolve_place("1507").municipality.code == "GM0479"
    assert resolve_place("GM1507").municipality.code == "GM1507"


def test_representative_points_are_the_centroid_of_the_largest_part():
    points = geo.municipality_points()
    assert len(points) == 342
    amsterdam = points["GM0363"]
    assert amsterdam.latitude == pytest.approx(52.381, abs=0.01)
    assert amsterdam.longitude == pytest.approx(4.880, abs=0.01)
    # Súdwest-Fryslân has islands and lakes; its point lies on the mainland.
    assert 52.8 < points["GM1900"].latitude < 53.2


def test_haversine_knows_the_distance_from_amsterdam_to_rotterdam():
    assert geo.haversine_km(52.3676, 4.9041, 51.9244, 4.4777) == pytest.approx(57.0, abs=0.5)
    assert geo.haversine_km(52.0, 5.0, 52.0, 5.0) == 0


# --- search: radius, order and reach ----------------------------------------------------------------------------


def test_nearby_services_come_first_nearest_first_then_the_area_then_national(fixture_map):
    others = {"TK Landelijk Centrum", "TK Ambulant Noord"}  # see the tests below
    hits = [h for h in own(search("Amsterdam", 25)) if h.service.name not in others]
    assert [h.service.name for h in hits][:1] == ["TK Vrouwenopvang"]
    assert {h.service.name for h in hits[1:3]} == {"TK Jeugdopvang", "TK Volwassenen 23+"}  # same location
    assert [h.service.name for h in hits][3:] == ["TK Trauma Haarlem", "TK Regio Zorg", "TK Landelijke Lijn"]
    assert [h.reach for h in hits] == [Reach.NEARBY] * 4 + [Reach.AREA, Reach.NATIONAL]
    distances = [h.distance_km for h in hits[:4]]
    assert distances == sorted(distances)
    assert all(d == round(d, 1) for d in distances)
    place = resolve_place("Amsterdam")
    assert hits[3].distance_km == round(geo.haversine_km(place.latitude, place.longitude, 52.3874, 4.6462), 1)
    assert hits[4].distance_km is None and hits[5].distance_km is None


def test_every_hit_appears_once_and_the_total_counts_them(fixture_map):
    for radius in (1, 5, 25, 100):
        hits = search("Amsterdam", radius)
        ids = [hit.service.pk for hit in hits]
        assert len(ids) == len(set(ids)) == hits.total
    hits = {hit.service.name: hit for hit in own(search("Amsterdam", 25))}
    assert hits["TK Landelijk Centrum"].reach == Reach.NEARBY  # national, but its office is near
    assert hits["TK Landelijke Lijn"].reach == Reach.NATIONAL


def test_an_organisations_intake_point_stands_in_only_for_its_confidential_locations(fixture_map):
    # TK Opvang Noord has an intake point in Amsterdam, but its ambulant service works from Haarlem.
    assert "TK Ambulant Noord" not in names(search("Amsterdam", 5))
    hit = next(hit for hit in own(search("Haarlem", 5)) if hit.service.name == "TK Ambulant Noord")
    assert hit.location.name == "TK Kliniek"


def test_the_radius_limits_what_is_nearby(fixture_map):
    nearby = names(search("Amsterdam", 5))
    assert "TK Jeugdopvang" in nearby and "TK Vrouwenopvang" in nearby
    assert "TK Trauma Haarlem" not in nearby  # 16 km away, and Haarlem's service area does not cover Amsterdam
    assert "TK Trauma Haarlem" in names(search("Amsterdam", 25))


def test_inactive_and_far_away_services_are_not_found(fixture_map):
    found = names(search("Amsterdam", 100))
    assert "TK Gesloten" not in found
    assert "TK Maastricht Hulp" not in found
    assert "TK Maastricht Hulp" in names(search("6211", 5))


def test_an_area_hit_still_shows_the_distance_to_its_nearest_public_location(fixture_map):
    hits = {hit.service.name: hit for hit in own(search("Zaanstad", 1))}
    women = hits["TK Vrouwenopvang"]  # takes people from Zaanstad; its intake point is in Amsterdam
    assert women.reach == Reach.AREA
    place = resolve_place("Zaanstad")
    assert women.distance_km == round(geo.haversine_km(place.latitude, place.longitude, 52.3791, 4.9003), 1)
    assert hits["TK Landelijke Lijn"].reach == Reach.NATIONAL
    assert hits["TK Landelijke Lijn"].distance_km is None


def test_search_pages_by_twenty(fixture_map):
    place = resolve_place("Amsterdam")
    first = search_services(place, 25, page=1)
    assert len(first) == min(20, first.total)
    assert first.number == 1
    last = search_services(place, 25, page=999)  # a page past the end shows the last one
    assert last.number == last.num_pages


# --- search: facets ---------------------------------------------------------------------------------------------


def test_a_parent_service_type_finds_its_children(fixture_map):
    assert set(names(search(radius=100, service_types=["shelter"]))) == {"TK Vrouwenopvang", "TK Jeugdopvang"}
    assert set(names(search(radius=100, service_types=["care"]))) == {"TK Trauma Haarlem", "TK Volwassenen 23+"}
    assert names(search(radius=100, service_types=["care_trauma"])) == ["TK Trauma Haarlem"]
    assert set(names(search(radius=100, service_types=["care_trauma", "shelter_youth"]))) == {
        "TK Trauma Haarlem", "TK Jeugdopvang"}


def test_audience_filter(fixture_map):
    assert names(search(radius=100, audiences=["perpetrator"])) == ["TK Regio Zorg"]
    assert "TK Regio Zorg" not in names(search(radius=100, audiences=["victim"]))


def test_gender_filter_keeps_services_for_everyone(fixture_map):
    for_men = names(search(radius=100, genders=["male"]))
    assert "TK Vrouwenopvang" not in for_men
    assert {"TK Jeugdopvang", "TK Trauma Haarlem", "TK Landelijke Lijn"} <= set(for_men)  # "any" or no term
    assert "TK Vrouwenopvang" in names(search(radius=100, genders=["female"]))


def test_exploitation_form_filter(fixture_map):
    assert names(search(radius=100, exploitation_forms=["labour"])) == ["TK Trauma Haarlem"]
    assert names(search(radius=100, exploitation_forms=["sexual"])) == ["TK Vrouwenopvang"]
    assert set(names(search(radius=100, exploitation_forms=["sexual", "criminal"]))) == {
        "TK Vrouwenopvang", "TK Jeugdopvang"}


def test_residence_status_filter(fixture_map):
    assert names(search(radius=100, residence_statuses=["b8_reflection"])) == ["TK Vrouwenopvang"]
    assert names(search(radius=100, residence_statuses=["unaccompanied_minor"])) == ["TK Jeugdopvang"]


def test_language_filter(fixture_map):
    assert names(search(radius=100, language="pl")) == ["TK Trauma Haarlem"]
    assert names(search(radius=100, language="EN")) == ["TK Vrouwenopvang"]


@pytest.mark.parametrize(("age", "included", "excluded"), [
    (16, {"TK Jeugdopvang", "TK Regio Zorg"}, {"TK Vrouwenopvang", "TK Trauma Haarlem", "TK Volwassenen 23+"}),
    (18, {"TK Vrouwenopvang", "TK Trauma Haarlem", "TK Landelijke Lijn"}, {"TK Jeugdopvang", "TK Volwassenen 23+"}),
    (23, {"TK Trauma Haarlem", "TK Volwassenen 23+"}, {"TK Jeugdopvang"}),
    (24, {"TK Volwassenen 23+", "TK Vrouwenopvang"}, {"TK Trauma Haarlem", "TK Jeugdopvang"}),
])
def test_a_persons_age_must_fall_in_the_age_band(fixture_map, age, included, excluded):
    found = set(names(search(radius=100, age=age)))
    assert included <= found
    assert not excluded & found


def test_only_services_with_a_free_place(fixture_map):
    assert set(names(search(radius=100, has_capacity=True))) == {"TK Vrouwenopvang", "TK Jeugdopvang"}


def test_facets_combine(fixture_map):
    assert names(search(radius=100, service_types=["shelter"], age=18, has_capacity=True)) == ["TK Vrouwenopvang"]
    assert names(search(radius=100, service_types=["shelter"], genders=["male"], age=30)) == []


# --- secret locations ---------------------------------------------------------------------------------------------


def _everything_shown(hits) -> str:
    return " ".join(repr(hit) + repr(vars(hit.service)) for hit in hits)


def test_a_confidential_location_never_appears_in_a_hit_its_intake_point_does(fixture_map):
    hits = search("Amsterdam", 100)
    women = next(hit for hit in hits if hit.service.name == "TK Vrouwenopvang")
    assert women.location.name == "TK Aanmeldpunt Amsterdam"
    assert women.location.is_intake_point
    assert "Stationsplein 1" in women.location.address
    place = resolve_place("Amsterdam")
    assert women.distance_km == round(geo.haversine_km(place.latitude, place.longitude, 52.3791, 4.9003), 1)
    assert [p.number for p in women.phones] == ["020 123 45 67"]
    shown = _everything_shown(hits)
    for secret in (SECRET_STREET, SECRET_POSTCODE, "1500 AA", "Zaandam", str(SECRET_LATITUDE),
                   str(SECRET_LONGITUDE), "52.43891", "4.82581", "TK Geheim Huis", "020 999 99 99",
                   str(fixture_map["secret"].pk)):
        assert secret not in shown


def test_a_search_right_at_the_secret_address_does_not_reveal_it(fixture_map):
    # Searching around the shelter must not find it nearby: only its intake point counts, 8.4 km away.
    at_the_shelter = f"{SECRET_LATITUDE},{SECRET_LONGITUDE}"
    nearby = [hit.service.name for hit in own(search(at_the_shelter, 5)) if hit.reach == Reach.NEARBY]
    assert "TK Vrouwenopvang" not in nearby
    women = next(hit for hit in own(search(at_the_shelter, 10)) if hit.service.name == "TK Vrouwenopvang")
    assert women.reach == Reach.NEARBY
    assert women.distance_km == round(geo.haversine_km(float(SECRET_LATITUDE), float(SECRET_LONGITUDE),
                                                       52.3791, 4.9003), 1)
    assert women.location.name == "TK Aanmeldpunt Amsterdam"


def test_without_a_public_intake_point_a_shelter_has_no_location_and_no_distance(fixture_map):
    fixture_map["intake"].is_intake_point = False
    fixture_map["intake"].save()
    women = next(hit for hit in own(search("Amsterdam", 100)) if hit.service.name == "TK Vrouwenopvang")
    assert women.reach == Reach.AREA
    assert women.location is None and women.distance_km is None


# --- what a hit tells ---------------------------------------------------------------------------------------------


def test_a_hit_describes_the_service_in_dutch(fixture_map):
    hits = {hit.service.name: hit for hit in own(search("Amsterdam", 100))}
    women, trauma = hits["TK Vrouwenopvang"], hits["TK Trauma Haarlem"]
    assert women.organization_name == "TK Opvang Noord"
    assert women.service_types == ["Vrouwenopvang"]
    assert women.genders == ["Vrouwen"]
    assert women.exploitation_forms == ["Seksuele uitbuiting"]
    assert women.languages == ["Engels", "Nederlands"]
    assert women.age_band == "18 jaar en ouder"
    assert women.capacity == "3 van 12 bedden vrij (bijgewerkt op 4 maart 2025)"
    assert women.opening_hours == ["24 uur per dag"]
    assert not women.is_stale
    assert trauma.age_band == "18 t/m 23 jaar"
    assert trauma.capacity == "0 van 5 plaatsen vrij"
    assert trauma.opening_hours == ["ma–vr 09:00–17:00"]
    assert trauma.is_stale
    assert trauma.location.address == "Grote Markt 2, 2011 RD Haarlem"


@pytest.mark.parametrize(("byday", "opens", "closes", "description", "expected"), [
    ("MO,TU,WE,TH,FR", time(9), time(17), "", "ma–vr 09:00–17:00"),
    ("MO,TU,WE,TH,FR,SA,SU", time(0), time(0), "", "24 uur per dag"),
    ("", time(0), time(23, 59), "", "24 uur per dag"),
    ("SA", time(10), time(14), "alleen op afspraak", "za 10:00–14:00 (alleen op afspraak)"),
    ("MO,WE,FR", time(9), time(12), "", "ma, wo, vr 09:00–12:00"),
    ("SA,SU", None, None, "", "za–zo"),
])
def test_opening_hours_read_as_dutch(byday, opens, closes, description, expected):
    assert opening_hours_text(byday=byday, opens_at=opens, closes_at=closes, description=description) == expected


def test_a_search_costs_a_fixed_number_of_queries(fixture_map):
    place = resolve_place("Amsterdam")
    filters = SearchFilters(service_types=("shelter", "care"), genders=("female",), age=18, language="nl")
    with CaptureQueriesContext(connection) as plain:
        search_services(place, 25)
    with CaptureQueriesContext(connection) as filtered:
        search_services(place, 100, filters, page_size=EVERYTHING)
    assert len(plain) <= 10, [q["sql"][:120] for q in plain.captured_queries]
    assert len(filtered) <= 10, [q["sql"][:120] for q in filtered.captured_queries]


# --- who to call, coverage ---------------------------------------------------------------------------------------


def _chain_service(name, role, *areas, phone=""):
    organization = Organization.objects.create(name=f"{name} (organisatie)", description="Keten")
    service = _service(organization, name, areas=areas, terms=[(CHAIN_ROLE, role)])
    if phone:
        Phone.objects.create(service=service, number=phone)
    Schedule.objects.create(service=service, byday="MO,TU,WE,TH,FR", opens_at=time(9), closes_at=time(17))
    return service


def _without_care_coordinator(municipality):
    """Whatever else the test world holds: no care coordinator covers the municipality (rolled back after)."""
    ServiceArea.objects.filter(municipality=municipality, service__attributes__taxonomy_term__code="care_coordinator",
                               service__attributes__taxonomy_term__taxonomy__name=CHAIN_ROLE).delete()
    Service.objects.filter(attributes__taxonomy_term__code="care_coordinator", service_areas__isnull=True).update(
        status=ServiceStatus.INACTIVE)


def test_who_to_call_lists_each_chain_role_for_the_municipality(towns):
    amsterdam = towns["amsterdam"]
    _chain_service("TK Zorgcoördinatie Amsterdam", "care_coordinator", amsterdam, phone="020 111 11 11")
    _chain_service("TK Zorgcoördinatie Landelijk", "care_coordinator")
    _chain_service("TK Veilig Thuis Amsterdam", "veilig_thuis", amsterdam, phone="0800-2000")
    _chain_service("TK AVIM Noord-Holland", "police_avim", amsterdam, towns["haarlem"])
    _chain_service("TK Zorgcoördinatie Limburg", "care_coordinator", towns["maastricht"])
    answer = who_to_call(amsterdam)
    assert [role.role for role in answer.roles] == ["care_coordinator", "veilig_thuis", "police_avim", "comensha"]
    coordinators = [c.service_name for c in answer.contacts_for("care_coordinator")]
    assert "TK Zorgcoördinatie Amsterdam" in coordinators
    assert "TK Zorgcoördinatie Landelijk" not in coordinators  # a regional one covers Amsterdam
    assert "TK Zorgcoördinatie Limburg" not in coordinators
    contact = next(c for c in answer.contacts_for("care_coordinator") if c.service_name.startswith("TK "))
    assert [p.number for p in contact.phones] == ["020 111 11 11"]
    assert contact.opening_hours == ("ma–vr 09:00–17:00",)
    assert not contact.is_national
    assert "TK Veilig Thuis Amsterdam" in [c.service_name for c in answer.contacts_for("veilig_thuis")]
    assert "TK AVIM Noord-Holland" in [c.service_name for c in answer.contacts_for("police_avim")]
    assert answer.has_care_coordinator and answer.fallback_note == ""


def test_without_a_care_coordinator_comensha_is_the_fall_back(towns):
    vlieland = towns["vlieland"]
    _without_care_coordinator(vlieland)
    _chain_service("TK CoMensha", "comensha", phone="033 448 11 86")
    answer = who_to_call(vlieland)
    assert not answer.has_care_coordinator
    assert answer.contacts_for("care_coordinator") == ()
    assert "geen zorgcoördinator" in answer.fallback_note
    assert "CoMensha coördineert waar de regio geen zorgcoördinator heeft" in answer.fallback_note
    comensha = answer.contacts_for("comensha")
    assert comensha
    if any(c.service_name == "TK CoMensha" for c in comensha):
        assert next(c for c in comensha if c.service_name == "TK CoMensha").is_national


def test_a_national_care_coordinator_covers_a_municipality_without_a_regional_one(towns):
    vlieland = towns["vlieland"]
    _without_care_coordinator(vlieland)
    _chain_service("TK Zorgcoördinatie Landelijk", "care_coordinator")
    contacts = who_to_call(vlieland).contacts_for("care_coordinator")
    assert [c.service_name for c in contacts] == ["TK Zorgcoördinatie Landelijk"]
    assert contacts[0].is_national


def test_coverage_lists_a_municipality_without_a_care_coordinator(towns):
    vlieland = towns["vlieland"]
    _without_care_coordinator(vlieland)
    provinces = coverage()
    assert len(provinces) == 12
    assert sum(p.municipality_count for p in provinces) == Municipality.objects.count()
    friesland = next(p for p in provinces if p.name == "Fryslân")
    assert "GM0096" in [m.code for m in friesland.uncovered]
    assert friesland.covered_count == friesland.municipality_count - len(friesland.uncovered)

    _chain_service("TK Zorgcoördinatie Wadden", "care_coordinator", vlieland)
    friesland = next(p for p in coverage() if p.name == "Fryslân")
    assert "GM0096" not in [m.code for m in friesland.uncovered]


def test_an_inactive_care_coordinator_covers_nothing(towns):
    vlieland = towns["vlieland"]
    _without_care_coordinator(vlieland)
    service = _chain_service("TK Zorgcoördinatie Gesloten", "care_coordinator", vlieland)
    service.status = ServiceStatus.DEFUNCT
    service.save()
    assert not who_to_call(vlieland).has_care_coordinator
    friesland = next(p for p in coverage() if p.name == "Fryslân")
    assert "GM0096" in [m.code for m in friesland.uncovered]


# --- pages ------------------------------------------------------------------------------------------------------


def test_the_search_page_opens_for_anyone_without_results():
    response = Client().get("/sociale-kaart/")
    assert response.status_code == 200
    assert "Plaats, postcode of gemeente" in response.text
    assert "Wie bel ik?" not in response.text
    assert "We vinden geen" not in response.text


def test_an_anonymous_visitor_searches_by_postcode_and_sees_whom_to_call(fixture_map, towns):
    _chain_service("TK Zorgcoördinatie Amsterdam", "care_coordinator", towns["amsterdam"], phone="020 111 11 11")
    response = Client().get("/sociale-kaart/", {"place": "1011 AB", "radius": "25"})
    assert response.status_code == 200
    page = response.text
    assert "Wie bel ik?" in page
    assert "TK Zorgcoördinatie Amsterdam" in page
    assert 'href="tel:0201111111"' in page
    for shown in ("TK Vrouwenopvang", "TK Aanmeldpunt Amsterdam", "Stationsplein 1", "3 van 12 bedden vrij",
                  "TK Trauma Haarlem", "Niet recent gecontroleerd", "24 uur per dag", "ma–vr 09:00–17:00"):
        assert shown in page
    for secret in (SECRET_STREET, "Geheim Huis", "020 999 99 99", "52.43891", "52,43891"):
        assert secret not in page


def test_the_search_page_filters_and_pages(fixture_map):
    response = Client().get("/sociale-kaart/", {"place": "Amsterdam", "radius": "100", "type": "shelter",
                                               "age": "18", "capacity": "on"})
    assert response.status_code == 200
    assert "TK Vrouwenopvang" in response.text
    assert "TK Jeugdopvang" not in response.text
    assert "TK Trauma Haarlem" not in response.text
    for page in ("2", "999", "abc", "-1"):
        response = Client().get("/sociale-kaart/", {"place": "Amsterdam", "page": page})
        assert response.status_code == 200
        assert "Wie bel ik?" in response.text


def test_an_unknown_place_gets_a_clear_dutch_message(towns):
    response = Client().get("/sociale-kaart/", {"place": "xyz"})
    assert response.status_code == 200
    assert "We vinden geen gemeente of postcode ‘xyz’." in response.text
    assert "<title>Fout:" in response.text
    empty = Client().get("/sociale-kaart/", {"place": ""})
    assert "Vul een plaats, postcode of gemeente in." in empty.text


@pytest.mark.parametrize("query", [{"radius": "7"}, {"age": "-3"}, {"type": "nonsense"}, {"language": "xx"}])
def test_a_tampered_query_is_refused_politely(query, towns):
    response = Client().get("/sociale-kaart/", {"place": "Amsterdam", **query})
    assert response.status_code == 200
    assert "Wie bel ik?" not in response.text


def test_the_coverage_page_lists_municipalities_without_a_care_coordinator(towns):
    _without_care_coordinator(towns["vlieland"])
    response = Client().get("/sociale-kaart/dekking/")
    assert response.status_code == 200
    assert "Vlieland" in response.text
    assert "GM0096" in response.text
    assert "In totaal" in response.text


def test_stale_means_not_verified_for_half_a_year(fixture_map):
    Service.objects.filter(name="TK Vrouwenopvang").update(last_verified_at=now() - timedelta(days=200))
    women = next(hit for hit in own(search("Amsterdam", 25)) if hit.service.name == "TK Vrouwenopvang")
    assert women.is_stale

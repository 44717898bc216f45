"""The public HSDS 3.0 API of the social map: every published record validates against the official Open
Referral schemas (../shared/data/hsds/), lists page and filter as the HSDS API says, anyone may read without
login, nobody may write, and no confidential address or coordinate ever leaves (privacy rule 6).

The session's test world holds a demo social map too, so the tests filter on their own records: every name in
this fixture contains "Kwikstaart", a word no demo record uses."""

import json
import os
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from keten import urls as project_urls
from keten.regions.models import Municipality
from keten.socialmap import hsds
from keten.socialmap.geo import point_of
from keten.socialmap.models import (
    Address,
    Funding,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
)
from keten.socialmap.services import load_taxonomies
from keten.socialmap.taxonomy import AUDIENCE, EXPLOITATION_FORM, GENDER, SERVICE_TYPE

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The API where it lives, at api/hsds/ under the namespace "hsds"; until keten/urls.py mounts it, the tests
# mount it themselves in front of the project's routes (which the error pages need).
HSDS_PATTERNS = [path("api/hsds/", include(("keten.socialmap.urls_hsds", "hsds")))]
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "hsds" for pattern in urlpatterns):
    urlpatterns = HSDS_PATTERNS + urlpatterns

IN_CI = os.environ.get("CI", "").lower() == "true"
SCHEMA_DIR = Path(settings.PROJECT_DIR).parent / "shared" / "data" / "hsds" / "schema"
WORD = "kwikstaart"
NO_ID = "00000000-0000-0000-0000-000000000000"


# --- The official schemas --------------------------------------------------------------------------------------


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schemas():
    """Validators for the compiled HSDS 3.0 schemas, and for taxonomy and taxonomy_term with their references."""
    if not (SCHEMA_DIR / "compiled").is_dir():
        message = f"the HSDS 3.0 schemas are missing: expected {SCHEMA_DIR / 'compiled'} (see ../shared/data/hsds)"
        if IN_CI:
            pytest.fail(message + "; they are required in CI.")
        pytest.skip(message)

    def validator(schema, registry=None):
        cls = validator_for(schema, default=Draft202012Validator)
        kwargs = {"registry": registry} if registry is not None else {}
        return cls(schema, format_checker=cls.FORMAT_CHECKER, **kwargs)

    registry = Registry().with_resources(
        (name, Resource.from_contents(_load(SCHEMA_DIR / name), default_specification=DRAFT202012))
        for name in ("taxonomy.json", "taxonomy_term.json", "metadata.json"))
    found = {name: validator(_load(SCHEMA_DIR / "compiled" / f"{name}.json"))
             for name in ("service", "organization", "service_at_location")}
    for name in ("taxonomy", "taxonomy_term"):
        found[name] = validator(_load(SCHEMA_DIR / f"{name}.json"), registry)
    return found


def assert_valid(schemas, kind: str, record: dict) -> None:
    errors = sorted(schemas[kind].iter_errors(record), key=lambda e: list(e.absolute_path))
    assert not errors, f"{kind} {record.get('id')} is not valid HSDS 3.0:\n" + "\n".join(
        f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:20])
    # jsonschema checks date-time only with an optional package; check HSDS's own examples' shape here.
    if "last_modified" in record:
        assert datetime.fromisoformat(record["last_modified"]).tzinfo is not None


# --- A small social map ----------------------------------------------------------------------------------------


class Map:
    """The fixture's records by a short name."""

    def __init__(self, **records):
        self.__dict__.update(records)


def _term(taxonomy: str, code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__name=taxonomy, code=code)


def _place(organization, municipality, name, *, street, postal_code, latitude, longitude, confidential=False,
           intake=False) -> Location:
    location = Location.objects.create(
        organization=organization, municipality=municipality, name=name, is_confidential=confidential,
        is_intake_point=intake, latitude=Decimal(f"{latitude:.5f}"), longitude=Decimal(f"{longitude:.5f}"))
    Address.objects.create(location=location, address_1=street, postal_code=postal_code, city=municipality.name,
                           state_province="Noord-Holland")
    return location


@pytest.fixture
def social_map(regions_loaded):
    load_taxonomies()
    amsterdam, rotterdam, zaanstad, maastricht = (
        Municipality.objects.get(code=code) for code in ("GM0363", "GM0599", "GM0479", "GM0935"))
    centre = point_of("GM0363")

    shelter_org = Organization.objects.create(
        name="Kwikstaart Opvang", description="Opvang en begeleiding voor slachtoffers van mensenhandel.",
        email="info@kwikstaart.invalid", website="https://kwikstaart.invalid/")
    Phone.objects.create(organization=shelter_org, number="088 555 0100", description="Algemeen nummer")
    # The shelter sits on the municipality's representative point; its intake point about a kilometre north.
    shelter = _place(shelter_org, amsterdam, "Kwikstaart geheime opvanglocatie", street="Geheimgracht 13",
                     postal_code="1015ZZ", latitude=centre.latitude, longitude=centre.longitude, confidential=True)
    Phone.objects.create(location=shelter, number="088 555 0199", description="Groepsleiding (geheim)")
    Schedule.objects.create(location=shelter, byday="SA,SU", opens_at=time(10), closes_at=time(12))
    intake = _place(shelter_org, amsterdam, "Aanmeldpunt Kwikstaart", street="Kwikstaartplein 1",
                    postal_code="1011AB", latitude=centre.latitude + 0.009, longitude=centre.longitude, intake=True)
    Phone.objects.create(location=intake, number="088 555 0101", description="Aanmelden")
    Schedule.objects.create(location=intake, byday="MO,TU,WE,TH,FR", opens_at=time(9), closes_at=time(17))

    women = Service.objects.create(
        organization=shelter_org, name="Kwikstaart Vrouwenopvang", description="Beschermde opvang voor vrouwen.",
        eligibility_description="Vrouwen vanaf 18 jaar", minimum_age=18, url="https://kwikstaart.invalid/opvang",
        email="opvang@kwikstaart.invalid", capacity_unit="bed", capacity_total=12, capacity_available=3,
        capacity_updated_at=datetime(2026, 11, 27, 9, 15, tzinfo=UTC),
        last_verified_at=datetime(2026, 10, 1, 12, 0, tzinfo=UTC))
    shelter_link = ServiceAtLocation.objects.create(service=women, location=shelter, description="Opvanghuis")
    for taxonomy, code, value in [(SERVICE_TYPE, "shelter_women", ""), (AUDIENCE, "victim", ""),
                                  (GENDER, "female", ""), (EXPLOITATION_FORM, "sexual", ""),
                                  (EXPLOITATION_FORM, "labour", "ook binnen de seksbranche")]:
        ServiceAttribute.objects.create(service=women, taxonomy_term=_term(taxonomy, code), value=value)
    Phone.objects.create(service=women, number="088 555 0102", type="voice")
    Schedule.objects.create(service=women, byday="MO,TU,WE,TH,FR,SA,SU", opens_at=time(0), closes_at=time(23, 59))
    ServiceArea.objects.create(service=women, municipality=amsterdam)
    ServiceArea.objects.create(service=women, municipality=zaanstad)
    Language.objects.create(service=women, code="nl", name="Nederlands")
    Language.objects.create(service=women, code="en", name="Engels")
    Funding.objects.create(service=women, source="Wmo (centrumgemeente Amsterdam)")

    outreach = Service.objects.create(organization=shelter_org, name="Kwikstaart Ambulante begeleiding",
                                      description="Begeleiding thuis, na de opvang.")
    ServiceAttribute.objects.create(service=outreach, taxonomy_term=_term(SERVICE_TYPE, "care"))
    ServiceAtLocation.objects.create(service=outreach, location=intake)
    outreach_secret_link = ServiceAtLocation.objects.create(service=outreach, location=shelter)
    ServiceArea.objects.create(service=outreach, municipality=amsterdam)
    Schedule.objects.create(service=outreach, byday="MO,TU,WE,TH,FR", opens_at=time(9), closes_at=time(17))

    defunct = Service.objects.create(organization=shelter_org, name="Kwikstaart Oude crisisopvang",
                                     status="defunct", description="Gesloten.")

    legal_org = Organization.objects.create(name="Kwikstaart Juridisch Loket",
                                            description="Juridisch advies, ook over de B8-regeling.")
    office = _place(legal_org, rotterdam, "Kantoor Kwikstaart Rotterdam", street="Coolsingel 40",
                    postal_code="3011AD", latitude=51.92250, longitude=4.47917)
    legal = Service.objects.create(organization=legal_org, name="Kwikstaart B8-advies",
                                   description="Spreekuur over de pimpernelregeling en de bedenktijd.")
    ServiceAttribute.objects.create(service=legal, taxonomy_term=_term(SERVICE_TYPE, "legal_aid"))
    legal_link = ServiceAtLocation.objects.create(service=legal, location=office)

    hidden_org = Organization.objects.create(name="Kwikstaart Noodbedden", description="Noodbedden zonder loket.")
    hidden_place = _place(hidden_org, maastricht, "Kwikstaart noodbed", street="Verborgenlaan 7",
                          postal_code="6211ZZ", latitude=50.85111, longitude=5.69222, confidential=True)
    emergency = Service.objects.create(organization=hidden_org, name="Kwikstaart Noodbed",
                                       description="Een bed voor één nacht.")
    emergency_link = ServiceAtLocation.objects.create(service=emergency, location=hidden_place)

    return Map(shelter_org=shelter_org, shelter=shelter, intake=intake, women=women, shelter_link=shelter_link,
               outreach=outreach, outreach_secret_link=outreach_secret_link, defunct=defunct, legal_org=legal_org,
               office=office, legal=legal, legal_link=legal_link, hidden_org=hidden_org, hidden_place=hidden_place,
               emergency=emergency, emergency_link=emergency_link, amsterdam=amsterdam)


def get(name: str, params=None, **kwargs):
    response = Client().get(reverse(f"hsds:{name}", kwargs=kwargs or None), params or {})
    return response


def ok(name: str, params=None, **kwargs) -> dict:
    response = get(name, params, **kwargs)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def all_pages(name: str, params=None) -> list[dict]:
    """Every page of a list, 100 records at a time."""
    pages, number = [], 1
    while True:
        page = ok(name, {**(params or {}), "per_page": 100, "page": number})
        pages.append(page)
        if page["last_page"] or page["empty"]:
            return pages
        number += 1


def ids(page: dict) -> set[str]:
    return {record["id"] for record in page["contents"]}


# --- The index -------------------------------------------------------------------------------------------------


def test_index_says_which_hsds_it_speaks():
    index = ok("index")
    assert index["version"] == "3.0"
    assert index["profile"].startswith("https://") and index["openapi_url"].endswith("openapi.json")


# --- Validity against the official schemas ---------------------------------------------------------------------


def test_each_fixture_service_validates_as_a_full_hsds_service(social_map, schemas):
    for service in Service.objects.filter(name__icontains=WORD):
        record = ok("service", id=service.pk)
        assert_valid(schemas, "service", record)
        assert record["id"] == str(service.pk)


def test_every_published_service_validates_page_by_page(social_map, schemas):
    pages = all_pages("services", {"status": "all"})
    records = [record for page in pages for record in page["contents"]]
    assert {str(pk) for pk in Service.objects.filter(name__icontains=WORD).values_list("pk", flat=True)} <= {
        r["id"] for r in records}
    for record in records:
        assert_valid(schemas, "service", record)


def test_every_published_organization_validates(social_map, schemas):
    for full_service in ("false", "true"):
        for page in all_pages("organizations", {"full_service": full_service}):
            for record in page["contents"]:
                assert_valid(schemas, "organization", record)
    for organization in Organization.objects.filter(name__icontains=WORD):
        assert_valid(schemas, "organization", ok("organization", {"full_service": "true"}, id=organization.pk))


def test_every_published_service_at_location_validates(social_map, schemas):
    records = [r for page in all_pages("service-at-locations", {"status": "all"})
               for r in page["contents"]]
    assert records
    for record in records:
        assert_valid(schemas, "service_at_location", record)
    for sal_id in (social_map.shelter_link.pk, social_map.legal_link.pk):
        assert_valid(schemas, "service_at_location", ok("service-at-location", id=sal_id))


def test_taxonomies_and_terms_validate_including_the_capacity_pseudo_taxonomy(social_map, schemas):
    taxonomies = ok("taxonomies", {"per_page": 100})["contents"]
    assert {t["name"] for t in taxonomies} >= {SERVICE_TYPE, AUDIENCE, hsds.CAPACITY_TAXONOMY_NAME}
    for record in taxonomies:
        assert_valid(schemas, "taxonomy", record)
        assert ok("taxonomy", id=record["id"]) == record
    terms = [r for page in all_pages("taxonomy-terms") for r in page["contents"]]
    assert len(terms) == TaxonomyTerm.objects.count() + len(hsds.CAPACITY_TERMS)
    for record in terms:
        assert_valid(schemas, "taxonomy_term", record)
    for term in hsds.CAPACITY_TERMS.values():
        assert ok("taxonomy-term", id=term.id)["taxonomy_detail"]["name"] == hsds.CAPACITY_TAXONOMY_NAME


# --- What a service record says --------------------------------------------------------------------------------


def test_service_attributes_carry_the_terms_and_the_capacity(social_map):
    record = ok("service", id=social_map.women.pk)
    by_term = {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]): a for a in record["attributes"]}
    labour = by_term[(EXPLOITATION_FORM, "labour")]
    assert labour["link_type"] == "service" and labour["link_entity"] == "service"
    assert labour["link_id"] == str(social_map.women.pk) and labour["value"] == "ook binnen de seksbranche"
    assert labour["taxonomy_term_id"] == labour["taxonomy_term"]["id"]
    assert (SERVICE_TYPE, "shelter_women") in by_term and (GENDER, "female") in by_term
    capacity = {code: a["value"] for (taxonomy, code), a in by_term.items()
                if taxonomy == hsds.CAPACITY_TAXONOMY_NAME}
    assert capacity == {"unit": "bed", "maximum": "12", "available": "3", "updated": "2026-11-27T09:15:00.000Z"}
    # The same ids on every request: the pseudo-terms are resolvable and the attributes stable.
    assert ok("service", id=social_map.women.pk)["attributes"] == record["attributes"]
    outreach = ok("service", id=social_map.outreach.pk)
    assert not any(a["taxonomy_term"]["taxonomy"] == hsds.CAPACITY_TAXONOMY_NAME for a in outreach["attributes"])


def test_service_areas_schedules_and_dates(social_map):
    record = ok("service", id=social_map.women.pk)
    assert [(a["name"], a["uri"], a["extent_type"]) for a in record["service_areas"]] == [
        ("Amsterdam", "urn:cbs:gemeente:GM0363", "text"), ("Zaanstad", "urn:cbs:gemeente:GM0479", "text")]
    [schedule] = record["schedules"]
    assert schedule.items() >= {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00",
                                "closes_at": "23:59"}.items()
    assert record["assured_date"] == "2026-10-01"
    assert record["last_modified"].endswith("Z")
    assert record["organization"]["name"] == "Kwikstaart Opvang"
    assert {lang["code"] for lang in record["languages"]} == {"en", "nl"}
    assert record["funding"][0]["source"] == "Wmo (centrumgemeente Amsterdam)"
    assert record["minimum_age"] == 18 and "maximum_age" not in record


# --- Privacy rule 6: the public sees the intake point, never the shelter ---------------------------------------


def test_a_service_at_a_confidential_location_shows_the_intake_point_instead(social_map):
    record = ok("service", id=social_map.women.pk)
    [link] = record["service_at_locations"]
    assert link["id"] == str(social_map.shelter_link.pk)
    assert link["location_id"] == str(social_map.intake.pk)
    assert link["location"]["name"] == "Aanmeldpunt Kwikstaart"
    assert link["location"]["addresses"][0]["address_1"] == "Kwikstaartplein 1"
    assert link["description"] == hsds.SUBSTITUTE_DESCRIPTION
    assert ok("service-at-location", id=social_map.shelter_link.pk)["location_id"] == str(social_map.intake.pk)


def test_a_service_already_at_the_intake_point_is_not_listed_there_twice(social_map):
    [link] = ok("service", id=social_map.outreach.pk)["service_at_locations"]
    assert link["location_id"] == str(social_map.intake.pk)
    assert get("service-at-location", id=social_map.outreach_secret_link.pk).status_code == 404


def test_without_an_intake_point_a_confidential_location_is_simply_left_out(social_map):
    assert ok("service", id=social_map.emergency.pk)["service_at_locations"] == []
    assert get("service-at-location", id=social_map.emergency_link.pk).status_code == 404
    assert ok("organization", id=social_map.hidden_org.pk)["locations"] == []


def test_an_organization_lists_only_its_public_locations(social_map):
    record = ok("organization", id=social_map.shelter_org.pk)
    assert [loc["id"] for loc in record["locations"]] == [str(social_map.intake.pk)]


def test_the_record_functions_refuse_a_confidential_location(social_map):
    with pytest.raises(hsds.ConfidentialLocationError):
        hsds.location_record(social_map.shelter)
    with pytest.raises(hsds.ConfidentialLocationError):
        hsds.service_at_location_record(social_map.shelter_link)


def _secrets() -> tuple[set[str], set[float]]:
    """Every confidential address line, postcode, location name and id, and every confidential coordinate, in the
    database, except values that a public record holds too (a postcode shared with a public address is no leak)."""
    public_locations = Location.objects.filter(is_confidential=False)
    public_addresses = Address.objects.filter(location__is_confidential=False)
    public_texts = set(public_addresses.values_list("address_1", flat=True))
    public_texts |= set(public_addresses.values_list("postal_code", flat=True))
    public_texts |= set(public_locations.values_list("name", flat=True))
    public_numbers = {float(v) for pair in public_locations.values_list("latitude", "longitude") for v in pair
                      if v is not None}
    texts, numbers = set(), set()
    for line, postal_code in Address.objects.filter(location__is_confidential=True).values_list(
            "address_1", "postal_code"):
        texts |= {line, postal_code, f"{postal_code[:4]} {postal_code[4:]}"}
    for pk, name, latitude, longitude in Location.objects.filter(is_confidential=True).values_list(
            "pk", "name", "latitude", "longitude"):
        texts |= {str(pk), name}
        numbers |= {float(v) for v in (latitude, longitude) if v is not None}
    return {t for t in texts - public_texts if t}, numbers - public_numbers


def _values(data, strings: set, numbers: set) -> None:
    """Collect every string and number in a JSON document."""
    if isinstance(data, dict):
        for key, value in data.items():
            strings.add(key)
            _values(value, strings, numbers)
    elif isinstance(data, list):
        for value in data:
            _values(value, strings, numbers)
    elif isinstance(data, str):
        strings.add(data)
    elif isinstance(data, int | float) and not isinstance(data, bool):
        numbers.add(float(data))


def _leaks(text: str, secret_texts: set[str], secret_numbers: set[float]) -> set:
    """The secrets in a JSON text: as a whole string or number anywhere in it, or (the longer texts: street
    lines, names, ids) inside any text of it, such as a description or a URL."""
    strings, numbers = set(), set()
    _values(json.loads(text), strings, numbers)
    found = (secret_texts & strings) | (secret_numbers & numbers)
    return found | {secret for secret in secret_texts if len(secret) >= 8 and secret in text}


#: Details checked per kind beyond the fixture's: the lists hold the same records, built by the same functions.
SAMPLE = 10


def test_no_endpoint_ever_publishes_a_confidential_address_or_coordinate(social_map):
    secret_texts, secret_numbers = _secrets()
    assert {"Geheimgracht 13", "1015ZZ", "1015 ZZ", "Verborgenlaan 7", str(social_map.shelter.pk)} <= secret_texts
    assert float(social_map.shelter.latitude) in secret_numbers
    texts = [get("index").content.decode()]
    for name, params in [("services", {"status": "all"}), ("organizations", {"full_service": "true"}),
                         ("service-at-locations", {"status": "all"}), ("taxonomies", {}), ("taxonomy-terms", {}),
                         ("service-at-locations", {"postcode": "1011", "status": "all"}),
                         ("service-at-locations", {"postcode": "1011", "proximity": "100000", "status": "all"})]:
        texts += [json.dumps(page) for page in all_pages(name, params)]
    at_confidential = ServiceAtLocation.objects.filter(location__is_confidential=True).order_by("pk")
    mine = Q(service__name__icontains=WORD)
    for service_id in {*at_confidential.filter(mine).values_list("service_id", flat=True),
                       *at_confidential.values_list("service_id", flat=True)[:SAMPLE]}:
        texts.append(get("service", id=service_id).content.decode())
    for sal_id in {*at_confidential.filter(mine).values_list("pk", flat=True),
                   *at_confidential.values_list("pk", flat=True)[:SAMPLE]}:
        response = get("service-at-location", id=sal_id)
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            texts.append(response.content.decode())
    confidential = Location.objects.filter(is_confidential=True).order_by("pk")
    for organization_id in {*confidential.filter(organization__name__icontains=WORD)
                            .values_list("organization_id", flat=True),
                            *confidential.values_list("organization_id", flat=True)[:SAMPLE]}:
        texts.append(get("organization", {"full_service": "true"}, id=organization_id).content.decode())
    leaks = {secret for text in texts for secret in _leaks(text, secret_texts, secret_numbers)}
    assert not leaks, f"confidential values published: {sorted(map(str, leaks))}"


def test_proximity_is_measured_to_the_intake_point_never_to_the_shelter(social_map):
    """The shelter lies on Amsterdam's representative point, the intake point about 1 km away: a small radius
    must not find the shelter's service, or the filter would reveal where the shelter is."""
    near = {"search": WORD, "postcode": "1011", "proximity": "500"}
    assert ok("service-at-locations", near)["contents"] == []
    wider = ok("service-at-locations", {**near, "proximity": "2000"})
    assert {r["location_id"] for r in wider["contents"]} == {str(social_map.intake.pk)}
    assert ids(wider) == {str(social_map.shelter_link.pk), *(
        str(pk) for pk in ServiceAtLocation.objects.filter(service=social_map.outreach,
                                                           location=social_map.intake).values_list("pk", flat=True))}


# --- Lists: paging and filters ---------------------------------------------------------------------------------


def test_paging_metadata(social_map):
    first = ok("services", {"search": WORD, "status": "all", "per_page": 2})
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 5, "total_pages": 3, "page_number": 1, "size": 2, "first_page": True, "last_page": False,
        "empty": False}
    assert len(first["contents"]) == 2
    last = ok("services", {"search": WORD, "status": "all", "per_page": 2, "page": 3})
    assert (last["page_number"], last["first_page"], last["last_page"], len(last["contents"])) == (3, False, True, 1)
    beyond = ok("services", {"search": WORD, "status": "all", "per_page": 2, "page": 4})
    assert beyond["empty"] is True and beyond["contents"] == [] and beyond["total_items"] == 5
    names = [r["name"] for p in (first, ok("services", {"search": WORD, "status": "all", "per_page": 2, "page": 2}),
                                  last) for r in p["contents"]]
    assert names == sorted(names) and len(set(names)) == 5
    assert ok("services", {"per_page": 1000})["size"] == 100
    assert ok("services")["size"] == 20


@pytest.mark.parametrize("params", [{"page": "0"}, {"per_page": "x"}, {"modified_after": "yesterday"},
                                    {"taxonomy_term_id": "not-a-uuid"}, {"status": "closed"}, {"full": "maybe"}])
def test_bad_list_parameters_are_refused(social_map, params):
    assert get("services", params).status_code == 400


def test_only_active_services_unless_the_status_filter_says_otherwise(social_map):
    assert str(social_map.defunct.pk) not in ids(ok("services", {"search": WORD}))
    assert ids(ok("services", {"search": WORD, "status": "defunct"})) == {str(social_map.defunct.pk)}
    assert str(social_map.defunct.pk) in ids(ok("services", {"search": WORD, "status": "all"}))


def test_search_is_case_insensitive_on_name_and_description(social_map):
    assert len(ok("services", {"search": "KWIKSTAART"})["contents"]) == 4
    assert ids(ok("services", {"search": "Pimpernelregeling"})) == {str(social_map.legal.pk)}
    assert ids(ok("organizations", {"search": "kwikstaart juridisch"})) == {str(social_map.legal_org.pk)}


def test_taxonomy_term_filter(social_map):
    women = _term(SERVICE_TYPE, "shelter_women")
    assert ids(ok("services", {"search": WORD, "taxonomy_term_id": str(women.pk)})) == {str(social_map.women.pk)}
    available = hsds.CAPACITY_TERMS["available"].id
    assert ids(ok("services", {"search": WORD, "taxonomy_term_id": str(available)})) == {str(social_map.women.pk)}
    taxonomy = Taxonomy.objects.get(name=EXPLOITATION_FORM)
    assert ids(ok("services", {"search": WORD, "taxonomy_id": str(taxonomy.pk)})) == {str(social_map.women.pk)}
    sals = ok("service-at-locations", {"search": WORD, "taxonomy_term_id": str(women.pk)})
    assert ids(sals) == {str(social_map.shelter_link.pk)}
    terms = ok("taxonomy-terms", {"taxonomy_id": str(women.taxonomy_id), "top_only": "true", "per_page": 100})
    assert all("parent_id" not in t for t in terms["contents"])
    children = ok("taxonomy-terms", {"parent_id": str(women.parent_id)})
    assert str(women.pk) in ids(children)


def test_modified_after_filter(social_map):
    Service.objects.filter(pk__in=[social_map.women.pk, social_map.outreach.pk]).update(
        updated_at=datetime(2020, 1, 1, tzinfo=UTC))
    recent = {str(social_map.legal.pk), str(social_map.emergency.pk)}
    for moment in ("2021-01-01", "2021-01-01T00:00:00+01:00", "2021-01-01T00:00:00 01:00", "2021-01-01T00:00:00Z"):
        assert ids(ok("services", {"search": WORD, "modified_after": moment})) == recent, moment
    assert len(ok("services", {"search": WORD, "modified_after": "2019-12-31T23:00:00Z"})["contents"]) == 4


def test_service_at_locations_by_postcode(social_map):
    amsterdam = ok("service-at-locations", {"search": WORD, "postcode": "1011 AB"})
    assert {r["service_id"] for r in amsterdam["contents"]} == {str(social_map.women.pk),
                                                                 str(social_map.outreach.pk)}
    rotterdam = ok("service-at-locations", {"search": WORD, "postcode": "3011"})
    assert ids(rotterdam) == {str(social_map.legal_link.pk)}  # no service areas: where its location is
    zaanstad = ok("service-at-locations", {"search": WORD, "postcode": "1501"})
    assert {r["service_id"] for r in zaanstad["contents"]} == {str(social_map.women.pk)}
    assert get("service-at-locations", {"postcode": "5028"}).status_code == 400
    assert get("service-at-locations", {"proximity": "1000"}).status_code == 400


def test_service_at_locations_list_without_filters_holds_the_fixture(social_map):
    everything = {r["id"] for p in all_pages("service-at-locations", {"search": WORD}) for r in p["contents"]}
    expected = {social_map.shelter_link.pk, social_map.legal_link.pk,
                *ServiceAtLocation.objects.filter(service=social_map.outreach, location=social_map.intake)
                .values_list("pk", flat=True)}
    assert everything == {str(pk) for pk in expected}
    flat = ok("service-at-locations", {"search": WORD, "full": "false"})
    assert all("service" not in r for r in flat["contents"])


# --- Efficiency ------------------------------------------------------------------------------------------------


@pytest.fixture
def many_services(social_map):
    organization = social_map.shelter_org
    terms = list(TaxonomyTerm.objects.filter(taxonomy__name=SERVICE_TYPE)[:3])
    for number in range(24):
        service = Service.objects.create(organization=organization, name=f"Kwikquery dienst {number:02}",
                                         capacity_unit="place", capacity_total=5, capacity_available=1)
        for term in terms:
            ServiceAttribute.objects.create(service=service, taxonomy_term=term)
        Phone.objects.create(service=service, number=f"088 555 1{number:03}")
        Schedule.objects.create(service=service, byday="MO", opens_at=time(9), closes_at=time(12))
        ServiceArea.objects.create(service=service, municipality=social_map.amsterdam)
        Language.objects.create(service=service, code="nl", name="Nederlands")
        Funding.objects.create(service=service, source="Eigen middelen")
        ServiceAtLocation.objects.create(service=service, location=social_map.intake)
        ServiceAtLocation.objects.create(service=service, location=social_map.shelter)


def _queries(name: str, params: dict) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        page = ok(name, params)
    return len(queries), page


@pytest.mark.parametrize("name", ["services", "service-at-locations", "organizations"])
def test_a_page_costs_a_bounded_number_of_queries(many_services, name):
    search = "kwikquery" if name != "organizations" else WORD
    many, page = _queries(name, {"search": search, "per_page": 20})
    assert len(page["contents"]) == (20 if name != "organizations" else 3)
    assert many < 25, f"{many} queries for a page of {name}"
    few, _page = _queries(name, {"search": search, "per_page": 2})
    assert few == many, "the number of queries grows with the page: an N+1 somewhere"


# --- Access ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["service", "organization", "taxonomy", "taxonomy-term", "service-at-location"])
def test_unknown_ids_answer_404(social_map, name):
    assert get(name, id=NO_ID).status_code == 404


def test_malformed_ids_answer_404():
    assert Client().get("/api/hsds/services/not-a-uuid").status_code == 404


@pytest.mark.parametrize("name", ["index", "services", "organizations", "taxonomies", "taxonomy-terms",
                                  "service-at-locations"])
def test_anyone_may_read_and_nobody_may_write(social_map, name):
    client = Client(enforce_csrf_checks=True)
    url = reverse(f"hsds:{name}")
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 405
    assert client.delete(url).status_code == 405


def test_details_refuse_writes_too(social_map):
    url = reverse("hsds:service", kwargs={"id": social_map.women.pk})
    assert Client().put(url, "{}", content_type="application/json").status_code == 405
    assert Client().patch(url, "{}", content_type="application/json").status_code == 405


def test_drf_spectacular_describes_the_api_without_warnings_or_errors():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=HSDS_PATTERNS).get_schema(request=None, public=True)
    assert "/api/hsds/services/{id}" in schema["paths"]
    assert not GENERATOR_STATS, "drf-spectacular warned or failed on the HSDS API"
    # And the whole of Keten's schema, with the HSDS API in it, still generates.
    assert "/api/hsds/services" in SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)["paths"]

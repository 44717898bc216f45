"""The ondergrens (minimum standard) monitor: the default standard finds the gaps of the demo social map, a norm
is met by a service that reaches the municipality (nearby, by its area, or nationally), the national functional
administrator alone keeps the norms (audited, never a silent overwrite), and the page, map data and export show
the same result to anyone.

Other tests add services to the same world, so norms that check exact outcomes use a combination of facets no
demo service has (help with return for perpetrators), and their services' names start with "TK "."""

import csv
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.demo.socialmap import CARE_COORDINATION_GAPS
from keten.regions.models import LayerKind, Municipality, Region
from keten.socialmap.models import (
    CriterionKind,
    Location,
    MinimumStandardCriterion,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceStatus,
    TaxonomyTerm,
)
from keten.socialmap.ondergrens import (
    Finding,
    MunicipalityResult,
    Status,
    evaluate_standard,
)
from keten.socialmap.selectors import coverage
from keten.socialmap.services import criterion_create, criterion_update
from keten.socialmap.taxonomy import AUDIENCE, SERVICE_TYPE
from keten.web.navigation import navigation_for

pytestmark = pytest.mark.django_db

DATA_MIGRATION = importlib.import_module("keten.socialmap.migrations.0002_minimum_standard")
AMSTERDAM, AMSTELVEEN, VLIELAND, MAASTRICHT = "GM0363", "GM0362", "GM0096", "GM0935"


@pytest.fixture
def standard(regions_loaded):
    """The default standard of the data migration (a browser test's flush empties the table, so it is put back
    the way the migration does)."""
    DATA_MIGRATION.add_default_standard(apps, None)
    return list(MinimumStandardCriterion.objects.filter(is_active=True))


@pytest.fixture
def national_admin(demo):
    membership = demo[Role.FUNCTIONAL_ADMIN]
    assert membership.is_national
    return Actor.of(membership)


@pytest.fixture
def regional_admin(demo, make_person):
    user, _password, _secret = make_person(Role.FUNCTIONAL_ADMIN, region=demo[Role.CARE_COORDINATOR].region)
    return Actor.of(user.memberships.get())


def _service(organization, name, *, areas=(), locations=(), status=ServiceStatus.ACTIVE):
    service = Service.objects.create(organization=organization, name=name, status=status)
    for code in areas:
        ServiceArea.objects.create(service=service, municipality_id=code)
    for location in locations:
        ServiceAtLocation.objects.create(service=service, location=location)
    for taxonomy, code in ((SERVICE_TYPE, "return"), (AUDIENCE, "perpetrator")):
        ServiceAttribute.objects.create(service=service,
                                        taxonomy_term=TaxonomyTerm.objects.get(taxonomy__name=taxonomy, code=code))
    return service


def _location(organization, code, latitude, longitude, **flags):
    return Location.objects.create(organization=organization, municipality_id=code, name=f"TK {code}",
                                   latitude=Decimal(latitude), longitude=Decimal(longitude), **flags)


@pytest.fixture
def return_norm(national_admin, regions_loaded):
    """A norm only this module's services meet: help with return for perpetrators within 10 km."""
    return criterion_create(actor=national_admin, label="TK Terugkeer voor daders binnen 10 km",
                            kind=CriterionKind.SERVICE_WITHIN_REACH, service_types=["return"],
                            audience="perpetrator", age=None, exploitation_form="", max_distance_km=10,
                            is_active=True, position=None)


def _finding(evaluation, code, criterion) -> Finding:
    municipality = evaluation.municipality(code)
    return next(f for f in municipality.findings if f.criterion.pk == criterion.pk)


def _municipalities_of(layer: LayerKind, code: str) -> set[str]:
    return set(Region.objects.get(layer__kind=layer, code=code).municipalities.values_list("code", flat=True))


# --- The default standard on the demo data --------------------------------------------------------------------


def test_the_default_standard_asks_what_the_issue_names(standard):
    assert [c.kind for c in standard].count(CriterionKind.CARE_COORDINATOR) == 1
    shelters = [c for c in standard if c.service_types == ["shelter"]]
    assert sorted(c.age for c in shelters) == [15, 18]
    assert {c.exploitation_form for c in standard if c.exploitation_form} == {"sexual", "labour", "criminal",
                                                                              "organ_removal"}
    assert any(c.audience == "perpetrator" and c.service_types == ["perpetrator_help"] for c in standard)
    assert all(c.max_distance_km == 50 for c in standard if c.kind == CriterionKind.SERVICE_WITHIN_REACH)


def test_the_demo_data_shows_gaps(standard):
    evaluation = evaluate_standard()
    assert evaluation.municipality_count == Municipality.objects.count() == 342
    assert len(evaluation.provinces) == 12
    assert evaluation.good_count > 0 and evaluation.gap_count > 0
    assert evaluation.good_count + evaluation.partial_count + evaluation.gap_count == 342
    # Some norm is missed somewhere besides the care coordinator.
    assert any(not f.met for m in evaluation.municipalities for f in m.findings
               if f.criterion.kind == CriterionKind.SERVICE_WITHIN_REACH)


def test_the_care_coordination_regions_without_a_coordinator_fail_that_norm(standard):
    evaluation = evaluate_standard()
    coordinator_norm = next(c for c in standard if c.kind == CriterionKind.CARE_COORDINATOR)
    without = set().union(*(_municipalities_of(LayerKind.CARE_COORDINATION, code) for code in CARE_COORDINATION_GAPS))
    assert without
    for code in without:
        assert not _finding(evaluation, code, coordinator_norm).met
        assert evaluation.municipality(code).status == Status.GAP
    # The norm agrees with the coverage page, municipality for municipality.
    uncovered = {m.code for province in coverage() for m in province.uncovered}
    missed = {m.code for m in evaluation.municipalities if not _finding(evaluation, m.code, coordinator_norm).met}
    assert missed == uncovered


def test_a_met_norm_names_the_nearest_service_and_its_distance(standard):
    evaluation = evaluate_standard()
    coordinator = _finding(evaluation, AMSTERDAM, next(c for c in standard if c.kind == CriterionKind.CARE_COORDINATOR))
    assert coordinator.met and coordinator.service_name.startswith("Zorgcoördinatie")
    assert coordinator.distance_km is not None
    assert coordinator.detail == f"{coordinator.service_name}, {round(coordinator.distance_km)} km"


# --- When a service reaches a municipality ------------------------------------------------------------------------


def test_a_service_reaches_by_distance_by_its_area_or_nationally(return_norm):
    organization = Organization.objects.create(name="TK Terugkeer", description="Test")
    dam = _location(organization, AMSTERDAM, "52.37300", "4.89300")
    _service(organization, "TK Terugkeer Amsterdam", areas=[MAASTRICHT], locations=[dam])
    evaluation = evaluate_standard()
    nearby = _finding(evaluation, AMSTERDAM, return_norm)
    assert nearby.met and nearby.service_name == "TK Terugkeer Amsterdam" and nearby.distance_km < 10
    assert _finding(evaluation, AMSTELVEEN, return_norm).met  # its centre lies within 10 km of the Dam
    by_area = _finding(evaluation, MAASTRICHT, return_norm)
    assert by_area.met and by_area.distance_km > 150  # reached through its area; the distance is still shown
    assert not _finding(evaluation, VLIELAND, return_norm).met

    _service(organization, "TK Terugkeer Landelijk")  # no area: the whole country
    assert _finding(evaluate_standard(), VLIELAND, return_norm).met


def test_inactive_services_and_secret_addresses_do_not_count(return_norm):
    organization = Organization.objects.create(name="TK Terugkeer Wadden", description="Test")
    island = _location(organization, VLIELAND, "53.29600", "5.07200")
    _service(organization, "TK Terugkeer Gesloten", areas=[MAASTRICHT], locations=[island],
             status=ServiceStatus.DEFUNCT)
    shelter = Organization.objects.create(name="TK Terugkeer Geheim", description="Test")
    secret = _location(shelter, VLIELAND, "53.29600", "5.07200", is_confidential=True)
    _service(shelter, "TK Terugkeer Geheim Huis", areas=[MAASTRICHT], locations=[secret])  # no intake point
    assert not _finding(evaluate_standard(), VLIELAND, return_norm).met


def test_a_changed_norm_changes_the_result(return_norm, national_admin):
    organization = Organization.objects.create(name="TK Terugkeer", description="Test")
    _service(organization, "TK Terugkeer Amsterdam", areas=[MAASTRICHT],
             locations=[_location(organization, AMSTERDAM, "52.37300", "4.89300")])
    assert not _finding(evaluate_standard(), VLIELAND, return_norm).met
    criterion_update(actor=national_admin, criterion=return_norm, expected_version=return_norm.version,
                     max_distance_km=150)
    assert _finding(evaluate_standard(), VLIELAND, return_norm).met
    criterion_update(actor=national_admin, criterion=return_norm, expected_version=return_norm.version,
                     is_active=False)
    assert return_norm.pk not in [c.pk for c in evaluate_standard().criteria]


@pytest.mark.parametrize(("coordinator", "others", "expected"), [
    (True, (True, True), Status.GOOD),
    (True, (True, False), Status.PARTIAL),
    (False, (True, True), Status.GAP),  # without a care coordinator nobody arranges the rest
    (None, (False, False), Status.GAP),  # a standard without the coordinator norm: nothing met
    (None, (True, False), Status.PARTIAL),
])
def test_the_status_of_a_municipality(coordinator, others, expected):
    findings = [Finding(criterion=MinimumStandardCriterion(label=f"Norm {n}", max_distance_km=50), met=met)
                for n, met in enumerate(others)]
    if coordinator is not None:
        findings.insert(0, Finding(criterion=MinimumStandardCriterion(
            label="Zorgcoördinator", kind=CriterionKind.CARE_COORDINATOR), met=coordinator))
    result = MunicipalityResult(code="GM0000", name="Testdorp", province_code="PV00", province_name="Test",
                                findings=tuple(findings))
    assert result.status == expected
    assert result.summary == f"Testdorp: {result.met_count} van {len(findings)} normen gehaald"


def test_without_norms_every_status_is_unknown(standard):
    MinimumStandardCriterion.objects.update(is_active=False)
    evaluation = evaluate_standard()
    assert evaluation.criteria == ()
    assert {m.status for m in evaluation.municipalities} == {Status.UNKNOWN}
    assert "Er zijn nog geen normen ingesteld" in Client().get("/sociale-kaart/ondergrens/").text


def test_the_evaluation_costs_a_fixed_number_of_queries(standard, return_norm, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        evaluate_standard()
    with django_assert_max_num_queries(8):
        assert Client().get("/sociale-kaart/ondergrens/").status_code == 200


# --- Keeping the norms ----------------------------------------------------------------------------------------


def test_the_national_admin_adds_a_norm_and_it_is_audited(return_norm):
    assert AuditEvent.objects.filter(object_type="socialmap.minimumstandardcriterion", object_id=str(return_norm.pk),
                                     action="create").count() == 1
    assert return_norm.position >= 10  # without a position, last


@pytest.mark.parametrize("who", ["regional_admin", "care_coordinator"])
def test_only_a_national_functional_admin_keeps_the_norms(who, request, demo, standard):
    actor = request.getfixturevalue(who) if who == "regional_admin" else Actor.of(demo[Role.CARE_COORDINATOR])
    criterion = standard[0]
    with pytest.raises(PermissionDenied):
        criterion_update(actor=actor, criterion=criterion, expected_version=criterion.version, label="Overgenomen")
    with pytest.raises(PermissionDenied):
        criterion_create(actor=actor, label="Eigen norm", kind=CriterionKind.CARE_COORDINATOR)
    assert MinimumStandardCriterion.objects.get(pk=criterion.pk).label == criterion.label
    assert not MinimumStandardCriterion.objects.filter(label="Eigen norm").exists()


def test_a_regional_admin_gets_no_page_and_no_menu_item(regional_admin, demo):
    client = Client()
    client.force_login(regional_admin.user)
    response = client.get(reverse("socialmap:ondergrens-criteria"))
    assert response.status_code == 403
    assert "alleen voor landelijke beheerders" in response.text
    assert "Ondergrens bijhouden" not in [str(item.label) for item in navigation_for(regional_admin.membership)]
    assert "Ondergrens bijhouden" in [str(item.label) for item in navigation_for(demo[Role.FUNCTIONAL_ADMIN])]


def test_a_stale_form_is_refused_and_changes_nothing(return_norm, national_admin):
    opened = return_norm.version
    criterion_update(actor=national_admin, criterion=return_norm, expected_version=opened, max_distance_km=20)
    stale = MinimumStandardCriterion.objects.get(pk=return_norm.pk)
    with pytest.raises(ConcurrentUpdate):
        criterion_update(actor=national_admin, criterion=stale, expected_version=opened, max_distance_km=99)
    assert MinimumStandardCriterion.objects.get(pk=return_norm.pk).max_distance_km == 20


@pytest.mark.parametrize(("values", "message"), [
    ({"label": "  "}, "Geef de norm een omschrijving."),
    ({"service_types": []}, "Kies ten minste één soort hulp."),
    ({"service_types": ["spaceship"]}, "Kies de soort hulp uit de lijst."),
    ({"audience": "aliens"}, "Kies voor wie de dienst is uit de lijst."),
    ({"max_distance_km": 0}, "Geef een afstand van 1 tot en met 300 km."),
    ({"max_distance_km": None}, "Geef een afstand van 1 tot en met 300 km."),
    ({"age": 130}, "De leeftijd ligt tussen 0 en 120 jaar."),
    ({"kind": "wish"}, "Kies de soort norm."),
])
def test_bad_input_is_refused_in_dutch_and_changes_nothing(values, message, return_norm, national_admin):
    before = MinimumStandardCriterion.objects.count()
    good = {"label": "TK Norm", "kind": CriterionKind.SERVICE_WITHIN_REACH, "service_types": ["shelter"],
            "audience": "victim", "max_distance_km": 50}
    with pytest.raises(ValidationFailed) as refused:
        criterion_create(actor=national_admin, **(good | values))
    assert str(refused.value.message) == message
    with pytest.raises(ValidationFailed):
        criterion_update(actor=national_admin, criterion=return_norm, expected_version=return_norm.version,
                         **values)
    assert MinimumStandardCriterion.objects.count() == before
    assert MinimumStandardCriterion.objects.get(pk=return_norm.pk).version == return_norm.version


def test_a_care_coordinator_norm_drops_the_service_facets(national_admin, regions_loaded):
    criterion = criterion_create(actor=national_admin, label="TK Zorgcoördinator", kind=CriterionKind.CARE_COORDINATOR,
                                 service_types=["shelter"], audience="victim", max_distance_km=5)
    assert (criterion.service_types, criterion.audience, criterion.max_distance_km) == ([], "", None)


def test_the_admin_pages_add_and_edit_a_norm(client_for, standard):
    client = client_for(Role.FUNCTIONAL_ADMIN)
    listing = client.get(reverse("socialmap:ondergrens-criteria"))
    assert listing.status_code == 200
    assert "Opvang voor minderjarigen binnen 50 km" in listing.text
    form = {"label": "TK Juridische hulp binnen 25 km", "kind": "service_within_reach", "service_types": ["legal_aid"],
            "audience": "victim", "exploitation_form": "", "age": "", "max_distance_km": "25", "position": "",
            "is_active": "on"}
    response = client.post(reverse("socialmap:ondergrens-criterion-create"), form)
    assert response.status_code == 302
    criterion = MinimumStandardCriterion.objects.get(label="TK Juridische hulp binnen 25 km")
    assert criterion.service_types == ["legal_aid"] and criterion.max_distance_km == 25 and criterion.is_active

    edit = reverse("socialmap:ondergrens-criterion-edit", args=[criterion.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, form | {"max_distance_km": "40", "version": criterion.version})
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.max_distance_km == 40
    # A second save with the version the form was opened with is refused, in Dutch.
    response = client.post(edit, form | {"max_distance_km": "10", "version": criterion.version - 1})
    assert "Iemand anders heeft dit gegeven intussen gewijzigd" in response.text
    assert MinimumStandardCriterion.objects.get(pk=criterion.pk).max_distance_km == 40


def test_the_admin_page_explains_bad_input(client_for, standard):
    client = client_for(Role.FUNCTIONAL_ADMIN)
    before = MinimumStandardCriterion.objects.count()
    response = client.post(reverse("socialmap:ondergrens-criterion-create"), {
        "label": "TK Zonder soort", "kind": "service_within_reach", "max_distance_km": "25"})
    assert response.status_code == 200
    assert "Kies ten minste één soort hulp." in response.text
    assert "<title>Fout:" in response.text
    assert MinimumStandardCriterion.objects.count() == before


# --- What anyone sees -----------------------------------------------------------------------------------------------


def test_the_page_shows_the_norms_the_provinces_and_the_gaps(standard):
    response = Client().get("/sociale-kaart/ondergrens/")
    assert response.status_code == 200
    page = response.text
    for shown in ("De normen", "Opvang voor minderjarigen binnen 50 km", "Per provincie", "Fryslân", "Limburg",
                  "Vlieland", "Amsterdam", 'id="gemeente-GM0363"', "Tekort", "/sociale-kaart/ondergrens/kaart.json",
                  "/sociale-kaart/ondergrens/export.csv"):
        assert shown in page
    assert '<th class="utrecht-table__header-cell" scope="col">Status</th>' in page


def test_the_province_filter_narrows_the_tables(standard):
    page = Client().get("/sociale-kaart/ondergrens/", {"provincie": "PV21"}).text
    assert 'id="gemeente-GM0096"' in page  # Vlieland, in Fryslân
    assert 'id="gemeente-GM0363"' not in page  # Amsterdam is not
    wrong = Client().get("/sociale-kaart/ondergrens/", {"provincie": "Atlantis"})
    assert wrong.status_code == 200
    assert "Kies een provincie uit de lijst." in wrong.text
    assert 'id="gemeente-GM0363"' in wrong.text and 'id="gemeente-GM0096"' in wrong.text


def test_the_map_data_colours_every_municipality(standard):
    data = Client().get("/sociale-kaart/ondergrens/kaart.json").json()
    assert [entry["status"] for entry in data["legend"]] == ["good", "partial", "gap"]
    assert len(data["municipalities"]) == 342
    assert {entry["status"] for entry in data["municipalities"].values()} <= {"good", "partial", "gap"}
    amsterdam = data["municipalities"][AMSTERDAM]
    assert amsterdam["label"].startswith("Amsterdam: ") and amsterdam["label"].endswith(" normen gehaald")
    assert amsterdam["url"] == "/sociale-kaart/ondergrens/?provincie=PV27#gemeente-GM0363"
    statuses = {m.code: m.status.value for m in evaluate_standard().municipalities}
    assert all(data["municipalities"][code]["status"] == status for code, status in statuses.items())


def test_the_export_opens_in_excel_with_a_row_per_municipality(standard, national_admin):
    criterion_create(actor=national_admin, label="=HYPERLINK(\"x\")", kind=CriterionKind.CARE_COORDINATOR)
    response = Client().get("/sociale-kaart/ondergrens/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ondergrens.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    header, data = rows[0], rows[1:]
    labels = [c.label for c in MinimumStandardCriterion.objects.filter(is_active=True)]
    assert header[:3] == ["CBS-code", "Gemeente", "Provincie"] and header[-1] == "Status"
    assert "'=HYPERLINK(\"x\")" in header  # never a formula in the spreadsheet
    assert len(header) == 3 + len(labels) + 1
    assert len(data) == 342
    vlieland = next(row for row in data if row[0] == VLIELAND)
    assert vlieland[1:3] == ["Vlieland", "Fryslân"]
    assert set(vlieland[3:-1]) <= {"ja", "nee"}
    assert vlieland[-1] in {"Voldoet", "Deels", "Tekort"}
    gaps = {code for province in CARE_COORDINATION_GAPS
            for code in _municipalities_of(LayerKind.CARE_COORDINATION, province)}
    assert all(row[-1] == "Tekort" for row in data if row[0] in gaps)

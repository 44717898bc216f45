"""Confidential shelter addresses: the region's care coordinator and CoMensha see them, audited; others do not."""

import pytest

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.models import AuditEvent
from keten.regions.models import Municipality
from keten.socialmap.confidential import confidential_address
from keten.socialmap.models import (
    Address,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    TaxonomyTerm,
)
from tests.security.support import reauthenticated

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter_location(demo):
    maintainer = Organisation.objects.get(type=OrganisationType.SHELTER, name__contains="Noord-Holland",
                                          is_demo=True)
    organization = Organization.objects.create(name="Testopvang Geheim (fictief)", description="Opvang.",
                                               maintainer=maintainer)
    location = Location.objects.create(organization=organization, municipality=Municipality.objects.get(
        code="GM0363"), is_confidential=True, latitude="52.37000", longitude="4.90000")
    Address.objects.create(location=location, address_1="Geheimstraat 1", city="Amsterdam",
                           state_province="Noord-Holland", postal_code="1011AA")
    return location


@pytest.fixture
def shelter_service(shelter_location):
    """A shelter at the confidential location, with a public intake point in the same city."""
    organization = shelter_location.organization
    intake = Location.objects.create(organization=organization, municipality=shelter_location.municipality,
                                     is_intake_point=True, name="Aanmeldpunt Testopvang", latitude="52.36000",
                                     longitude="4.88000")
    Address.objects.create(location=intake, address_1="Loketweg 2", city="Amsterdam", state_province="Noord-Holland",
                           postal_code="1012BB")
    service = Service.objects.create(organization=organization, name="TK Testopvang geheim (fictief)",
                                     description="Opvang.")
    ServiceAtLocation.objects.create(service=service, location=shelter_location)
    ServiceAttribute.objects.create(service=service, taxonomy_term=TaxonomyTerm.objects.get(
        taxonomy__name="keten-service-type", code="shelter_cosm"))
    return service



def _actor(demo, role):
    return Actor(user=demo[role].user, membership=demo[role])


@pytest.mark.parametrize(("role", "sees"), [
    (Role.CARE_COORDINATOR, True),       # Noord-Holland, the shelter's region
    (Role.REGISTRATION_OFFICER, True),   # CoMensha places in shelters nationwide
    (Role.CARE_WORKER, True),            # works at the shelter that keeps the entry
    (Role.VEILIG_THUIS_WORKER, False),   # Limburg
    (Role.TABLE_CHAIR, False),
    (Role.POLICE_INVESTIGATOR, False),
    (Role.NATIONAL_ANALYST, False),
])
def test_who_sees_a_confidential_address(demo, shelter_location, role, sees):
    seen = confidential_address(actor=_actor(demo, role), location=shelter_location)
    assert bool(seen.addresses) == sees
    assert ("Geheimstraat 1" in [a.address_1 for a in seen.addresses]) == sees
    events = AuditEvent.objects.filter(object_type="socialmap.location", object_id=str(shelter_location.pk))
    assert list(events.values_list("action", flat=True)) == ["read" if sees else "denied"]
    if not sees:
        assert "Geheimstraat" not in seen.decision.reason + seen.decision.advice


def _search(client):
    page = client.get("/sociale-kaart/", {"place": "1011", "radius": "5"})
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize(("role", "offered"), [
    (Role.CARE_COORDINATOR, True),        # Noord-Holland, the shelter's region
    (Role.REGISTRATION_OFFICER, True),    # CoMensha
    (Role.VEILIG_THUIS_WORKER, False),    # Limburg
    (Role.POLICE_INVESTIGATOR, False),
])
def test_search_offers_the_reveal_only_where_policy_allows(client_for, shelter_service, shelter_location, role,
                                                           offered):
    page = _search(client_for(role))
    assert "TK Testopvang geheim (fictief)" in page
    assert "Loketweg 2" in page  # everyone sees the intake point
    assert (f"/sociale-kaart/geheim-adres/{shelter_location.pk}/" in page) == offered
    assert "Geheimstraat" not in page  # the address itself only after asking
    # Offering the button is no read: nothing about the location is logged yet.
    assert not AuditEvent.objects.filter(object_id=str(shelter_location.pk)).exists()


def test_the_public_search_offers_no_reveal(client, shelter_service, shelter_location):
    page = _search(client)
    assert "geheim-adres" not in page and "Geheimstraat" not in page


def test_revealing_shows_the_address_once_audited(client_for, shelter_location):
    client = reauthenticated(client_for(Role.CARE_COORDINATOR))  # a secret address asks for the password again
    url = f"/sociale-kaart/geheim-adres/{shelter_location.pk}/"
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "Geheimstraat 1" in fragment.content.decode() and "<html" not in fragment.content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Geheimstraat 1" in page.content.decode()
    events = AuditEvent.objects.filter(object_type="socialmap.location", object_id=str(shelter_location.pk))
    assert list(events.values_list("action", flat=True)) == ["read", "read"]


def test_revealing_is_refused_and_logged_for_another_region(client_for, shelter_location):
    client = reauthenticated(client_for(Role.VEILIG_THUIS_WORKER))
    page = client.get(f"/sociale-kaart/geheim-adres/{shelter_location.pk}/")
    assert page.status_code == 403 and "Geheimstraat" not in page.content.decode()
    fragment = client.get(f"/sociale-kaart/geheim-adres/{shelter_location.pk}/", headers={"HX-Request": "true"})
    assert "Geheimstraat" not in fragment.content.decode()
    events = AuditEvent.objects.filter(object_type="socialmap.location", object_id=str(shelter_location.pk))
    assert list(events.values_list("action", flat=True)) == ["denied", "denied"]


def test_a_public_location_is_not_revealed_here(client_for, shelter_service):
    public = Location.objects.get(name="Aanmeldpunt Testopvang")
    client = reauthenticated(client_for(Role.CARE_COORDINATOR))
    assert client.get(f"/sociale-kaart/geheim-adres/{public.pk}/").status_code == 404


def test_without_login_the_reveal_asks_to_log_in(client, shelter_location):
    response = client.get(f"/sociale-kaart/geheim-adres/{shelter_location.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(object_id=str(shelter_location.pk)).exists()

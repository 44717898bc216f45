"""Confidential shelter addresses: the region's care coordinator and CoMensha see them, audited; others do not."""

import pytest

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.models import AuditEvent
from keten.regions.models import Municipality
from keten.socialmap.confidential import confidential_address
from keten.socialmap.models import Address, Location, Organization

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

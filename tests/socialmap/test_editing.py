"""Keeping the social map up to date: own services only (national admins all), never a silent overwrite,
a one-click "still right", and every change audited."""

import pytest
from django.test import Client
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.models import AuditEvent
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.socialmap.models import Organization, Service
from keten.socialmap.services import service_update, service_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter_org():
    return Organisation.objects.create(name="Testopvang Beheer (fictief)", type=OrganisationType.SHELTER)


@pytest.fixture
def service(shelter_org):
    organization = Organization.objects.create(name="Testopvang Kaart (fictief)", description="Opvang.",
                                               maintainer=shelter_org)
    return Service.objects.create(organization=organization, name="Testbedden (fictief)", capacity_unit="bed",
                                  capacity_total=10, capacity_available=2)


@pytest.fixture
def own_admin(shelter_org, make_person, demo):
    user, _password, _secret = make_person(Role.FUNCTIONAL_ADMIN, organisation=shelter_org,
                                           region=demo[Role.CARE_COORDINATOR].region)
    return Actor(user=user, membership=user.memberships.get())


def test_the_keeping_organisation_updates_capacity_and_it_counts_as_checked(service, own_admin):
    service_update(actor=own_admin, service=service, expected_version=service.version, capacity_available=4)
    service.refresh_from_db()
    assert service.capacity_available == 4 and service.capacity_updated_at is not None
    assert service.last_verified_by == own_admin.user and not service.is_stale
    assert AuditEvent.objects.filter(object_type="socialmap.service", object_id=str(service.pk),
                                     action="update").count() == 1


def test_another_organisations_admin_is_refused_and_a_national_admin_is_not(service, demo, make_person):
    other_org = demo[Role.CARE_COORDINATOR].organisation
    user, _password, _secret = make_person(Role.FUNCTIONAL_ADMIN, organisation=other_org,
                                           region=demo[Role.CARE_COORDINATOR].region)
    with pytest.raises(PermissionDenied):
        service_update(actor=Actor(user=user, membership=user.memberships.get()), service=service,
                       expected_version=service.version, name="Overgenomen")
    national = Actor(user=demo[Role.FUNCTIONAL_ADMIN].user, membership=demo[Role.FUNCTIONAL_ADMIN])
    service_update(actor=national, service=service, expected_version=service.version, name="Testbedden Noord")
    service.refresh_from_db()
    assert service.name == "Testbedden Noord"


def test_a_stale_form_is_refused_and_changes_nothing(service, own_admin):
    opened = service.version
    service_update(actor=own_admin, service=service, expected_version=opened, capacity_available=5)
    stale = Service.objects.get(pk=service.pk)
    with pytest.raises(ConcurrentUpdate):
        service_update(actor=own_admin, service=stale, expected_version=opened, capacity_available=0)
    assert Service.objects.get(pk=service.pk).capacity_available == 5


def test_more_free_places_than_places_is_refused(service, own_admin):
    with pytest.raises(ValidationFailed):
        service_update(actor=own_admin, service=service, expected_version=service.version, capacity_available=11,
                       capacity_total=10)


def test_still_right_in_one_click_through_the_page(service, own_admin):
    client = Client()
    client.force_login(own_admin.user)
    listing = client.get(reverse("socialmap_admin:service-list")).content.decode()
    assert "Testbedden (fictief)" in listing
    client.post(reverse("socialmap_admin:service-verify", args=[service.pk]), {"version": service.version})
    service.refresh_from_db()
    assert service.last_verified_at is not None and service.version == 2


def test_the_edit_page_explains_a_concurrent_change(service, own_admin):
    client = Client()
    client.force_login(own_admin.user)
    url = reverse("socialmap_admin:service-edit", args=[service.pk])
    form = client.get(url).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    service_verify(actor=own_admin, service=service, expected_version=service.version)  # someone else, meanwhile
    response = client.post(url, {**data, "name": "Mijn wijziging"})
    page = response.content.decode()
    assert response.status_code == 409 and "Iemand anders sloeg dit intussen op." in page
    service.refresh_from_db()
    assert service.name == "Testbedden (fictief)"
    # The typed name stays in the form, the stored one is shown above it, and saving again goes through.
    assert 'value="Mijn wijziging"' in page and "Wat nu is opgeslagen" in page and "Testbedden (fictief)" in page
    assert response.context["form"]["version"].value() == str(service.version)
    again = client.post(url, {**data, "name": "Mijn wijziging", "version": service.version})
    assert again.status_code == 302
    service.refresh_from_db()
    assert service.name == "Mijn wijziging"


def test_an_organisation_with_stale_entries_is_asked_to_check_them(service, own_admin, mailoutbox):
    from keten.socialmap.notifications import notify_stale_services

    notify_stale_services(base_url="https://keten.example")
    to_us = [m for m in mailoutbox if own_admin.user.email in m.to]
    assert len(to_us) == 1 and "Testbedden (fictief)" in to_us[0].body
    service_verify(actor=own_admin, service=service, expected_version=service.version)
    mailoutbox.clear()
    notify_stale_services(base_url="https://keten.example")
    assert not [m for m in mailoutbox if own_admin.user.email in m.to]

"""A functional administrator manages the people of their own organisation, and nobody else's."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from keten.accounts.models import Membership, Organisation, User
from keten.accounts.roles import OrganisationType, Role
from keten.regions.models import LayerKind, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional_org(demo):
    """A care provider in Limburg with its own functional administrator."""
    limburg = Region.objects.get(layer__kind=LayerKind.PROVINCE, code="PV31")
    organisation = Organisation.objects.create(name="Test Zorgaanbieder (fictief)", type=OrganisationType.CARE_PROVIDER)
    organisation.regions.add(limburg)
    return organisation, limburg


@pytest.fixture
def admin_client(regional_org, make_person):
    organisation, limburg = regional_org
    admin, _password, _secret = make_person(Role.FUNCTIONAL_ADMIN, organisation=organisation, region=limburg)
    client = Client()
    client.force_login(admin)
    return client, admin


def test_admin_invites_a_care_worker_who_gets_a_link_to_choose_a_password(admin_client, regional_org):
    client, _admin = admin_client
    organisation, limburg = regional_org
    response = client.post(reverse("accounts:user-invite"), {
        "email": "New.Worker@Example.invalid", "full_name": "A care worker",
        "role": Role.CARE_WORKER, "region": limburg.pk,
    })
    assert response.status_code == 302
    user = User.objects.get(email="new.worker@example.invalid")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, organisation=organisation, role=Role.CARE_WORKER,
                                     region=limburg, is_active=True).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.worker@example.invalid"]
    listing = client.get(reverse("accounts:user-list")).content.decode()
    assert "new.worker@example.invalid" in listing


def test_a_region_outside_the_organisations_area_is_refused_and_nothing_is_created(admin_client):
    client, _admin = admin_client
    noord_holland = Region.objects.get(layer__kind=LayerKind.PROVINCE, code="PV27")
    response = client.post(reverse("accounts:user-invite"), {
        "email": "elsewhere@example.invalid", "full_name": "A care worker",
        "role": Role.CARE_WORKER, "region": noord_holland.pk,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert not User.objects.filter(email="elsewhere@example.invalid").exists()


def test_admin_cannot_see_or_touch_people_of_another_organisation(admin_client, demo):
    client, _admin = admin_client
    outsider = demo[Role.CARE_COORDINATOR].user
    assert client.get(reverse("accounts:user-detail", args=[outsider.pk])).status_code == 404
    assert client.post(reverse("accounts:user-deactivate", args=[outsider.pk])).status_code == 404
    membership = demo[Role.CARE_COORDINATOR]
    assert client.post(reverse("accounts:membership-end", args=[membership.pk])).status_code == 404
    outsider.refresh_from_db()
    membership.refresh_from_db()
    assert outsider.is_active and membership.is_active
    assert outsider.email not in client.get(reverse("accounts:user-list")).content.decode()


def test_deactivating_a_user_ends_their_session_at_once(admin_client, regional_org, make_person):
    client, _admin = admin_client
    organisation, limburg = regional_org
    worker, _password, _secret = make_person(Role.CARE_WORKER, organisation=organisation, region=limburg)
    worker_client = Client()
    worker_client.force_login(worker)
    assert worker_client.get(reverse("web:home")).context["user"] == worker

    client.post(reverse("accounts:user-deactivate", args=[worker.pk]))

    worker.refresh_from_db()
    assert worker.is_active is False
    assert worker_client.get(reverse("web:home")).context["user"].is_authenticated is False


def test_a_person_with_a_role_elsewhere_keeps_that_role_when_one_organisation_lets_go(
        admin_client, regional_org, demo):
    client, _admin = admin_client
    organisation, limburg = regional_org
    elsewhere = demo[Role.PRIVACY_OFFICER]
    Membership.objects.create(user=elsewhere.user, organisation=organisation, role=Role.CARE_WORKER, region=limburg)
    client.post(reverse("accounts:user-deactivate", args=[elsewhere.user.pk]))
    elsewhere.user.refresh_from_db()
    elsewhere.refresh_from_db()
    assert elsewhere.user.is_active and elsewhere.is_active
    assert not Membership.objects.get(user=elsewhere.user, organisation=organisation).is_active


def test_an_ended_role_stops_counting_on_the_next_request(admin_client, regional_org, make_person):
    client, _admin = admin_client
    organisation, limburg = regional_org
    colleague, _password, _secret = make_person(Role.FUNCTIONAL_ADMIN, organisation=organisation, region=limburg)
    colleague_client = Client()
    colleague_client.force_login(colleague)
    assert colleague_client.get(reverse("accounts:user-list")).status_code == 200
    membership = colleague.memberships.get()
    client.post(reverse("accounts:membership-end", args=[membership.pk]))
    assert colleague_client.get(reverse("accounts:user-list")).status_code == 403


def test_admin_cannot_end_their_own_admin_role(admin_client):
    client, admin = admin_client
    own = admin.memberships.get()
    response = client.post(reverse("accounts:membership-end", args=[own.pk]), follow=True)
    own.refresh_from_db()
    assert own.is_active
    assert "eigen beheerdersrol" in response.content.decode()


def test_user_switches_between_their_own_memberships_only(demo, make_person, regional_org):
    organisation, limburg = regional_org
    user, _password, _secret = make_person(Role.CARE_WORKER, organisation=organisation, region=limburg)
    second = Membership.objects.create(user=user, organisation=organisation, role=Role.FUNCTIONAL_ADMIN,
                                       region=limburg)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:user-list")).status_code == 403
    client.post(reverse("accounts:membership-switch"), {"membership": second.pk, "next": "/beheer/gebruikers/"})
    assert client.get(reverse("accounts:user-list")).status_code == 200

    someone_elses = demo[Role.FUNCTIONAL_ADMIN]
    response = client.post(reverse("accounts:membership-switch"), {"membership": someone_elses.pk}, follow=True)
    assert "hoort niet bij uw account" in response.content.decode()
    assert client.get(reverse("web:home")).wsgi_request.membership == second


def test_switch_does_not_redirect_off_site(make_person, demo):
    user, _password, _secret = make_person(Role.CARE_WORKER)
    client = Client()
    client.force_login(user)
    response = client.post(reverse("accounts:membership-switch"), {
        "membership": user.memberships.get().pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("web:home")


def test_every_administrative_write_leaves_one_audit_event_per_record(admin_client, regional_org, make_person):
    from keten.audit.models import AuditEvent

    client, admin = admin_client
    organisation, limburg = regional_org
    client.post(reverse("accounts:user-invite"), {
        "email": "audited@example.invalid", "full_name": "A care worker", "role": Role.CARE_WORKER,
        "region": limburg.pk})
    user = User.objects.get(email="audited@example.invalid")
    membership = user.memberships.get()
    created = AuditEvent.objects.filter(actor=admin, action="create")
    assert set(created.values_list("object_type", "object_id")) == {
        ("accounts.user", str(user.pk)), ("accounts.membership", str(membership.pk))}
    client.post(reverse("accounts:user-deactivate", args=[user.pk]))
    assert AuditEvent.objects.filter(actor=admin, action="update", object_id=str(user.pk)).count() == 1


def _events_of(admin, request):
    """The response to the admin's one request and the audit events it left: (action, type, id, purpose)."""
    from keten.audit.models import AuditEvent

    before = set(AuditEvent.objects.filter(actor=admin).values_list("pk", flat=True))
    response = request()
    events = AuditEvent.objects.filter(actor=admin).exclude(pk__in=before)
    return response, sorted(events.values_list("action", "object_type", "object_id", "purpose"))


def test_reading_a_persons_page_leaves_one_read_of_that_person_for_administration(
        admin_client, regional_org, make_person):
    from keten.policy.purposes import Purpose

    client, admin = admin_client
    organisation, limburg = regional_org
    worker, _password, _secret = make_person(Role.CARE_WORKER, organisation=organisation, region=limburg)
    response, events = _events_of(admin, lambda: client.get(reverse("accounts:user-detail", args=[worker.pk])))
    assert response.status_code == 200 and worker.email in response.content.decode()
    assert events == [("read", "accounts.user", str(worker.pk), Purpose.ADMINISTRATION.value)]


def test_the_list_of_people_leaves_one_search_and_names_nobody_in_the_audit_log(
        admin_client, regional_org, make_person):
    from keten.policy.purposes import Purpose

    client, admin = admin_client
    organisation, limburg = regional_org
    make_person(Role.CARE_WORKER, organisation=organisation, region=limburg)
    make_person(Role.CARE_WORKER, organisation=organisation, region=limburg)
    response, events = _events_of(admin, lambda: client.get(reverse("accounts:user-list")))
    assert response.status_code == 200
    assert events == [("search", "accounts.user", "", Purpose.ADMINISTRATION.value)]


def test_adding_a_role_leaves_its_write_and_no_read_and_a_refused_one_the_read_of_the_page_shown(
        admin_client, regional_org, make_person):
    client, admin = admin_client
    organisation, limburg = regional_org
    worker, _password, _secret = make_person(Role.CARE_WORKER, organisation=organisation, region=limburg)
    url = reverse("accounts:user-detail", args=[worker.pk])
    response, events = _events_of(admin, lambda: client.post(url, {"role": Role.CARE_COORDINATOR,
                                                                   "region": limburg.pk}))
    assert response.status_code == 302
    added = worker.memberships.get(role=Role.CARE_COORDINATOR)
    assert [event[:3] for event in events] == [("create", "accounts.membership", str(added.pk))]
    # The same role again is refused: the page is shown once more with the person on it, so it is a read.
    response, events = _events_of(admin, lambda: client.post(url, {"role": Role.CARE_COORDINATOR,
                                                                   "region": limburg.pk}))
    assert response.status_code == 200 and "heeft deze rol in deze regio al" in response.content.decode()
    assert [event[:3] for event in events] == [("read", "accounts.user", str(worker.pk))]


def test_a_person_of_another_organisation_is_not_found_and_no_read_is_recorded(admin_client, demo):
    client, admin = admin_client
    outsider = demo[Role.CARE_COORDINATOR].user
    response, events = _events_of(admin, lambda: client.get(reverse("accounts:user-detail", args=[outsider.pk])))
    assert response.status_code == 404
    assert events == []


def test_the_read_seam_refuses_to_record_a_write():
    from keten.core.events import record_read

    with pytest.raises(ValueError, match="reads only"):
        record_read(actor=None, action="update", object_type="accounts.user")

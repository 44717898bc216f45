"""CoMensha's registration tasks: a routing rule opens one for a signal an investigative service reports, the
demo has some, and only CoMensha's registration officers see and complete them (once, with a stale version refused)."""

from datetime import date

import pytest
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.models import AuditEvent
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.intake.models import RegistrationTask, RoutingRule
from keten.intake.services import registration_task_complete, rule_create, signal_register
from keten.regions.selectors import municipality_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_signal(demo, admin):
    """A signal the police registers under a rule that asks CoMensha to register it."""
    RoutingRule.objects.update(is_active=False)
    rule_create(actor=admin, name="Opsporing", position=10, reporter_types=[OrganisationType.POLICE_AVIM],
                actions=["comensha_registration"])
    return signal_register(actor=Actor.of(demo[Role.POLICE_INVESTIGATOR]), observed_on=date(2026, 1, 5),
                           municipality=municipality_by_code("GM0363"), forms=["sexual"], urgency="normal",
                           basis="avg_10_wpg")


def _task(signal) -> RegistrationTask:
    return RegistrationTask.objects.get(signal=signal)


def test_the_rule_opens_a_task_for_comensha_and_shares_the_signal(demo, police_signal):
    task = _task(police_signal)
    assert task.is_open and task.organisation.type == OrganisationType.COMENSHA
    assert task.organisation in task.routing.shared_with.all()


def test_the_demo_has_open_tasks_from_routed_demo_signals(demo):
    assert RegistrationTask.objects.filter(signal__reporter_organisation__is_demo=True, completed_at=None).exists()


def test_the_officer_sees_the_task_and_completes_it_through_the_page(demo, police_signal, client_for):
    client, task = client_for(Role.REGISTRATION_OFFICER), _task(police_signal)
    page = client.get(reverse("intake:registration-task-list")).content.decode()
    assert police_signal.reference in page and "Taak afronden" in page
    response = client.post(reverse("intake:registration-task-complete", args=[task.pk]),
                           {f"{task.pk}-version": task.version, f"{task.pk}-outcome": "registered"}, follow=True)
    assert f"Taak voor signaal {police_signal.reference} afgerond." in response.content.decode()
    task.refresh_from_db()
    assert task.outcome == "registered" and task.completed_by == demo[Role.REGISTRATION_OFFICER]
    signal_page = client_for(Role.POLICE_INVESTIGATOR).get(reverse("intake:signal-detail", args=[police_signal.pk]))
    assert "Registratietaak voor Demo Landelijk Registratiecentrum" in signal_page.content.decode()
    assert "Geregistreerd bij CoMensha" in signal_page.content.decode()
    assert AuditEvent.objects.filter(object_type="intake.registrationtask", object_id=str(task.pk),
                                     action="update").count() == 1


def test_not_registrable_needs_a_reason_and_keeps_the_task_open(demo, police_signal, client_for):
    task = _task(police_signal)
    response = client_for(Role.REGISTRATION_OFFICER).post(
        reverse("intake:registration-task-complete", args=[task.pk]),
        {f"{task.pk}-version": task.version, f"{task.pk}-outcome": "not_registrable"})
    assert response.status_code == 400
    assert "Licht toe waarom niet geregistreerd kan worden." in response.content.decode()
    task.refresh_from_db()
    assert task.is_open


def test_a_stale_version_is_refused_with_a_clear_message(demo, police_signal, client_for):
    task = _task(police_signal)
    registration_task_complete(actor=Actor.of(demo[Role.REGISTRATION_OFFICER]), task=_task(police_signal),
                               outcome="registered", note="", expected_version=task.version)
    with pytest.raises(ValidationFailed, match="al afgerond"):
        registration_task_complete(actor=Actor.of(demo[Role.REGISTRATION_OFFICER]), task=_task(police_signal),
                                   outcome="already_registered", note="", expected_version=task.version)
    with pytest.raises(ConcurrentUpdate):
        registration_task_complete(actor=Actor.of(demo[Role.REGISTRATION_OFFICER]), task=task,
                                   outcome="already_registered", note="", expected_version=task.version)


def test_another_organisations_officer_neither_sees_nor_completes_it(demo, police_signal, make_person, client_for):
    other = Organisation.objects.create(name="Tweede registratiecentrum (fictief)", type=OrganisationType.COMENSHA)
    user, *_rest = make_person(Role.REGISTRATION_OFFICER, organisation=other)
    task = _task(police_signal)
    with pytest.raises(PermissionDenied):
        registration_task_complete(actor=Actor.of(user.memberships.get()), task=task, outcome="registered",
                                   note="", expected_version=task.version)
    client = client_for(Role.REGISTRATION_OFFICER)
    client.force_login(user)
    assert police_signal.reference not in client.get(reverse("intake:registration-task-list")).content.decode()
    response = client.post(reverse("intake:registration-task-complete", args=[task.pk]),
                           {f"{task.pk}-version": task.version, f"{task.pk}-outcome": "registered"})
    assert response.status_code == 404

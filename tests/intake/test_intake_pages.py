"""The professional's signal pages: registering through the form (errors next to the field, what was typed kept,
nothing stored on a failed submit), the lists and one signal as policy scopes them, and the workflow's steps as
small forms, refused with the reason and on a stale version."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.clock import now
from keten.intake.models import Signal
from keten.intake.services import signal_register
from keten.regions.selectors import municipality_by_code

pytestmark = pytest.mark.django_db

VALID = {"municipality": "Amsterdam", "observed_on": "2026-01-05", "forms": ["labour"], "urgency": "normal",
         "basis": "wmo", "indicators": ["ILO-07"], "description": "Arbeiders slapen in een loods.",
         "gegeven-1-kind": "phone", "gegeven-1-value": "06 10000 904",
         "persoon-1-role": "presumed_victim", "persoon-1-minor": "yes", "persoon-1-estimated_age": "16"}


def _signal(demo, role=Role.CARE_COORDINATOR, code="GM0363", **values):
    return signal_register(actor=Actor.of(demo[role]), observed_on=date(2026, 1, 5),
                           municipality=municipality_by_code(code), forms=["labour"], urgency="normal",
                           basis="wmo", **values)


def test_a_clean_submit_stores_one_signal_with_its_audit_event_and_shows_it(client_for):
    client = client_for(Role.CARE_COORDINATOR)
    existing = list(Signal.objects.values_list("pk", flat=True))
    response = client.post(reverse("intake:signal-create"), VALID, follow=True)
    signal = Signal.objects.exclude(pk__in=existing).get()
    assert response.redirect_chain[-1][0] == reverse("intake:signal-detail", args=[signal.pk])
    page = response.content.decode()
    assert f"Signaal {signal.reference} is geregistreerd." in page
    assert signal.indicators.get().text_nl in page
    assert signal.people.get().is_minor is True
    assert signal.entity_links.get().entity.value == "+31610000904"
    created = AuditEvent.objects.filter(object_type="intake.signal", object_id=str(signal.pk), action="create")
    assert created.count() == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"municipality": "Nergenshuizen"}, "municipality", "We vinden geen gemeente"),
    ({"observed_on": "2999-01-01"}, "observed_on", "niet in de toekomst"),
    ({"forms": ["unknown", "labour"]}, "forms", "‘onbekend’ alleen"),
    ({"gegeven-1-value": "06 123"}, "gegeven-1-value", "Dit is geen geldig telefoonnummer"),
    ({"persoon-1-estimated_age": "30"}, "persoon-1-estimated_age", "spreken elkaar tegen"),
])
def test_a_failed_submit_shows_the_error_next_to_the_field_keeps_the_input_and_stores_nothing(
        client_for, changes, field, message):
    before = (Signal.objects.count(), AuditEvent.objects.filter(action="create").count())
    response = client_for(Role.CARE_COORDINATOR).post(reverse("intake:signal-create"), VALID | changes)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in page and message in page
    assert "Arbeiders slapen in een loods." in page and 'value="ILO-07" id="indicator-ILO-07" checked' in page
    assert (Signal.objects.count(), AuditEvent.objects.filter(action="create").count()) == before


def test_choosing_acute_shows_112_on_the_page(client_for):
    page = client_for(Role.CARE_COORDINATOR).get(reverse("intake:signal-create")).content.decode()
    assert 'data-acute-route hidden' in page and 'href="tel:112"' in page
    page = client_for(Role.CARE_COORDINATOR).post(reverse("intake:signal-create"),
                                                  VALID | {"urgency": "acute", "municipality": ""}).content.decode()
    assert 'data-acute-route>' in page


@pytest.mark.parametrize("role", [Role.MUNICIPALITY_OFFICER, Role.NATIONAL_ANALYST, Role.FUNCTIONAL_ADMIN,
                                  Role.PRIVACY_OFFICER])
def test_roles_that_do_not_report_get_the_refusal_page(client_for, role):
    before = Signal.objects.count()
    response = client_for(role).post(reverse("intake:signal-create"), VALID)
    assert response.status_code == 403 and Signal.objects.count() == before


def test_the_list_shows_what_policy_lets_each_role_see(demo, client_for):
    # Noord-Holland's police reports in Amsterdam; Limburg's Veilig Thuis in Maastricht.
    amsterdam = _signal(demo, role=Role.POLICE_INVESTIGATOR)
    maastricht = _signal(demo, role=Role.VEILIG_THUIS_WORKER, code="GM0935")
    coordinator = client_for(Role.CARE_COORDINATOR)  # Noord-Holland: its region, not Limburg
    listed = coordinator.get(reverse("intake:signal-list")).content.decode()
    assert amsterdam.reference in listed and maastricht.reference not in listed
    assert coordinator.get(reverse("intake:signal-detail", args=[amsterdam.pk])).status_code == 200
    assert coordinator.get(reverse("intake:signal-detail", args=[maastricht.pk])).status_code == 404
    assert AuditEvent.objects.filter(object_type="intake.signal", object_id=str(amsterdam.pk),
                                     action="read").count() == 1
    # A care worker sees only their own organisation's signals.
    worker = client_for(Role.CARE_WORKER)
    assert amsterdam.reference not in worker.get(reverse("intake:signal-list")).content.decode()
    assert worker.get(reverse("intake:signal-detail", args=[amsterdam.pk])).status_code == 404


def test_the_list_filters_by_status_and_urgency_within_what_is_visible(demo, client_for):
    normal = _signal(demo)
    acute = signal_register(actor=Actor.of(demo[Role.CARE_COORDINATOR]), observed_on=date(2026, 1, 5),
                            municipality=municipality_by_code("GM0363"), forms=["sexual"], urgency="acute",
                            basis="wmo")
    page = client_for(Role.CARE_COORDINATOR).get(reverse("intake:signal-list"), {"urgency": "acute"}).content.decode()
    assert acute.reference in page and normal.reference not in page
    page = client_for(Role.CARE_COORDINATOR).get(reverse("intake:signal-list"), {"status": "triage"}).content.decode()
    assert acute.reference not in page


def test_an_overdue_signal_is_marked_and_listed_in_the_overdue_view(demo, client_for):
    signal = _signal(demo)
    Signal.objects.filter(pk=signal.pk).update(triage_due_at=now() - timedelta(days=30))
    client = client_for(Role.CARE_COORDINATOR)
    assert "te laat" in client.get(reverse("intake:signal-list")).content.decode()
    assert signal.reference in client.get(reverse("intake:signal-overdue")).content.decode()
    fresh = _signal(demo)
    assert fresh.reference not in client.get(reverse("intake:signal-overdue")).content.decode()


def _step(client, signal, target, version, **extra):
    data = {"to_status": target, f"{target}-version": version, **{f"{target}-{k}": v for k, v in extra.items()}}
    return client.post(reverse("intake:signal-transition", args=[signal.pk]), data)


def test_triage_takes_a_signal_to_triage_and_the_history_shows_it(demo, client_for):
    signal = _signal(demo)
    client = client_for(Role.CARE_COORDINATOR)
    assert "Naar ‘In triage’" in client.get(reverse("intake:signal-detail", args=[signal.pk])).content.decode()
    response = _step(client, signal, "triage", signal.version)
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == "triage" and signal.transitions.count() == 2
    page = client.get(reverse("intake:signal-detail", args=[signal.pk])).content.decode()
    assert "staat nu op ‘In triage’" in page


def test_a_stale_version_is_refused_with_a_clear_message_and_changes_nothing(demo, client_for):
    signal = _signal(demo)
    client = client_for(Role.CARE_COORDINATOR)
    stale = signal.version
    assert _step(client, signal, "triage", stale).status_code == 302
    response = _step(client, signal, "closed", stale, close_reason="duplicate")
    assert response.status_code == 409
    assert "Iemand anders sloeg dit intussen op." in response.content.decode()
    signal.refresh_from_db()
    assert signal.status == "triage" and signal.transitions.count() == 2


def test_closing_without_a_reason_is_refused_and_a_step_not_offered_is_refused(demo, client_for):
    signal = _signal(demo)
    client = client_for(Role.CARE_COORDINATOR)
    response = _step(client, signal, "closed", signal.version)
    assert response.status_code == 400 and "Kies een reden om het signaal af te sluiten." in response.content.decode()
    response = _step(client, signal, "referred", signal.version, referred_to="police_avim")
    assert response.status_code == 400 and "kan niet naar" in response.content.decode()
    # A table member reads the signal but is not the region's triage.
    member = client_for(Role.TABLE_MEMBER)
    if member.get(reverse("intake:signal-detail", args=[signal.pk])).status_code == 200:
        assert _step(member, signal, "triage", signal.version).status_code == 403
    signal.refresh_from_db()
    assert signal.status == "new" and signal.transitions.count() == 1


def _victim_with_consent(demo):
    from keten.identity.services import consent_record, subject_register
    from keten.policy.models import ConsentGiver, ConsentScope

    coordinator = Actor.of(demo[Role.CARE_COORDINATOR])
    victim = subject_register(actor=coordinator, municipality=municipality_by_code("GM0363"),
                              attributes=[("name", "Testpersoon Fictief"), ("date_of_birth", "1990")])
    consent = consent_record(actor=coordinator, subject=victim, scope=ConsentScope.CARE_REFERRAL,
                             giver=ConsentGiver.PERSON, given_on=date.today())
    return victim, consent


def test_reporting_on_consent_through_the_page_uses_the_known_persons_consent(demo, client_for):
    victim, consent = _victim_with_consent(demo)
    existing = set(Signal.objects.values_list("pk", flat=True))
    response = client_for(Role.CARE_COORDINATOR).post(reverse("intake:signal-create"), VALID | {
        "basis": "consent", "known_person": victim.public_id.lower()}, follow=True)
    assert response.status_code == 200
    signal = Signal.objects.exclude(pk__in=existing).get()
    assert signal.consent == consent
    assert signal.people.get(role="presumed_victim", subject__isnull=False).subject == victim


def test_consent_without_a_known_person_or_with_one_out_of_reach_is_refused_next_to_the_field(demo, client_for):
    victim, _consent = _victim_with_consent(demo)
    client, before = client_for(Role.VEILIG_THUIS_WORKER), Signal.objects.count()  # Limburg: cannot see the person
    page = client.post(reverse("intake:signal-create"), VALID | {"basis": "meldcode",
                                                                 "known_person": victim.public_id}).content.decode()
    assert 'id="id_known_person_error"' in page and "U kunt geen persoon met dit kenmerk zien" in page
    page = client_for(Role.CARE_COORDINATOR).post(reverse("intake:signal-create"),
                                                  VALID | {"basis": "consent"}).content.decode()
    assert 'id="id_basis_error"' in page and "vastgelegde toestemming van het vermoedelijke slachtoffer" in page
    assert Signal.objects.count() == before

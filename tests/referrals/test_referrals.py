"""Referrals to the care coordinator: who receives one for any municipality (or the national fall-back), what
the coordinator sees with and without consent, acknowledge / accept / decline / transfer with one holder at every
moment (a property test), the acknowledge deadlines across weekends and holidays, and escalation when nobody
acknowledges in time."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.models import AuditEvent
from keten.core.clock import now
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.identity.services import consent_record, subject_register
from keten.notifications.models import Notification
from keten.policy.models import ConsentGiver, ConsentScope, Share
from keten.referrals import services
from keten.referrals.models import Referral, ReferralStatus
from keten.referrals.selectors import referral_for, referral_view
from keten.regions.models import LayerKind, Municipality, Region
from keten.regions.selectors import municipality_by_code

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Europe/Amsterdam")


def _refer(demo, role=Role.CARE_WORKER, code="GM0363", **values):
    values = {"forms": ["labour"], "urgency": "normal", "contact": "06 10000 999 (werk)"} | values
    return services.referral_create(actor=Actor.of(demo[role]), municipality=municipality_by_code(code), **values)


@pytest.fixture
def second_coordination(demo, make_person):
    """A care coordination in Limburg besides the demo's in Noord-Holland, with one coordinator."""
    organisation = Organisation.objects.create(name="Zorgcoördinatie Limburg (fictief)",
                                               type=OrganisationType.CARE_PROVIDER)
    limburg = Region.objects.get(layer__kind=LayerKind.PROVINCE, code="PV31")
    user, *_rest = make_person(Role.CARE_COORDINATOR, organisation=organisation, region=limburg)
    return Actor.of(user.memberships.get())


# --- Who receives it ----------------------------------------------------------------------------------------------


def test_every_municipality_has_someone_to_refer_to(demo):
    coordinator = demo[Role.CARE_COORDINATOR]
    covered = set(coordinator.region.municipalities.values_list("code", flat=True))
    for municipality in Municipality.objects.all():
        coordination = services.coordination_for(municipality)
        if municipality.code in covered:
            assert coordination == services.Coordination([coordinator.organisation], is_fallback=False)
        else:
            assert coordination.is_fallback
            assert [o.type for o in coordination.organisations] == [OrganisationType.COMENSHA]


def test_a_referral_goes_to_the_places_coordinator_who_is_told_and_may_read_it(demo):
    referral = _refer(demo, situation="Slaapt sinds gisteren in de auto.")
    coordinator = Actor.of(demo[Role.CARE_COORDINATOR])
    assert referral.coordinator == coordinator.organisation and not referral.is_fallback
    assert Share.objects.of_record(referral).get().organisation == coordinator.organisation
    assert Notification.objects.filter(recipient=coordinator.membership, key__contains=referral.pk.hex).exists()
    seen = referral_view(actor=coordinator, purpose="care_coordination",
                         referral=referral_for(actor=coordinator, referral_id=referral.pk,
                                               purpose="care_coordination"))
    assert seen.situation == "Slaapt sinds gisteren in de auto."
    assert AuditEvent.objects.filter(object_id=str(referral.pk), action="create").count() == 1


def test_without_a_coordinator_in_the_region_comensha_receives_it(demo):
    referral = _refer(demo, role=Role.VEILIG_THUIS_WORKER, code="GM0935")  # Maastricht: no coordinator in demo
    assert referral.is_fallback and referral.coordinator.type == OrganisationType.COMENSHA
    officer = Actor.of(demo[Role.REGISTRATION_OFFICER])
    assert referral_for(actor=officer, referral_id=referral.pk, purpose="registration") is not None


# --- Consent ------------------------------------------------------------------------------------------------------


def _person(demo, *, consent_scope=None):
    worker = Actor.of(demo[Role.CARE_WORKER])
    subject = subject_register(actor=worker, municipality=municipality_by_code("GM0363"),
                               attributes=[("name", "Testpersoon Fictief"), ("date_of_birth", "1990")])
    if consent_scope:
        consent_record(actor=worker, subject=subject, scope=consent_scope, giver=ConsentGiver.PERSON,
                       given_on=date.today())
    return subject


def _seen_by_coordinator(demo, referral):
    coordinator = Actor.of(demo[Role.CARE_COORDINATOR])
    found = referral_for(actor=coordinator, referral_id=referral.pk, purpose="care_coordination")
    return referral_view(actor=coordinator, referral=found, purpose="care_coordination")


def test_with_consent_for_the_referral_the_coordinator_sees_who_it_is(demo):
    referral = _refer(demo, subject=_person(demo, consent_scope=ConsentScope.CARE_REFERRAL))
    assert referral.consent is not None and _seen_by_coordinator(demo, referral).person_shown


@pytest.mark.parametrize("scope", [None, ConsentScope.COMENSHA_REGISTRATION])
def test_without_consent_for_the_referral_only_the_anonymous_part_arrives(demo, scope):
    referral = _refer(demo, subject=_person(demo, consent_scope=scope))
    assert referral.consent is None and not _seen_by_coordinator(demo, referral).person_shown
    assert "Zonder toestemming" in referral.steps.get().note


# --- The coordinator's steps --------------------------------------------------------------------------------------


def test_acknowledge_then_accept_and_the_referrer_is_told(demo):
    referral = _refer(demo)
    coordinator = Actor.of(demo[Role.CARE_COORDINATOR])
    services.referral_acknowledge(actor=coordinator, referral=referral, expected_version=referral.version)
    services.referral_accept(actor=coordinator, referral=referral, expected_version=referral.version)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
    assert [s.action for s in referral.steps.all()] == ["sent", "acknowledged", "accepted"]
    assert Notification.objects.filter(recipient=demo[Role.CARE_WORKER], key__endswith=":accepted").exists()


def test_declining_needs_a_reason_and_a_stale_version_is_refused(demo):
    referral = _refer(demo)
    coordinator = Actor.of(demo[Role.CARE_COORDINATOR])
    with pytest.raises(ValidationFailed, match="reden"):
        services.referral_decline(actor=coordinator, referral=referral, reason="", note="",
                                  expected_version=referral.version)
    stale = Referral.objects.get(pk=referral.pk)
    services.referral_acknowledge(actor=coordinator, referral=referral, expected_version=referral.version)
    with pytest.raises(ConcurrentUpdate):
        services.referral_decline(actor=coordinator, referral=stale, reason="person_declines", note="",
                                  expected_version=stale.version)


def test_only_the_holding_coordination_takes_steps(demo, second_coordination):
    referral = _refer(demo)
    for actor in (Actor.of(demo[Role.CARE_WORKER]), second_coordination):
        with pytest.raises(PermissionDenied):
            services.referral_accept(actor=actor, referral=referral, expected_version=referral.version)


def test_a_transfer_keeps_the_sender_responsible_until_the_receiver_accepts(demo, second_coordination):
    referral = _refer(demo)
    sender = Actor.of(demo[Role.CARE_COORDINATOR])
    services.referral_transfer(actor=sender, referral=referral, to=second_coordination.organisation, note="",
                               expected_version=referral.version)
    assert referral.coordinator == sender.organisation and referral.transfer_to == second_coordination.organisation
    with pytest.raises(ValidationFailed):  # the sender cannot accept it while the transfer is asked
        services.referral_accept(actor=sender, referral=referral, expected_version=referral.version)
    services.referral_take_over(actor=second_coordination, referral=referral, expected_version=referral.version)
    assert referral.coordinator == second_coordination.organisation and referral.transfer_to is None
    services.referral_accept(actor=second_coordination, referral=referral, expected_version=referral.version)


STEPS = st.lists(st.sampled_from(["acknowledge", "accept", "decline", "transfer", "take_over"]), max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, by_second=st.lists(st.booleans(), min_size=8, max_size=8))
def test_a_referral_has_exactly_one_holder_after_every_sequence_of_steps(demo, second_coordination, steps, by_second):
    referral = _refer(demo)
    first = Actor.of(demo[Role.CARE_COORDINATOR])
    for step, second in zip(steps, by_second, strict=False):
        actor = second_coordination if second else first
        other = first if second else second_coordination
        before = (referral.coordinator_id, referral.transfer_to_id)
        try:
            if step == "transfer":
                services.referral_transfer(actor=actor, referral=referral, to=other.organisation, note="",
                                           expected_version=referral.version)
            elif step == "decline":
                services.referral_decline(actor=actor, referral=referral, reason="other_region", note="",
                                          expected_version=referral.version)
            else:
                getattr(services, f"referral_{step}")(actor=actor, referral=referral,
                                                      expected_version=referral.version)
        except (PermissionDenied, ValidationFailed):
            referral = Referral.objects.get(pk=referral.pk)
            assert (referral.coordinator_id, referral.transfer_to_id) == before  # a refused step changes nothing
        stored = Referral.objects.get(pk=referral.pk)
        assert stored.coordinator_id is not None
        assert stored.transfer_to_id != stored.coordinator_id
        assert stored.transfer_to_id is None or stored.status in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED)


# --- Deadlines and escalation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sent", "urgency", "due"), [
    (datetime(2026, 4, 24, 16, 0, tzinfo=ZONE), "normal", datetime(2026, 4, 28, 16, 0, tzinfo=ZONE)),  # King's Day
    (datetime(2026, 12, 24, 9, 0, tzinfo=ZONE), "normal", datetime(2026, 12, 28, 9, 0, tzinfo=ZONE)),  # Christmas
    (datetime(2026, 4, 25, 22, 0, tzinfo=ZONE), "acute", datetime(2026, 4, 25, 23, 59, 59, tzinfo=ZONE)),  # same day
])
def test_acknowledge_deadlines(sent, urgency, due):
    assert services.acknowledge_due_at(sent, urgency) == due


def test_an_unacknowledged_referral_is_escalated_to_comensha_once(demo):
    Referral.objects.update(escalated_at=now())  # the demo's own waiting referrals are not this test's
    referral = _refer(demo)
    assert services.escalate_overdue(at=now()) == 0
    later = referral.acknowledge_due_at + timedelta(minutes=1)
    assert services.escalate_overdue(at=later) == 1
    assert services.escalate_overdue(at=later + timedelta(hours=1)) == 0
    referral.refresh_from_db()
    assert referral.escalated_at == later and referral.coordinator == demo[Role.CARE_COORDINATOR].organisation
    comensha = demo[Role.REGISTRATION_OFFICER]
    assert Share.objects.of_record(referral).filter(organisation=comensha.organisation).exists()
    assert Notification.objects.filter(recipient=comensha, key=f"referral:{referral.pk.hex}:escalated").count() == 1


def test_for_a_child_under_16_only_a_parents_consent_lets_the_coordinator_see_who_it_is(demo):
    worker = Actor.of(demo[Role.CARE_WORKER])
    child = subject_register(actor=worker, municipality=municipality_by_code("GM0363"),
                             attributes=[("name", "Testpersoon Kind"), ("date_of_birth", str(date.today().year - 14))])
    with pytest.raises(ValidationFailed):  # the privacy core: under 16, a parent or guardian consents
        consent_record(actor=worker, subject=child, scope=ConsentScope.CARE_REFERRAL, giver=ConsentGiver.PERSON,
                       given_on=date.today())
    consent_record(actor=worker, subject=child, scope=ConsentScope.CARE_REFERRAL,
                   giver=ConsentGiver.PARENT_GUARDIAN, given_on=date.today())
    referral = _refer(demo, subject=child)
    assert referral.consent.giver == ConsentGiver.PARENT_GUARDIAN and _seen_by_coordinator(demo, referral).person_shown

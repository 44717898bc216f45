"""Draft referrals (issue 7: a table decision for a care trajectory): held by the referring organisation alone,
invisible to the coordinator until one of its people completes and sends it; sending shares, notifies, writes the
step and starts the deadline; no coordinator step, trajectory or escalation touches a draft."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.clock import now
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.notifications.models import Notification
from keten.policy.models import Share
from keten.referrals import services
from keten.referrals.models import Referral, ReferralStatus
from keten.referrals.selectors import referral_for, referrals_visible
from keten.regions.selectors import municipality_by_code
from keten.trajectories.models import Trajectory
from keten.trajectories.services import trajectory_start

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Europe/Amsterdam")
SEND = {"contact": "06 10000 997 (werk)", "urgency": "normal", "needs": ["shelter_tonight"],
        "situation": "Besproken aan de Signaaltafel: opvang nodig."}


def _draft(demo, role=Role.TABLE_CHAIR) -> Referral:
    return services.referral_draft(actor=Actor.of(demo[role]), municipality=municipality_by_code("GM0363"),
                                   forms=["labour"], situation="Uit het dossier van de Signaaltafel.")


def _send(demo, referral, role=Role.TABLE_CHAIR, **values) -> Referral:
    values = {**SEND, "expected_version": referral.version} | values
    return services.referral_send(actor=Actor.of(demo[role]), referral=referral, **values)


def _seen_by(actor: Actor, referral: Referral) -> tuple[bool, bool]:
    """Whether the actor finds the referral in their list, and can open it."""
    purpose = "care_coordination" if actor.role == Role.CARE_COORDINATOR else "table_meeting"
    listed = referrals_visible(actor=actor, purpose=purpose).filter(pk=referral.pk).exists()
    return listed, referral_for(actor=actor, referral_id=referral.pk, purpose=purpose) is not None


def _told(membership, referral) -> bool:
    return Notification.objects.filter(recipient=membership, key__contains=referral.pk.hex).exists()


def test_a_draft_is_the_referring_organisations_alone_and_nobody_is_told(demo):
    referral = _draft(demo)
    chair = demo[Role.TABLE_CHAIR]
    assert referral.status == ReferralStatus.DRAFT and referral.urgency == "normal"
    assert referral.contact == chair.user.email and referral.coordinator == demo[Role.CARE_COORDINATOR].organisation
    assert not referral.steps.exists() and not Share.objects.of_record(referral).exists()
    assert not Notification.objects.filter(key__contains=referral.pk.hex).exists()
    assert list(AuditEvent.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True)) == ["create"]
    assert _seen_by(Actor.of(chair), referral) == (True, True)
    # Both would see it through their region, were it sent.
    for role in (Role.CARE_COORDINATOR, Role.TABLE_MEMBER):
        assert _seen_by(Actor.of(demo[role]), referral) == (False, False)


def test_sending_shares_notifies_writes_the_step_and_starts_the_deadline(demo, monkeypatch):
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=ZONE)
    monkeypatch.setattr(services, "now", lambda: friday)
    referral = _draft(demo)
    assert referral.acknowledge_due_at == datetime(2026, 3, 9, 16, 0, tzinfo=ZONE)  # provisional
    monday = datetime(2026, 3, 9, 10, 0, tzinfo=ZONE)
    monkeypatch.setattr(services, "now", lambda: monday)
    _send(demo, referral)
    stored = Referral.objects.get(pk=referral.pk)
    coordinator = demo[Role.CARE_COORDINATOR]
    assert stored.status == ReferralStatus.SENT and stored.acknowledge_due_at == datetime(2026, 3, 10, 10, 0,
                                                                                           tzinfo=ZONE)
    assert stored.contact == SEND["contact"] and stored.needs == ["shelter_tonight"]
    assert [(s.action, s.at) for s in stored.steps.all()] == [("sent", monday)]
    assert Share.objects.of_record(stored).get().organisation == coordinator.organisation
    assert _told(coordinator, stored) and _seen_by(Actor.of(coordinator), stored) == (True, True)
    assert list(AuditEvent.objects.filter(object_id=str(referral.pk), action__in=["create", "update"])
                .order_by("occurred_at").values_list("action", flat=True)) == ["create", "update"]


def test_only_the_referring_organisation_sends_its_draft(demo, make_person):
    referral = _draft(demo)
    for role in (Role.CARE_COORDINATOR, Role.POLICE_INVESTIGATOR):
        with pytest.raises(PermissionDenied):
            _send(demo, referral, role=role)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT
    chair = demo[Role.TABLE_CHAIR]
    colleague, *_rest = make_person(Role.TABLE_MEMBER, organisation=chair.organisation, region=chair.region)
    services.referral_send(actor=Actor.of(colleague.memberships.get()), referral=referral,
                           expected_version=referral.version, **SEND)
    stored = Referral.objects.get(pk=referral.pk)
    # The coordinator reports back to whoever sent it.
    assert stored.status == ReferralStatus.SENT and stored.referring_membership.user == colleague
    with pytest.raises(ValidationFailed, match="al verstuurd"):
        _send(demo, stored)


def test_sending_checks_as_a_direct_referral_does(demo):
    referral = _draft(demo)
    with pytest.raises(ValidationFailed, match="bereikt"):
        _send(demo, referral, contact="  ")
    with pytest.raises(ValidationFailed, match="urgentie"):
        _send(demo, referral, urgency="whenever")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT


def test_a_stale_version_is_refused_and_changes_nothing(demo):
    referral = _draft(demo)
    with pytest.raises(ConcurrentUpdate):
        _send(demo, referral, expected_version=referral.version - 1)
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.status == ReferralStatus.DRAFT and stored.contact == demo[Role.TABLE_CHAIR].user.email
    assert not stored.steps.exists() and not Share.objects.of_record(stored).exists()
    assert not Notification.objects.filter(key__contains=referral.pk.hex).exists()
    assert not AuditEvent.objects.filter(object_id=str(referral.pk), action="update").exists()


def test_two_people_sending_the_same_draft_send_it_once(demo):
    referral = _draft(demo)
    stale = Referral.objects.get(pk=referral.pk)
    _send(demo, referral)
    with pytest.raises(ConcurrentUpdate):
        _send(demo, stale, contact="06 10000 996 (werk)")
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.contact == SEND["contact"] and stored.steps.count() == 1
    assert Share.objects.of_record(stored).count() == 1


def test_no_coordinator_step_and_no_trajectory_applies_to_a_draft(demo):
    referral = _draft(demo)
    coordinator = Actor.of(demo[Role.CARE_COORDINATOR])
    version = referral.version
    for step in (services.referral_acknowledge, services.referral_accept):
        with pytest.raises(ValidationFailed, match="concept"):
            step(actor=coordinator, referral=referral, expected_version=version)
    with pytest.raises(ValidationFailed, match="concept"):
        services.referral_decline(actor=coordinator, referral=referral, reason="no_indication", note="",
                                  expected_version=version)
    with pytest.raises(ValidationFailed, match="concept"):
        trajectory_start(actor=coordinator, referral=referral, expected_version=version)
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.status == ReferralStatus.DRAFT and stored.version == version and not stored.steps.exists()
    assert not Trajectory.objects.filter(referral=referral).exists()


def test_escalation_skips_drafts(demo):
    Referral.objects.update(escalated_at=now())  # the demo's own waiting referrals are not this test's
    referral = _draft(demo)
    Referral.objects.filter(pk=referral.pk).update(escalated_at=None)
    assert services.escalate_overdue(at=referral.acknowledge_due_at + timedelta(days=7)) == 0
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.escalated_at is None and not Share.objects.of_record(stored).exists()


# --- The pages ----------------------------------------------------------------------------------------------------


def test_the_chair_completes_and_sends_a_draft_and_only_then_the_coordinator_sees_it(demo, client_for):
    referral = _draft(demo)
    chair, coordinator = client_for(Role.TABLE_CHAIR), client_for(Role.CARE_COORDINATOR)
    detail = reverse("referrals:detail", args=[referral.pk])
    listed = chair.get(reverse("referrals:list")).content.decode()
    assert "Concepten" in listed and referral.reference in listed
    assert referral.reference not in coordinator.get(reverse("referrals:list")).content.decode()
    assert coordinator.get(detail).status_code == 404
    assert coordinator.post(reverse("referrals:send", args=[referral.pk]),
                            SEND | {"version": referral.version}).status_code == 404

    page = chair.get(detail).content.decode()
    assert "Concept — vul aan en verstuur" in page and reverse("referrals:send", args=[referral.pk]) in page
    assert f'value="{demo[Role.TABLE_CHAIR].user.email}"' in page
    response = chair.post(reverse("referrals:send", args=[referral.pk]), SEND | {"version": referral.version},
                          follow=True)
    coordination = demo[Role.CARE_COORDINATOR].organisation.name
    assert f"Aanmelding {referral.reference} is verstuurd naar {coordination}." in response.content.decode()
    assert "Concept — vul aan en verstuur" not in response.content.decode()

    assert referral.reference in coordinator.get(reverse("referrals:list")).content.decode()
    assert "Ontvangst bevestigen" in coordinator.get(detail).content.decode()
    again = coordinator.post(reverse("referrals:send", args=[referral.pk]), SEND | {"version": referral.version + 1})
    assert again.status_code == 403 and "opgesteld" in again.content.decode()


def test_a_stale_send_says_so_keeps_what_was_typed_and_sends_nothing(demo, client_for):
    referral = _draft(demo)
    response = client_for(Role.TABLE_CHAIR).post(reverse("referrals:send", args=[referral.pk]),
                                                 SEND | {"version": referral.version - 1})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Iemand anders sloeg dit intussen op." in page and SEND["contact"] in page
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT


def test_a_send_without_contact_shows_the_error_at_the_field(demo, client_for):
    referral = _draft(demo)
    response = client_for(Role.TABLE_CHAIR).post(reverse("referrals:send", args=[referral.pk]),
                                                 SEND | {"contact": "", "version": referral.version})
    page = response.content.decode()
    assert response.status_code == 400 and 'id="id_contact_error"' in page
    assert SEND["situation"] in page
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT

"""Trajectories: started by accepting a referral, one owner under every hand-over sequence (a property test), the
reflection period's dates and alerts, closure only when self-reliant or with a reason, justice events seen only by
who may see criminal data, and the pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.models import AuditEvent
from keten.core.clock import now, today
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.notifications.models import Notification
from keten.referrals.services import referral_create
from keten.regions.models import LayerKind, Region
from keten.regions.selectors import municipality_by_code
from keten.trajectories import services, zrm
from keten.trajectories.models import Phase, Trajectory
from keten.trajectories.selectors import trajectory_view, with_alerts

pytestmark = pytest.mark.django_db


def _start(demo) -> Trajectory:
    referral = referral_create(actor=Actor.of(demo[Role.CARE_WORKER]), municipality=municipality_by_code("GM0363"),
                               forms=["labour"], urgency="normal", contact="06 10000 997 (werk)")
    return services.trajectory_start(actor=Actor.of(demo[Role.CARE_COORDINATOR]), referral=referral,
                                     expected_version=referral.version)


def _fresh(trajectory) -> Trajectory:
    return Trajectory.objects.get(pk=trajectory.pk)


@pytest.fixture
def shelter(demo, make_person):
    """A second care organisation (a shelter in Limburg) with a care worker who can take trajectories over."""
    organisation = Organisation.objects.create(name="Opvang Zuid (fictief)", type=OrganisationType.SHELTER)
    limburg = Region.objects.get(layer__kind=LayerKind.PROVINCE, code="PV31")
    user, *_rest = make_person(Role.CARE_WORKER, organisation=organisation, region=limburg)
    return Actor.of(user.memberships.get())


def test_accepting_a_referral_starts_the_trajectory_with_the_coordinator_as_owner(demo):
    trajectory = _start(demo)
    coordinator = demo[Role.CARE_COORDINATOR]
    assert (trajectory.owner, trajectory.owner_membership, trajectory.phase) == (
        coordinator.organisation, coordinator, Phase.INTAKE)
    assert trajectory.referral.status == "accepted" and trajectory.subject is not None  # a new pseudonymous person
    assert [e.kind for e in trajectory.events.all()] == ["started"]
    assert AuditEvent.objects.filter(object_id=str(trajectory.pk), action="create").count() == 1


def test_a_handover_keeps_the_owner_until_the_receiver_accepts(demo, shelter):
    trajectory = _start(demo)
    owner = Actor.of(demo[Role.CARE_COORDINATOR])
    services.handover_request(actor=owner, trajectory=trajectory, to=shelter.organisation,
                              expected_version=trajectory.version)
    assert _fresh(trajectory).owner == owner.organisation
    with pytest.raises(PermissionDenied):  # the receiver is not owner yet
        services.phase_set(actor=shelter, trajectory=_fresh(trajectory), phase=Phase.SHELTER,
                           expected_version=_fresh(trajectory).version)
    services.handover_accept(actor=shelter, trajectory=trajectory, expected_version=trajectory.version)
    stored = _fresh(trajectory)
    assert (stored.owner, stored.owner_membership, stored.handover_to) == (shelter.organisation, shelter.membership,
                                                                          None)


ACTIONS = st.sampled_from(["request", "accept", "withdraw"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(ACTIONS, st.booleans()), max_size=10))
def test_a_trajectory_has_exactly_one_owner_under_every_handover_sequence(demo, shelter, steps):
    trajectory = _start(demo)
    coordinator = Actor.of(demo[Role.CARE_COORDINATOR])
    for action, by_shelter in steps:
        actor = shelter if by_shelter else coordinator
        other = coordinator if by_shelter else shelter
        current = _fresh(trajectory)
        try:
            if action == "request":
                services.handover_request(actor=actor, trajectory=current, to=other.organisation,
                                          expected_version=current.version)
            elif action == "accept":
                services.handover_accept(actor=actor, trajectory=current, expected_version=current.version)
            else:
                services.handover_withdraw(actor=actor, trajectory=current, expected_version=current.version)
        except (PermissionDenied, ValidationFailed):
            pass
        stored = _fresh(trajectory)
        assert stored.owner_id is not None and stored.owner_membership.organisation_id == stored.owner_id
        assert stored.handover_to_id != stored.owner_id
        assert (stored.handover_to_id is None) == (stored.handover_asked_at is None)


@pytest.mark.parametrize(("start", "end"), [
    (date(2026, 1, 15), date(2026, 4, 14)),
    (date(2025, 11, 30), date(2026, 2, 27)),  # 30 February does not exist: the 28th, the day before that
    (date(2026, 12, 1), date(2027, 2, 28)),
])
def test_the_reflection_period_ends_the_day_before_the_same_date_three_months_on(start, end):
    assert services.reflection_end(start) == end


def test_the_reflection_period_alerts_two_weeks_before_its_end_and_notifies_once(demo):
    trajectory = _start(demo)
    owner = Actor.of(demo[Role.CARE_COORDINATOR])
    start = today() - timedelta(days=80)
    services.reflection_start(actor=owner, trajectory=trajectory, start=start, expected_version=trajectory.version)
    (_, alerts), = with_alerts([_fresh(trajectory)])
    assert [a.kind for a in alerts] == ["reflection"]
    assert services.notify_alerts() >= 1
    assert services.notify_alerts() == 0
    assert Notification.objects.filter(recipient=owner.membership, key__contains=trajectory.pk.hex).count() == 1


def test_inactivity_overdue_goals_and_an_unaccepted_handover_are_alerts(demo, shelter):
    trajectory = _start(demo)
    owner = Actor.of(demo[Role.CARE_COORDINATOR])
    services.goal_add(actor=owner, trajectory=trajectory, text="Eigen bankrekening", owner=owner.organisation,
                      due_on=today())
    services.handover_request(actor=owner, trajectory=_fresh(trajectory), to=shelter.organisation,
                              expected_version=_fresh(trajectory).version)
    later = now() + timedelta(days=40)
    (_, alerts), = with_alerts([_fresh(trajectory)], at=later)
    assert sorted(a.kind for a in alerts) == ["goals", "handover", "inactive"]


def _scores(level: int, **overrides) -> dict:
    return {code: overrides.get(code, level) for code in zrm.codes()}


def test_closing_as_self_reliant_needs_the_latest_zrm_to_say_so(demo):
    trajectory = _start(demo)
    owner = Actor.of(demo[Role.CARE_COORDINATOR])
    with pytest.raises(ValidationFailed, match="nog niet zelfredzaam"):
        services.trajectory_close(actor=owner, trajectory=_fresh(trajectory), reason="self_reliant",
                                  expected_version=_fresh(trajectory).version)
    services.zrm_record(actor=owner, trajectory=trajectory, assessed_on=today() - timedelta(days=30),
                        scores=_scores(4))
    services.zrm_record(actor=owner, trajectory=trajectory, assessed_on=today(), scores=_scores(4, housing=2))
    with pytest.raises(ValidationFailed, match="nog niet zelfredzaam"):  # the latest counts, not the best
        services.trajectory_close(actor=owner, trajectory=_fresh(trajectory), reason="self_reliant",
                                  expected_version=_fresh(trajectory).version)
    services.zrm_record(actor=owner, trajectory=trajectory, assessed_on=today(), scores=_scores(3))
    closed = services.trajectory_close(actor=owner, trajectory=_fresh(trajectory), reason="self_reliant",
                                       expected_version=_fresh(trajectory).version)
    assert closed.is_closed and closed.closed_at is not None
    reopened = services.trajectory_reopen(actor=owner, trajectory=closed, why="Terugval: opnieuw hulp gevraagd.",
                                          expected_version=closed.version)
    assert reopened.phase == Phase.CARE and reopened.close_reason == ""


@pytest.mark.parametrize(("scores", "valid"), [
    ({"housing": 3}, False),  # not every domain
    (None, True),
])
def test_a_zrm_assessment_scores_every_domain_from_1_to_5(demo, scores, valid):
    trajectory = _start(demo)
    owner = Actor.of(demo[Role.CARE_COORDINATOR])
    if valid:
        assert services.zrm_record(actor=owner, trajectory=trajectory, assessed_on=today(), scores=_scores(5))
    else:
        with pytest.raises(ValidationFailed, match="domeinen een score"):
            services.zrm_record(actor=owner, trajectory=trajectory, assessed_on=today(), scores=scores)
    with pytest.raises(ValidationFailed):
        services.zrm_record(actor=owner, trajectory=trajectory, assessed_on=today(), scores=_scores(6))


def test_lost_contact_closes_only_after_enough_attempts_and_a_stale_version_is_refused(demo):
    trajectory = _start(demo)
    owner = Actor.of(demo[Role.CARE_COORDINATOR])
    with pytest.raises(ValidationFailed, match="pogingen"):
        services.trajectory_close(actor=owner, trajectory=_fresh(trajectory), reason="lost_contact",
                                  contact_attempts=2, expected_version=_fresh(trajectory).version)
    stale = _fresh(trajectory)
    services.phase_set(actor=owner, trajectory=_fresh(trajectory), phase=Phase.SHELTER,
                       expected_version=stale.version)
    with pytest.raises(ConcurrentUpdate):
        services.trajectory_close(actor=owner, trajectory=stale, reason="lost_contact", contact_attempts=3,
                                  expected_version=stale.version)


def test_justice_events_show_only_to_who_may_see_criminal_data(demo):
    trajectory = _start(demo)
    police, coordinator = Actor.of(demo[Role.POLICE_INVESTIGATOR]), Actor.of(demo[Role.CARE_COORDINATOR])
    services.note_add(actor=police, trajectory=trajectory, kind="justice", text="Aangifte opgenomen (fictief).")
    services.note_add(actor=coordinator, trajectory=trajectory, kind="care", text="Huisarts gevonden.")
    with pytest.raises(PermissionDenied):  # care writes no criminal data
        services.note_add(actor=coordinator, trajectory=trajectory, kind="justice", text="Iets over de zaak.")
    for_police = trajectory_view(actor=police, trajectory=_fresh(trajectory), purpose="investigation")
    for_care = trajectory_view(actor=coordinator, trajectory=_fresh(trajectory), purpose="care_coordination")
    assert "Aangifte opgenomen (fictief)." in [e.text for e in for_police.events]
    assert "Aangifte opgenomen (fictief)." not in [e.text for e in for_care.events] and for_care.hidden_events == 1
    assert "Huisarts gevonden." in [e.text for e in for_care.events]


# --- Pages ----------------------------------------------------------------------------------------------------------


def test_the_owner_records_a_zrm_assessment_on_the_page_and_sees_the_chart(demo, client_for):
    trajectory = _start(demo)
    client = client_for(Role.CARE_COORDINATOR)
    form = {"action": "zrm", "version": trajectory.version, "day": today().isoformat(),
            **{f"zrm_{code}": "3" for code in zrm.codes()}}
    page = client.post(reverse("trajectories:step", args=[trajectory.pk]), form, follow=True).content.decode()
    assert "Opgeslagen." in page and "<polyline" in page and "Financiën" in page
    missing = client.post(reverse("trajectories:step", args=[trajectory.pk]), form | {"zrm_housing": ""})
    assert missing.status_code == 400 and "domeinen een score" in missing.content.decode()


def test_the_list_shows_the_owners_trajectories_with_their_alerts(demo, client_for):
    trajectory = _start(demo)
    Trajectory.objects.filter(pk=trajectory.pk).update(last_activity_at=now() - timedelta(days=31))
    page = client_for(Role.CARE_COORDINATOR).get(reverse("trajectories:list")).content.decode()
    assert trajectory.reference in page and "Al 30 dagen geen activiteit" in page


def test_a_care_worker_elsewhere_does_not_see_the_trajectory(demo, client_for, shelter):
    trajectory = _start(demo)
    client = client_for(Role.CARE_WORKER)
    client.force_login(shelter.user)
    assert client.get(reverse("trajectories:detail", args=[trajectory.pk])).status_code == 404


def test_the_demo_has_trajectories_in_every_phase_one_stalled_and_told_nobody(demo):
    demo_trajectories = Trajectory.objects.filter(owner=demo[Role.CARE_COORDINATOR].organisation)
    phases = set(demo_trajectories.values_list("phase", flat=True))
    assert phases == set(Phase.values)
    alerts = {alert.kind for _t, found in with_alerts(demo_trajectories) for alert in found}
    assert {"inactive", "reflection", "goals"} <= alerts
    assert not Notification.objects.filter(key__startswith="referral:").exists()
    assert not Notification.objects.filter(key__startswith="trajectory:").exists()


# --- Placements -----------------------------------------------------------------------------------------------------


@pytest.fixture
def shelter_service(demo):
    """A service of the demo social map that keeps its capacity in Keten: one place left of two."""
    from keten.socialmap.models import Service

    service = Service.objects.filter(organization__maintainer__is_demo=True).first()
    Service.objects.filter(pk=service.pk).update(capacity_unit="place", capacity_total=2, capacity_available=1)
    service.refresh_from_db()
    return service


def test_a_placement_takes_a_place_and_ending_it_frees_the_place(demo, shelter_service):
    trajectory = _start(demo)
    owner = Actor.of(demo[Role.CARE_COORDINATOR])
    placement = services.placement_add(actor=owner, trajectory=trajectory, service=shelter_service, start_on=today())
    shelter_service.refresh_from_db()
    assert shelter_service.capacity_available == 0
    second = _start(demo)
    with pytest.raises(ValidationFailed, match="geen plaats vrij"):
        services.placement_add(actor=owner, trajectory=second, service=shelter_service, start_on=today())
    services.placement_end(actor=owner, placement=placement, end_on=today())
    shelter_service.refresh_from_db()
    assert shelter_service.capacity_available == 1
    with pytest.raises(ValidationFailed, match="al beëindigd"):
        services.placement_end(actor=owner, placement=placement, end_on=today())
    shelter_service.refresh_from_db()
    assert shelter_service.capacity_available == 1  # freed once


def test_where_the_person_stays_is_withheld_from_who_may_not_see_secret_locations(demo, shelter_service):
    trajectory = _start(demo)
    owner, police = Actor.of(demo[Role.CARE_COORDINATOR]), Actor.of(demo[Role.POLICE_INVESTIGATOR])
    services.placement_add(actor=owner, trajectory=trajectory, service=shelter_service, start_on=today())
    seen = trajectory_view(actor=owner, trajectory=_fresh(trajectory), purpose="care_coordination")
    assert [p.service for p in seen.placements] == [shelter_service]
    for_police = trajectory_view(actor=police, trajectory=_fresh(trajectory), purpose="investigation")
    assert for_police.placements is None
    assert not any(shelter_service.name in e.text for e in for_police.events)

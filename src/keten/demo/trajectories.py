"""Synthetic referrals and trajectories for the demo, in Noord-Holland and one in Limburg: referrals sent,
acknowledged, declined and accepted, and trajectories in every phase with ZRM histories, goals, a reflection period
about to end, one closed as self-reliant and one stalled for weeks. Everything through the services (so
it is audited like real work), then dated back where a demo needs history. Runs once."""

from datetime import timedelta

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.core.clock import now, today
from keten.identity.services import consent_record, subject_register
from keten.notifications.services import quiet
from keten.policy.models import ConsentGiver, ConsentScope
from keten.referrals.models import Referral
from keten.referrals.services import referral_acknowledge, referral_create, referral_decline
from keten.regions.selectors import municipality_by_code
from keten.trajectories import services, zrm
from keten.trajectories.models import Phase, Trajectory

#: (alias name, municipality, forms, what happens) for the Noord-Holland referrals of the demo care worker.
PEOPLE = [
    ("Testpersoon Delta", "GM0363", ["labour"], "sent"),
    ("Testpersoon Echo", "GM0392", ["sexual"], "acknowledged"),
    ("Testpersoon Foxtrot", "GM0479", ["criminal"], "declined"),
    ("Testpersoon Golf", "GM0363", ["sexual"], "intake"),
    ("Testpersoon Hotel", "GM0361", ["labour"], "reflection"),
    ("Testpersoon India", "GM0392", ["sexual", "criminal"], "care"),
    ("Testpersoon Juliet", "GM0363", ["labour"], "closed"),
    ("Testpersoon Kilo", "GM0375", ["unknown"], "stalled"),
    ("Testpersoon Lima", "GM0361", ["sexual"], "shelter"),
    ("Testpersoon Mike", "GM0363", ["labour"], "justice"),
    ("Testpersoon November", "GM0392", ["labour"], "return"),
    ("Testpersoon Oscar", "GM0479", ["criminal"], "aftercare"),
]
ZRM_HISTORY = {"reflection": [2, 2], "care": [1, 2, 3], "closed": [2, 3, 3, 4], "stalled": [2, 2],
               "shelter": [1], "justice": [2, 2], "return": [2, 3], "aftercare": [3, 3, 4]}


def _scores(level: int) -> dict[str, int]:
    return dict.fromkeys(zrm.codes(), level)


def seed_demo_trajectories(memberships: dict) -> int:
    """Returns how many referrals were added (0 when the demo already has them). Nobody is notified of them."""
    with quiet():
        return _seed(memberships)


def _seed(memberships: dict) -> int:
    worker = Actor.of(memberships[Role.CARE_WORKER])
    coordinator = Actor.of(memberships[Role.CARE_COORDINATOR])
    if Referral.objects.filter(referring_organisation=worker.organisation).exists():
        return 0
    for name, code, forms, fate in PEOPLE:
        place = municipality_by_code(code)
        person = subject_register(actor=worker, municipality=place,
                                  attributes=[("name", name), ("date_of_birth", "1996")])
        consent_record(actor=worker, subject=person, scope=ConsentScope.CARE_REFERRAL, giver=ConsentGiver.PERSON,
                       given_on=today() - timedelta(days=120))
        referral = referral_create(actor=worker, municipality=place, forms=forms, urgency="normal", subject=person,
                                   needs=["shelter_tonight"], contact="06 10000 990 (werk, fictief)",
                                   situation="(fictief) Heeft hulp nodig bij opvang en papieren.")
        if fate == "sent":
            continue
        if fate in ("acknowledged", "declined"):
            referral_acknowledge(actor=coordinator, referral=referral, expected_version=referral.version)
            if fate == "declined":
                referral_decline(actor=coordinator, referral=referral, reason="already_in_care",
                                 note="(fictief) Al in zorg elders.", expected_version=referral.version)
            continue
        _trajectory(coordinator, referral, fate)
    limburg = Actor.of(memberships[Role.VEILIG_THUIS_WORKER])
    referral_create(actor=limburg, municipality=municipality_by_code("GM0935"), forms=["labour"], urgency="acute",
                    contact="06 10000 991 (werk, fictief)", situation="(fictief) Geen slaapplek vannacht.")
    return len(PEOPLE) + 1


def _trajectory(coordinator: Actor, referral: Referral, fate: str) -> None:
    trajectory = services.trajectory_start(actor=coordinator, referral=referral, expected_version=referral.version)
    history = ZRM_HISTORY.get(fate, [])
    for weeks_ago, level in zip(range(len(history) * 6, 0, -6), history, strict=True):
        services.zrm_record(actor=coordinator, trajectory=trajectory, assessed_on=today() - timedelta(weeks=weeks_ago),
                            scores=_scores(level))
    phase = {"reflection": Phase.REFLECTION, "care": Phase.CARE, "closed": Phase.AFTERCARE, "stalled": Phase.LIVING,
             "shelter": Phase.SHELTER, "justice": Phase.JUSTICE, "return": Phase.RETURN,
             "aftercare": Phase.AFTERCARE}.get(fate)
    if phase:
        trajectory = Trajectory.objects.get(pk=trajectory.pk)
        services.phase_set(actor=coordinator, trajectory=trajectory, phase=phase, expected_version=trajectory.version)
    if fate == "reflection":
        trajectory = Trajectory.objects.get(pk=trajectory.pk)
        services.reflection_start(actor=coordinator, trajectory=trajectory, start=today() - timedelta(days=80),
                                  expected_version=trajectory.version)
    if fate == "care":
        for text, due in (("(fictief) Eigen bankrekening", -7), ("(fictief) Inschrijving bij een huisarts", 21)):
            services.goal_add(actor=coordinator, trajectory=trajectory, text=text, owner=coordinator.organisation,
                              due_on=today() + timedelta(days=due))
    if fate == "closed":
        services.zrm_record(actor=coordinator, trajectory=trajectory, assessed_on=today(), scores=_scores(4))
        trajectory = Trajectory.objects.get(pk=trajectory.pk)
        services.trajectory_close(actor=coordinator, trajectory=trajectory, reason="self_reliant",
                                  expected_version=trajectory.version)
    if fate == "stalled":
        Trajectory.objects.filter(pk=trajectory.pk).update(last_activity_at=now() - timedelta(days=45))

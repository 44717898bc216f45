"""Two people open the same record and both save: the first wins; the second gets 409 with one clear message, keeps
what they typed, sees what is stored now, and their form carries the stored version so saving again (knowingly)
goes through. One scenario per kind of page that saves a versioned record."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.roles import OrganisationType, Role
from keten.core.clock import now
from keten.intake.models import RegistrationTask, RoutingRule, Signal
from keten.intake.services import rule_create, signal_register
from keten.referrals.models import Referral
from keten.referrals.services import referral_create
from keten.regions.selectors import municipality_by_code
from keten.signaltable.meeting_services import agenda_add
from keten.signaltable.models import Assessment, Dossier, DossierSignal, DossierStatus, Meeting
from keten.trajectories import services as trajectory_services
from keten.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db

CONFLICT = "Iemand anders sloeg dit intussen op. Bovenaan staat wat nu is opgeslagen; uw invoer staat nog in het"


@dataclass
class Race:
    """One page: who opens it, where it posts, what the winner saves and what the loser types."""

    role: str
    page: str
    post: str
    version_field: str  # the name of the hidden version field in the form that races
    winner: Callable[[int], dict]  # the winner's POST, given the version both read
    loser: Callable[[int], dict]  # the loser's POST, given a version
    typed: str  # something the loser typed, to be found back in the form
    stored: str  # something only the winner's save put on the page
    version: Callable[[], int | None]  # the version stored now
    again_status: int = 302  # saving again with the stored version


def _signal_race(demo) -> Race:
    signal = signal_register(actor=Actor.of(demo[Role.CARE_COORDINATOR]), observed_on=date(2026, 1, 5),
                             municipality=municipality_by_code("GM0363"), forms=["labour"], urgency="normal",
                             basis="wmo")
    typed = "Dubbel gemeld door de gemeente (fictief)."
    return Race(
        role=Role.CARE_COORDINATOR, page=reverse("intake:signal-detail", args=[signal.pk]),
        post=reverse("intake:signal-transition", args=[signal.pk]), version_field="closed-version",
        winner=lambda v: {"to_status": "triage", "triage-version": v},
        loser=lambda v: {"to_status": "closed", "closed-version": v, "closed-close_reason": "duplicate",
                         "closed-note": typed},
        typed=typed, stored='Status</dt><dd class="utrecht-data-list__item-value">In triage',
        version=lambda: Signal.objects.get(pk=signal.pk).version)


def _sent_referral(demo) -> Referral:
    return referral_create(actor=Actor.of(demo[Role.CARE_WORKER]), municipality=municipality_by_code("GM0363"),
                           forms=["labour"], urgency="normal", contact="06 10000 997 (werk)")


def _referral_race(demo) -> Race:
    referral = _sent_referral(demo)
    typed = "Past beter bij de opvang in de eigen regio (fictief)."
    return Race(
        role=Role.CARE_COORDINATOR, page=reverse("referrals:detail", args=[referral.pk]),
        post=reverse("referrals:step", args=[referral.pk]), version_field="version",
        winner=lambda v: {"action": "acknowledge", "version": v},
        loser=lambda v: {"action": "decline", "version": v, "reason": "unreachable", "note": typed},
        typed=typed, stored="Ontvangst bevestigd", version=lambda: Referral.objects.get(pk=referral.pk).version)


def _trajectory_race(demo) -> Race:
    referral = _sent_referral(demo)
    trajectory = trajectory_services.trajectory_start(actor=Actor.of(demo[Role.CARE_COORDINATOR]),
                                                      referral=referral, expected_version=referral.version)
    return Race(
        role=Role.CARE_COORDINATOR, page=reverse("trajectories:detail", args=[trajectory.pk]),
        post=reverse("trajectories:step", args=[trajectory.pk]), version_field="version",
        winner=lambda v: {"action": "phase", "version": v, "phase": "shelter"},
        loser=lambda v: {"action": "close", "version": v, "reason": "moved_abroad", "attempts": "7"},
        typed='name="attempts" value="7"', stored='Fase</dt><dd class="utrecht-data-list__item-value">Opvang',
        version=lambda: Trajectory.objects.get(pk=trajectory.pk).version)


def _rule_race(demo, admin) -> Race:
    rule = rule_create(actor=admin, name="Arbeid", position=20, forms=["labour"], actions=["labour_inspectorate"])
    base = {"position": "20", "is_active": "on", "forms": ["labour"], "actions": ["labour_inspectorate"]}
    url = reverse("intake:routing-rule-edit", args=[rule.pk])
    return Race(
        role=Role.FUNCTIONAL_ADMIN, page=url, post=url, version_field="version",
        winner=lambda v: base | {"name": "Arbeid, door een collega", "version": v},
        loser=lambda v: base | {"name": "Arbeid en uitbuiting (mijn versie)", "version": v},
        typed="Arbeid en uitbuiting (mijn versie)", stored="Arbeid, door een collega",
        version=lambda: RoutingRule.objects.get(pk=rule.pk).version)


def _task_race(demo, admin) -> Race:
    RoutingRule.objects.update(is_active=False)
    rule_create(actor=admin, name="Opsporing", position=10, reporter_types=[OrganisationType.POLICE_AVIM],
                actions=["comensha_registration"])
    signal = signal_register(actor=Actor.of(demo[Role.POLICE_INVESTIGATOR]), observed_on=date(2026, 1, 5),
                             municipality=municipality_by_code("GM0363"), forms=["sexual"], urgency="normal",
                             basis="avg_10_wpg")
    task = RegistrationTask.objects.get(signal=signal)
    typed = "Geen verblijfplaats bekend, navraag loopt (fictief)."
    return Race(
        role=Role.REGISTRATION_OFFICER, page=reverse("intake:registration-task-list"),
        post=reverse("intake:registration-task-complete", args=[task.pk]), version_field=f"{task.pk}-version",
        winner=lambda v: {f"{task.pk}-version": v, f"{task.pk}-outcome": "registered"},
        loser=lambda v: {f"{task.pk}-version": v, f"{task.pk}-outcome": "not_registrable", f"{task.pk}-note": typed},
        typed=typed, stored="<strong>Geregistreerd bij CoMensha</strong> — afgerond op",
        version=lambda: RegistrationTask.objects.get(pk=task.pk).version,
        # A task is completed once: the second officer learns how, keeps their note, and cannot complete it again.
        again_status=400)


def _assessment_race(demo) -> Race:
    chair = demo[Role.TABLE_CHAIR]
    Meeting.objects.filter(region=chair.region).update(scheduled_at=now() - timedelta(days=4000))
    signal = Signal.objects.filter(municipality__in=chair.region.municipalities.all()).exclude(
        pk__in=DossierSignal.objects.filter(is_active=True).values("signal_id")).order_by("reference").first()
    dossier = Dossier.objects.create(municipality=signal.municipality, owner=chair.organisation,
                                     status=DossierStatus.OPEN)
    DossierSignal.objects.create(dossier=dossier, signal=signal)
    meeting = Meeting.objects.create(region=chair.region, scheduled_at=now() + timedelta(days=7), chair=chair)
    meeting.participants.set([chair])
    item = agenda_add(actor=Actor.of(chair), meeting=meeting, dossier=dossier)
    url = reverse("signaltable:agenda-item", args=[meeting.pk, item.pk])
    typed = "Werkgever betaalt onder het minimumloon, volgens de buren (fictief)."

    def stored_version():
        return Assessment.objects.filter(item=item).values_list("version", flat=True).first()

    return Race(
        role=Role.TABLE_CHAIR, page=url, post=url, version_field="version",
        winner=lambda v: {"action": "assess", "version": "" if v is None else v, "indication": "unclear",
                          "severity": "low", "minor": "unknown", "notes": "Eerste weging (fictief)."},
        loser=lambda v: {"action": "assess", "version": "" if v is None else v, "indication": "yes",
                         "forms": ["labour", "sexual"], "severity": "high", "minor": "no", "notes": typed},
        typed=typed, stored="Eerste weging (fictief).", version=stored_version)


RACES = {
    "signal transition": lambda demo, admin: _signal_race(demo),
    "referral step": lambda demo, admin: _referral_race(demo),
    "trajectory step": lambda demo, admin: _trajectory_race(demo),
    "routing rule edit": _rule_race,
    "registration task completion": _task_race,
    "Signaaltafel assessment": lambda demo, admin: _assessment_race(demo),
}


def _version_in(page: str, field: str) -> str:
    found = re.findall(rf'<input[^>]*name="{re.escape(field)}"[^>]*>', page)
    values = {re.search(r'value="([^"]*)"', tag).group(1) if 'value="' in tag else "" for tag in found}
    assert len(values) == 1, f"one version for {field}, found {values}"
    return values.pop()


@pytest.mark.parametrize("kind", list(RACES))
def test_who_saves_second_is_told_keeps_what_they_typed_sees_the_stored_version_and_can_save_again(
        kind, demo, admin, client_for):
    race = RACES[kind](demo, admin)
    first, second = client_for(race.role), client_for(race.role)  # the same record open in two places
    read = race.version()
    for client in (first, second):
        page = client.get(race.page)
        assert page.status_code == 200
        assert _version_in(page.content.decode(), race.version_field) == ("" if read is None else str(read))
        assert race.stored not in html.unescape(page.content.decode())

    assert first.post(race.post, race.winner(read)).status_code == 302
    stored = race.version()
    assert stored != read

    late = second.post(race.post, race.loser(read))
    page = html.unescape(late.content.decode())
    assert late.status_code == 409
    assert CONFLICT in page and 'role="alert"' in page
    assert race.typed in page  # nothing typed is lost
    assert race.stored in page  # what the other person saved is on the page
    assert _version_in(late.content.decode(), race.version_field) == str(stored)
    assert race.version() == stored  # the late save wrote nothing

    again = second.post(race.post, race.loser(stored))
    assert again.status_code == race.again_status
    assert race.version() == (stored + 1 if race.again_status == 302 else stored)

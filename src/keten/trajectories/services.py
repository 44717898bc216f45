"""Writes of trajectories: started when a referral is accepted, handed over only when the receiver accepts (so
there is always one owner), phases, the reflection period (B8), care and justice events, goals, ZRM assessments,
closing (self-reliant, or with a reason) and reopening. Each is one transaction with its audit event, and each
marks the trajectory active."""

import calendar
from collections.abc import Mapping
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.audit.services import record as audit
from keten.core.clock import now, today
from keten.core.concurrency import save_versioned
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.core.privacy import DataCategory
from keten.identity.services import subject_register
from keten.notifications.models import NotificationKind
from keten.notifications.services import notify
from keten.policy.decisions import decide
from keten.policy.purposes import Purpose, default_purpose
from keten.referrals.models import Referral
from keten.referrals.services import referral_accept
from keten.socialmap.models import Service
from keten.socialmap.services import capacity_take
from keten.trajectories import zrm
from keten.trajectories.models import (
    CloseReason,
    EventKind,
    Goal,
    GoalStatus,
    Phase,
    Placement,
    ReflectionOutcome,
    Trajectory,
    TrajectoryEvent,
    ZrmAssessment,
)
from keten.trajectories.selectors import HOLDING_ROLES, with_alerts

REFLECTION_MONTHS = 3
#: "Lost contact" closes a trajectory only after at least this many recorded attempts to reach the person.
MIN_CONTACT_ATTEMPTS = 3
MAX_TEXT = 1000


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reflection_end(start: date) -> date:
    """The last day of a reflection period (B8/3: at most three months) that starts on `start`: the day before
    the same date three months on (the 31st becomes the month's last day)."""
    return _add_months(start, REFLECTION_MONTHS) - timedelta(days=1)


def _require_owner(actor: Actor, trajectory: Trajectory) -> None:
    if actor.role not in HOLDING_ROLES or actor.organisation.pk != trajectory.owner_id:
        raise PermissionDenied(_("Alleen de eigenaar van het traject ({name}) kan dit doen.").format(
            name=trajectory.owner.name))


def _require_open(trajectory: Trajectory) -> None:
    if trajectory.is_closed:
        raise ValidationFailed(_("Dit traject is afgesloten. Heropen het eerst."))


def _event(trajectory: Trajectory, actor: Actor | None, kind: str, text: str = "",
           category: str = DataCategory.OPERATIONAL) -> TrajectoryEvent:
    return TrajectoryEvent.objects.create(trajectory=trajectory, kind=kind, text=text[:MAX_TEXT], category=category,
                                          membership=actor.membership if actor else None)


def _audit_update(actor: Actor, trajectory: Trajectory, category: str) -> None:
    purpose = default_purpose(actor.role)
    decision = decide(actor, "update", trajectory, purpose, category=category)
    audit(actor=actor, action="update", target=trajectory, purpose=purpose,
          basis=decision.basis.code if decision.basis else "")


def _saved(actor: Actor, trajectory: Trajectory, expected_version: int, fields: list[str], *,
           category: str = DataCategory.OPERATIONAL) -> None:
    trajectory.last_activity_at = now()
    save_versioned(trajectory, expected_version=expected_version, fields=[*fields, "last_activity_at"])
    _audit_update(actor, trajectory, category)


def _touched(actor: Actor, trajectory: Trajectory, *, category: str = DataCategory.OPERATIONAL) -> None:
    """A write beside the trajectory row (an event, goal or assessment): the trajectory is active now."""
    Trajectory.objects.filter(pk=trajectory.pk).update(last_activity_at=now())
    _audit_update(actor, trajectory, category)


@transaction.atomic
def trajectory_start(*, actor: Actor, referral: Referral, expected_version: int) -> Trajectory:
    """The coordinator accepts the referral, and the person's trajectory starts, owned by the coordinator's
    organisation with the coordinator responsible. A referral without a known person gets a new pseudonymous
    subject of the coordinator's organisation, to add identifying data to later."""
    if actor.role not in HOLDING_ROLES:
        raise PermissionDenied(_("Alleen een zorgcoördinator of hulpverlener kan een traject starten."))
    referral_accept(actor=actor, referral=referral, expected_version=expected_version)
    subject = referral.subject or subject_register(actor=actor, municipality=referral.municipality)
    trajectory = Trajectory.objects.create(subject=subject, referral=referral, municipality=referral.municipality,
                                           owner=actor.organisation, owner_membership=actor.membership)
    _event(trajectory, actor, EventKind.STARTED, _("Gestart na aanmelding {reference}.").format(
        reference=referral.reference))
    audit(actor=actor, action="create", target=trajectory, purpose=default_purpose(actor.role),
          basis=decide(actor, "create", trajectory, default_purpose(actor.role)).basis.code)
    return trajectory


@transaction.atomic
def phase_set(*, actor: Actor, trajectory: Trajectory, phase: str, expected_version: int) -> Trajectory:
    _require_owner(actor, trajectory)
    _require_open(trajectory)
    if phase not in Phase.values or phase == Phase.CLOSED:
        raise ValidationFailed(_("Kies een fase; afsluiten gaat met ‘Traject afsluiten’."))
    if phase == trajectory.phase:
        raise ValidationFailed(_("Het traject is al in deze fase."))
    trajectory.phase = phase
    _saved(actor, trajectory, expected_version, ["phase"])
    _event(trajectory, actor, EventKind.PHASE, str(Phase(phase).label))
    return trajectory


@transaction.atomic
def reflection_start(*, actor: Actor, trajectory: Trajectory, start: date, expected_version: int) -> Trajectory:
    """The reflection period starts on `start`; its end is computed (reflection_end)."""
    _require_owner(actor, trajectory)
    _require_open(trajectory)
    if trajectory.reflection_start is not None:
        raise ValidationFailed(_("De bedenktijd is al vastgelegd."))
    if start > today() or start < today() - timedelta(days=366):
        raise ValidationFailed(_("De bedenktijd begint vandaag of in het afgelopen jaar."))
    trajectory.reflection_start, trajectory.reflection_end = start, reflection_end(start)
    _saved(actor, trajectory, expected_version, ["reflection_start", "reflection_end"])
    _event(trajectory, actor, EventKind.REFLECTION, _("Bedenktijd van {start} tot en met {end}.").format(
        start=start.isoformat(), end=trajectory.reflection_end.isoformat()))
    return trajectory


@transaction.atomic
def reflection_conclude(*, actor: Actor, trajectory: Trajectory, outcome: str,
                        expected_version: int) -> Trajectory:
    """How the reflection period ended (whether the person reported, returned, or asked another permit)."""
    _require_owner(actor, trajectory)
    if trajectory.reflection_start is None:
        raise ValidationFailed(_("Leg eerst het begin van de bedenktijd vast."))
    if outcome not in ReflectionOutcome.values:
        raise ValidationFailed(_("Kies de uitkomst van de bedenktijd."))
    trajectory.reflection_outcome = outcome
    _saved(actor, trajectory, expected_version, ["reflection_outcome"], category=DataCategory.SPECIAL)
    _event(trajectory, actor, EventKind.REFLECTION, str(ReflectionOutcome(outcome).label), DataCategory.SPECIAL)
    return trajectory


#: What each kind of note on the timeline is, as data: justice notes are criminal-category data.
NOTE_CATEGORIES = {EventKind.CARE: DataCategory.SPECIAL, EventKind.JUSTICE: DataCategory.CRIMINAL}


@transaction.atomic
def note_add(*, actor: Actor, trajectory: Trajectory, kind: str, text: str) -> TrajectoryEvent:
    """A care or justice event on the timeline, by whoever may write that category for this trajectory (the
    police writes justice events on a trajectory of its region; care writes care events)."""
    if kind not in NOTE_CATEGORIES:
        raise ValidationFailed(_("Kies zorg of justitie."))
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise ValidationFailed(_("Beschrijf de gebeurtenis in 1 tot {limit} tekens.").format(limit=MAX_TEXT))
    category = NOTE_CATEGORIES[kind]
    decision = decide(actor, "update", trajectory, default_purpose(actor.role), category=category)
    if not decision.allowed or decision.pseudonymised:
        raise PermissionDenied(_("U kunt dit soort gebeurtenis niet bij dit traject vastleggen."))
    _require_open(trajectory)
    event = _event(trajectory, actor, kind, text, category)
    _touched(actor, trajectory, category=category)
    return event


@transaction.atomic
def handover_request(*, actor: Actor, trajectory: Trajectory, to: Organisation, expected_version: int) -> Trajectory:
    """Ask another organisation to take the trajectory over; the owner stays owner until it accepts."""
    _require_owner(actor, trajectory)
    _require_open(trajectory)
    if trajectory.handover_to_id is not None:
        raise ValidationFailed(_("Er loopt al een overdracht."))
    if to.pk == trajectory.owner_id:
        raise ValidationFailed(_("Kies een andere organisatie om aan over te dragen."))
    if not to.memberships.filter(role__in=HOLDING_ROLES, is_active=True).exists():
        raise ValidationFailed(_("Bij deze organisatie werkt niemand die een traject kan overnemen."))
    trajectory.handover_to, trajectory.handover_asked_at = to, now()
    _saved(actor, trajectory, expected_version, ["handover_to", "handover_asked_at"])
    _event(trajectory, actor, EventKind.HANDOVER_ASKED, to.name)
    return trajectory


@transaction.atomic
def handover_accept(*, actor: Actor, trajectory: Trajectory, expected_version: int) -> Trajectory:
    """The asked organisation takes over; the person accepting becomes responsible."""
    if trajectory.handover_to_id is None:
        raise ValidationFailed(_("Er is geen overdracht gevraagd."))
    if actor.role not in HOLDING_ROLES or actor.organisation.pk != trajectory.handover_to_id:
        raise PermissionDenied(_("Alleen de organisatie die om overname is gevraagd, kan de overdracht aannemen."))
    trajectory.owner, trajectory.owner_membership = actor.organisation, actor.membership
    trajectory.handover_to, trajectory.handover_asked_at = None, None
    _saved(actor, trajectory, expected_version, ["owner", "owner_membership", "handover_to", "handover_asked_at"])
    _event(trajectory, actor, EventKind.HANDOVER_ACCEPTED, actor.organisation.name)
    return trajectory


@transaction.atomic
def handover_withdraw(*, actor: Actor, trajectory: Trajectory, expected_version: int) -> Trajectory:
    _require_owner(actor, trajectory)
    if trajectory.handover_to_id is None:
        raise ValidationFailed(_("Er is geen overdracht gevraagd."))
    trajectory.handover_to, trajectory.handover_asked_at = None, None
    _saved(actor, trajectory, expected_version, ["handover_to", "handover_asked_at"])
    _event(trajectory, actor, EventKind.HANDOVER_ASKED, _("Overdracht ingetrokken."))
    return trajectory


@transaction.atomic
def zrm_record(*, actor: Actor, trajectory: Trajectory, assessed_on: date, scores: Mapping[str, int]) -> ZrmAssessment:
    """A ZRM assessment: every domain scored 1–5, dated today or earlier."""
    _require_owner(actor, trajectory)
    _require_open(trajectory)
    if set(scores) != set(zrm.codes()) or any(score not in zrm.LEVELS for score in scores.values()):
        raise ValidationFailed(_("Geef elk van de {count} domeinen een score van 1 tot en met 5.").format(
            count=len(zrm.codes())))
    if assessed_on > today():
        raise ValidationFailed(_("Een meting ligt niet in de toekomst."))
    assessment = ZrmAssessment.objects.create(trajectory=trajectory, assessed_on=assessed_on, scores=dict(scores),
                                              membership=actor.membership)
    _event(trajectory, actor, EventKind.ZRM, assessed_on.isoformat())
    _touched(actor, trajectory, category=DataCategory.SPECIAL)
    return assessment


@transaction.atomic
def goal_add(*, actor: Actor, trajectory: Trajectory, text: str, owner: Organisation, due_on: date) -> Goal:
    _require_owner(actor, trajectory)
    _require_open(trajectory)
    text = (text or "").strip()
    if not text or len(text) > 300:
        raise ValidationFailed(_("Beschrijf het doel in 1 tot 300 tekens."))
    goal = Goal.objects.create(trajectory=trajectory, text=text, owner=owner, due_on=due_on)
    _event(trajectory, actor, EventKind.GOAL, _("Nieuw doel, streefdatum {due}.").format(due=due_on.isoformat()))
    _touched(actor, trajectory, category=DataCategory.SPECIAL)
    return goal


@transaction.atomic
def goal_set_status(*, actor: Actor, goal: Goal, status: str, expected_version: int) -> Goal:
    _require_owner(actor, goal.trajectory)
    if status not in GoalStatus.values:
        raise ValidationFailed(_("Kies de status van het doel."))
    goal.status = status
    save_versioned(goal, expected_version=expected_version, fields=["status"])
    _event(goal.trajectory, actor, EventKind.GOAL, str(GoalStatus(status).label))
    _touched(actor, goal.trajectory, category=DataCategory.SPECIAL)
    return goal


@transaction.atomic
def placement_add(*, actor: Actor, trajectory: Trajectory, service: Service, start_on: date) -> Placement:
    """The person stays in a service of the social map from `start_on`; a service that keeps its capacity in Keten
    has one place fewer (refused when it has none left)."""
    _require_owner(actor, trajectory)
    _require_open(trajectory)
    if start_on > today() + timedelta(days=30):
        raise ValidationFailed(_("Een plaatsing begint binnen een maand."))
    took = False
    if service.capacity_available is not None:
        took = capacity_take(service, 1)
        if not took:
            raise ValidationFailed(_("{name} heeft volgens de sociale kaart geen plaats vrij.").format(
                name=service.name))
    placement = Placement.objects.create(trajectory=trajectory, service=service, start_on=start_on,
                                         took_capacity=took)
    _event(trajectory, actor, EventKind.PLACEMENT, _("Geplaatst bij {name} vanaf {start}.").format(
        name=service.name, start=start_on.isoformat()), DataCategory.SECRET_LOCATION)
    _touched(actor, trajectory, category=DataCategory.SECRET_LOCATION)
    return placement


@transaction.atomic
def placement_end(*, actor: Actor, placement: Placement, end_on: date) -> Placement:
    """The stay ends; the place it took is free again."""
    _require_owner(actor, placement.trajectory)
    if placement.end_on is not None:
        raise ValidationFailed(_("Deze plaatsing is al beëindigd."))
    if end_on < placement.start_on:
        raise ValidationFailed(_("Een plaatsing eindigt niet voor ze begon."))
    if Placement.objects.filter(pk=placement.pk, end_on__isnull=True).update(end_on=end_on) != 1:
        raise ValidationFailed(_("Deze plaatsing is al beëindigd."))
    placement.end_on = end_on
    if placement.took_capacity:
        capacity_take(placement.service, -1)
    _event(placement.trajectory, actor, EventKind.PLACEMENT, _("Plaatsing bij {name} beëindigd op {end}.").format(
        name=placement.service.name, end=end_on.isoformat()), DataCategory.SECRET_LOCATION)
    _touched(actor, placement.trajectory, category=DataCategory.SECRET_LOCATION)
    return placement


def latest_assessment(trajectory: Trajectory) -> ZrmAssessment | None:
    return trajectory.assessments.order_by("-assessed_on", "-created_at").first()


@transaction.atomic
def trajectory_close(*, actor: Actor, trajectory: Trajectory, reason: str, expected_version: int,
                     contact_attempts: int = 0) -> Trajectory:
    """Close: as self-reliant only when the latest ZRM says so (every domain at the configured level); otherwise
    with a reason from the list — lost contact only after MIN_CONTACT_ATTEMPTS recorded attempts."""
    _require_owner(actor, trajectory)
    _require_open(trajectory)
    if reason not in CloseReason.values:
        raise ValidationFailed(_("Kies de reden van afsluiten."))
    if reason == CloseReason.SELF_RELIANT:
        latest = latest_assessment(trajectory)
        if latest is None or not zrm.is_self_reliant(latest.scores):
            raise ValidationFailed(_("Volgens de laatste ZRM-meting is de persoon nog niet zelfredzaam (elk domein "
                                     "ten minste {level}). Leg eerst een nieuwe meting vast.").format(
                level=zrm.self_reliant_level()))
    if reason == CloseReason.LOST_CONTACT and contact_attempts < MIN_CONTACT_ATTEMPTS:
        raise ValidationFailed(_("Sluit pas af na ten minste {count} pogingen om contact te krijgen.").format(
            count=MIN_CONTACT_ATTEMPTS))
    if trajectory.handover_to_id is not None:
        raise ValidationFailed(_("Trek eerst de lopende overdracht in."))
    trajectory.phase, trajectory.close_reason, trajectory.closed_at = Phase.CLOSED, reason, now()
    _saved(actor, trajectory, expected_version, ["phase", "close_reason", "closed_at"])
    note = str(CloseReason(reason).label)
    if reason == CloseReason.LOST_CONTACT:
        note += " " + _("({count} pogingen)").format(count=contact_attempts)
    _event(trajectory, actor, EventKind.CLOSED, note)
    return trajectory


@transaction.atomic
def trajectory_reopen(*, actor: Actor, trajectory: Trajectory, why: str, expected_version: int) -> Trajectory:
    _require_owner(actor, trajectory)
    if not trajectory.is_closed:
        raise ValidationFailed(_("Dit traject is niet afgesloten."))
    why = (why or "").strip()
    if not why:
        raise ValidationFailed(_("Zeg waarom het traject weer open gaat."))
    trajectory.phase, trajectory.close_reason, trajectory.closed_at = Phase.CARE, "", None
    _saved(actor, trajectory, expected_version, ["phase", "close_reason", "closed_at"])
    _event(trajectory, actor, EventKind.REOPENED, why, DataCategory.SPECIAL)
    return trajectory


def notify_alerts(at=None) -> int:
    """Each alert of an open trajectory (keten.trajectories.alerts) reaches its responsible person once: the
    notice's key names the occasion (the date of the last activity, the goals, the end of the reflection period,
    the moment of the hand-over request), so a new occasion is a new notice. Returns how many were created."""
    created = 0
    open_ = Trajectory.objects.exclude(phase=Phase.CLOSED).select_related("owner_membership")
    for trajectory, alerts in with_alerts(open_, at=at):
        for alert in alerts:
            created += len(notify(
                memberships=[trajectory.owner_membership_id], kind=NotificationKind.DEADLINE_SOON,
                title=_("Traject {reference}: {alert}").format(reference=trajectory.reference, alert=alert.label),
                link=f"/trajecten/{trajectory.pk}/", key=f"trajectory:{trajectory.pk.hex}:{alert.key}"[:64],
                purpose=Purpose.CARE_COORDINATION))
    return created

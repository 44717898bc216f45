"""The demo's Signaaltafel in Noord-Holland: the linking engine bundles the demo signals into dossiers, and one
meeting two weeks ago weighed three of them and decided (a police investigation, a care trajectory that drafted a
referral, a review at a later date), with actions of which one is now past its deadline. The next meeting is
planned for next week, its agenda still to be proposed by the chair. Everything through the services (so it is
audited like real work), then dated back where the demo needs history. Runs once."""

from datetime import timedelta

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.core.clock import now, today
from keten.notifications.services import quiet
from keten.signaltable import meeting_services as meetings
from keten.signaltable.dossier_services import dossiers_sync
from keten.signaltable.models import (
    AgendaItem,
    DecisionKind,
    Dossier,
    DossierSignal,
    Indication,
    Meeting,
    Severity,
    TableAction,
)
from keten.signaltable.services import link_rebuild

#: Participants of the demo table besides its chair.
PARTICIPANTS = (Role.TABLE_MEMBER, Role.POLICE_INVESTIGATOR, Role.CARE_COORDINATOR)

#: What the demo meeting decided on its first three items: (indication, severity, decision, rationale, action
#: for which role, action text).
ITEMS = [
    (Indication.YES, Severity.HIGH, DecisionKind.INVESTIGATE_POLICE,
     "Meerdere harde signalen rond hetzelfde telefoonnummer (fictief demoverhaal).",
     Role.POLICE_INVESTIGATOR, "Verkennend onderzoek naar het gedeelde telefoonnummer"),
    (Indication.YES, Severity.MEDIUM, DecisionKind.CARE_TRAJECTORY,
     "Vermoedelijk slachtoffer heeft opvang en begeleiding nodig (fictief demoverhaal).",
     Role.CARE_COORDINATOR, "Contact leggen en de aanmelding afronden"),
    (Indication.UNCLEAR, Severity.LOW, DecisionKind.MONITOR,
     "Te weinig om te handelen; over zes weken opnieuw bekijken (fictief demoverhaal).",
     None, ""),
]


def seed_demo_table(memberships: dict) -> int:
    """Returns how many dossiers the engine made (0 when the demo already has its table). Nobody is notified."""
    with quiet():
        return _seed(memberships)


def _seed(memberships: dict) -> int:
    chair = Actor.of(memberships[Role.TABLE_CHAIR])
    if Meeting.objects.filter(chair=chair.membership).exists():
        return 0
    run, _result = link_rebuild()
    made = len(dossiers_sync(run).created)
    held = _held_meeting(chair, memberships)
    if held is not None:
        meetings.meeting_schedule(actor=chair, scheduled_at=now() + timedelta(days=7), place="Demo vergaderzaal",
                                  participants=[memberships[role] for role in PARTICIPANTS])
    return made


def _held_meeting(chair: Actor, memberships: dict) -> Meeting | None:
    """The meeting two weeks ago: scheduled, its agenda proposed and cut to three items, weighed, decided and
    closed through the services; then its date and one action's deadline are moved into the past."""
    dossiers = Dossier.objects.filter(municipality__in=chair.membership.region.municipalities.all())
    if dossiers.count() < len(ITEMS):
        return None
    meeting = meetings.meeting_schedule(actor=chair, scheduled_at=now() + timedelta(hours=1),
                                        place="Demo vergaderzaal",
                                        participants=[memberships[role] for role in PARTICIPANTS])
    items = meetings.agenda_propose(actor=chair, meeting=meeting)
    for extra in items[len(ITEMS):]:
        meetings.agenda_remove(actor=chair, item=extra)
    meetings.meeting_start(actor=chair, meeting=meeting)
    for item, (indication, severity, kind, rationale, owner, task) in zip(items, ITEMS, strict=False):
        meetings.assessment_record(actor=chair, item=item, indication=indication, forms=[], severity=severity,
                                   minor_involved=False, notes="Demo-aantekening (fictief).")
        decision = meetings.decision_record(
            actor=chair, item=item, kind=kind, rationale=rationale,
            review_on=today() + timedelta(weeks=6) if kind == DecisionKind.MONITOR else None)
        if owner is not None:
            owner_membership = memberships[owner]
            meetings.action_create(actor=chair, item=item, description=task, decision=decision,
                                   owner_organisation=owner_membership.organisation,
                                   owner_membership=owner_membership, due_on=today() + timedelta(days=7))
    meeting.refresh_from_db()
    meetings.meeting_close(actor=chair, meeting=meeting)
    held_on = now() - timedelta(days=14)
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=held_on, closed_at=held_on + timedelta(hours=2))
    # The dossiers it discussed existed before it; the others stay new for the next meeting's agenda.
    discussed = [item.dossier_id for item in items[:len(ITEMS)]]
    Dossier.objects.filter(pk__in=discussed).update(created_at=held_on - timedelta(days=1))
    DossierSignal.objects.filter(dossier_id__in=discussed).update(added_at=held_on - timedelta(days=1))
    # The police's action was due a few days ago and is still open: the next agenda flags it.
    first = AgendaItem.objects.filter(meeting=meeting).order_by("position").first()
    TableAction.objects.filter(item=first).update(due_on=today() - timedelta(days=4))
    return meeting

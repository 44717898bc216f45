"""Writes of the Signaaltafel's meetings: scheduling, the agenda, and per item the assessment, the decisions and
the follow-up actions. Each is one transaction: checks first, then the writes, then one audit event."""

from collections.abc import Collection, Iterable
from datetime import date

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.models import Membership, Organisation
from keten.audit.services import record as audit
from keten.core.clock import now, today
from keten.core.concurrency import save_versioned
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.core.privacy import DataCategory
from keten.intake.models import ExploitationForm, PersonRole, Signal, SignalForm, SignalPerson
from keten.notifications.models import NotificationKind
from keten.notifications.services import notify
from keten.policy.decisions import decide
from keten.regions.models import Region
from keten.signaltable.agenda import meeting_day, proposal
from keten.signaltable.meeting_selectors import participant_candidates
from keten.signaltable.models import (
    INVESTIGATIONS,
    ActionStatus,
    AgendaItem,
    AgendaReason,
    AgendaRequest,
    Assessment,
    DecisionKind,
    Dossier,
    DossierSignal,
    DossierStatus,
    Indication,
    Meeting,
    MeetingStatus,
    Severity,
    TableAction,
    TableDecision,
)
from keten.signaltable.selectors import CHAIR_ROLES, PURPOSE, TABLE_ROLES, dossier_for, is_chair


def _require_chair(actor: Actor, meeting: Meeting) -> None:
    if actor.role not in CHAIR_ROLES or not is_chair(actor, meeting):
        raise PermissionDenied(_("Alleen de voorzitter van dit overleg kan dit doen."))


def _require_not_closed(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationFailed(_("Dit overleg is afgerond; er kan niets meer aan worden gewijzigd."))


def _meeting_link(meeting: Meeting) -> str:
    return reverse("signaltable:meeting", kwargs={"meeting_id": meeting.pk})


def _invite(meeting: Meeting, memberships: Iterable[Membership]) -> None:
    """Tell participants of the meeting; the notification's key makes sure no one is told twice."""
    notify(memberships=[m for m in memberships if m.pk != meeting.chair_id], kind=NotificationKind.TABLE,
           title=_("Uitnodiging Signaaltafel {when}").format(when=f"{meeting_day(meeting):%d-%m-%Y}"),
           link=_meeting_link(meeting), key=f"table-meeting-{meeting.pk}", purpose=PURPOSE)


def _participants(actor: Actor, region: Region, chosen: Iterable[Membership]) -> set:
    allowed = set(participant_candidates(region).values_list("pk", flat=True))
    chosen = {m.pk for m in chosen}
    if chosen - allowed:
        raise ValidationFailed(_("Nodig alleen deelnemers aan de Signaaltafel van deze regio uit."))
    return chosen | {actor.membership.pk}


# --- Meetings -------------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(*, actor: Actor, scheduled_at, place: str, participants: Iterable[Membership]) -> Meeting:
    """A chair schedules a meeting of their region's table and invites its participants."""
    if actor.role not in CHAIR_ROLES:
        raise PermissionDenied(_("Alleen een voorzitter van de Signaaltafel kan een overleg plannen."))
    region = actor.membership.region
    if region is None:
        raise ValidationFailed(_("Een overleg hoort bij de Signaaltafel van een regio; uw rol heeft geen regio."))
    if scheduled_at is None:
        raise ValidationFailed(_("Vul de datum en tijd van het overleg in."))
    members = _participants(actor, region, participants)
    meeting = Meeting.objects.create(region=region, scheduled_at=scheduled_at, place=place.strip(),
                                     chair=actor.membership)
    meeting.participants.set(members)
    audit(actor=actor, action="create", target=meeting, purpose=PURPOSE)
    _invite(meeting, Membership.objects.filter(pk__in=members))
    return meeting


@transaction.atomic
def meeting_update_participants(*, actor: Actor, meeting: Meeting, participants: Iterable[Membership]) -> Meeting:
    _require_chair(actor, meeting)
    _require_not_closed(meeting)
    members = _participants(actor, meeting.region, participants)
    meeting.participants.set(members)
    save_versioned(meeting, expected_version=meeting.version, fields=[])
    audit(actor=actor, action="update", target=meeting, purpose=PURPOSE)
    _invite(meeting, Membership.objects.filter(pk__in=members))
    return meeting


@transaction.atomic
def meeting_start(*, actor: Actor, meeting: Meeting) -> Meeting:
    _require_chair(actor, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationFailed(_("Dit overleg is al begonnen of afgerond."))
    meeting.status = MeetingStatus.IN_PROGRESS
    save_versioned(meeting, expected_version=meeting.version, fields=["status"])
    audit(actor=actor, action="update", target=meeting, purpose=PURPOSE)
    return meeting


def items_not_done(meeting: Meeting) -> list[AgendaItem]:
    """Agenda items without an assessment or without a decision: a meeting closes only when there are none."""
    return list(meeting.items.filter(Q(assessment__isnull=True) | Q(decisions__isnull=True)).distinct()
                .select_related("dossier").order_by("position"))


@transaction.atomic
def meeting_close(*, actor: Actor, meeting: Meeting) -> Meeting:
    _require_chair(actor, meeting)
    _require_not_closed(meeting)
    open_items = items_not_done(meeting)
    if open_items:
        raise ValidationFailed(_("Het overleg kan nog niet worden afgerond: weeg en besluit eerst over {items}.")
                               .format(items=", ".join(item.dossier.reference for item in open_items)))
    meeting.status, meeting.closed_at = MeetingStatus.CLOSED, now()
    save_versioned(meeting, expected_version=meeting.version, fields=["status", "closed_at"])
    audit(actor=actor, action="update", target=meeting, purpose=PURPOSE)
    return meeting


# --- The agenda -----------------------------------------------------------------------------------------------------


def _next_position(meeting: Meeting) -> int:
    return (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1


def _mark_requests(meeting: Meeting) -> None:
    """Requests for dossiers now on the agenda are answered by this meeting."""
    AgendaRequest.objects.filter(meeting__isnull=True, dossier__agenda_items__meeting=meeting).update(meeting=meeting)


@transaction.atomic
def agenda_propose(*, actor: Actor, meeting: Meeting) -> list[AgendaItem]:
    """Put the proposed dossiers on the agenda, after what is already there; returns the items added."""
    _require_chair(actor, meeting)
    _require_not_closed(meeting)
    present = set(meeting.items.values_list("dossier_id", flat=True))
    position = _next_position(meeting)
    added = []
    for proposed in proposal(meeting):
        if proposed.dossier.pk in present:
            continue
        added.append(AgendaItem.objects.create(meeting=meeting, dossier=proposed.dossier, position=position,
                                               reasons=proposed.reasons))
        position += 1
    _mark_requests(meeting)
    audit(actor=actor, action="update", target=meeting, purpose=PURPOSE)
    return added


@transaction.atomic
def agenda_add(*, actor: Actor, meeting: Meeting, dossier: Dossier) -> AgendaItem:
    _require_chair(actor, meeting)
    _require_not_closed(meeting)
    if dossier.status != DossierStatus.OPEN or not decide(actor, "read", dossier, PURPOSE).allowed:
        raise ValidationFailed(_("Alleen een open dossier dat u aan de tafel kunt zien, kan op de agenda."))
    if meeting.items.filter(dossier=dossier).exists():
        raise ValidationFailed(_("Dossier {reference} staat al op de agenda.").format(reference=dossier.reference))
    item = AgendaItem.objects.create(meeting=meeting, dossier=dossier, position=_next_position(meeting),
                                     reasons=[AgendaReason.ADDED.value])
    _mark_requests(meeting)
    audit(actor=actor, action="create", target=item, purpose=PURPOSE)
    return item


@transaction.atomic
def agenda_move(*, actor: Actor, item: AgendaItem, direction: str) -> AgendaItem:
    meeting = item.meeting
    _require_chair(actor, meeting)
    _require_not_closed(meeting)
    if direction not in ("up", "down"):
        raise ValidationFailed(_("Verplaats een agendapunt omhoog of omlaag."))
    items = list(meeting.items.order_by("position", "created_at"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        raise ValidationFailed(_("Dit agendapunt staat al bovenaan.") if direction == "up"
                               else _("Dit agendapunt staat al onderaan."))
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items, start=1):
        if each.position != position:
            AgendaItem.objects.filter(pk=each.pk).update(position=position)
            each.position = position
    item.position = next(each.position for each in items if each.pk == item.pk)
    audit(actor=actor, action="update", target=item, purpose=PURPOSE)
    return item


@transaction.atomic
def agenda_remove(*, actor: Actor, item: AgendaItem) -> None:
    meeting = item.meeting
    _require_chair(actor, meeting)
    _require_not_closed(meeting)
    if Assessment.objects.filter(item=item).exists() or item.decisions.exists() or item.actions.exists():
        raise ValidationFailed(_("Dit agendapunt is al gewogen; het blijft op de agenda."))
    audit(actor=actor, action="delete", target=item, purpose=PURPOSE)
    # A member's request comes back for the next meeting.
    AgendaRequest.objects.filter(meeting=meeting, dossier_id=item.dossier_id).update(meeting=None)
    item.delete()


@transaction.atomic
def agenda_request(*, actor: Actor, dossier: Dossier, reason: str) -> AgendaRequest:
    """A participant asks for a dossier at the next meeting; the region's chairs hear of it."""
    if actor.role not in TABLE_ROLES or dossier_for(actor=actor, dossier_id=dossier.pk) is None:
        raise PermissionDenied(_("U kunt alleen een dossier agenderen dat u aan de Signaaltafel kunt zien."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Zeg waarom het dossier besproken moet worden."))
    if len(reason) > 300:
        raise ValidationFailed(_("Houd de reden kort: hoogstens 300 tekens."))
    if dossier.status != DossierStatus.OPEN:
        raise ValidationFailed(_("Dit dossier is niet meer open."))
    if AgendaRequest.objects.filter(dossier=dossier, requested_by=actor.membership, meeting__isnull=True).exists():
        raise ValidationFailed(_("U hebt dit dossier al gevraagd voor het volgende overleg."))
    request = AgendaRequest.objects.create(dossier=dossier, requested_by=actor.membership, reason=reason)
    audit(actor=actor, action="create", target=request, purpose=PURPOSE)
    chairs = Membership.objects.filter(role__in=CHAIR_ROLES, is_active=True,
                                       region__municipalities=dossier.municipality_id)
    notify(memberships=chairs, kind=NotificationKind.TABLE, link=reverse("signaltable:meeting-list"),
           title=_("Dossier {reference} gevraagd voor de Signaaltafel").format(reference=dossier.reference),
           key=f"table-request-{request.pk}", purpose=PURPOSE)
    return request


# --- Assessment, decisions and actions ------------------------------------------------------------------------------


def _codes(values: Collection[str], allowed, message) -> list[str]:
    values = list(dict.fromkeys(values or ()))
    if any(value not in allowed for value in values):
        raise ValidationFailed(message)
    return values


@transaction.atomic
def assessment_record(*, actor: Actor, item: AgendaItem, indication: str, forms: Collection[str], severity: str,
                      minor_involved: bool | None, notes: str | None = "", expected_version: int | None = None
                      ) -> Assessment:
    """The table's weighing of an agenda item: created the first time, then updated with the version read.
    `notes` None keeps the notes there are (a chair who may not read them back must not wipe them)."""
    _require_chair(actor, item.meeting)
    _require_not_closed(item.meeting)
    if indication not in Indication.values:
        raise ValidationFailed(_("Kies of er aanwijzingen voor mensenhandel zijn: ja, nee of onduidelijk."))
    if severity not in Severity.values:
        raise ValidationFailed(_("Kies de ernst: laag, midden of hoog."))
    if minor_involved not in (True, False, None):
        raise ValidationFailed(_("Kies of er een minderjarige betrokken is."))
    forms = _codes(forms, ExploitationForm.values, _("Kies vormen van uitbuiting uit de lijst."))
    existing = Assessment.objects.filter(item=item).first()
    if notes is None:
        notes = existing.notes if existing else ""
    values = {"indication": indication, "forms": forms, "severity": severity, "minor_involved": minor_involved,
              "notes": notes.strip()}
    if existing is None:
        assessment = Assessment.objects.create(item=item, assessed_by=actor.membership, **values)
        audit(actor=actor, action="create", target=assessment, purpose=PURPOSE)
        return assessment
    if expected_version is None:
        raise ConcurrentUpdate()  # someone else recorded the first weighing while this one was typed
    for name, value in {**values, "assessed_by": actor.membership}.items():
        setattr(existing, name, value)
    save_versioned(existing, expected_version=expected_version, fields=[*values, "assessed_by"])
    audit(actor=actor, action="update", target=existing, purpose=PURPOSE)
    return existing


def _dossier_signals(dossier: Dossier):
    return Signal.objects.filter(pk__in=DossierSignal.objects.filter(dossier=dossier, is_active=True)
                                 .values("signal_id"))


def _care_referral(actor: Actor, item: AgendaItem, rationale: str):
    """The draft referral to the care coordinator a care decision makes, pre-filled from the dossier."""
    from keten.referrals.services import MAX_SITUATION_CHARS, referral_draft

    dossier = item.dossier
    signals = _dossier_signals(dossier)
    forms = item.assessment.forms or sorted(set(SignalForm.objects.filter(signal__in=signals)
                                                .values_list("form", flat=True))) or [ExploitationForm.UNKNOWN]
    victim = (SignalPerson.objects.filter(signal__in=signals, role=PersonRole.PRESUMED_VICTIM,
                                          subject__isnull=False)
              .order_by("signal__observed_on", "signal__created_at").select_related("subject").first())
    situation = _("Besluit Signaaltafel {day}: ").format(day=f"{meeting_day(item.meeting):%d-%m-%Y}") + rationale
    return referral_draft(actor=actor, municipality=dossier.municipality, forms=list(forms),
                          subject=victim.subject if victim else None,
                          signal=signals.order_by("-observed_on", "-created_at").first(),
                          situation=situation[:MAX_SITUATION_CHARS])


@transaction.atomic
def decision_record(*, actor: Actor, item: AgendaItem, kind: str, rationale: str, review_on: date | None = None,
                    hand_over_to: Region | None = None) -> TableDecision:
    """What the table decided about an item, with why. A care decision drafts a referral to the care coordinator;
    a hand-over moves the dossier to another region's table."""
    meeting = item.meeting
    _require_chair(actor, meeting)
    _require_not_closed(meeting)
    if not Assessment.objects.filter(item=item).exists():
        raise ValidationFailed(_("Leg eerst de weging vast; daarna kan de tafel besluiten."))
    if kind not in DecisionKind.values:
        raise ValidationFailed(_("Kies een besluit uit de lijst."))
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationFailed(_("Geef de onderbouwing van het besluit: waarom besluit de tafel dit?"))
    if kind == DecisionKind.MONITOR:
        if review_on is None or review_on <= today():
            raise ValidationFailed(_("Kies een datum in de toekomst waarop de tafel het dossier opnieuw bespreekt."))
    else:
        review_on = None
    if kind == DecisionKind.HAND_OVER:
        if hand_over_to is None or hand_over_to.layer_id != meeting.region.layer_id \
                or hand_over_to.pk == meeting.region_id:
            raise ValidationFailed(_("Kies de andere regio aan wier Signaaltafel het dossier wordt overgedragen."))
    else:
        hand_over_to = None
    referral = _care_referral(actor, item, rationale) if kind == DecisionKind.CARE_TRAJECTORY else None
    decision = TableDecision.objects.create(
        item=item, dossier=item.dossier, kind=kind, rationale=rationale, review_on=review_on,
        hand_over_to=hand_over_to, referral=referral, decided_by=actor.membership,
        category=DataCategory.CRIMINAL if kind in INVESTIGATIONS else DataCategory.OPERATIONAL)
    audit(actor=actor, action="create", target=decision, purpose=PURPOSE)
    if hand_over_to is not None:
        from keten.signaltable.dossier_services import dossier_hand_over

        dossier_hand_over(actor=actor, dossier=item.dossier, region=hand_over_to, reason=rationale)
    return decision


def action_owners(organisation: Organisation):
    """Who hears of an action given to an organisation without a named person: its people at the table."""
    return Membership.objects.filter(organisation=organisation, role__in=TABLE_ROLES, is_active=True)


@transaction.atomic
def action_create(*, actor: Actor, item: AgendaItem, description: str, owner_organisation: Organisation,
                  owner_membership: Membership | None, due_on: date, decision: TableDecision | None = None
                  ) -> TableAction:
    _require_chair(actor, item.meeting)
    _require_not_closed(item.meeting)
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(_("Beschrijf de actie."))
    if len(description) > 500:
        raise ValidationFailed(_("Beschrijf de actie in hoogstens 500 tekens."))
    if owner_organisation is None:
        raise ValidationFailed(_("Kies de organisatie die de actie uitvoert."))
    if owner_membership is not None and (owner_membership.organisation_id != owner_organisation.pk
                                         or not owner_membership.is_active):
        raise ValidationFailed(_("De gekozen persoon werkt niet bij de gekozen organisatie."))
    if due_on is None or due_on < today():
        raise ValidationFailed(_("Kies een uiterste datum vandaag of later."))
    if decision is not None and decision.item_id != item.pk:
        raise ValidationFailed(_("Dit besluit hoort niet bij dit agendapunt."))
    category = decision.category if decision is not None else DataCategory.OPERATIONAL
    action = TableAction.objects.create(
        dossier=item.dossier, item=item, decision=decision, description=description, category=category,
        owner_organisation=owner_organisation, owner_membership=owner_membership, due_on=due_on,
        created_by=actor.membership)
    audit(actor=actor, action="create", target=action, purpose=PURPOSE)
    notify(memberships=[owner_membership] if owner_membership else action_owners(owner_organisation),
           kind=NotificationKind.TABLE, link=reverse("signaltable:action-update", kwargs={"action_id": action.pk}),
           title=_("Actie van de Signaaltafel voor dossier {reference}, uiterlijk {due}").format(
               reference=item.dossier.reference, due=f"{due_on:%d-%m-%Y}"),
           key=f"table-action-{action.pk}", purpose=PURPOSE)
    return action


def may_update_action(actor: Actor, action: TableAction) -> bool:
    """The owner organisation's people, and the chair of the meeting that agreed the action."""
    if actor.organisation.pk == action.owner_organisation_id:
        return True
    return action.item_id is not None and is_chair(actor, action.item.meeting) and actor.role in CHAIR_ROLES


@transaction.atomic
def action_update(*, actor: Actor, action: TableAction, status: str, outcome: str,
                  expected_version: int) -> TableAction:
    if not may_update_action(actor, action):
        raise PermissionDenied(_("Alleen de eigenaar van de actie of de voorzitter kan de actie bijwerken."))
    if status not in ActionStatus.values:
        raise ValidationFailed(_("Kies een status uit de lijst."))
    outcome = (outcome or "").strip()
    if status == ActionStatus.DONE and not outcome:
        raise ValidationFailed(_("Beschrijf de uitkomst van de afgeronde actie."))
    action.status, action.outcome = status, outcome
    action.completed_at = (action.completed_at or now()) if status == ActionStatus.DONE else None
    save_versioned(action, expected_version=expected_version, fields=["status", "outcome", "completed_at"])
    audit(actor=actor, action="update", target=action, purpose=PURPOSE)
    return action

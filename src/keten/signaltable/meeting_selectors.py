"""Reads of the Signaaltafel's meetings: who may take part, a meeting with its agenda in order, one agenda item with
its assessment, decisions and actions, and the open actions of a dossier.

The facts of an item (why it is on the agenda, the dossier's summary, indication, severity, decision kinds, owners
and deadlines) are operational. Free text is not: an assessment's notes are special-category data, a decision's
rationale and an action's text have the category stored with them (criminal for investigations). Each text is shown
only where policy allows its category, otherwise it is "afgeschermd" with the reason; showing any of it is one
audited read per page."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from keten.accounts.actor import Actor
from keten.accounts.models import Membership, Organisation
from keten.audit.services import record as audit
from keten.core.clock import today
from keten.core.privacy import DataCategory
from keten.intake.models import ExploitationForm
from keten.policy.decisions import Decision, decide, fetch_with_relations
from keten.regions.models import Region
from keten.signaltable.models import (
    ActionStatus,
    AgendaItem,
    Assessment,
    Dossier,
    Meeting,
    MeetingStatus,
    TableAction,
    TableDecision,
)
from keten.signaltable.selectors import (
    CHAIR_ROLES,
    PURPOSE,
    TABLE_ROLES,
    dossiers_visible,
    is_chair,
    meetings_visible,
)
from keten.signaltable.summary import DossierSummary, summaries


def participant_candidates(region: Region) -> QuerySet[Membership]:
    """Who may be invited to a meeting of `region`'s table: the table's roles in that region, or national."""
    return (Membership.objects.filter(role__in=TABLE_ROLES, is_active=True, user__is_active=True)
            .filter(Q(region=region) | Q(region__isnull=True))
            .select_related("user", "organisation").order_by("organisation__name", "role", "user__full_name"))


def meetings_of(*, actor: Actor) -> tuple[list[Meeting], list[Meeting]]:
    """The actor's meetings: those still to hold or in progress (soonest first), and those closed (latest first)."""
    visible = meetings_visible(actor=actor)
    return (list(visible.exclude(status=MeetingStatus.CLOSED).order_by("scheduled_at")),
            list(visible.filter(status=MeetingStatus.CLOSED).order_by("-scheduled_at")[:50]))


def item_for(meeting: Meeting, item_id) -> AgendaItem | None:
    return meeting.items.filter(pk=item_id).select_related("dossier__municipality", "meeting__region").first()


@dataclass
class Guarded:
    """A free text as this reader may see it: the text, or why it is withheld."""

    text: str
    shown: bool
    why: str = ""


@dataclass
class ActionView:
    action: TableAction
    description: Guarded
    outcome: Guarded
    overdue: bool


@dataclass
class DecisionView:
    decision: TableDecision
    rationale: Guarded


@dataclass
class ItemView:
    item: AgendaItem
    dossier: Dossier
    reasons: list[str]
    summary: DossierSummary | None
    summary_why: str
    assessment: Assessment | None
    notes: Guarded | None = None
    decisions: list[DecisionView] = field(default_factory=list)
    actions: list[ActionView] = field(default_factory=list)
    earlier_actions: list[ActionView] = field(default_factory=list)
    overdue: bool = False

    @property
    def assessment_forms(self) -> list[str]:
        codes = self.assessment.forms if self.assessment else []
        return [str(ExploitationForm(code).label) for code in codes if code in ExploitationForm.values]

    @property
    def done(self) -> bool:
        return self.assessment is not None and bool(self.decisions)


@dataclass
class MeetingView:
    meeting: Meeting
    items: list[ItemView]
    participants: list[Membership]
    chair: bool


class _Gate:
    """Decides, once per dossier and data category, whether a text may be shown; remembers the first decision
    that let a text through, for the audit event of the page."""

    def __init__(self, actor: Actor):
        self.actor = actor
        self.decisions: dict[tuple, Decision] = {}
        self.shown: Decision | None = None

    def decision(self, dossier: Dossier, category: str) -> Decision:
        key = (dossier.pk, category)
        if key not in self.decisions:
            self.decisions[key] = decide(self.actor, "read", dossier, PURPOSE, category=category)
        return self.decisions[key]

    def guard(self, dossier: Dossier, category: str, text: str) -> Guarded:
        decision = self.decision(dossier, category)
        if decision.allowed and not decision.pseudonymised:
            if text and self.shown is None:
                self.shown = decision
            return Guarded(text, True)
        return Guarded("", False, decision.reason if text else "")

    def audit(self, target) -> None:
        if self.shown is not None:
            audit(actor=self.actor, action="read", target=target, purpose=PURPOSE,
                  basis=self.shown.basis.code if self.shown.basis else "", decision=self.shown.mode)


def _action_view(gate: _Gate | None, dossier: Dossier, action: TableAction, on) -> ActionView:
    hidden = Guarded("", False, "")
    return ActionView(
        action,
        gate.guard(dossier, action.category, action.description) if gate else hidden,
        gate.guard(dossier, action.category, action.outcome) if gate else hidden,
        action.is_overdue(on))


def _items(actor: Actor, items: list[AgendaItem], *, gate: _Gate | None) -> list[ItemView]:
    """Views of `items`; with a gate their texts as the actor may see them, without one none of the texts."""
    if not items:
        return []
    on = today()
    dossiers = {d.pk: d for d in fetch_with_relations(actor, PURPOSE, Dossier.objects.filter(
        pk__in=[item.dossier_id for item in items]).select_related("municipality", "owner"))}
    found = summaries(list(dossiers))
    open_actions: dict = {}
    for action in TableAction.objects.filter(dossier_id__in=dossiers, status=ActionStatus.OPEN).select_related(
            "owner_organisation", "owner_membership__user"):
        open_actions.setdefault(action.dossier_id, []).append(action)
    views = []
    for item in items:
        dossier = dossiers[item.dossier_id]
        allowed = decide(actor, "read", dossier, PURPOSE)
        assessment = item.assessment if _has_assessment(item) else None
        view = ItemView(item, dossier, item.reason_labels(), found[dossier.pk] if allowed.allowed else None,
                        "" if allowed.allowed else allowed.reason, assessment,
                        overdue=any(a.is_overdue(on) for a in open_actions.get(dossier.pk, ())))
        view.decisions = [DecisionView(d, gate.guard(dossier, d.category, d.rationale) if gate
                                       else Guarded("", False)) for d in item.decisions.all()]
        view.actions = [_action_view(gate, dossier, a, on) for a in item.actions.all()]
        view.earlier_actions = [_action_view(gate, dossier, a, on) for a in open_actions.get(dossier.pk, ())
                                if a.item_id != item.pk]
        if gate and assessment is not None:
            view.notes = gate.guard(dossier, DataCategory.SPECIAL, assessment.notes)
        views.append(view)
    return views


def _has_assessment(item: AgendaItem) -> bool:
    try:
        return item.assessment is not None
    except Assessment.DoesNotExist:
        return False


def _items_of(meeting: Meeting, **filters) -> list[AgendaItem]:
    return list(meeting.items.filter(**filters).select_related("dossier", "assessment").prefetch_related(
        "decisions__hand_over_to", "decisions__referral", "actions__owner_organisation",
        "actions__owner_membership__user").order_by("position", "created_at"))


def meeting_view(*, actor: Actor, meeting: Meeting, texts: bool = False) -> MeetingView:
    """A meeting with its agenda in order. With `texts`, the notes, rationales and actions' text too, as far as
    policy lets the actor see them (the minutes); that is an audited read of the meeting."""
    gate = _Gate(actor) if texts else None
    items = _items(actor, _items_of(meeting), gate=gate)
    if gate:
        gate.audit(meeting)
    participants = list(meeting.participants.select_related("user", "organisation").order_by(
        "organisation__name", "role"))
    return MeetingView(meeting, items, participants, actor.role in CHAIR_ROLES and is_chair(actor, meeting))


def item_view(*, actor: Actor, item: AgendaItem) -> ItemView:
    """One agenda item in full, as the actor may see it; reading its texts is one audited read of the item."""
    gate = _Gate(actor)
    view = _items(actor, _items_of(item.meeting, pk=item.pk), gate=gate)[0]
    gate.audit(item)
    return view


def dossier_actions(*, actor: Actor, dossier: Dossier) -> list[ActionView]:
    """The open actions of a dossier with their overdue flags (for the dossier page); their text as policy
    allows, which is an audited read of the dossier."""
    gate = _Gate(actor)
    on = today()
    views = [_action_view(gate, dossier, action, on) for action in TableAction.objects.filter(
        dossier=dossier, status=ActionStatus.OPEN).select_related("owner_organisation", "owner_membership__user")]
    gate.audit(dossier)
    return views


def notes_readable(*, actor: Actor, dossier: Dossier) -> bool:
    """Whether the actor may read an assessment's notes (special-category data) about this dossier."""
    decision = decide(actor, "read", dossier, PURPOSE, category=DataCategory.SPECIAL)
    return decision.allowed and not decision.pseudonymised


def action_for(*, actor: Actor, action_id) -> TableAction | None:
    """An action for its owner organisation's people and the chair of its meeting; None (404) for anyone else."""
    if actor.role not in TABLE_ROLES:
        return None
    action = (TableAction.objects.filter(pk=action_id)
              .select_related("dossier__municipality", "item__meeting", "owner_organisation",
                              "owner_membership__user").first())
    if action is None:
        return None
    chairs = action.item_id is not None and actor.role in CHAIR_ROLES and is_chair(actor, action.item.meeting)
    return action if chairs or action.owner_organisation_id == actor.organisation.pk else None


def action_view(*, actor: Actor, action: TableAction) -> ActionView:
    gate = _Gate(actor)
    view = _action_view(gate, action.dossier, action, today())
    gate.audit(action)
    return view


def hand_over_regions(meeting: Meeting) -> QuerySet[Region]:
    """The other regions of the meeting's layer: where a dossier can be handed over to."""
    return Region.objects.filter(layer_id=meeting.region.layer_id).exclude(pk=meeting.region_id).order_by("name")


def owner_choices(meeting: Meeting) -> tuple[QuerySet[Organisation], QuerySet[Membership]]:
    """Who an action can be given to: the organisations at the table, and the participants themselves."""
    people = meeting.participants.select_related("user", "organisation").order_by("organisation__name", "role")
    organisations = Organisation.objects.filter(pk__in=meeting.participants.values("organisation_id"))
    return organisations.order_by("name"), people


def dossier_by_reference(*, actor: Actor, reference: str) -> Dossier | None:
    """An open dossier the actor may see at the table, by the reference read aloud (any case)."""
    return dossiers_visible(actor=actor).filter(reference__iexact=(reference or "").strip()).first()

"""The minutes of a meeting as one participant's organisation may see them: a copy per recipient, its plain-text
rendering and the digest that proves later what was sent.

A copy is built from what policy lets the recipient read at the table: a dossier they may not read is only
"agendapunt afgeschermd"; an assessment's notes (special category) and an investigation's rationale and actions
(criminal category) appear only where the rules allow them. The chair's own copy has an annex of the identities
revealed during the meeting: who, when, for what and why, never the value."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from keten.accounts.actor import Actor
from keten.accounts.models import Membership
from keten.audit.services import record as audit
from keten.core.clock import today
from keten.core.privacy import DataCategory as C
from keten.intake.models import ExploitationForm
from keten.policy.decisions import Decision, decide, fetch_with_relations
from keten.signaltable.models import (
    AgendaItem,
    Dossier,
    Meeting,
    MeetingStatus,
    MinutesDispatch,
    TableAction,
    TableDecision,
)
from keten.signaltable.reveals import AnnexEntry, reveals_for_annex
from keten.signaltable.selectors import PURPOSE
from keten.signaltable.summary import DossierSummary, summaries

#: The language of record: a copy's digest is taken over its Dutch rendering, whatever language the sender uses.
RECORD_LANGUAGE = "nl"


@dataclass(frozen=True)
class Participant:
    organisation: str
    role: str
    name: str


@dataclass(frozen=True)
class AssessmentCopy:
    indication: str
    forms: tuple[str, ...]
    severity: str
    minor_involved: str
    notes: str | None  # None: shielded from this recipient


@dataclass(frozen=True)
class DecisionCopy:
    kind: str
    rationale: str | None  # None: shielded (police information)
    review_on: date | None
    hand_over_to: str


@dataclass(frozen=True)
class ActionCopy:
    owner: str
    due_on: date
    status: str
    overdue: bool
    description: str | None  # None: shielded (police information)
    outcome: str | None


@dataclass(frozen=True)
class ItemCopy:
    position: int
    shielded: bool  # the recipient may not read the dossier at all: nothing else is filled
    reference: str = ""
    reasons: tuple[str, ...] = ()
    summary: DossierSummary | None = None
    assessment: AssessmentCopy | None = None
    decisions: tuple[DecisionCopy, ...] = ()
    actions: tuple[ActionCopy, ...] = ()


@dataclass(frozen=True)
class MinutesCopy:
    meeting_id: object
    recipient_id: object
    recipient: Participant
    region: str
    scheduled_at: datetime
    place: str
    status: str
    is_closed: bool
    chair: Participant
    participants: tuple[Participant, ...]
    items: tuple[ItemCopy, ...]
    reveals: tuple[AnnexEntry, ...] | None  # None: not the chair's copy
    basis: str  # the legal basis of the reader's reading at the table ("" when no item was readable)
    mode: str  # policy's effect for that reading ("allow" or "pseudonymise"; "" when no item was readable)

    @property
    def title(self) -> str:
        return minutes_title(region=self.region, scheduled_at=self.scheduled_at)


def minutes_title(*, region: str, scheduled_at: datetime) -> str:
    return _("Verslag Signaaltafel {region} {date}").format(
        region=region, date=date_format(localtime(scheduled_at), "j F Y"))


def _participant(membership: Membership) -> Participant:
    # The people at the table are named as their membership shows them; nobody else in the minutes is.
    return Participant(organisation=membership.organisation.name, role=str(membership.get_role_display()),
                       name=membership.user.full_name)


def _may_read(decisions: list[Decision]) -> bool:
    """Shown only when every reader (the recipient, and the chair previewing their copy) may read it in full."""
    return all(decision.allowed and not decision.pseudonymised for decision in decisions)


class _Reader:
    """Policy's answers for the copy's readers, asked once per dossier and category."""

    def __init__(self, actors: list[Actor], dossiers: list[Dossier]):
        self.actors = actors
        # Each reader's own fetch keeps their relations to the dossier on the record for decide().
        self.records = [{d.pk: d for d in fetch_with_relations(actor, PURPOSE, Dossier.objects.filter(
            pk__in=[dossier.pk for dossier in dossiers]), complete=True)} for actor in actors]
        self.cache: dict = {}

    def decisions(self, dossier: Dossier, category: str) -> list[Decision]:
        key = (dossier.pk, category)
        if key not in self.cache:
            self.cache[key] = [decide(actor, "read", records[dossier.pk], PURPOSE, category=category)
                               for actor, records in zip(self.actors, self.records, strict=True)]
        return self.cache[key]

    def sees(self, dossier: Dossier, category: str = C.OPERATIONAL, *, in_full: bool = True) -> bool:
        decisions = self.decisions(dossier, category)
        return _may_read(decisions) if in_full else all(decision.allowed for decision in decisions)


def _yes_no(value: bool | None) -> str:
    return _("onbekend") if value is None else (_("ja") if value else _("nee"))


def _assessment(item: AgendaItem, reader: _Reader) -> AssessmentCopy | None:
    assessment = getattr(item, "assessment", None)
    if assessment is None:
        return None
    notes = assessment.notes if reader.sees(item.dossier, C.SPECIAL) else None
    forms = tuple(str(ExploitationForm(code).label) if code in ExploitationForm.values else code
                  for code in assessment.forms)
    return AssessmentCopy(indication=str(assessment.get_indication_display()), forms=forms,
                          severity=str(assessment.get_severity_display()),
                          minor_involved=_yes_no(assessment.minor_involved), notes=notes)


def _decision(decision: TableDecision, reader: _Reader) -> DecisionCopy:
    shown = reader.sees(decision.dossier, decision.category)
    return DecisionCopy(kind=str(decision.get_kind_display()), rationale=decision.rationale if shown else None,
                        review_on=decision.review_on,
                        hand_over_to=decision.hand_over_to.name if decision.hand_over_to_id else "")


def _action(action: TableAction, reader: _Reader, on: date) -> ActionCopy:
    shown = reader.sees(action.dossier, action.category)
    return ActionCopy(owner=action.owner_organisation.name, due_on=action.due_on,
                      status=str(action.get_status_display()), overdue=action.is_overdue(on),
                      description=action.description if shown else None,
                      outcome=action.outcome if shown else None)


def minutes_copy(meeting: Meeting, recipient: Membership, *, viewer: Membership | None = None) -> MinutesCopy:
    """The minutes as `recipient`'s organisation may see them. Pure read: nothing is audited here (see
    minutes_read). With `viewer` (the chair previewing another participant's copy) a part is shown only when
    both may read it, so a preview never shows the chair more than the chair may see."""
    recipient_actor = Actor.of(recipient)
    actors = [recipient_actor] + ([Actor.of(viewer)] if viewer is not None and viewer.pk != recipient.pk else [])
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position").select_related(
        "dossier__municipality", "dossier__owner", "assessment"))
    dossiers = [item.dossier for item in items]
    reader = _Reader(actors, dossiers)
    on = today()
    readable = [item for item in items if reader.sees(item.dossier, in_full=False)]
    readable_ids = {item.pk for item in readable}
    found_summaries = summaries([item.dossier for item in readable])
    decisions, actions = {}, {}
    for decision in TableDecision.objects.filter(item__in=readable).select_related("hand_over_to", "dossier"):
        decisions.setdefault(decision.item_id, []).append(decision)
    for action in TableAction.objects.filter(item__in=readable).select_related("owner_organisation", "dossier"):
        actions.setdefault(action.item_id, []).append(action)
    copies = []
    for item in items:
        if item.pk not in readable_ids:
            copies.append(ItemCopy(position=item.position, shielded=True))
            continue
        copies.append(ItemCopy(
            position=item.position, shielded=False, reference=item.dossier.reference,
            reasons=tuple(item.reason_labels()), summary=found_summaries[item.dossier.pk],
            assessment=_assessment(item, reader),
            decisions=tuple(_decision(d, reader) for d in decisions.get(item.pk, [])),
            actions=tuple(_action(a, reader, on) for a in actions.get(item.pk, []))))
    basis, mode = "", ""
    if readable:
        # Whoever reads this copy: the viewer when previewing, else the recipient (the reading that is audited).
        first = reader.decisions(readable[0].dossier, C.OPERATIONAL)[-1]
        basis, mode = (first.basis.code if first.basis else ""), str(first.mode)
    participants = meeting.participants.select_related("organisation", "user").order_by(
        "organisation__name", "role")
    return MinutesCopy(
        meeting_id=meeting.pk, recipient_id=recipient.pk, recipient=_participant(recipient),
        region=meeting.region.name, scheduled_at=meeting.scheduled_at, place=meeting.place,
        status=str(meeting.get_status_display()), is_closed=meeting.status == MeetingStatus.CLOSED,
        chair=_participant(meeting.chair), participants=tuple(_participant(m) for m in participants),
        items=tuple(copies), reveals=tuple(reveals_for_annex(meeting)) if recipient.pk == meeting.chair_id else None,
        basis=basis, mode=mode)


def minutes_read(*, actor: Actor, meeting: Meeting, recipient: Membership | None = None,
                 action: str = "read") -> MinutesCopy:
    """The copy `actor` reads (their own, or as chair a participant's): one audit event for the reading
    ("read" on the page, "export" for the PDF). The caller has checked that the actor sits at this table."""
    recipient = recipient or actor.membership
    viewer = actor.membership if recipient.pk != actor.membership.pk else None
    copy = minutes_copy(meeting, recipient, viewer=viewer)
    audit(actor=actor, action=action, target=meeting, purpose=PURPOSE, basis=copy.basis, decision=copy.mode)
    return copy


def recipients(meeting: Meeting) -> list[Membership]:
    """Who gets the minutes: the chair and every participant, once each."""
    found = {meeting.chair_id: meeting.chair}
    for membership in meeting.participants.select_related("organisation", "user", "region"):
        found.setdefault(membership.pk, membership)
    return list(found.values())


def dispatches(meeting: Meeting):
    """What was sent to whom, newest first, with each copy's fingerprint: the chair's record of sending."""
    return (MinutesDispatch.objects.filter(meeting=meeting).select_related("recipient__organisation", "recipient__user")
            .order_by("-at", "-id"))


# --- The plain-text rendering and the digest -----------------------------------------------------------------------


def _day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def _moment(value: datetime) -> str:
    return date_format(localtime(value), "j F Y H:i")


def person(participant: Participant) -> str:
    name = f"{participant.name}, " if participant.name else ""
    return f"{name}{participant.role}, {participant.organisation}"


def header_lines(copy: MinutesCopy) -> list[str]:
    return [_("Exemplaar voor: {who}").format(who=person(copy.recipient)),
            _("Datum en tijd: {moment}").format(moment=_moment(copy.scheduled_at)),
            _("Plaats: {place}").format(place=copy.place or "—"),
            _("Status: {status}").format(status=copy.status),
            _("Voorzitter: {who}").format(who=person(copy.chair))]


def as_text(copy: MinutesCopy) -> list[str]:
    """The copy line by line, in the order the page and the PDF show it."""
    lines = [copy.title, *header_lines(copy), _("Deelnemers:")]
    lines += [f"- {person(participant)}" for participant in copy.participants]
    for item in copy.items:
        if item.shielded:
            lines.append(_("{position}. Agendapunt afgeschermd").format(position=item.position))
            continue
        lines.append(_("{position}. Dossier {reference}").format(position=item.position, reference=item.reference))
        lines.append(_("Waarom op de agenda: {reasons}").format(reasons="; ".join(item.reasons) or "—"))
        lines += summary_lines(item.summary)
        lines += assessment_lines(item.assessment)
        for decision in item.decisions:
            lines += decision_lines(decision)
        for action in item.actions:
            lines += action_lines(action)
    if copy.reveals is not None:
        lines.append(_("Bijlage: onthulde identiteiten"))
        lines += [reveal_line(reveal) for reveal in copy.reveals] or [_("Geen identiteiten onthuld.")]
    return lines


def summary_lines(summary: DossierSummary | None) -> list[str]:
    if summary is None:
        return []
    return [
        ngettext("Samenvatting: {signals} signaal in {places}; vormen: {forms}.",
                 "Samenvatting: {signals} signalen in {places}; vormen: {forms}.", summary.signals).format(
            signals=summary.signals, places=", ".join(summary.municipalities) or "—",
            forms=", ".join(summary.forms) or "—"),
        _("Harde indicatoren: {hard}; zachte indicatoren: {soft}; minderjarige betrokken: {minor}.").format(
            hard=summary.hard_indicators, soft=summary.soft_indicators, minor=_yes_no(summary.minors_involved)),
        _("Eerste signaal: {first}; laatste signaal: {last}.").format(
            first=_day(summary.first_signal) or "—", last=_day(summary.last_signal) or "—"),
    ]


def assessment_lines(assessment: AssessmentCopy | None) -> list[str]:
    if assessment is None:
        return [_("Weging: nog niet gewogen.")]
    return [
        _("Weging: aanwijzingen voor mensenhandel: {indication}; ernst: {severity}; minderjarige betrokken: "
          "{minor}.").format(indication=assessment.indication, severity=assessment.severity,
                             minor=assessment.minor_involved),
        _("Vormen van uitbuiting: {forms}").format(forms=", ".join(assessment.forms) or "—"),
        _("Aantekeningen: {notes}").format(notes=assessment.notes or "—") if assessment.notes is not None
        else shielded_notes(),
    ]


def decision_lines(decision: DecisionCopy) -> list[str]:
    lines = [_("Besluit: {kind}").format(kind=decision.kind)]
    if decision.review_on:
        lines.append(_("Opnieuw bespreken op: {day}").format(day=_day(decision.review_on)))
    if decision.hand_over_to:
        lines.append(_("Overdragen aan: {region}").format(region=decision.hand_over_to))
    lines.append(_("Onderbouwing: {text}").format(text=decision.rationale) if decision.rationale is not None
                 else shielded_police())
    return lines


def action_lines(action: ActionCopy) -> list[str]:
    status = action.status + (" " + _("(over de termijn)") if action.overdue else "")
    lines = [_("Actie voor {owner}, uiterlijk {day}, {status}").format(owner=action.owner, day=_day(action.due_on),
                                                                       status=status)]
    if action.description is None:
        lines.append(_("Actie: afgeschermd (politie-informatie)"))
    else:
        lines.append(_("Actie: {text}").format(text=action.description))
        if action.outcome:
            lines.append(_("Uitkomst: {text}").format(text=action.outcome))
    return lines


def reveal_line(reveal: AnnexEntry) -> str:
    return _("{moment}: {by} onthulde {what} in dossier {reference}; doel: {purpose}; reden: {reason}").format(
        moment=_moment(reveal.at), by=reveal.by, what=reveal.what, reference=reveal.dossier,
        purpose=reveal.purpose, reason=reveal.reason)


def shielded_notes() -> str:
    return _("Aantekeningen afgeschermd")


def shielded_police() -> str:
    return _("Onderbouwing afgeschermd (politie-informatie)")


def digest(copy: MinutesCopy) -> str:
    """SHA-256 of the copy's plain-text rendering in the language of record."""
    with translation.override(RECORD_LANGUAGE):
        text = "\n".join(as_text(copy))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


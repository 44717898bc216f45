"""The agenda the system proposes for a meeting: which open dossiers of the meeting's region need the table, and
why. A pure read of operational facts (dates, statuses, counts), so it is not audited."""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from keten.signaltable.models import (
    ActionStatus,
    AgendaReason,
    AgendaRequest,
    DecisionKind,
    Dossier,
    DossierSignal,
    DossierStatus,
    Meeting,
    TableAction,
    TableDecision,
)

#: Which reason puts a dossier where on the proposal: overdue actions first, then what a member asked for,
#: reviews that are due, new dossiers and signals, and open actions last.
RANK = {AgendaReason.OVERDUE_ACTIONS: 0, AgendaReason.REQUESTED: 1, AgendaReason.REVIEW: 2,
        AgendaReason.NEW_DOSSIER: 3, AgendaReason.NEW_SIGNALS: 3, AgendaReason.OPEN_ACTIONS: 4,
        AgendaReason.ADDED: 4}


@dataclass
class Proposed:
    dossier: Dossier
    reasons: list[str]

    @property
    def rank(self) -> int:
        return min(RANK[reason] for reason in self.reasons)

    def reason_labels(self) -> list[str]:
        return [str(AgendaReason(code).label) for code in self.reasons]


def meeting_day(meeting: Meeting) -> date:
    return timezone.localdate(meeting.scheduled_at)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The latest other meeting of the same region before this one: "since the last meeting" starts there."""
    return (Meeting.objects.filter(region_id=meeting.region_id, scheduled_at__lt=meeting.scheduled_at)
            .exclude(pk=meeting.pk).order_by("-scheduled_at").first())


def region_dossiers(meeting: Meeting):
    """The open dossiers whose municipality lies in the meeting's region."""
    return Dossier.objects.filter(status=DossierStatus.OPEN,
                                  municipality__in=meeting.region.municipalities.all())


def proposal(meeting: Meeting, *, on: date | None = None) -> list[Proposed]:
    """The dossiers the table should discuss at `meeting`, each with why, in the order the chair starts from.
    `on` is the day actions count as overdue and reviews as due: the meeting's own day unless given."""
    on = on or meeting_day(meeting)
    previous = previous_meeting(meeting)
    since = previous.scheduled_at if previous else None
    dossiers = {d.pk: d for d in region_dossiers(meeting)}
    reasons: dict = {pk: set() for pk in dossiers}

    for pk, dossier in dossiers.items():
        if since is None or dossier.created_at > since:
            reasons[pk].add(AgendaReason.NEW_DOSSIER)
    if since is not None:
        fresh = DossierSignal.objects.filter(dossier_id__in=dossiers, is_active=True, added_at__gt=since,
                                             dossier__created_at__lte=since)
        for pk in fresh.values_list("dossier_id", flat=True):
            reasons[pk].add(AgendaReason.NEW_SIGNALS)
    open_actions = TableAction.objects.filter(dossier_id__in=dossiers, status=ActionStatus.OPEN)
    for pk, due_on in open_actions.values_list("dossier_id", "due_on"):
        reasons[pk].add(AgendaReason.OVERDUE_ACTIONS if due_on < on else AgendaReason.OPEN_ACTIONS)
    # A review is due when the dossier's latest decision is "monitor" with its date reached; any later
    # decision (at an earlier review, say) has taken its place.
    latest = TableDecision.objects.filter(dossier=OuterRef("pk")).order_by("-decided_at", "-id")
    reviews = (Dossier.objects.filter(pk__in=dossiers)
               .annotate(kind=Subquery(latest.values("kind")[:1]), review_on=Subquery(latest.values("review_on")[:1]))
               .filter(kind=DecisionKind.MONITOR, review_on__lte=on))
    for pk in reviews.values_list("pk", flat=True):
        reasons[pk].add(AgendaReason.REVIEW)
    requested = AgendaRequest.objects.filter(dossier_id__in=dossiers, meeting__isnull=True)
    for pk in requested.values_list("dossier_id", flat=True):
        reasons[pk].add(AgendaReason.REQUESTED)

    order = list(AgendaReason.values)
    found = [Proposed(dossiers[pk], [str(r) for r in sorted(found, key=order.index)])
             for pk, found in reasons.items() if found]
    # Overdue actions and open actions are one reason each: a dossier with both is overdue.
    for item in found:
        if AgendaReason.OVERDUE_ACTIONS in item.reasons and AgendaReason.OPEN_ACTIONS in item.reasons:
            item.reasons.remove(AgendaReason.OPEN_ACTIONS)
    return sorted(found, key=lambda item: (item.rank, item.dossier.created_at, item.dossier.reference))

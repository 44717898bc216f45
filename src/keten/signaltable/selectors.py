"""Who sits at the Signaaltafel, and the reads every part of the table starts from: the dossiers an actor may
see for the table's purpose, one dossier, and the meetings the actor takes part in or chairs.

A dossier is found through policy (its municipality lies in the actor's region, it is the actor's organisation's,
or it was shared); a meeting through participation: only the chair and the people invited sit at that table."""

from django.db.models import Q, QuerySet

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.policy.decisions import decide, fetch_with_relations, visible_to
from keten.policy.purposes import ROLE_PURPOSES, Purpose
from keten.signaltable.models import Dossier, DossierStatus, Meeting

#: The table's purpose: every read at the table names it.
PURPOSE = Purpose.TABLE_MEETING

#: Roles that may work for the table's purpose (policy.purposes): chair, members, the police, the care coordinator
#: and Veilig Thuis.
TABLE_ROLES = frozenset(role for role, purposes in ROLE_PURPOSES.items() if PURPOSE in purposes)

#: Who chairs: schedules meetings, sets the agenda and records assessments and decisions.
CHAIR_ROLES = frozenset({Role.TABLE_CHAIR})


def is_chair(actor: Actor, meeting: Meeting) -> bool:
    return meeting.chair_id == actor.membership.pk


def dossiers_visible(*, actor: Actor) -> QuerySet[Dossier]:
    """The open dossiers the actor may see at the table (their operational facts; who is in them stays behind
    dossier_view's pseudonymisation)."""
    if actor.role not in TABLE_ROLES:
        return Dossier.objects.none()
    return visible_to(actor, PURPOSE, Dossier.objects.filter(status=DossierStatus.OPEN)).select_related(
        "municipality", "owner")


def dossier_for(*, actor: Actor, dossier_id) -> Dossier | None:
    """One dossier (of any status) if the actor may see it at the table; None answers 404, so that an id outside
    one's reach does not confirm that the dossier exists."""
    if actor.role not in TABLE_ROLES:
        return None
    found = fetch_with_relations(actor, PURPOSE, Dossier.objects.filter(pk=dossier_id).select_related(
        "municipality", "owner", "merged_into"))
    if not found or not decide(actor, "read", found[0], PURPOSE).allowed:
        return None
    return found[0]


def meetings_visible(*, actor: Actor) -> QuerySet[Meeting]:
    """The meetings the actor chairs or is invited to."""
    if actor.role not in TABLE_ROLES:
        return Meeting.objects.none()
    membership = actor.membership
    return (Meeting.objects.filter(Q(chair=membership) | Q(participants=membership)).distinct()
            .select_related("region", "chair__organisation", "chair__user"))


def meeting_for(*, actor: Actor, meeting_id) -> Meeting | None:
    return meetings_visible(actor=actor).filter(pk=meeting_id).first()

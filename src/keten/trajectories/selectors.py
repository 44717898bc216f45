"""Reads of trajectories, through policy: lists through visible_to(), one trajectory through decide() per data
category (a justice event shows only to whom may see criminal data), each read audited once."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import Role
from keten.accounts.selectors import organisations_with_roles
from keten.audit.services import record as audit
from keten.core.clock import now
from keten.core.errors import PermissionDenied
from keten.core.privacy import DataCategory
from keten.policy.decisions import Decision, decide, fetch_with_relations, visible_to
from keten.socialmap.models import CapacityUnit, Service, ServiceStatus
from keten.trajectories import zrm
from keten.trajectories.alerts import Alert, alerts_of
from keten.trajectories.models import Goal, GoalStatus, Placement, Trajectory, TrajectoryEvent, ZrmAssessment

#: Who may own a trajectory and take its steps: the care coordinator and the care worker of a care organisation.
HOLDING_ROLES = frozenset({Role.CARE_COORDINATOR, Role.CARE_WORKER})
SELECT = ("municipality", "owner", "owner_membership__user", "handover_to", "subject", "referral")


def trajectories_visible(*, actor: Actor, purpose: str) -> QuerySet[Trajectory]:
    trajectories = visible_to(actor, purpose, Trajectory.objects.all()).select_related(*SELECT)
    audit(actor=actor, action="search", object_type="trajectories.trajectory", purpose=purpose)
    return trajectories


def trajectory_for(*, actor: Actor, trajectory_id, purpose: str) -> Trajectory | None:
    found = fetch_with_relations(actor, purpose, Trajectory.objects.filter(pk=trajectory_id).select_related(*SELECT))
    if not found or not decide(actor, "read", found[0], purpose).allowed:
        return None
    return found[0]


def with_alerts(trajectories, at: datetime | None = None) -> list[tuple[Trajectory, list[Alert]]]:
    """Each trajectory with what needs attention, in two queries whatever the number."""
    at = at or now()
    trajectories = list(trajectories)
    overdue = defaultdict(list)
    for goal_id, trajectory_id in Goal.objects.filter(trajectory__in=trajectories, status=GoalStatus.OPEN,
                                                      due_on__lt=at.date()).values_list("pk", "trajectory_id"):
        overdue[trajectory_id].append(goal_id)
    return [(t, alerts_of(t, overdue_goal_ids=overdue[t.pk], at=at)) for t in trajectories]


@dataclass(frozen=True)
class ZrmRow:
    """One domain's scores over time, oldest first, with points for a small line chart (x 0–100, y 0–40)."""

    name: str
    scores: tuple[int, ...]
    points: str


def _zrm_rows(assessments: list[ZrmAssessment]) -> list[ZrmRow]:
    rows = []
    for domain in zrm.domains():
        scores = tuple(a.scores.get(domain.code, 0) for a in assessments)
        step = 100 / max(len(scores) - 1, 1)
        points = " ".join(f"{i * step:.0f},{40 - (s - 1) * 10}" for i, s in enumerate(scores))
        rows.append(ZrmRow(domain.name, scores, points))
    return rows


@dataclass(frozen=True)
class TrajectoryView:
    trajectory: Trajectory
    decision: Decision
    special: Decision
    person_shown: bool
    events: tuple[TrajectoryEvent, ...]
    hidden_events: int  # events of a category this reader may not see: counted, not shown
    goals: tuple[Goal, ...]
    assessments: tuple[ZrmAssessment, ...]
    zrm_rows: tuple[ZrmRow, ...]
    alerts: tuple[Alert, ...]
    placements: tuple[Placement, ...] | None  # None: where the person stays is withheld from this reader


def _full(decision: Decision) -> bool:
    return decision.allowed and not decision.pseudonymised


def trajectory_view(*, actor: Actor, trajectory: Trajectory, purpose: str) -> TrajectoryView:
    """The trajectory as this reader may see it: read once, audited once."""
    decision = decide(actor, "read", trajectory, purpose)
    if not decision.allowed:
        audit(actor=actor, action="denied", target=trajectory, purpose=purpose, decision=decision.mode)
        raise PermissionDenied(decision.reason)
    by_category = {category: _full(decide(actor, "read", trajectory, purpose, category=category))
                   for category in (DataCategory.SPECIAL, DataCategory.CRIMINAL, DataCategory.SECRET_LOCATION)}
    by_category[DataCategory.OPERATIONAL] = True
    special = decide(actor, "read", trajectory, purpose, category=DataCategory.SPECIAL)
    identity = decide(actor, "read", trajectory.subject, purpose, category=DataCategory.IDENTITY)
    events = list(trajectory.events.select_related("membership__user"))
    shown = tuple(e for e in events if by_category.get(e.category, False))
    assessments = list(trajectory.assessments.order_by("assessed_on", "created_at")) if _full(special) else []
    audit(actor=actor, action="read", target=trajectory, purpose=purpose, basis=decision.basis.code,
          decision=special.mode)
    (_, alerts), = with_alerts([trajectory])
    return TrajectoryView(
        trajectory=trajectory, decision=decision, special=special, person_shown=_full(identity), events=shown,
        hidden_events=len(events) - len(shown),
        goals=tuple(trajectory.goals.select_related("owner")) if _full(special) else (),
        assessments=tuple(assessments), zrm_rows=tuple(_zrm_rows(assessments)) if assessments else (),
        alerts=tuple(alerts),
        placements=(tuple(trajectory.placements.select_related("service"))
                    if by_category[DataCategory.SECRET_LOCATION] else None))


def handover_targets(trajectory: Trajectory) -> QuerySet[Organisation]:
    """Where a trajectory can be handed over to: other organisations with someone who may own one."""
    return organisations_with_roles(HOLDING_ROLES).exclude(pk=trajectory.owner_id)


def organisation_for(organisation_id) -> Organisation | None:
    return Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None


def goal_of(trajectory: Trajectory, goal_id) -> Goal | None:
    return trajectory.goals.select_related("trajectory__owner").filter(pk=goal_id).first()


def placement_of(trajectory: Trajectory, placement_id) -> Placement | None:
    return trajectory.placements.select_related("service", "trajectory__owner").filter(pk=placement_id).first()


def placement_services():
    """Where a person can be placed: services of the social map that count beds or places, with their capacity."""
    return (Service.objects.filter(status=ServiceStatus.ACTIVE,
                                   capacity_unit__in=[CapacityUnit.BED, CapacityUnit.PLACE])
            .select_related("organization").order_by("organization__name", "name"))

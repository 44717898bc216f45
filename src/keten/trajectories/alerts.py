"""When a trajectory needs attention: no activity for 30 days, goals past their date, a reflection period ending
within two weeks, a hand-over not accepted within two working days. Pure rules over what selectors read."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _

from keten.intake.deadlines import add_working_days

INACTIVE_AFTER = timedelta(days=30)
REFLECTION_WARNING = timedelta(days=14)
HANDOVER_WORKING_DAYS = 2


@dataclass(frozen=True)
class Alert:
    kind: str
    label: str
    key: str  # what makes it this alert: a new occasion is a new notice (keten.trajectories.tasks)


def alerts_of(trajectory, *, overdue_goal_ids: list, at: datetime) -> list[Alert]:
    if trajectory.is_closed:
        return []
    day: date = at.date()
    found = []
    if trajectory.last_activity_at < at - INACTIVE_AFTER:
        found.append(Alert("inactive", str(_("Al 30 dagen geen activiteit")),
                           f"inactive:{trajectory.last_activity_at.date().isoformat()}"))
    if overdue_goal_ids:
        found.append(Alert("goals", str(_("Doelen over hun streefdatum")),
                           "goals:" + ",".join(sorted(str(pk)[:8] for pk in overdue_goal_ids))[:40]))
    end = trajectory.reflection_end
    if end and not trajectory.reflection_outcome and day <= end <= day + REFLECTION_WARNING:
        found.append(Alert("reflection", str(_("Bedenktijd eindigt op {end}")).format(end=end.isoformat()),
                           f"reflection:{end.isoformat()}"))
    asked = trajectory.handover_asked_at
    if asked and add_working_days(asked, HANDOVER_WORKING_DAYS) < at:
        found.append(Alert("handover", str(_("Overdracht al twee werkdagen niet aangenomen")),
                           f"handover:{asked.date().isoformat()}"))
    return found

"""Background work of the intake app, run by `manage.py worker` (periodically: settings.KETEN_PERIODIC_TASKS)."""

from django_tasks import task

from keten.intake import notify
from keten.intake.models import Routing, Signal


@task()
def scan_deadlines() -> int:
    """Tell the triage about signals whose deadline nears or has passed (keten.intake.notify.scan_deadlines)."""
    return notify.scan_deadlines()


@task()
def signal_registered(signal_id: str) -> None:
    """Route a newly registered signal and tell the people who must act. Enqueued inside the registering
    transaction, so with the database queue the task exists exactly when the signal does, and the registration
    does not wait for the rules or the notices. Acute danger is told first, before the rules are applied, so a
    failing rule never holds it up; every notice has its key, so a repeated run tells nobody twice."""
    from keten.intake.services import route_registered  # services enqueues this task

    signal = Signal.objects.select_related("municipality").get(pk=signal_id)
    notify.signal_acute(signal)
    notify.signal_routed(route_registered(signal_id=signal.pk), acute=False)


@task()
def signal_routed(routing_id: str) -> None:
    """Tell the people who must act on a routed signal (keten.intake.notify.signal_routed), for a routing made by
    keten.intake.services.route_signal (and tasks enqueued before registrations were routed in the background)."""
    notify.signal_routed(Routing.objects.select_related("signal__municipality").get(pk=routing_id))

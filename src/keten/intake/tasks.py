"""Background work of the intake app, run by `manage.py worker` (periodically: settings.KETEN_PERIODIC_TASKS)."""

from datetime import timedelta

from django_tasks import task

from keten.core.clock import now
from keten.intake import notify
from keten.intake.models import Routing, Signal

#: A signal without a routing this long after it was registered lost its routing task (a killed worker, a database
#: restart mid-task: the queue does not retry): route_stragglers enqueues it again. Older ones are left to the
#: region's triage, who sees them by policy anyway, so a signal that cannot be routed is not retried for ever.
UNROUTED_AFTER = timedelta(minutes=5)
UNROUTED_UNTIL = timedelta(days=2)
#: At most this many per sweep, so that a backlog in the queue is not doubled at once.
STRAGGLERS_PER_SWEEP = 500


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
def route_stragglers() -> int:
    """Enqueue signal_registered again for signals registered UNROUTED_AFTER ago or longer that have no routing.
    Routing and its notices are safe to repeat: a signal is routed once and nobody is told twice."""
    moment = now()
    stragglers = (Signal.objects.filter(created_at__lte=moment - UNROUTED_AFTER,
                                        created_at__gte=moment - UNROUTED_UNTIL, routings__isnull=True)
                  .order_by("created_at").values_list("pk", flat=True)[:STRAGGLERS_PER_SWEEP])
    found = [str(pk) for pk in stragglers]
    for signal_id in found:
        signal_registered.enqueue(signal_id)
    return len(found)


@task()
def signal_routed(routing_id: str) -> None:
    """Tell the people who must act on a routed signal (keten.intake.notify.signal_routed), for a routing made by
    keten.intake.services.route_signal (and tasks enqueued before registrations were routed in the background)."""
    notify.signal_routed(Routing.objects.select_related("signal__municipality").get(pk=routing_id))

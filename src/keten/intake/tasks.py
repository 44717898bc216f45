"""Background work of the intake app, run by `manage.py worker` (periodically: settings.KETEN_PERIODIC_TASKS)."""

from django_tasks import task

from keten.intake import notify
from keten.intake.models import Routing


@task()
def scan_deadlines() -> int:
    """Tell the triage about signals whose deadline nears or has passed (keten.intake.notify.scan_deadlines)."""
    return notify.scan_deadlines()


@task()
def signal_routed(routing_id: str) -> None:
    """Tell the people who must act on a routed signal (keten.intake.notify.signal_routed). Enqueued inside the
    registering transaction, so with the database queue the task exists exactly when the signal does; the
    registration itself does not wait for the notices."""
    notify.signal_routed(Routing.objects.select_related("signal__municipality").get(pk=routing_id))

"""Background work of the intake app, run by `manage.py worker` (periodically: settings.KETEN_PERIODIC_TASKS)."""

from django_tasks import task

from keten.intake import notify


@task()
def scan_deadlines() -> int:
    """Tell the triage about signals whose deadline nears or has passed (keten.intake.notify.scan_deadlines)."""
    return notify.scan_deadlines()

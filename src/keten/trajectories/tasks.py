"""Background work of trajectories, run by `manage.py worker` (periodically: settings.KETEN_PERIODIC_TASKS)."""

from django_tasks import task

from keten.trajectories import services


@task()
def notify_alerts() -> int:
    """Tell each open trajectory's responsible person what needs attention (keten.trajectories.alerts), once per
    occasion."""
    return services.notify_alerts()

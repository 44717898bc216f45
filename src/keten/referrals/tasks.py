"""Background work of referrals, run by `manage.py worker` (periodically: settings.KETEN_PERIODIC_TASKS)."""

from django_tasks import task

from keten.referrals import services


@task()
def escalate_overdue() -> int:
    """Referrals nobody acknowledged in time go to the national fall-back too (keten.referrals.services)."""
    return services.escalate_overdue()

"""Background work of the monitor, run by the django-tasks worker (`manage.py worker`): the long exports, and the
full recount of the pre-aggregated figures (periodically: settings.KETEN_PERIODIC_TASKS)."""

import uuid

from django_tasks import task

from keten.monitor import facts, jobs


@task()
def run_export(job_id: str) -> None:
    """Make the file of one export job (keten.monitor.jobs.run_job)."""
    jobs.run_job(uuid.UUID(job_id))


@task()
def rebuild_facts() -> None:
    """Count the monitor's facts again in full (keten.monitor.facts.rebuild): this is what catches writes that
    send no model signal, such as bulk imports and merged dossiers."""
    facts.rebuild()

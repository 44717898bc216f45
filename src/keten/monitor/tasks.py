"""Background work of the monitor, run by the django-tasks worker (`manage.py worker`): the long exports."""

import uuid

from django_tasks import task

from keten.monitor import jobs


@task()
def run_export(job_id: str) -> None:
    """Make the file of one export job (keten.monitor.jobs.run_job)."""
    jobs.run_job(uuid.UUID(job_id))

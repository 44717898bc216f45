"""Background work of the social map, run by the django-tasks worker (`manage.py db_worker`)."""

import uuid

from django_tasks import task

from keten.socialmap import importing, package_import, spreadsheet_import
from keten.socialmap.models import ImportKind

FORMATS = {ImportKind.SPREADSHEET: spreadsheet_import, ImportKind.DATA_PACKAGE: package_import}


@task()
def run_import(job_id: str) -> None:
    """Check an uploaded file and import it when it is clean (keten.socialmap.importing.run_job)."""
    importing.run_job(uuid.UUID(job_id), FORMATS)

"""A background task's queue row, for a writer that inserts it together with its own rows."""

from django.db.models import Model
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max


def queued_row(task, *args) -> Model | None:
    """The row that `task.enqueue(*args)` writes on the database task backend (production's), unsaved: the writer
    inserts it with its own rows in one round trip (keten.intake.batch.insert_all), so the task exists exactly when
    they do. None for any other backend: then enqueue as usual, once the rows are written (the immediate backend of
    the tests runs the task there and then)."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    backend.validate_task(task)
    # As DatabaseBackend._task_to_db_task and its pre_save receiver fill it in (no run_after: "any time").
    return DBTaskResult(id=backend._get_id(), args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
                        priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
                        run_after=task.run_after or get_date_max(), backend_name=backend.alias)

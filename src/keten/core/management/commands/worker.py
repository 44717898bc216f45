"""`manage.py worker`: the django-tasks database worker (`db_worker`), enqueueing the periodic jobs beside it."""

import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.module_loading import import_string
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

#: How often the scheduler looks whether a periodic job is due, in seconds.
TICK = 1.0
#: How long the worker waits before it reconnects after losing the database, in seconds.
RECONNECT_WAIT = 2.0


@dataclass(frozen=True)
class PeriodicJob:
    """A django-tasks task (its dotted path) to enqueue every `every` seconds."""

    path: str
    every: float

    @property
    def task(self) -> Task:
        return import_string(self.path)


def periodic_jobs() -> list[PeriodicJob]:
    """The jobs of KETEN_PERIODIC_TASKS, checked, so that a mistake stops the worker at start and not later."""
    jobs = []
    for entry in getattr(settings, "KETEN_PERIODIC_TASKS", ()):
        try:
            path, every = entry
            job = PeriodicJob(str(path), float(every))
            task = job.task
        except (TypeError, ValueError, ImportError) as error:
            raise ImproperlyConfigured(f"KETEN_PERIODIC_TASKS: {entry!r} must be (dotted path of a task, "
                                       f"seconds): {error}") from error
        if not isinstance(task, Task) or job.every <= 0:
            raise ImproperlyConfigured(f"KETEN_PERIODIC_TASKS: {path!r} must be a django-tasks task (@task()) "
                                       f"with a positive interval, not {every!r}.")
        jobs.append(job)
    return jobs


def due_jobs(jobs: Iterable[PeriodicJob], last_enqueued: dict[str, float], at: float) -> list[PeriodicJob]:
    """The jobs to enqueue at `at` (monotonic seconds): those never enqueued, and those whose interval has passed
    since they last were."""
    return [job for job in jobs if job.path not in last_enqueued or at - last_enqueued[job.path] >= job.every]


def enqueue_unless_waiting(job: PeriodicJob) -> bool:
    """Enqueue the job, unless a run of it still waits in the queue (a busy or stopped queue, or a second worker
    that enqueued it already): the queue never fills up with the same job. True when enqueued."""
    task = job.task
    if DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY).exists():
        return False
    task.enqueue()
    return True


class Scheduler(threading.Thread):
    """Enqueues the periodic jobs when they are due, beside the worker loop that runs them. A thread of the worker
    process, so it stops with it; it runs no job itself, so a job's result and failure are the queue's."""

    def __init__(self, jobs: list[PeriodicJob], tick: float = TICK):
        super().__init__(name="keten-periodic", daemon=True)
        self.jobs, self.tick = jobs, tick
        self.last_enqueued: dict[str, float] = {}

    def run_once(self, at: float) -> list[PeriodicJob]:
        due = due_jobs(self.jobs, self.last_enqueued, at)
        for job in due:
            try:
                enqueue_unless_waiting(job)
            except Exception:
                # A database hiccup must not end the schedule; the next interval tries again.
                logger.exception("Could not enqueue periodic job %s", job.path)
            self.last_enqueued[job.path] = at
        return due

    def run(self) -> None:
        while True:
            close_old_connections()
            self.run_once(time.monotonic())
            close_old_connections()
            time.sleep(self.tick)


class Command(db_worker.Command):
    help = ("Run the background worker (django-tasks' database worker, with all of db_worker's options) and "
            "enqueue the periodic jobs of KETEN_PERIODIC_TASKS beside it.")

    def handle(self, *args, **options) -> None:
        jobs = periodic_jobs()
        # With --reload the parent process only watches files: the schedule belongs in the child that works.
        in_worker_process = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if jobs and in_worker_process and not options["batch"]:
            Scheduler(jobs).start()
        while True:
            try:
                super().handle(*args, **options)
                return
            except (OperationalError, InterfaceError):
                # A database restart drops the connection under the queue's loop, which lets the error escape: the
                # worker waits, reconnects and works on (a task cut off this way is the queue's to mark failed;
                # keten.intake.tasks.route_stragglers picks up a routing lost so).
                logger.exception("The database connection was lost; the worker carries on in %s s.", RECONNECT_WAIT)
                connections.close_all()
                time.sleep(RECONNECT_WAIT)

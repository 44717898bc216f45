"""`manage.py worker`: which periodic jobs are due, a job enqueued once while a run of it still waits, a mistake in
KETEN_PERIODIC_TASKS refused at start, and the worker running the deadline scan from the queue."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.core.clock import now
from keten.core.management.commands import worker
from keten.core.management.commands.worker import PeriodicJob, Scheduler, due_jobs, periodic_jobs
from keten.intake.models import Routing, Signal
from keten.intake.services import signal_register
from keten.intake.tasks import route_stragglers
from keten.notifications.models import Notification

SCAN = "keten.intake.tasks.scan_deadlines"
EVERY_MINUTE = PeriodicJob(SCAN, 60)
HOURLY = PeriodicJob("keten.example.hourly", 3600)


def test_a_job_is_due_at_start_and_then_once_per_interval():
    jobs = [EVERY_MINUTE, HOURLY]
    assert due_jobs(jobs, {}, at=1000.0) == jobs
    last = {EVERY_MINUTE.path: 1000.0, HOURLY.path: 1000.0}
    assert due_jobs(jobs, last, at=1059.9) == []
    assert due_jobs(jobs, last, at=1060.0) == [EVERY_MINUTE]
    assert due_jobs(jobs, last, at=4600.0) == jobs


def test_the_periodic_jobs_come_from_settings_and_a_mistake_stops_the_start(settings):
    assert periodic_jobs() == [PeriodicJob(SCAN, 60.0), PeriodicJob("keten.referrals.tasks.escalate_overdue", 60.0),
                               PeriodicJob("keten.trajectories.tasks.notify_alerts", 3600.0),
                              PeriodicJob("keten.monitor.tasks.rebuild_facts", 21600.0),
                              PeriodicJob("keten.intake.tasks.route_stragglers", 300.0)]
    for wrong in ([("keten.intake.tasks.nothing_here", 60)], [(SCAN, 0)], [("keten.intake.notify.scan_deadlines", 60)],
                  [SCAN]):
        settings.KETEN_PERIODIC_TASKS = wrong
        with pytest.raises(ImproperlyConfigured, match="KETEN_PERIODIC_TASKS"):
            periodic_jobs()


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    # The test runs inside one transaction; the worker's clean-up of stale connections would close it.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


@pytest.mark.django_db
def test_the_scheduler_enqueues_a_due_job_once_while_a_run_still_waits(database_queue):
    scheduler = Scheduler([EVERY_MINUTE])
    assert scheduler.run_once(at=0.0) == [EVERY_MINUTE]
    assert scheduler.run_once(at=30.0) == []
    assert scheduler.run_once(at=60.0) == [EVERY_MINUTE]  # due, but the first run has not been picked up yet
    assert DBTaskResult.objects.filter(task_path=SCAN, status="READY").count() == 1


@pytest.mark.django_db
def test_the_worker_runs_the_deadline_scan_from_the_queue(demo, database_queue):
    signal = signal_register(actor=Actor.of(demo[Role.CARE_COORDINATOR]), observed_on=date(2026, 1, 5),
                             municipality="GM0363", forms=["labour"], urgency="high", basis="wmo")
    Signal.objects.filter(pk=signal.pk).update(triage_due_at=now() - timedelta(minutes=5))
    Scheduler(periodic_jobs()).run_once(at=0.0)

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert DBTaskResult.objects.get(task_path=SCAN).status == "SUCCESSFUL"
    assert Notification.objects.filter(key=f"signal:{signal.pk}:overdue", recipient=demo[Role.TABLE_CHAIR]).exists()


@pytest.mark.django_db
def test_a_signal_whose_routing_task_was_cut_off_is_routed_by_the_next_sweep(demo, database_queue):
    signal = signal_register(actor=Actor.of(demo[Role.CARE_COORDINATOR]), observed_on=date(2026, 1, 5),
                             municipality="GM0363", forms=["labour"], urgency="normal", basis="wmo")
    # Its routing task was killed mid-run: the queue marks it failed and never retries it.
    DBTaskResult.objects.filter(task_path="keten.intake.tasks.signal_registered").update(status="FAILED")
    assert route_stragglers.call() == 0, "too early: the task may still be running"
    Signal.objects.filter(pk=signal.pk).update(created_at=now() - timedelta(minutes=6))
    assert route_stragglers.call() == 1

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert Routing.objects.filter(signal=signal).count() == 1
    assert route_stragglers.call() == 0


def test_the_worker_carries_on_after_losing_the_database(database_queue, monkeypatch):
    calls = []

    def queue_loop(self, *args, **options):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(db_worker.Command, "handle", queue_loop)
    monkeypatch.setattr(worker, "RECONNECT_WAIT", 0)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(calls) == 2

"""Concurrent edits: two people save the same version of one record at the same moment, over and over, on a
throwaway PostgreSQL. Exactly one must win each race; the other must get ConcurrentUpdate with nothing written,
and the record must hold the winner's values (no lost update). Run: `make soak` (SOAK_RACES, default 1,000).

The record is a Signaaltafel action, which two different people may update: the chair of the meeting that agreed
it and the person who owns it. Each runs in a thread of their own with a database connection of their own, reads
the action as the action page does, and saves through keten.signaltable.meeting_services.action_update.
tests/test_concurrent_edits.py runs the same races (`run_races`) a few times in the PostgreSQL leg."""

import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RACES = int(os.environ.get("SOAK_RACES", "1000"))
#: How long one side waits for the other at a barrier before the run is called stuck.
PATIENCE = 60


@dataclass(frozen=True)
class Contender:
    membership_id: object
    status: str
    outcome: str  # "{n}" becomes the race's number, so every race writes values of its own


@dataclass
class RaceReport:
    races: int = 0
    single_winners: int = 0
    lost_updates: int = 0
    overlapping: int = 0  # races in which both saves were under way at the same time
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.races:,} races, {self.single_winners:,} single winners, {self.lost_updates:,} lost updates "
                f"({self.overlapping:,} with both saves under way at once)")


def contenders_for_demo_action():
    """A demo action agreed at a meeting, owned by a named person who is not the chair; the two contenders."""
    from keten.signaltable.models import ActionStatus, TableAction
    from keten.signaltable.selectors import TABLE_ROLES

    action = (TableAction.objects.filter(item__isnull=False, owner_membership__role__in=TABLE_ROLES)
              .select_related("item__meeting").order_by("created_at").first())
    chair = action.item.meeting.chair_id
    assert action.owner_membership_id != chair
    return action, (
        Contender(chair, ActionStatus.DONE, "Afgerond volgens de voorzitter (fictief), ronde {n}."),
        Contender(action.owner_membership_id, ActionStatus.OPEN, "Nog bezig volgens de eigenaar (fictief), ronde {n}."),
    )


def run_races(*, action_id, contenders: tuple[Contender, Contender], races: int) -> RaceReport:
    """`races` races of the two contenders on one action; each race is checked before the next begins."""
    from django.db import connections

    from keten.accounts.actor import Actor
    from keten.accounts.models import Membership
    from keten.audit.models import AuditEvent
    from keten.core.errors import ConcurrentUpdate
    from keten.signaltable import meeting_selectors, meeting_services
    from keten.signaltable.models import TableAction

    report = RaceReport()
    read = threading.Barrier(2, timeout=PATIENCE)  # both have read the action: now both save
    done = threading.Barrier(3, timeout=PATIENCE)  # both have saved (or failed): the main thread checks
    checked = threading.Barrier(3, timeout=PATIENCE)  # the race is checked: the next one may read
    results: list[dict] = [{}, {}]

    def contend(index: int) -> None:
        contender = contenders[index]
        try:
            actor = Actor.of(Membership.objects.select_related("user", "organisation", "region").get(
                pk=contender.membership_id))
            for number in range(races):
                result = results[index] = {}
                try:
                    action = meeting_selectors.action_for(actor=actor, action_id=action_id)
                    result["version"] = action.version
                    read.wait()
                    result["started"] = time.perf_counter()
                    try:
                        meeting_services.action_update(
                            actor=actor, action=action, status=contender.status,
                            outcome=contender.outcome.format(n=number), expected_version=result["version"])
                        result["won"] = True
                    except ConcurrentUpdate:
                        result["won"] = False
                    result["ended"] = time.perf_counter()
                except threading.BrokenBarrierError:
                    raise
                except Exception as error:  # noqa: BLE001 - reported as a problem of this race
                    result["error"] = repr(error)
                done.wait()
                checked.wait()
        except threading.BrokenBarrierError:
            pass
        finally:
            connections.close_all()  # this thread's connection: the test database must be droppable after

    def audited() -> int:
        return AuditEvent.objects.filter(object_id=str(action_id), action="update").count()

    threads = [threading.Thread(target=contend, args=(index,), daemon=True) for index in (0, 1)]
    events_before = audited()
    for thread in threads:
        thread.start()
    try:
        for number in range(races):
            done.wait()
            report.races += 1
            _check(report, number, results, contenders, TableAction.objects.get(pk=action_id),
                   audited() - events_before)
            events_before = audited()
            checked.wait()
    except threading.BrokenBarrierError:
        report.problems.append(f"race {report.races}: a contender got stuck")
        for barrier in (read, done, checked):
            barrier.abort()
    for thread in threads:
        thread.join(PATIENCE)
    return report


def _check(report: RaceReport, number: int, results, contenders, stored, new_events: int) -> None:
    errors = [result["error"] for result in results if "error" in result]
    if errors:
        report.problems.append(f"race {number}: {errors}")
        return
    if results[0]["version"] != results[1]["version"]:
        report.problems.append(f"race {number}: the two read different versions")
        return
    winners = [index for index in (0, 1) if results[index]["won"]]
    if len(winners) == 1:
        report.single_winners += 1
    else:
        report.problems.append(f"race {number}: {len(winners)} winners")
    first, second = results
    if first["started"] < second["ended"] and second["started"] < first["ended"]:
        report.overlapping += 1
    # A save that was acknowledged but is not what the record holds now is a lost update.
    for index in winners:
        contender = contenders[index]
        if (stored.status, stored.outcome) != (contender.status, contender.outcome.format(n=number)):
            report.lost_updates += 1
    if stored.version != results[0]["version"] + 1:
        report.problems.append(f"race {number}: version {stored.version} after {results[0]['version']}")
    if new_events != len(winners):
        report.problems.append(f"race {number}: {new_events} audit events for {len(winners)} saves")


# --- The soak run ----------------------------------------------------------------------------------------------------


def _start_database():
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from tests.support.postgres import ThrowawayPostgres

    server = ThrowawayPostgres.start_or_exit()
    try:
        database_url = server.create_database("keten")
    except BaseException:
        server.stop()
        raise
    scratch = Path(tempfile.mkdtemp(prefix="keten-soak-races-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="keten.settings", DATABASE_URL=database_url,
        KETEN_VAR_DIR=str(scratch / "var"), KETEN_STATIC_ROOT=str(scratch / "static"),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50), KETEN_SSL_REDIRECT="0", KETEN_LOG_LEVEL="WARNING",
    )
    os.environ.pop("KETEN_DEV", None)
    return server, scratch


def _world() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from keten.demo.credentials import DemoCredentials
    from keten.demo.services import seed_demo

    for command in ("migrate", "createcachetable", "load_regions", "load_taxonomies", "load_indicators"):
        call_command(command, verbosity=0)
    seed_demo(credentials=DemoCredentials.generate())


def main() -> int:
    started = time.perf_counter()
    server, scratch = _start_database()
    try:
        _world()
        action, contenders = contenders_for_demo_action()
        print(f"PostgreSQL: {RACES:,} races of the chair and the owner saving one Signaaltafel action at the same "
              f"version (world ready in {time.perf_counter() - started:.0f} s)", flush=True)
        begun = time.perf_counter()
        report = run_races(action_id=action.pk, contenders=contenders, races=RACES)
        print(f"  {report.line()}; {time.perf_counter() - begun:.0f} s")
        for problem in report.problems[:10]:
            print(f"  problem: {problem}")
        clean = report.single_winners == report.races == RACES and not report.lost_updates and not report.problems
        return 0 if clean else 1
    finally:
        from django.db import connections

        connections.close_all()
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

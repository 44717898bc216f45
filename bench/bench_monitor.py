"""What the landelijke monitor costs at national scale: 1,000,000 synthetic signals (with their forms, hard
indicators and steps to triage and the Signaaltafel) and 50,000 trajectories, inserted by SQL on a throwaway
PostgreSQL with the demo world. Then the national analyst's dashboard for one year (every table, through
disclosure control, rendered by the view through the test client) and the quarterly PDF of one region.
Run: `make bench-monitor` (or this file alone; not part of `make bench`: the data takes a few minutes).

Prints p50/p95 of the dashboard's renders after one warm-up: BENCH_COLD_RENDERS (5) with the cache switched off
(every view adds up the million signals again) and BENCH_RENDERS (20) with it (KETEN_MONITOR_CACHE_SECONDS), and
the time of each of three PDFs, each from an empty cache. Targets: dashboard under 1 s, PDF under 10 s.
BENCH_SIGNALS and BENCH_TRAJECTORIES change the sizes."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIGNALS = int(os.environ.get("BENCH_SIGNALS", "1000000"))
TRAJECTORIES = int(os.environ.get("BENCH_TRAJECTORIES", "50000"))
RENDERS = int(os.environ.get("BENCH_RENDERS", "20"))
#: Renders without the cache: each adds up a million signals again.
COLD_RENDERS = int(os.environ.get("BENCH_COLD_RENDERS", "5"))
#: Signals registered over the last two years, so a year's dashboard counts about half of them.
DAYS = 730


def _start_database():
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from bench.bench_identity import _start_database as start

    server = start()
    os.environ.update(DJANGO_SETTINGS_MODULE="keten.settings")
    return server


def _world():
    import django

    django.setup()
    from django.core.management import call_command

    for command in ("migrate", "createcachetable", "load_regions", "load_indicators", "load_taxonomies"):
        call_command(command, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from keten.accounts.models import User
    from keten.demo.credentials import DemoCredentials
    from keten.demo.services import seed_demo

    memberships = {m.role: m for m in seed_demo(credentials=DemoCredentials.generate())}
    User.objects.update(is_demo=False)
    return memberships


def _timed(label: str, sql: str, params=()) -> None:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    print(f"  {label:<44} {time.perf_counter() - start:6.1f} s", flush=True)


def _insert(memberships) -> None:
    """Everything by INSERT ... SELECT from generate_series: no row passes through Python. Deterministic
    spreads (a multiplicative hash of the row number) keep the run repeatable."""
    from keten.accounts.roles import Role
    from keten.intake.models import ExploitationForm, IndicatorKind, IndicatorVersion
    from keten.trajectories.models import Phase

    reporters = [m for role, m in memberships.items() if role not in (Role.NATIONAL_ANALYST, Role.FUNCTIONAL_ADMIN)]
    hard = list(IndicatorVersion.objects.filter(indicator__kind=IndicatorKind.HARD).values_list("pk", flat=True))
    forms = [form for form in ExploitationForm.values]
    phases = [phase for phase in Phase.values if phase != Phase.CLOSED]
    coordinator = memberships[Role.CARE_COORDINATOR]
    print(f"Inserting {SIGNALS:,} signals and {TRAJECTORIES:,} trajectories", flush=True)
    _timed("signals", """
        INSERT INTO intake_signal (id, created_at, updated_at, version, reference, reporter_kind,
            reporter_membership_id, reporter_organisation_id, observed_on, municipality_id, urgency, description,
            basis, status, status_changed_at, triage_due_at, close_reason)
        SELECT gen_random_uuid(), moment, moment, 1, 'B' || to_hex(i),
            CASE WHEN i %% 5 = 0 THEN 'public_guide' ELSE 'professional' END,
            CASE WHEN i %% 5 = 0 THEN NULL ELSE (%(members)s)[1 + i %% cardinality(%(members)s)] END,
            CASE WHEN i %% 5 = 0 THEN NULL ELSE (%(organisations)s)[1 + i %% cardinality(%(organisations)s)] END,
            moment::date, municipalities[1 + (i * 7919) %% cardinality(municipalities)], 'normal', '',
            'wmo', 'new', moment, moment + interval '1 day', ''
        FROM generate_series(1::bigint, %(signals)s) AS i,
             LATERAL (SELECT now() - ((i * 104729) %% %(minutes)s) * interval '1 minute' AS moment) AS m,
             (SELECT array_agg(code ORDER BY code) AS municipalities FROM regions_municipality) AS codes
    """, {"members": [m.pk for m in reporters],
                                     "organisations": [m.organisation_id for m in reporters], "signals": SIGNALS,
                                     "minutes": DAYS * 24 * 60})
    _timed("forms (one each, a tenth with two)", """
        INSERT INTO intake_signalform (id, created_at, updated_at, version, signal_id, form)
        SELECT gen_random_uuid(), s.created_at, s.created_at, 1, s.id,
               (%(forms)s::text[])[1 + n %% cardinality(%(forms)s::text[])]
        FROM (SELECT id, created_at, row_number() OVER (ORDER BY id) AS n FROM intake_signal
              WHERE reference LIKE 'B%%') AS s
        UNION ALL
        SELECT gen_random_uuid(), s.created_at, s.created_at, 1, s.id,
               (%(forms)s::text[])[1 + (n + 1) %% cardinality(%(forms)s::text[])]
        FROM (SELECT id, created_at, row_number() OVER (ORDER BY id) AS n FROM intake_signal
              WHERE reference LIKE 'B%%') AS s WHERE n %% 10 = 0
    """, {"forms": forms[:4]})
    _timed("hard indicators (a third)", """
        INSERT INTO intake_signal_indicators (signal_id, indicatorversion_id)
        SELECT id, (%(hard)s)[1 + n %% cardinality(%(hard)s)]
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM intake_signal WHERE reference LIKE 'B%%') AS s
        WHERE n %% 3 = 0
    """, {"hard": hard})
    _timed("steps to triage (70%) and the table (20%)", """
        INSERT INTO intake_signaltransition (id, signal_id, from_status, to_status, at, close_reason, referred_to,
                                             note)
        SELECT gen_random_uuid(), id, 'new', 'triage', created_at + (n %% 240) * interval '1 hour', '', '', ''
        FROM (SELECT id, created_at, row_number() OVER (ORDER BY id) AS n FROM intake_signal
              WHERE reference LIKE 'B%%') AS s WHERE n %% 10 < 7
        UNION ALL
        SELECT gen_random_uuid(), id, 'triage', 'at_table', created_at + (n %% 600) * interval '1 hour', '', '', ''
        FROM (SELECT id, created_at, row_number() OVER (ORDER BY id) AS n FROM intake_signal
              WHERE reference LIKE 'B%%') AS s WHERE n %% 10 < 2
    """)
    _timed("subjects", """
        INSERT INTO identity_subject (id, created_at, updated_at, version, public_id, owner_id, municipality_id,
                                      created_by_id)
        SELECT gen_random_uuid(), now(), now(), 1, 'BP' || to_hex(i), %(owner)s,
               municipalities[1 + (i * 7919) %% cardinality(municipalities)], %(user)s
        FROM generate_series(1, %(count)s) AS i,
             (SELECT array_agg(code ORDER BY code) AS municipalities FROM regions_municipality) AS codes
    """, {"owner": coordinator.organisation_id, "user": coordinator.user_id, "count": TRAJECTORIES})
    _timed("trajectories (a third closed)", """
        INSERT INTO trajectories_trajectory (id, created_at, updated_at, version, reference, subject_id,
            municipality_id, owner_id, owner_membership_id, phase, reflection_outcome, close_reason, closed_at,
            last_activity_at)
        SELECT gen_random_uuid(), started, started, 1, 'BT' || to_hex(n), id, municipality_id, %(owner)s,
               %(membership)s,
               CASE WHEN n %% 3 = 0 THEN 'closed'
                    ELSE (%(phases)s::text[])[1 + n %% cardinality(%(phases)s::text[])] END, '',
               CASE WHEN n %% 3 = 0 THEN (%(reasons)s::text[])[1 + n %% cardinality(%(reasons)s::text[])] ELSE '' END,
               CASE WHEN n %% 3 = 0 THEN started + (n %% 400) * interval '1 day' END, started
        FROM (SELECT id, municipality_id, row_number() OVER () AS n FROM identity_subject
              WHERE public_id LIKE 'BP%%') AS s,
             LATERAL (SELECT now() - (500 + n %% 300) * interval '1 day' AS started) AS m
    """, {"owner": coordinator.organisation_id, "membership": coordinator.pk, "phases": phases,
          "reasons": ["self_reliant", "moved_abroad", "declined_help", "lost_contact"]})
    _timed("ANALYZE", "ANALYZE")


def _dashboard(client, url: str, renders: int) -> list[float]:
    """The first render fills the cache (when one is used) and warms up connections and templates."""
    assert client.get(url).status_code == 200
    samples = []
    for _index in range(renders):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return samples


def _rebuild() -> None:
    """The full recount of the pre-aggregated figures (ADR 0014), as `manage.py monitor_facts --rebuild` does."""
    from keten.monitor import facts
    from keten.monitor.models import LeadTimeFact, SignalFact

    start = time.perf_counter()
    facts.rebuild()
    print(f"  {'facts counted in full':<44} {time.perf_counter() - start:6.1f} s"
          f"   ({SignalFact.objects.count():,} count rows, {LeadTimeFact.objects.count():,} lead-time rows)",
          flush=True)


def _breakdown(membership, first, last) -> None:
    """What each of the dashboard's reads costs, once, without the cache: the facts, and what is still read from
    the source tables."""
    from keten.accounts.actor import Actor
    from keten.monitor import facts, selectors, table_selectors
    from keten.monitor.selectors import LeadTime, MonitorFilters

    scope = selectors.monitor_scope(Actor.of(membership))
    filters = MonitorFilters(first_month=first, last_month=last)
    reads = [("facts: refresh (nothing stale)", facts.refresh),
             ("facts: every count table", lambda: facts.signal_counts(scope=scope, filters=filters)),
             *((f"facts: lead time {kind}", lambda kind=kind: facts.lead_times(scope=scope, filters=filters,
                                                                               kind=kind))
               for kind in facts.KEPT_LEAD_TIMES),
             ("lead time acceptance", lambda: selectors.lead_times(scope=scope, filters=filters,
                                                                   kind=LeadTime.ACCEPTANCE)),
             ("table decisions", lambda: table_selectors.table_decisions(scope=scope, filters=filters)),
             ("open table actions", lambda: table_selectors.open_actions(scope=scope, filters=filters)),
             ("open trajectories", lambda: selectors.open_trajectories(scope=scope, filters=filters)),
             ("trajectory durations", lambda: selectors.trajectory_durations(scope=scope, filters=filters)),
             ("ondergrens", lambda: selectors.ondergrens_coverage(scope=scope, layer=filters.layer))]
    for label, read in reads:
        start = time.perf_counter()
        read()
        print(f"    {label:<30} {(time.perf_counter() - start) * 1000:7.0f} ms", flush=True)


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def main() -> None:
    server = _start_database()
    try:
        memberships = _world()
        _insert(memberships)
        _rebuild()
        from django.core.cache import cache
        from django.test import Client, override_settings

        from keten.accounts.roles import Role
        from keten.core.clock import today
        from keten.monitor.forms import _months_back
        from keten.monitor.report import Quarter, quarterly_report
        from keten.regions.models import Region

        client = Client()
        client.force_login(memberships[Role.NATIONAL_ANALYST].user)
        last = today().replace(day=1)
        first = _months_back(last, 11)
        url = f"/monitor/?van={first:%Y-%m}&tot={last:%Y-%m}&indeling=province"
        print(f"National dashboard, one year ({first:%Y-%m} to {last:%Y-%m}), by province")
        _breakdown(memberships[Role.NATIONAL_ANALYST], first, last)
        for label, seconds in (("added up at every view", 0), ("kept in the cache (the default)", 300)):
            with override_settings(KETEN_MONITOR_CACHE_SECONDS=seconds):
                cache.clear()
                samples = _dashboard(client, url, COLD_RENDERS if not seconds else RENDERS)
            print(f"  {label:<32} {len(samples):>2} renders: p50 {statistics.median(samples) * 1000:7.0f} ms"
                  f"   p95 {_percentile(samples, 0.95) * 1000:7.0f} ms   (target < 1000 ms)", flush=True)
        region = Region.objects.get(layer__kind="province", code="PV31")
        quarter = Quarter.latest_complete()
        times = []
        for _index in range(3):
            cache.clear()  # the report adds up both quarters itself (from the facts)
            start = time.perf_counter()
            pdf = quarterly_report(region=region, quarter=quarter)
            times.append(time.perf_counter() - start)
        print(f"Quarterly PDF of {region.name}, {quarter.label} ({len(pdf) // 1024} kB)")
        print("  " + ", ".join(f"{seconds:.2f} s" for seconds in times) + "   (target < 10 s)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()

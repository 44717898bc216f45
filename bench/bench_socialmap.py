"""Social-map search on a national-scale map: 20,000 services, a search by postcode + radius + three filters,
p50/p95 on SQLite and on PostgreSQL in one run (each in its own process). Run: `make bench` or
`.venv/bin/python bench/bench_socialmap.py` (target: p95 under 50 ms on both)."""

import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = int(os.environ.get("BENCH_SERVICES", "20000"))
SEARCHES = int(os.environ.get("BENCH_SEARCHES", "200"))
TYPES = ["shelter_cosm", "shelter_omm", "shelter_women", "shelter_men", "shelter_youth", "shelter_crisis",
         "care_trauma", "care_mental_health", "care_medical", "legal_aid", "work_income", "housing", "information"]
FORMS = ["sexual", "labour", "criminal", "organ_removal"]
AUDIENCES = ["victim", "perpetrator", "professional"]


def _environment(database: str) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="keten-bench-map-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="keten.settings", KETEN_VAR_DIR=str(scratch / "var"),
               DJANGO_SECRET_KEY=secrets.token_urlsafe(50), KETEN_LOG_LEVEL="WARNING", KETEN_DB_CONN_MAX_AGE="600",
               PYTHONPATH=f"{ROOT / 'src'}:{ROOT}")
    env.pop("KETEN_DEV", None)
    if database == "postgresql":
        env["DATABASE_URL"] = os.environ["BENCH_PG_URL"]
    return env


def _fill(rng: random.Random) -> list[str]:
    """The map: organisations, located services with facets, some with service areas. Returns sample PC4s."""
    from django.core.management import call_command
    from django.db import connection

    from keten.regions.models import Municipality, Postcode4
    from keten.socialmap import geo, search_index
    from keten.socialmap.models import (
        Location,
        Organization,
        Service,
        ServiceArea,
        ServiceAtLocation,
        ServiceAttribute,
        TaxonomyTerm,
    )
    from keten.socialmap.services import load_taxonomies

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    load_taxonomies()
    terms = {(t.taxonomy.name, t.code): t.pk for t in TaxonomyTerm.objects.select_related("taxonomy")}
    codes = [c for c in Municipality.objects.values_list("code", flat=True) if geo.point_of(c)]
    organizations = Organization.objects.bulk_create(
        [Organization(name=f"Bench organisatie {i}", description="Bench.") for i in range(SERVICES // 10)])
    services, locations, links, attributes, areas = [], [], [], [], []
    for i in range(SERVICES):
        service = Service(organization=rng.choice(organizations), name=f"Bench dienst {i}",
                          capacity_total=10, capacity_available=rng.randint(0, 3))
        code = rng.choice(codes)
        point = geo.point_of(code)
        location = Location(organization=service.organization, municipality_id=code,
                            latitude=round(point.latitude + rng.uniform(-0.02, 0.02), 5),
                            longitude=round(point.longitude + rng.uniform(-0.02, 0.02), 5))
        services.append(service)
        locations.append(location)
        links.append(ServiceAtLocation(service=service, location=location))
        chosen = [("keten-service-type", rng.choice(TYPES)), ("keten-audience", rng.choice(AUDIENCES)),
                  *{("keten-exploitation-form", f) for f in rng.sample(FORMS, rng.randint(1, 3))}]
        attributes += [ServiceAttribute(service=service, taxonomy_term_id=terms[t]) for t in chosen]
        # A located service takes people from its own municipality, a fifth also from a few others; only
        # services without any area count as national (as in the demo map).
        extra = set(rng.sample(codes, 3)) if rng.random() < 0.2 else set()
        areas += [ServiceArea(service=service, municipality_id=c) for c in {code} | extra]
    for model, rows in ((Service, services), (Location, locations), (ServiceAtLocation, links),
                        (ServiceAttribute, attributes), (ServiceArea, areas)):
        model.objects.bulk_create(rows, batch_size=2000)
    search_index.rebuild()  # bulk_create sends no signals
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load; plans need the statistics
    return list(Postcode4.objects.order_by("?").values_list("code", flat=True)[:SEARCHES])


def _child(database: str) -> None:
    import django

    django.setup()
    from django.db import connection

    from keten.socialmap.selectors import SearchFilters, resolve_place, search_services

    rng = random.Random(2026)
    postcodes = _fill(rng)
    filters = SearchFilters(service_types=("shelter",), audiences=("victim",), exploitation_forms=("labour",))
    timings = []
    for postcode in postcodes:
        start = time.perf_counter()
        place = resolve_place(postcode)
        hits = search_services(place, radius_km=25, filters=filters)
        list(hits)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(json.dumps({"database": connection.vendor, "services": SERVICES, "searches": len(timings),
                      "p50": statistics.median(timings), "p95": timings[int(len(timings) * 0.95) - 1]}))


def main() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from tests.support.postgres import ThrowawayPostgres, postgres_bin_dir

    results = []
    server = None
    try:
        legs = ["sqlite"]
        if postgres_bin_dir():
            server = ThrowawayPostgres.start(postgres_bin_dir())
            os.environ["BENCH_PG_URL"] = server.create_database("keten")
            legs.append("postgresql")
        for leg in legs:
            output = subprocess.run([sys.executable, __file__, "--child", leg], env=_environment(leg), check=True,
                                    capture_output=True, text=True).stdout
            results.append(json.loads(output.strip().splitlines()[-1]))
    finally:
        if server is not None:
            server.stop()
    print(f"social-map search: {SERVICES} services, {SEARCHES} searches by postcode + 25 km + 3 filters")
    for result in results:
        print(f"  {result['database']:<10} p50 {result['p50']:6.1f} ms   p95 {result['p95']:6.1f} ms   "
              f"(target p95 < 50 ms)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2])
    else:
        main()

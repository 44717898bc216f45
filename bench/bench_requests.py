"""What the foundation costs per request: the health check (baseline) against pages and API calls that
pass login, MFA, membership and navigation. Run: `make bench` (or `.venv/bin/python bench/bench_requests.py`).

Runs on a fresh SQLite database in a temporary directory, in production settings, with Django's test
client (no network), and prints the median time per request and its ratio to the baseline."""

import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))


def _setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    scratch = Path(tempfile.mkdtemp(prefix="keten-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="keten.settings",
        KETEN_VAR_DIR=str(scratch / "var"),
        KETEN_STATIC_ROOT=str(scratch / "static"),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        KETEN_SSL_REDIRECT="0",
        KETEN_ALLOWED_HOSTS="testserver",
        KETEN_LOG_LEVEL="WARNING",
    )
    os.environ.pop("KETEN_DEV", None)
    import django

    django.setup()
    from django.core.management import call_command

    for command in ("migrate", "createcachetable", "load_regions"):
        call_command(command, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _median_us(call) -> float:
    for _ in range(20):  # warm caches and connections
        call()
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def main() -> None:
    _setup()
    from django.test import Client

    from keten.accounts.actor import Actor
    from keten.accounts.models import TokenScope, User
    from keten.accounts.roles import Role
    from keten.accounts.services import token_issue
    from keten.demo.credentials import DemoCredentials
    from keten.demo.services import seed_demo
    from keten.regions.selectors import municipality_for_postcode, regions_for

    memberships = {m.role: m for m in seed_demo(credentials=DemoCredentials.generate())}
    User.objects.update(is_demo=False)  # production settings lock demo accounts; here they stand in for people
    browser = Client()
    browser.force_login(memberships[Role.CARE_COORDINATOR].user)
    admin = memberships[Role.FUNCTIONAL_ADMIN]
    _token, key = token_issue(actor=Actor(user=admin.user, membership=admin), name="bench",
                              role=Role.NATIONAL_ANALYST, region=None, scopes=[TokenScope.READ])
    system = Client(HTTP_AUTHORIZATION=f"Token {key}")
    anonymous = Client()

    def ok(response):
        assert response.status_code == 200, response.status_code

    amsterdam = municipality_for_postcode("1011")
    cases = {
        "GET /health (baseline)": lambda: ok(anonymous.get("/health")),
        "GET / anonymous landing": lambda: ok(anonymous.get("/")),
        "GET / logged-in home (MFA, membership, nav)": lambda: ok(browser.get("/")),
        "GET /api/v1/me/ with an organisation token": lambda: ok(system.get("/api/v1/me/")),
        "postcode -> municipality -> regions_for": lambda: regions_for(municipality_for_postcode("1011 AB")),
    }
    assert amsterdam is not None and amsterdam.code == "GM0363"
    results = {name: _median_us(call) for name, call in cases.items()}
    baseline = results["GET /health (baseline)"]
    print(f"median of {ROUNDS} rounds, SQLite, production settings")
    for name, micros in results.items():
        print(f"  {name:<48} {micros:9.0f} µs   {micros / baseline:5.2f}× baseline")


if __name__ == "__main__":
    main()

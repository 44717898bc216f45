"""The test world: which database the run uses (SQLite, or PostgreSQL with --postgres), the reference
regions, the demo organisations and one logged-in client per role."""

import os
import time

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client

from keten.demo.credentials import TOTP_PERIOD_SECONDS, DemoCredentials
from tests.support.postgres import INSTALL_HINT, ThrowawayPostgres, postgres_bin_dir

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_addoption(parser):
    parser.addoption("--postgres", action="store_true",
                     help="run the suite on a throwaway PostgreSQL server started from the machine's binaries")


def pytest_configure(config):
    if config.getoption("--postgres") and postgres_bin_dir() is None:
        message = f"PostgreSQL leg: no PostgreSQL server binaries found; {INSTALL_HINT}."
        if IN_CI:
            raise pytest.UsageError(message + " They are required in CI.")
        pytest.exit("SKIPPED " + message, returncode=0)


@pytest.fixture(scope="session")
def postgres_server(request):
    server = ThrowawayPostgres.start(postgres_bin_dir())
    request.addfinalizer(server.stop)
    return server


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """With --postgres, point Django at the throwaway server. pytest-django has already built the SQLite
    connection, so it is closed and dropped here for Django to build the PostgreSQL one."""
    if not request.config.getoption("--postgres"):
        return
    from django.conf import settings

    server = request.getfixturevalue("postgres_server")
    # configure_settings fills in Django's defaults (TEST, OPTIONS, ...) as at start-up.
    settings.DATABASES["default"] = connections.configure_settings({"default": server.database_settings()})[
        "default"
    ]
    connections["default"].close()
    del connections["default"]


#: One set of demo credentials for the whole run: the demo world is built once per database.
DEMO_CREDENTIALS = DemoCredentials.generate()


def _build_world() -> None:
    """The reference regions and the demo world. The suite runs in production mode, where demo accounts are
    locked, so the demo people are made ordinary accounts here (tests/demo checks the lock itself)."""
    from keten.accounts.models import User
    from keten.demo.services import seed_demo

    call_command("load_regions", verbosity=0)
    call_command("load_taxonomies", verbosity=0)
    call_command("load_indicators", verbosity=0)
    memberships = seed_demo(credentials=DEMO_CREDENTIALS)
    call_command("load_knowledge", demo=True, verbosity=0)  # the kennisbank, with the demo's region notes
    User.objects.filter(pk__in=[m.user_id for m in memberships]).update(is_demo=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the world once into the test database; each test runs in a transaction that is rolled back.
    (Building it per test would also leave thousands of dead rows for PostgreSQL to scan past.)"""
    with django_db_blocker.unblock():
        _build_world()


def _world_is_there() -> bool:
    from keten.accounts.models import User

    return User.objects.filter(email__endswith="@demo.keten.invalid").exists()


@pytest.fixture
def regions_loaded(db):
    """The CBS reference regions and the demo world; a transactional test flushes them, so they come back."""
    if not _world_is_there():
        _build_world()


@pytest.fixture
def demo_credentials():
    return DEMO_CREDENTIALS


@pytest.fixture(autouse=True)
def nothing_remembered():
    """Every test starts without the reference data an earlier test's process remembered (keten.core.memo): that
    test's rows were rolled back."""
    from keten.core.memo import forget_all

    forget_all()


@pytest.fixture(autouse=True)
def in_dutch():
    """Every test starts in Dutch, the interface's language: a request in English leaves its language active on the
    thread, and the next test would read English messages."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.deactivate()


@pytest.fixture
def demo(regions_loaded):
    """The demo world: organisations of every type in Noord-Holland and Limburg, one user per role, three
    pseudonymous people with consent and shares. Returns the memberships by role."""
    from keten.accounts.models import Membership
    from keten.demo.world import DEMO_USERS

    emails = {u.email: u.role for u in DEMO_USERS}
    memberships = Membership.objects.filter(user__email__in=emails).select_related("user", "organisation", "region")
    return {m.role: m for m in memberships if emails[m.user.email] == m.role}


@pytest.fixture
def client_for(demo):
    """`client_for("care_coordinator")`: a test client logged in (with MFA) as that demo role."""

    def make(role: str):
        client = Client()
        client.force_login(demo[role].user)
        return client

    return make



@pytest.fixture
def make_person(demo):
    """`make_person(role, organisation=None, region=None, mfa=True)`: a real (non-demo) account with a known
    password and, unless mfa=False, a TOTP authenticator. Returns (user, password, totp_secret)."""
    import secrets

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from keten.accounts.models import Membership, User

    def make(role, organisation=None, region=None, mfa=True, email=None):
        organisation = organisation or demo[role].organisation if role in demo else organisation
        password = secrets.token_urlsafe(16)
        user = User.objects.create_user(email=email or f"{secrets.token_hex(4)}@example.invalid",
                                        password=password, full_name="A care worker")
        Membership.objects.create(user=user, organisation=organisation, role=role, region=region)
        secret = None
        if mfa:
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
        return user, password, secret

    return make


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`. In the last seconds of its window this waits for the
    next code, as a person would: one that turns over between typing and checking is refused (no tolerance)."""
    left = TOTP_PERIOD_SECONDS - time.time() % TOTP_PERIOD_SECONDS
    if left < 3:
        time.sleep(left + 0.2)
    return DemoCredentials(password="", totp_secret=secret).current_code()


@pytest.fixture
def admin(demo):
    """The demo functional administrator (national scope), as an Actor."""
    from keten.accounts.actor import Actor

    membership = demo["functional_admin"]
    return Actor(user=membership.user, membership=membership)

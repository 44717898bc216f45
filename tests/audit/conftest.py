"""Shared pieces of the audit tests: an actor from the demo world, one-partition chains, raw tampering."""

from contextlib import contextmanager

import pytest
from django.db import connection

from keten.accounts.actor import Actor
from keten.accounts.roles import Role


@pytest.fixture
def actor(demo):
    membership = demo[Role.CARE_COORDINATOR]
    return Actor(user=membership.user, membership=membership)


@pytest.fixture
def one_partition(settings):
    """Every event in partition 0, so sequence numbers in a test are predictable."""
    settings.KETEN_AUDIT_PARTITIONS = 1


@contextmanager
def tampering():
    """Raw SQL against the audit tables as an intruder with database access would write it. On PostgreSQL the
    append-only triggers are switched off for the duration (replica mode), as a superuser could."""
    on_postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if on_postgresql:
            cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield cursor
        finally:
            if on_postgresql:
                cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def postgresql_only(django_db_setup):
    """Skip on SQLite. Asked once the database is set up, so the --postgres leg has switched it already."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


@pytest.fixture
def clean_log(db):
    """An empty audit log for this test (the session's demo world has written events); rolled back after."""
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("DELETE FROM audit_auditchain")

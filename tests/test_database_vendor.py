"""The PostgreSQL leg must really run on PostgreSQL: a leg that silently fell back to SQLite would prove nothing."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_database_the_leg_names(request):
    expected = "postgresql" if request.config.getoption("--postgres") else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1

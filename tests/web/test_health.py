"""GET /health: 200 when the database answers and every migration is applied, 503 with the reason otherwise."""

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_healthy_when_database_reachable_and_migrated():
    response = Client().get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_unhealthy_when_a_migration_is_not_applied():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'accounts' AND name = '0001_initial'")
    response = Client().get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "migration" in response.json()["reason"]

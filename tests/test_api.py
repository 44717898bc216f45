"""The API skeleton: an OpenAPI 3 schema and a docs page, both for logged-in users only."""

import pytest
from django.test import Client
from django.urls import reverse

from keten.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_and_describes_the_api(client_for):
    response = client_for(Role.CARE_WORKER).get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"organisationToken", "session"}


def test_docs_page_loads_its_assets_from_our_own_server(client_for):
    response = client_for(Role.CARE_WORKER).get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()


def test_schema_is_not_public():
    assert Client().get(reverse("api-schema")).status_code in (401, 403)


def test_me_tells_the_session_user_their_role(client_for, demo):
    response = client_for(Role.CARE_COORDINATOR).get(reverse("api-me"))
    assert response.status_code == 200
    assert response.json()["role"] == Role.CARE_COORDINATOR
    assert response.json()["organisation"] == demo[Role.CARE_COORDINATOR].organisation.name

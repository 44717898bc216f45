"""Every request gets an id: the caller's if it is well-formed, otherwise a fresh one."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_well_formed_request_id_is_kept():
    response = Client().get("/health", HTTP_X_REQUEST_ID="lb-2024.11_abc-1")
    assert response["X-Request-ID"] == "lb-2024.11_abc-1"


@pytest.mark.parametrize("incoming", ["", "a" * 65, "two words", "<script>", "id\r\nSet-Cookie: x=1", "é"])
def test_a_malformed_request_id_is_replaced(incoming):
    response = Client().get("/health", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_requests_without_an_id_get_distinct_ones():
    client = Client()
    assert client.get("/health")["X-Request-ID"] != client.get("/health")["X-Request-ID"]

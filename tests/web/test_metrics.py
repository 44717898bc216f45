"""/metrics for Prometheus: closed without KETEN_METRICS_TOKEN, 401 without a token, 403 with a wrong one, and with
the right one the request counts by route, the task queue and the audit log's length; production logs are JSON."""

import json
import logging
import re
import sys

import pytest
from django.test import Client

from keten.audit.services import record

pytestmark = pytest.mark.django_db
TOKEN = "demo-metrics-token-0123456789"


@pytest.fixture
def metrics_on(settings):
    settings.KETEN_METRICS_TOKEN = TOKEN


def _sample(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.partition(" ")[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} {labels} not in the metrics")


def test_metrics_are_closed_when_no_token_is_configured():
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404


def test_metrics_ask_for_a_bearer_token_and_refuse_a_wrong_one(metrics_on):
    missing = Client().get("/metrics")
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 403
    assert Client().get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 403


def test_metrics_count_requests_by_route_the_queue_and_audit_events(metrics_on):
    client = Client()
    before = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    client.get("/health")
    client.get("/bestaat-niet/")
    record(actor=None, action="read", object_type="identity.subject", object_id="demo-1")

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    after = response.content.decode()

    def grown(name, **labels):
        try:
            earlier = _sample(before, name, **labels)
        except AssertionError:
            earlier = 0
        return _sample(after, name, **labels) - earlier

    assert grown("keten_http_requests_total", route="web:health", method="GET", status="200") == 1
    assert grown("keten_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert grown("keten_http_request_duration_seconds_count", route="web:health", status="200") == 1
    assert grown("keten_audit_events_total") == 1
    assert _sample(after, "keten_tasks_waiting", queue="default") >= 0
    assert _sample(after, "keten_database_up") == 1
    assert "/bestaat-niet/" not in after, "paths never become labels"


def test_production_logs_are_json_with_the_request_id_and_without_the_query_string(caplog):
    from keten.web.logs import KetenJsonFormatter, RequestIdFilter

    formatter, request_filter = KetenJsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"), RequestIdFilter()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client().get("/bestaat-niet/?q=Demo-Zoekterm", HTTP_X_REQUEST_ID="req-demo-1")
    assert response.status_code == 404
    [logged] = [r for r in caplog.records if r.name == "django.request"]
    request_filter.filter(logged)
    line = json.loads(formatter.format(logged))
    assert line["level"] == "WARNING" and line["request_id"] == "req-demo-1"
    assert "Demo-Zoekterm" not in json.dumps(line)


def test_an_exception_is_logged_by_its_type_and_stack_without_its_message():
    from keten.web.logs import KetenJsonFormatter

    address = "demo@example.invalid"  # from a variable, as data is: the stack quotes source lines, not values
    try:
        raise ValueError(f"Key (email)=({address}) already exists")
    except ValueError:
        logged = logging.LogRecord("keten", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info())
    line = json.loads(KetenJsonFormatter("%(message)s").format(logged))
    assert "ValueError" in line["exc_info"] and "demo@example.invalid" not in line["exc_info"]

"""The API under generated input (schemathesis), for every role: no server error, every answer as the OpenAPI
schema says, and no subject or signal the role may not see. A short, fixed-seed run; `make soak` runs the same
engine (bench/soak_api.py) at 10,000 cases per role."""

import pytest
from bench.soak_api import api_keys, fuzz_role, load_schema, out_of_scope_ids
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.intake.models import Signal

pytestmark = pytest.mark.django_db
CASES_PER_OPERATION = 25


@pytest.fixture
def api(demo, settings):
    """The WSGI app as a server would run it (schemathesis calls it in-process, as host `localhost`), an API key
    per demo membership, and the schema the app itself serves. As Django's test client does, requests do not
    close the database connection when they end: on PostgreSQL that would end the test's transaction."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        app = WSGIHandler()
        keys = api_keys(demo.values())
        yield app, load_schema(app, keys[Role.CARE_WORKER]), keys
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_fuzzed_schema_covers_every_operation_of_the_versioned_api(api):
    _app, schema, _keys = api
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert labels == {
        "GET /api/v1/me/", "GET /api/v1/subjects/", "GET /api/v1/subjects/{subject_id}/", "GET /api/v1/signals/",
        "POST /api/v1/signals/", "GET /api/v1/signals/{signal_id}/",
        "POST /api/v1/signals/{signal_id}/transitions/"}


def test_the_scope_check_catches_a_signal_outside_the_callers_region(demo):
    """The custom check must be able to fail: a Limburg signal in a Noord-Holland care worker's answer."""
    actor = Actor.of(demo[Role.CARE_WORKER])
    outside = Signal.objects.filter(municipality__regions__code="PV31").first()
    body = {"signal": {"id": str(outside.pk)}}
    label = "GET /api/v1/signals/{signal_id}/"
    assert out_of_scope_ids(actor, label, 200, "http://localhost/", body) == [str(outside.pk)]
    assert out_of_scope_ids(actor, label, 404, "http://localhost/", body) == []


@pytest.mark.parametrize("role", Role.values)
def test_generated_requests_get_no_server_error_a_conforming_answer_and_nothing_out_of_reach(api, demo, role):
    app, schema, keys = api
    operations = len(list(schema.get_all_operations()))
    report = fuzz_role(schema=schema, app=app, membership=demo[role], key=keys[role],
                       cases=CASES_PER_OPERATION * operations)
    assert report.cases >= CASES_PER_OPERATION * operations
    assert report.clean, "\n".join([report.line(), report.detail(), *report.failures])

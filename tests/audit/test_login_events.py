"""Logging in and failing to leaves an event: who (when known) and from where, never the address typed."""

import pytest
from django.test import Client
from django.urls import reverse

from keten.accounts.roles import Role
from keten.audit.models import AuditAction, AuditEvent
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _text_of(event: AuditEvent) -> str:
    return " ".join(str(value) for value in AuditEvent.objects.filter(pk=event.pk).values().get().values())


def test_a_login_records_the_user_without_organisation_or_role(make_person):
    user, password, secret = make_person(Role.CARE_WORKER)
    client = Client()
    client.post(LOGIN, {"login": user.email, "password": password})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    event = AuditEvent.objects.get(action=AuditAction.LOGIN, actor=user)
    assert (event.organisation_id, event.role, event.object_type) == (None, "", "")
    assert event.request_id
    assert event.client_address == "127.0.0.1"
    assert user.email not in _text_of(event)


def test_a_failed_login_records_no_one_and_not_the_address_typed(make_person):
    user, _password, _secret = make_person(Role.CARE_WORKER)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    Client().post(LOGIN, {"login": user.email, "password": "wrong-password"}, HTTP_X_REQUEST_ID="trace-1")

    (event,) = AuditEvent.objects.exclude(pk__in=before)
    assert event.action == AuditAction.LOGIN_FAILED
    assert (event.actor_id, event.organisation_id, event.object_id) == (None, None, "")
    assert event.request_id == "trace-1"
    assert user.email not in _text_of(event)


def test_an_unknown_address_leaves_the_same_kind_of_event():
    Client().post(LOGIN, {"login": "nobody-here@example.invalid", "password": "wrong-password"})
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert "nobody-here" not in _text_of(event)
    assert event.actor_id is None

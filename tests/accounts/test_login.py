"""Logging in: password, then a second factor for everyone; lockout; no account enumeration; sessions end."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from keten.accounts.middleware import LOGIN_AT_KEY
from keten.accounts.roles import Role
from keten.core.clock import now
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _password_step(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def test_login_asks_for_the_second_factor_before_letting_in(make_person):
    user, password, secret = make_person(Role.CARE_WORKER)
    client = Client()
    response = _password_step(client, user.email, password)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("web:home")).context["user"].is_authenticated is False

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    home = client.get(reverse("web:home"))
    assert home.context["user"] == user


def test_a_wrong_code_keeps_the_user_out(make_person):
    user, password, _secret = make_person(Role.CARE_WORKER)
    client = Client()
    _password_step(client, user.email, password)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get(reverse("web:home")).context["user"].is_authenticated is False


def test_account_without_mfa_can_only_enrol(make_person):
    user, password, _secret = make_person(Role.FUNCTIONAL_ADMIN, mfa=False)
    client = Client()
    _password_step(client, user.email, password)
    for path in (reverse("web:home"), reverse("accounts:user-list")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    api = client.get(reverse("api-me"))
    assert api.status_code == 403
    assert "tweestapsverificatie" in api.json()["detail"]


def test_five_failures_lock_the_account_even_for_the_right_password(make_person):
    user, password, _secret = make_person(Role.CARE_WORKER)
    client = Client()
    for _ in range(4):
        assert _password_step(client, user.email, "wrong-password").status_code == 200
    assert _password_step(client, user.email, "wrong-password").status_code == 429
    response = _password_step(client, user.email.upper(), password)
    assert response.status_code == 429
    assert "tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_and_known_addresses_get_the_same_answer(make_person):
    user, _password, _secret = make_person(Role.CARE_WORKER)
    known = _password_step(Client(), user.email, "wrong-password")
    unknown = _password_step(Client(), "nobody-here@example.invalid", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    # The lockout does not tell them apart either.
    for _ in range(5):
        _password_step(Client(), "nobody-here@example.invalid", "wrong-password")
    locked_unknown = _password_step(Client(), "nobody-here@example.invalid", "wrong-password")
    for _ in range(4):
        _password_step(Client(), user.email, "wrong-password")
    locked_known = _password_step(Client(), user.email, "wrong-password")
    assert locked_unknown.status_code == locked_known.status_code


def test_unknown_address_costs_the_same_password_hashing_as_a_known_one(make_person, settings):
    """Similar timing: both paths run the password hasher exactly once."""
    settings.PASSWORD_HASHERS = ["tests.support.hashers.CountingHasher"]
    from tests.support.hashers import CountingHasher

    user, _password, _secret = make_person(Role.CARE_WORKER)
    CountingHasher.calls = 0
    _password_step(Client(), user.email, "wrong-password")
    known_calls = CountingHasher.calls
    CountingHasher.calls = 0
    _password_step(Client(), "nobody-here@example.invalid", "wrong-password")
    assert known_calls == CountingHasher.calls == 1


def test_deactivated_user_is_logged_out_on_the_next_request(make_person):
    user, _password, _secret = make_person(Role.CARE_WORKER)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("web:home")).context["user"] == user
    user.is_active = False
    user.save()
    assert client.get(reverse("web:home")).context["user"].is_authenticated is False


def test_session_ends_twelve_hours_after_login_however_active(make_person):
    user, _password, _secret = make_person(Role.CARE_WORKER)
    client = Client()
    client.force_login(user)
    client.get(reverse("web:home"))
    session = client.session
    session[LOGIN_AT_KEY] = (now() - timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).context["user"].is_authenticated is False


def test_session_expires_after_thirty_idle_minutes(make_person):
    user, _password, _secret = make_person(Role.CARE_WORKER)
    client = Client()
    client.force_login(user)
    client.get(reverse("web:home"))
    stored = Session.objects.get(session_key=client.session.session_key)
    remaining = stored.expire_date - now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    Session.objects.filter(pk=stored.pk).update(expire_date=now() - timedelta(seconds=1))
    assert client.get(reverse("web:home")).context["user"].is_authenticated is False


def test_demo_accounts_log_in_only_in_development(regions_loaded, demo_credentials, settings):
    from keten.demo.services import seed_demo

    seeded = {m.role: m for m in seed_demo(credentials=demo_credentials)}
    email = seeded[Role.CARE_COORDINATOR].user.email
    refused = _password_step(Client(), email, demo_credentials.password)
    assert refused.status_code == 200 and "_auth_user_id" not in refused.client.session

    settings.KETEN_DEV = True
    client = Client()
    assert _password_step(client, email, demo_credentials.password)["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": demo_credentials.current_code()})
    assert client.get(reverse("web:home")).context["user"].email == email

"""Sessions and login under pressure: idle and absolute timeouts as the clock moves, a fresh password before
exporting personal data or revealing an identity or a secret address, every session of a deactivated person ended
at once, and login and password reset that answer alike for known and unknown addresses."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from keten.accounts.actor import Actor
from keten.accounts.models import Membership
from keten.accounts.roles import Role
from keten.accounts.services import user_deactivate
from keten.audit.models import AuditEvent
from keten.signaltable.models import IdentityReveal
from tests.conftest import totp_code
from tests.security.support import reauthenticated
from tests.signaltable.test_dossier_view import NAME, dossier  # noqa: F401 -- `dossier` is a fixture

pytestmark = pytest.mark.django_db

HOME = "/"
REAUTH = "/accounts/reauthenticate/"
EXPORT = "/aanmeldingen/registraties/export.csv"


@pytest.fixture
def clock(monkeypatch):
    """Move Django's clock (sessions, Keten's clock) forward: `clock.advance(minutes=31)`."""

    class Clock:
        offset = timedelta()

        def advance(self, **delta):
            self.offset += timedelta(**delta)

    real_now, moved = timezone.now, Clock()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + moved.offset)
    return moved


def _logged_in(make_person, role=Role.CARE_WORKER):
    """A person who logged in through the real login (password, then the code): (client, user, password)."""
    user, password, secret = make_person(role)
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(HOME).context["user"] == user
    return client, user, password


# --- Timeouts -------------------------------------------------------------------------------------------------------


def test_twenty_nine_idle_minutes_keep_the_session_and_thirty_one_end_it(make_person, clock):
    client, user, _password = _logged_in(make_person)
    clock.advance(minutes=29)
    assert client.get(HOME).context["user"] == user  # and this visit starts the idle half hour again
    clock.advance(minutes=29)
    assert client.get(HOME).context["user"] == user
    clock.advance(minutes=31)
    assert client.get(HOME).context["user"].is_authenticated is False


def test_an_active_session_still_ends_twelve_hours_after_login(make_person, clock):
    client, user, _password = _logged_in(make_person)
    for _step in range(28):  # every 25 minutes, never idle long enough to expire: 11 h 40 min
        clock.advance(minutes=25)
        assert client.get(HOME).context["user"] == user
    clock.advance(minutes=21)  # 12 h 1 min after login
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert client.get(HOME).context["user"].is_authenticated is False


# --- Re-authentication before the gravest acts ----------------------------------------------------------------------


def test_a_fresh_login_may_export_at_once(make_person, demo):
    client, _user, _password = _logged_in(make_person, Role.REGISTRATION_OFFICER)
    response = client.get(EXPORT)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")


def test_an_old_login_asks_for_the_password_before_the_export_and_then_delivers_it(make_person, demo):
    client, _user, password = _logged_in(make_person, Role.REGISTRATION_OFFICER)
    reauthenticated(client, seconds_ago=6 * 60)
    before = AuditEvent.objects.filter(action="export").count()
    asked = client.get(EXPORT)
    assert asked.status_code == 302 and asked["Location"].startswith(REAUTH)
    assert AuditEvent.objects.filter(action="export").count() == before  # nothing left Keten
    wrong = client.post(asked["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200 and "Content-Disposition" not in wrong
    given = client.post(asked["Location"], {"password": password})
    assert given.status_code == 302 and given["Location"] == EXPORT
    assert client.get(EXPORT).status_code == 200


def test_the_other_exports_of_personal_data_and_the_aggregate_are_judged_apart(client_for):
    stale = client_for(Role.REGISTRATION_OFFICER)
    assert stale.get("/aanmeldingen/registraties/export.json").status_code == 302
    # The yearly aggregate holds counts only: it needs no fresh password.
    assert stale.get("/aanmeldingen/registraties/jaaroverzicht.csv").status_code == 200


def test_a_reveal_at_the_table_needs_a_fresh_password_and_replays_the_request_after_it(dossier, client_for,  # noqa: F811
                                                                                       demo_credentials):
    police = client_for(Role.POLICE_INVESTIGATOR)  # logged in long ago: no fresh proof in the session
    url = reverse("signaltable:dossier-reveal", args=[dossier.pk])
    assert police.get(url).status_code == 200  # the form itself asks nothing
    posted = {"target": f"persoon:{dossier.alfa_alias.letters}", "purpose": "investigation",
              "reason": "(fictief) Horen als getuige."}
    asked = police.post(url, posted)
    assert asked.status_code == 302 and asked["Location"].startswith(REAUTH)
    assert not IdentityReveal.objects.filter(dossier=dossier).exists()
    # After the password, allauth replays the kept POST: the identity shows, once, and the reveal is recorded.
    shown = police.post(asked["Location"], {"password": demo_credentials.password})
    assert shown.status_code == 200 and NAME in shown.content.decode()
    assert IdentityReveal.objects.filter(dossier=dossier).count() == 1


def test_a_secret_address_needs_a_fresh_password_also_from_the_search_page(client_for):
    from keten.socialmap.models import Location

    location = Location.objects.filter(is_confidential=True).first() or Location.objects.first()
    url = f"/sociale-kaart/geheim-adres/{location.pk}/"
    stale = client_for(Role.CARE_COORDINATOR)
    page = stale.get(url)
    assert page.status_code == 302 and page["Location"].startswith(REAUTH)
    fragment = stale.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 204 and fragment["HX-Redirect"].startswith(REAUTH)
    assert not AuditEvent.objects.filter(object_id=str(location.pk)).exists()


# --- Deactivation ---------------------------------------------------------------------------------------------------


def test_deactivating_a_person_ends_all_their_sessions_at_once(make_person, demo):
    user, _password, _secret = make_person(Role.CARE_WORKER)
    laptop, phone, other = Client(), Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    other.force_login(demo[Role.CARE_COORDINATOR].user)
    keys = {laptop.session.session_key, phone.session.session_key}
    admin = Membership.objects.filter(role=Role.FUNCTIONAL_ADMIN, organisation=user.memberships.get().organisation,
                                      is_active=True).first()
    if admin is None:
        admin = Membership.objects.create(user=make_person(Role.CARE_WORKER)[0], role=Role.FUNCTIONAL_ADMIN,
                                          organisation=user.memberships.get().organisation)
    user_deactivate(actor=Actor.of(admin), user=user)
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert Session.objects.filter(session_key=other.session.session_key).exists()
    assert laptop.get(HOME).context["user"].is_authenticated is False
    assert phone.get(HOME).context["user"].is_authenticated is False


# --- No enumeration -------------------------------------------------------------------------------------------------


def _without_token(page: str) -> str:
    """A page without its CSRF token, which differs per visitor by design."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def _reset(email):
    mail.outbox.clear()
    response = Client().post(reverse("account_reset_password"), {"email": email})
    return response, len(mail.outbox)


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_address(make_person, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user, _password, _secret = make_person(Role.CARE_WORKER)
    known, known_mails = _reset(user.email)
    unknown, _unknown_mails = _reset("nobody-here@example.invalid")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    after_known = _without_token(Client().get(known["Location"]).content.decode())
    after_unknown = _without_token(Client().get(unknown["Location"]).content.decode())
    assert after_known == after_unknown
    assert known_mails == 1  # the known address gets the link; what the page says gives nothing away


def test_a_login_and_a_password_reset_are_answered_after_the_same_fixed_time_for_any_address(make_person,
                                                                                             settings):
    """Known and unknown addresses differ in work by a fraction of a millisecond (bench/bench_enumeration.py measures
    it over a thousand tries); every answer is held until the fixed time has passed, and a sleep never ends early."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KETEN_ACCOUNT_ANSWER_SECONDS = 0.3
    user, _password, _secret = make_person(Role.CARE_WORKER)
    for email in (user.email, "nobody-here@example.invalid"):
        started = time.monotonic()
        response, _mails = _reset(email)
        assert response.status_code == 302 and time.monotonic() - started >= 0.3
        started = time.monotonic()
        response = Client().post(reverse("account_login"), {"login": email, "password": "wrong-password-1"})
        assert response.status_code == 200 and time.monotonic() - started >= 0.3


def test_login_pages_for_a_known_and_an_unknown_address_are_identical_but_for_the_address(make_person):
    user, _password, _secret = make_person(Role.CARE_WORKER)
    known = Client().post(reverse("account_login"), {"login": user.email, "password": "wrong-password-1"})
    unknown = Client().post(reverse("account_login"), {"login": "nobody-here@example.invalid",
                                                       "password": "wrong-password-1"})
    assert known.status_code == unknown.status_code == 200

    assert (_without_token(known.content.decode().replace(user.email, "ADDRESS"))
            == _without_token(unknown.content.decode().replace("nobody-here@example.invalid", "ADDRESS")))

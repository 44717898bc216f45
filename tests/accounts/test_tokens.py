"""API tokens: issued per organisation by its administrator, shown once, scoped, revocable."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from keten.accounts.actor import Actor
from keten.accounts.models import ApiToken, TokenScope
from keten.accounts.roles import Role
from keten.accounts.services import token_issue, token_revoke
from keten.core.clock import now
from keten.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def _call(key, path=None):
    return Client().get(path or reverse("api-me"), HTTP_AUTHORIZATION=f"Token {key}")


def test_admin_issues_a_key_shown_once_and_stored_only_as_a_hash(demo):
    client = Client()
    client.force_login(demo[Role.FUNCTIONAL_ADMIN].user)
    response = client.post(reverse("accounts:token-list"), {
        "name": "Registratiesysteem", "role": Role.NATIONAL_ANALYST, "scopes": [TokenScope.READ]})
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    token = ApiToken.objects.get(name="Registratiesysteem")
    assert token.key_hash == ApiToken.hash_key(key) and key not in (token.prefix, token.key_hash)
    assert key not in client.get(reverse("accounts:token-list")).content.decode()


def test_a_key_acts_for_its_organisation_and_role(admin):
    _token, key = token_issue(actor=admin, name="Koppeling", role=Role.NATIONAL_ANALYST, region=None,
                              scopes=[TokenScope.READ])
    response = _call(key)
    assert response.status_code == 200
    assert response.json()["organisation"] == admin.organisation.name
    assert response.json()["role"] == Role.NATIONAL_ANALYST


def test_a_revoked_key_is_refused_on_the_next_call(admin):
    token, key = token_issue(actor=admin, name="Koppeling", role=Role.NATIONAL_ANALYST, region=None,
                             scopes=[TokenScope.READ])
    assert _call(key).status_code == 200
    token_revoke(actor=admin, token=token)
    assert _call(key).status_code == 401


def test_an_expired_or_unknown_key_is_refused(admin):
    token, key = token_issue(actor=admin, name="Koppeling", role=Role.NATIONAL_ANALYST, region=None,
                             scopes=[TokenScope.READ])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=now())
    assert _call(key).status_code == 401
    assert _call("not-a-key").status_code == 401


class _WriteProbe(APIView):
    def post(self, request):
        return Response({"ok": True})


def test_a_read_only_key_cannot_write(admin):
    _read, read_key = token_issue(actor=admin, name="Lezer", role=Role.NATIONAL_ANALYST, region=None,
                                  scopes=[TokenScope.READ])
    _write, write_key = token_issue(actor=admin, name="Schrijver", role=Role.NATIONAL_ANALYST, region=None,
                                    scopes=[TokenScope.READ, TokenScope.WRITE])
    factory = APIRequestFactory()
    view = _WriteProbe.as_view()
    assert view(factory.post("/", HTTP_AUTHORIZATION=f"Token {read_key}")).status_code == 403
    assert view(factory.post("/", HTTP_AUTHORIZATION=f"Token {write_key}")).status_code == 200


def test_only_an_administrator_of_the_organisation_issues_keys(demo):
    analyst = demo[Role.NATIONAL_ANALYST]
    with pytest.raises(PermissionDenied):
        token_issue(actor=Actor(user=analyst.user, membership=analyst), name="x", role=Role.NATIONAL_ANALYST,
                    region=None, scopes=[TokenScope.READ])
    assert not ApiToken.objects.exists()


def test_a_system_account_cannot_log_in_with_a_password(admin):
    token, _key = token_issue(actor=admin, name="Koppeling", role=Role.NATIONAL_ANALYST, region=None,
                              scopes=[TokenScope.READ])
    system = token.membership.user
    system.set_password("a-password-nobody-knows")
    system.save()
    response = Client().post("/accounts/login/", {"login": system.email, "password": "a-password-nobody-knows"})
    assert response.status_code == 200 and "_auth_user_id" not in response.client.session

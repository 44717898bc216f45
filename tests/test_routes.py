"""Every route is in the inventory (tests/routes.py), and answers every role as the inventory says."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from keten.accounts.roles import Role
from tests.routes import ROUTES

pytestmark = pytest.mark.django_db


def _route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>"


def test_every_route_is_in_the_inventory_and_no_row_is_stale():
    routes = set(_route_names(get_resolver().url_patterns))
    assert routes - set(ROUTES) == set(), "routes without a row in tests/routes.py"
    assert set(ROUTES) - routes == set(), "rows in tests/routes.py without a route"


def _url(name, kwargs, user=None):
    own_id = str(user.pk) if user else "00000000-0000-0000-0000-000000000000"
    kwargs = {k: (own_id if v == "self" else v) for k, v in kwargs.items()}
    return reverse(name, kwargs=kwargs)


def _request(client, method, url):
    return client.post(url) if method == "POST" else client.get(url)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_visitor(name, regions_loaded):
    access, kwargs, method = ROUTES[name]
    response = _request(Client(), method, _url(name, kwargs))
    if access.kind == "nobody":
        assert response.status_code == 404
    elif access.kind == "public":
        assert response.status_code < 500 and response.status_code not in (401, 403)
    elif name.startswith("api"):
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


ROLE_ROUTES = sorted(n for n, (access, _k, _m) in ROUTES.items() if access.kind in ("roles", "any_role"))


@pytest.mark.parametrize("name", ROLE_ROUTES)
@pytest.mark.parametrize("role", list(Role))
def test_role(name, role, client_for, demo):
    access, kwargs, method = ROUTES[name]
    client = client_for(role)
    response = _request(client, method, _url(name, kwargs, demo[role].user))
    national_ok = not access.national or demo[role].is_national
    if role in access.roles and national_ok:
        assert response.status_code != 403, f"{role} should reach {name}"
        assert response.status_code < 500
    else:
        assert response.status_code == 403, f"{role} should be refused {name}"

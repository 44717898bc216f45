"""A logged-in person's answers are never stored by a browser or proxy; public pages keep their caching."""

import pytest
from django.test import Client
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.models import Membership, TokenScope
from keten.accounts.roles import Role
from keten.accounts.services import token_issue

pytestmark = pytest.mark.django_db


def test_a_page_for_someone_logged_in_is_private_and_never_stored(client_for):
    response = client_for(Role.CARE_COORDINATOR).get(reverse("intake:signal-list"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_an_api_answer_to_an_api_key_is_never_stored(demo):
    coordinator = demo[Role.CARE_COORDINATOR]
    keeper = Actor.of(Membership.objects.create(user=demo[Role.FUNCTIONAL_ADMIN].user, role=Role.FUNCTIONAL_ADMIN,
                                                organisation=coordinator.organisation, region=coordinator.region))
    _token, key = token_issue(actor=keeper, name="Registratiesysteem", role=Role.CARE_COORDINATOR,
                              region=coordinator.region, scopes=[TokenScope.READ])
    response = Client().get(reverse("api-signal-list"), headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_a_public_page_for_a_visitor_is_not_marked_no_store(regions_loaded):
    response = Client().get(reverse("knowledge:index"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")

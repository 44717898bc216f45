"""Every routing destination of the intake and every Signaaltafel decision kind links to the profile of the
organisation that acts on it."""

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from keten.intake.models import RoutingAction
from keten.knowledge.links import DECISION_PROFILES, ROUTING_PROFILES, profile_code_for_decision
from keten.knowledge.models import OrganisationProfile
from keten.signaltable.models import DecisionKind

pytestmark = pytest.mark.django_db


def test_every_routing_destination_has_a_profile(regions_loaded):
    assert set(RoutingAction.values) - set(ROUTING_PROFILES) == set()
    codes = set(OrganisationProfile.objects.values_list("code", flat=True))
    assert set(ROUTING_PROFILES.values()) - codes == set()


def test_every_decision_kind_and_no_other_links_to_an_existing_profile(regions_loaded):
    assert set(DecisionKind.values) == set(DECISION_PROFILES)
    codes = set(OrganisationProfile.objects.values_list("code", flat=True))
    assert set(DECISION_PROFILES.values()) - codes == set()


def test_a_care_decision_links_to_the_care_coordinator_and_an_unknown_kind_to_nothing():
    assert profile_code_for_decision(DecisionKind.CARE_TRAJECTORY) == "zorgcoordinator"
    assert profile_code_for_decision(DecisionKind.INVESTIGATE_KMAR) == "kmar"
    assert profile_code_for_decision("refer_to_care") is None


def test_a_routing_destination_renders_as_a_link_to_its_profile(regions_loaded):
    html = Template("{% load knowledge %}{% routing_destination code %}").render(
        Context({"code": RoutingAction.LABOUR_INSPECTORATE}))
    assert reverse("knowledge:profile", args=["arbeidsinspectie"]) in html
    assert str(RoutingAction.LABOUR_INSPECTORATE.label) in html


def test_the_partner_list_says_who_acts_on_each_routing_destination(regions_loaded):
    page = Client().get(reverse("knowledge:profile-list")).content.decode()
    for action in RoutingAction:
        assert str(action.label) in page
        assert reverse("knowledge:profile", args=[ROUTING_PROFILES[action]]) in page

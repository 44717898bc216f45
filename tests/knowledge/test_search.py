"""Search across definitions, profiles and region pages."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _search(query: str) -> str:
    return Client().get(reverse("knowledge:search"), {"q": query}).content.decode()


def test_search_finds_a_definition_a_profile_and_a_region_page(regions_loaded):
    assert reverse("knowledge:term", args=["bedenktijd"]) in _search("bedenktijd")
    assert reverse("knowledge:profile", args=["riec"]) in _search("riec")
    found = _search("Súdwest-Fryslân")  # a municipality finds its region's page
    assert reverse("knowledge:region", args=["ZC01"]) in found


def test_search_ignores_case_and_accents_and_reads_the_legal_bases(regions_loaded):
    assert reverse("knowledge:term", args=["zorgcoordinator"]) in _search("ZORGCOORDINATOR")
    assert reverse("knowledge:term", args=["grondslag-wgs"]) in _search("samenwerkingsverbanden")


def test_an_empty_or_silly_search_says_so(regions_loaded):
    assert "Vul in waar u naar zoekt." in _search("")
    assert "Niets gevonden" in _search("qwertyuiop")
    assert "hoogstens 100 tekens" in _search("x" * 101)

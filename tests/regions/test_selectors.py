"""Looking up a municipality by postcode or CBS code, and the regions it lies in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keten.regions.models import Municipality
from keten.regions.selectors import municipality_by_code, municipality_for_postcode, regions_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text, expected", [
    ("1011", "Amsterdam"),
    ("6211", "Maastricht"),
    ("9711", "Groningen"),
    ("3511 AB", "Utrecht"),
    ("1011ab", "Amsterdam"),
    (" 1011 ", "Amsterdam"),
    ("9999", "Het Hogeland"),
])
def test_postcode_finds_its_municipality(regions_loaded, text, expected):
    assert municipality_for_postcode(text).name == expected


@pytest.mark.parametrize("text", ["abcd", "", "0123", "10111", "1011 ABC", "5028", "1011-AB", None])
def test_garbage_or_unknown_postcode_finds_nothing(regions_loaded, text):
    assert municipality_for_postcode(text) is None


@pytest.mark.parametrize("code", ["GM0363", "gm0363", "0363", " GM0363 "])
def test_municipality_by_code_accepts_common_spellings(regions_loaded, code):
    assert municipality_by_code(code).name == "Amsterdam"


@pytest.mark.parametrize("code", ["GM9999", "Amsterdam", ""])
def test_unknown_municipality_code_finds_nothing(regions_loaded, code):
    assert municipality_by_code(code) is None


def test_regions_for_answers_every_layer_in_one_query(regions_loaded):
    maastricht = municipality_by_code("GM0935")
    with CaptureQueriesContext(connection) as queries:
        regions = regions_for(maastricht)
    assert len(queries) == 1
    assert len(regions) == 8
    assert regions["police_unit"].name == "Limburg"


def test_a_municipality_is_looked_up_once_and_an_unknown_code_is_never_remembered(regions_loaded,
                                                                                  django_assert_num_queries):
    first = municipality_by_code("GM0363")
    with django_assert_num_queries(0):
        again = municipality_by_code("0363")
    assert (again.code, again.name) == (first.code, first.name) and again is not first

    assert municipality_by_code("GM9998") is None
    Municipality.objects.create(code="GM9998", name="Proefgemeente")
    assert municipality_by_code("GM9998").name == "Proefgemeente"  # added by load_regions: found at once

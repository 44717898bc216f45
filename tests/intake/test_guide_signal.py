"""The Aanmeldwijzer's minimal signal: left without logging in, it lands in the triage of the municipality's
region; it is rate-limited per address, refuses oversized or malformed input with a Dutch reason, and its answer
says nothing about existing signals."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from keten.intake.models import ReporterKind, Signal

pytestmark = pytest.mark.django_db

VALID = {"municipality": "GM0363", "noticed": ["labour"], "minor": "yes", "danger": "",
         "text": "Jongen slaapt op zijn werk."}


def _post(client=None, data=VALID, **extra):
    return (client or Client()).post(reverse("intake:guide-signal"), data, **extra)


def _mine():
    return Signal.objects.filter(reporter_kind=ReporterKind.PUBLIC_GUIDE, description="Jongen slaapt op zijn werk.")


def test_the_advice_page_offers_the_minimal_signal_filled_in_with_the_answers(regions_loaded):
    page = Client().get(reverse("intake:guide-advice"), {"noticed": "labour", "place": "Amsterdam", "minor": "yes",
                                                         "danger": "no"}).content.decode()
    assert "Laat een signaal achter" in page and 'name="municipality" value="GM0363"' in page


def test_a_minimal_signal_lands_in_the_regions_triage_without_anything_about_the_reporter(demo, client_for):
    response = _post()
    assert response.status_code == 200 and "Dank u wel" in response.content.decode()
    signal = _mine().get()
    assert (signal.status, signal.municipality.code, signal.urgency) == ("new", "GM0363", "high")
    assert signal.reporter_membership is None and signal.reporter_organisation is None
    assert signal.people.get().is_minor is True
    # The region's care coordinator (Noord-Holland) sees it in the list.
    assert signal.reference in client_for("care_coordinator").get(reverse("intake:signal-list")).content.decode()


def test_the_sixth_signal_within_the_hour_from_one_address_is_refused(regions_loaded):
    for _attempt in range(5):
        assert _post().status_code == 200
    refused = _post()
    assert refused.status_code == 429 and "Probeer het later opnieuw" in refused.content.decode()
    assert _mine().count() == 5
    # Another address is not affected.
    assert _post(REMOTE_ADDR="192.0.2.7").status_code == 200


def test_oversized_and_malformed_input_is_refused_with_the_reason_and_stores_nothing(regions_loaded):
    before = Signal.objects.count()
    too_long = _post(data=VALID | {"text": "x" * 2001})
    assert too_long.status_code == 400 and "De tekst is te lang" in too_long.content.decode()
    huge = _post(data=VALID | {"text": "x" * 20000})
    assert huge.status_code == 413 and "te groot" in huge.content.decode()
    unknown_place = _post(data=VALID | {"municipality": "GM9999"})
    assert unknown_place.status_code == 400 and "gemeente is onbekend" in unknown_place.content.decode()
    nothing_noticed = _post(data=VALID | {"noticed": []})
    assert nothing_noticed.status_code == 400 and "Kies wat u opviel" in nothing_noticed.content.decode()
    assert Signal.objects.count() == before


def _without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_the_answer_is_the_same_whatever_exists(regions_loaded):
    first = _post(REMOTE_ADDR="192.0.2.1")
    again = _post(REMOTE_ADDR="192.0.2.2")  # the same situation again: now one signal already exists
    elsewhere = _post(data=VALID | {"municipality": "GM0935", "noticed": ["unknown"]}, REMOTE_ADDR="192.0.2.3")
    assert _without_tokens(first) == _without_tokens(again) == _without_tokens(elsewhere)
    for signal in Signal.objects.filter(reporter_kind=ReporterKind.PUBLIC_GUIDE):
        assert signal.reference not in first.content.decode()

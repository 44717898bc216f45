"""The referral pages: referring through the form (from a signal too), errors next to the field with nothing
stored, the coordinator's steps on the page, and nothing of another coordination's referral."""

from datetime import date

import pytest
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.intake.services import signal_register
from keten.referrals.models import Referral, ReferralStatus
from keten.regions.selectors import municipality_by_code

pytestmark = pytest.mark.django_db

VALID = {"municipality": "Amsterdam", "forms": ["sexual"], "urgency": "acute", "needs": ["shelter_tonight"],
         "situation": "Kan vannacht niet terug naar het adres.", "contact": "06 10000 998 (werk)"}


def _referred(client) -> tuple:
    """Refer through the form; the response and the referral it made."""
    existing = set(Referral.objects.values_list("pk", flat=True))
    response = client.post(reverse("referrals:create"), VALID, follow=True)
    return response, Referral.objects.exclude(pk__in=existing).get()


def test_a_care_worker_refers_through_the_form_and_the_coordinator_accepts_it_into_a_trajectory(demo, client_for):
    response, referral = _referred(client_for(Role.CARE_WORKER))
    page = response.content.decode()
    assert f"Aanmelding {referral.reference} is verstuurd naar {referral.coordinator.name}." in page
    assert "Opvang vannacht" in page
    coordinator = client_for(Role.CARE_COORDINATOR)
    listed = coordinator.get(reverse("referrals:list")).content.decode()
    assert referral.reference in listed
    step = reverse("referrals:step", args=[referral.pk])
    coordinator.post(step, {"action": "acknowledge", "version": referral.version})
    referral.refresh_from_db()
    after = coordinator.post(reverse("trajectories:start", args=[referral.pk]), {"version": referral.version},
                             follow=True)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert f"Aanmelding aangenomen: traject {referral.trajectory.reference} is gestart." in after.content.decode()


def test_a_bad_submit_shows_the_error_next_to_the_field_and_stores_nothing(demo, client_for):
    before = Referral.objects.count()
    response = client_for(Role.CARE_WORKER).post(reverse("referrals:create"), VALID | {"municipality": "Nergenshuizen",
                                                                                       "contact": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_municipality_error"' in page and "We vinden geen gemeente" in page
    assert 'id="id_contact_error"' in page and "Kan vannacht niet terug naar het adres." in page
    assert Referral.objects.count() == before


def test_a_referral_from_a_signal_starts_with_its_place_and_forms(demo, client_for):
    signal = signal_register(actor=Actor.of(demo[Role.CARE_WORKER]), observed_on=date(2026, 1, 5),
                             municipality=municipality_by_code("GM0363"), forms=["labour"], urgency="normal",
                             basis="avg_6_1_e")
    client = client_for(Role.CARE_WORKER)
    page = client.get(reverse("referrals:create") + f"?signaal={signal.pk}").content.decode()
    assert 'value="Amsterdam"' in page and 'value="labour" id="id_forms_' in page and f'value="{signal.pk}"' in page
    client.post(reverse("referrals:create"), VALID | {"signal": signal.pk})
    assert Referral.objects.get(signal=signal).municipality.code == "GM0363"


def test_declining_without_a_reason_says_so_and_changes_nothing(demo, client_for):
    _response, referral = _referred(client_for(Role.CARE_WORKER))
    response = client_for(Role.CARE_COORDINATOR).post(reverse("referrals:step", args=[referral.pk]),
                                                      {"action": "decline", "version": referral.version})
    assert response.status_code == 400 and "Kies de reden van afwijzen." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_another_region_does_not_even_see_that_the_referral_exists(demo, client_for):
    _response, referral = _referred(client_for(Role.CARE_WORKER))
    limburg = client_for(Role.VEILIG_THUIS_WORKER)
    assert limburg.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert referral.reference not in limburg.get(reverse("referrals:list")).content.decode()


def test_the_signal_page_offers_to_refer_to_those_who_may(demo, client_for):
    signal = signal_register(actor=Actor.of(demo[Role.CARE_WORKER]), observed_on=date(2026, 1, 5),
                             municipality=municipality_by_code("GM0363"), forms=["labour"], urgency="normal",
                             basis="avg_6_1_e")
    link = reverse("referrals:create") + f"?signaal={signal.pk}"
    assert link in client_for(Role.CARE_WORKER).get(reverse("intake:signal-detail", args=[signal.pk])).content.decode()
    privacy = client_for(Role.PRIVACY_OFFICER).get(reverse("intake:signal-detail", args=[signal.pk]))
    assert link not in privacy.content.decode()

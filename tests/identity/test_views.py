"""The person pages as a professional uses them: register, correct a mistake, withdraw consent, share."""

import pytest
from django.urls import reverse

from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.identity.models import Subject
from keten.policy.models import Consent, Share

pytestmark = pytest.mark.django_db


def _alfa():
    return Subject.objects.get(attributes__display="Testpersoon Alfa")


def test_registering_with_an_invalid_phone_number_says_so_in_dutch_and_stores_nothing(client_for):
    client = client_for(Role.CARE_COORDINATOR)
    before = Subject.objects.count()
    response = client.post(reverse("identity:subject-create"), {
        "municipality": "GM0363", "name": "Testpersoon Kilo", "phone": "12"})
    assert response.status_code == 200
    assert "Telefoonnummer" in response.content.decode()
    assert Subject.objects.count() == before


def test_registering_a_person_leads_to_their_page(client_for):
    client = client_for(Role.CARE_COORDINATOR)
    response = client.post(reverse("identity:subject-create"), {
        "municipality": "GM0363", "name": "Testpersoon Lima", "date_of_birth": "1-2-1999"}, follow=True)
    assert response.status_code == 200
    assert "Testpersoon Lima" in response.content.decode()


def test_withdrawing_consent_asks_for_confirmation_first(client_for):
    client = client_for(Role.CARE_COORDINATOR)
    subject = _alfa()
    consent = Consent.objects.get(subject=subject)
    url = reverse("identity:consent-withdraw", args=[subject.pk, consent.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Ja, toestemming intrekken" in page.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None

    client.post(url)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    # The shelter's share rested on this consent: it ends with it.
    assert not Share.objects.active().of_record(subject).exists()


def test_someone_outside_the_keeping_organisation_cannot_withdraw(client_for):
    subject = _alfa()
    consent = Consent.objects.get(subject=subject)
    response = client_for(Role.CARE_WORKER).post(
        reverse("identity:consent-withdraw", args=[subject.pk, consent.pk]) + "?doel=care_coordination")
    assert response.status_code == 403
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_sharing_through_the_page_with_a_basis_and_purpose(client_for, demo):
    client = client_for(Role.CARE_COORDINATOR)
    subject = _alfa()
    vt = demo[Role.VEILIG_THUIS_WORKER].organisation
    shares_audited = AuditEvent.objects.filter(action="share", object_id=str(subject.pk)).count()
    client.post(reverse("identity:subject-detail", args=[subject.pk]), {
        "action": "share", "share-organisation": vt.pk, "share-purpose": "signal_assessment",
        "share-basis": "meldcode"})
    share = Share.objects.of_record(subject).get(organisation=vt)
    assert share.basis == "meldcode" and share.shared_by == demo[Role.CARE_COORDINATOR].user
    assert AuditEvent.objects.filter(action="share", object_id=str(subject.pk)).count() == shares_audited + 1


def test_the_privacy_officer_reads_who_saw_a_person(client_for):
    subject = _alfa()
    client_for(Role.CARE_COORDINATOR).get(reverse("identity:subject-detail", args=[subject.pk]))
    page = client_for(Role.PRIVACY_OFFICER).get(reverse("identity:disclosure", args=[subject.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Demo Zorgcoördinator (fictief)" in html and "Testpersoon Alfa" not in html

"""The home page per role: live panels show what waits for this person, scoped by policy, with an empty state;
panels of capabilities still to come say what will appear."""

from datetime import timedelta

import pytest
from django.urls import reverse

from keten.accounts.roles import Role
from keten.core.clock import now
from keten.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def test_the_care_coordinator_sees_waiting_referrals_and_trajectories_that_need_attention(demo, client_for):
    stalled = Trajectory.objects.filter(owner=demo[Role.CARE_COORDINATOR].organisation,
                                        last_activity_at__lt=now() - timedelta(days=30)).first()
    page = client_for(Role.CARE_COORDINATOR).get(reverse("web:home")).content.decode()
    assert "Nieuwe aanmeldingen" in page and "A-" in page  # the demo's waiting referrals
    assert stalled.reference in page and "Al 30 dagen geen activiteit" in page
    assert "Bedenktijd eindigt op" in page


def test_the_registration_officer_sees_open_tasks(demo, client_for):
    page = client_for(Role.REGISTRATION_OFFICER).get(reverse("web:home")).content.decode()
    assert "Open registratietaken" in page and reverse("intake:registration-task-list") in page


def test_a_panel_without_items_shows_its_empty_state(demo, client_for):
    from keten.intake.models import Signal

    client = client_for(Role.VEILIG_THUIS_WORKER)
    assert "Geen signalen die op triage wachten." not in client.get(reverse("web:home")).content.decode()
    Signal.objects.filter(status__in=["new", "triage"]).update(status="referred")
    assert "Geen signalen die op triage wachten." in client.get(reverse("web:home")).content.decode()

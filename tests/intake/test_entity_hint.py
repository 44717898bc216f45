"""The intake form's hint: a phone number (or address, plate, ...) being typed that occurs in signals the person
may see is said so, counted within policy only, and nothing is said for a value out of reach or invalid."""

from datetime import date

import pytest
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.intake.services import signal_register
from keten.regions.selectors import municipality_by_code

pytestmark = pytest.mark.django_db
PHONE = "06 10000 977"


def _hint(client, kind, value):
    return client.get(reverse("intake:entity-hint"), {"soort": kind, "waarde": value}).json()


def test_a_value_in_a_visible_signal_is_said_and_the_question_audited(demo, client_for):
    signal_register(actor=Actor.of(demo[Role.POLICE_INVESTIGATOR]), observed_on=date(2026, 1, 5),
                    municipality=municipality_by_code("GM0363"), forms=["labour"], urgency="normal",
                    basis="avg_10_wpg", entities=[("phone", PHONE)])
    client = client_for(Role.CARE_COORDINATOR)  # Noord-Holland: the region's signals
    before = AuditEvent.objects.filter(action="search", object_type="intake.signal").count()
    answer = _hint(client, "phone", "+31610000977")  # written differently, the same number
    assert answer["count"] == 1 and "komt voor in 1 ander signaal" in answer["text"]
    assert AuditEvent.objects.filter(action="search", object_type="intake.signal").count() == before + 1


def test_nothing_is_said_of_signals_out_of_reach(demo, client_for):
    signal_register(actor=Actor.of(demo[Role.POLICE_INVESTIGATOR]), observed_on=date(2026, 1, 5),
                    municipality=municipality_by_code("GM0363"), forms=["labour"], urgency="normal",
                    basis="avg_10_wpg", entities=[("phone", PHONE)])
    assert _hint(client_for(Role.VEILIG_THUIS_WORKER), "phone", PHONE) == {"count": 0, "text": ""}  # Limburg


@pytest.mark.parametrize(("kind", "value"), [("phone", "06 123"), ("weapon", PHONE), ("phone", "")])
def test_an_invalid_value_or_kind_gets_no_answer(client_for, kind, value):
    assert _hint(client_for(Role.CARE_COORDINATOR), kind, value) == {"count": 0, "text": ""}


def test_the_demo_signals_share_phone_numbers(demo, client_for):
    assert _hint(client_for(Role.POLICE_INVESTIGATOR), "phone", "06 10000001")["count"] >= 2

"""Definitions used in forms come from the same records as the definitions page: change the record, and the help
text of the signal form and the tooltip on its label change with it."""

import pytest
from django.test import Client
from django.urls import reverse

from keten.accounts.roles import Role
from keten.knowledge.models import Definition
from keten.knowledge.services import content_update

pytestmark = pytest.mark.django_db


def _signal_form(client_for) -> str:
    response = client_for(Role.CARE_COORDINATOR).get(reverse("intake:signal-create"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_signal_form_shows_the_definitions_pages_texts(client_for):
    page = _signal_form(client_for)
    definitions_page = Client().get(reverse("knowledge:term-list")).content.decode()
    for slug in ("hard-signaal", "zacht-signaal", "indicator"):
        summary = Definition.objects.get(slug=slug).summary_nl
        assert summary in page and summary in definitions_page
    assert 'role="tooltip"' in page and reverse("knowledge:term", args=["hard-signaal"]) in page


def test_changing_a_definition_changes_the_forms_help_text_and_the_definitions_page(client_for, admin):
    hard = Definition.objects.get(slug="hard-signaal")
    old = hard.summary_nl
    content_update(actor=admin, record=hard, expected_version=hard.version,
                   summary_nl="Een vastgesteld feit dat zelf dwang of controle is; ook dit is geen bewijs.")
    page = _signal_form(client_for)
    assert "Een vastgesteld feit dat zelf dwang of controle is; ook dit is geen bewijs." in page
    assert old not in page
    term_page = Client().get(reverse("knowledge:term", args=["hard-signaal"])).content.decode()
    assert "Een vastgesteld feit dat zelf dwang of controle is; ook dit is geen bewijs." in term_page

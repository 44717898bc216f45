"""decide() explains itself: the reason says why and what to do, and never what is hidden."""

import pytest

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.core.privacy import DataCategory
from keten.identity.models import Subject
from keten.policy.decisions import decide, describe_scope, visible_to
from keten.policy.purposes import Purpose

pytestmark = pytest.mark.django_db


def _actor(demo, role):
    return Actor(user=demo[role].user, membership=demo[role])


def test_demo_people_are_invisible_to_limburg_and_the_empty_list_says_why(demo):
    assert Subject.objects.exists()  # all in Noord-Holland (keten.demo.people, keten.demo.trajectories)
    vt_limburg = _actor(demo, Role.VEILIG_THUIS_WORKER)
    assert not visible_to(vt_limburg, Purpose.SIGNAL_ASSESSMENT, Subject.objects.all()).exists()
    assert "Limburg" in describe_scope(vt_limburg, Purpose.SIGNAL_ASSESSMENT, Subject)


def test_a_denied_read_says_why_and_whom_to_ask_without_the_data(demo):
    subject = Subject.objects.get(attributes__display="Testpersoon Alfa")
    vt_limburg = _actor(demo, Role.VEILIG_THUIS_WORKER)
    decision = decide(vt_limburg, "read", subject, Purpose.SIGNAL_ASSESSMENT, category=DataCategory.IDENTITY)
    assert not decision.allowed
    assert "niet met uw organisatie gedeeld" in decision.reason
    assert subject.owner.name in decision.advice
    assert "Alfa" not in decision.reason + decision.advice


def test_the_table_sees_a_person_of_its_region_pseudonymised(demo):
    subject = Subject.objects.get(attributes__display="Testpersoon Alfa")
    chair = _actor(demo, Role.TABLE_CHAIR)
    decision = decide(chair, "read", subject, Purpose.TABLE_MEETING, category=DataCategory.IDENTITY)
    assert decision.pseudonymised and decision.basis.code == "wgs"
    assert not decide(chair, "update", subject, Purpose.TABLE_MEETING, category=DataCategory.IDENTITY).allowed


def test_national_analysts_see_no_person_at_all(demo):
    analyst = _actor(demo, Role.NATIONAL_ANALYST)
    assert not visible_to(analyst, Purpose.MONITORING, Subject.objects.all()).exists()
    assert "geen gegevens over personen" in describe_scope(analyst, Purpose.MONITORING, Subject)


def test_comensha_sees_what_police_shared_for_registration(demo):
    registrar = _actor(demo, Role.REGISTRATION_OFFICER)
    visible = visible_to(registrar, Purpose.REGISTRATION, Subject.objects.all())
    assert [s.attributes.get(kind="name").display for s in visible] == ["Testpersoon Bravo"]

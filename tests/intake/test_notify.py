"""Who is told about a signal: the organisations it is routed to, the region's table chairs, CoMensha for its
registration task, the region's triage and police at once when it is acute (national triage where the region has
none), and the triage again as the deadline nears and passes; a repeated scan tells nobody twice."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.core.clock import now
from keten.intake.models import RoutingRule, Signal
from keten.intake.notify import scan_deadlines
from keten.intake.services import PersonInput, rule_create, signal_register, signal_register_from_guide
from keten.notifications.models import Notification
from keten.regions.selectors import municipality_by_code

pytestmark = pytest.mark.django_db

AMSTERDAM, UTRECHT = "GM0363", "GM0344"


@pytest.fixture
def rules(admin):
    """Our own rule set in place of the demo's, so each test knows where its signal goes."""
    RoutingRule.objects.update(is_active=False)
    rule_create(actor=admin, name="Acuut", position=10, urgencies=["acute"], actions=["police_avim", "signal_table"])
    rule_create(actor=admin, name="Minderjarig", position=20, minor="yes", actions=["veilig_thuis", "signal_table"])
    rule_create(actor=admin, name="Opsporing", position=30, reporter_types=[OrganisationType.POLICE_AVIM],
                actions=["comensha_registration", "signal_table"])


@pytest.fixture
def vt_noord_holland(demo, make_person):
    """A Veilig Thuis worker in Noord-Holland (the demo's works in Limburg)."""
    organisation = Organisation.objects.get(type=OrganisationType.VEILIG_THUIS, name__contains="Noord-Holland")
    user, _password, _secret = make_person(Role.VEILIG_THUIS_WORKER, organisation=organisation,
                                           region=demo[Role.CARE_COORDINATOR].region)
    return user.memberships.get()


def _register(demo, role=Role.CARE_WORKER, code=AMSTERDAM, **values):
    minor = values.pop("minor", False)
    people = [PersonInput(role="presumed_victim", estimated_age=15)] if minor else []
    values = {"forms": ["labour"], "urgency": "normal", "basis": "avg_6_1_e"} | values
    return signal_register(actor=Actor.of(demo[role]), observed_on=date(2026, 1, 5),
                           municipality=municipality_by_code(code), people=people, **values)


def _told(signal) -> dict:
    """Who was told about the signal: membership id -> the kinds of notice, in the order they came."""
    told: dict = {}
    for notification in Notification.objects.filter(key__startswith=f"signal:{signal.pk}:").order_by("kind"):
        told.setdefault(notification.recipient_id, set()).add(notification.kind)
    return told


def test_routing_tells_the_shared_organisation_and_the_regions_table_chair_and_nobody_else(demo, rules,
                                                                                         vt_noord_holland):
    signal = _register(demo, minor=True)
    assert _told(signal) == {vt_noord_holland.pk: {"routing"}, demo[Role.TABLE_CHAIR].pk: {"routing"}}
    shared = Notification.objects.get(recipient=vt_noord_holland)
    assert shared.title == f"Signaal {signal.reference} uit Amsterdam is met uw organisatie gedeeld"
    assert shared.link == reverse("intake:signal-detail", args=[signal.pk])
    chair = Notification.objects.get(recipient=demo[Role.TABLE_CHAIR])
    assert "Signaaltafel" in chair.title
    # The Veilig Thuis worker of Limburg, the reporter and the region's other triage hear nothing of it.
    assert not Notification.objects.filter(recipient__in=[demo[Role.VEILIG_THUIS_WORKER], demo[Role.CARE_WORKER],
                                                          demo[Role.CARE_COORDINATOR]]).exists()


def test_a_notice_names_no_person_and_not_the_description(demo, rules, vt_noord_holland):
    signal = _register(demo, minor=True, description="Meisje met de naam Testina werkt in een nagelsalon.")
    for notification in Notification.objects.filter(key__startswith=f"signal:{signal.pk}:"):
        assert "Testina" not in notification.title and "nagelsalon" not in notification.title


def test_an_acute_signal_tells_the_regions_triage_and_police_at_once(demo, rules):
    signal = _register(demo, urgency="acute")
    told = _told(signal)
    for role in (Role.CARE_COORDINATOR, Role.TABLE_CHAIR, Role.POLICE_INVESTIGATOR):
        assert "acute" in told[demo[role].pk], role
    assert told[demo[Role.POLICE_INVESTIGATOR].pk] == {"acute", "routing"}  # shared with the police as well
    assert demo[Role.CARE_WORKER].pk not in told  # the reporter
    assert demo[Role.VEILIG_THUIS_WORKER].pk not in told  # another region
    acute = Notification.objects.get(recipient=demo[Role.CARE_COORDINATOR], kind="acute")
    assert acute.title.startswith(f"Acuut signaal {signal.reference} in Amsterdam: triage uiterlijk ")


def test_an_acute_signal_from_the_public_guide_reaches_the_triage_too(demo, rules):
    signal = signal_register_from_guide(observed_on=date(2026, 1, 5), municipality=AMSTERDAM, forms=["sexual"],
                                        urgency="acute")
    told = _told(signal)
    assert {demo[role].pk for role in (Role.CARE_COORDINATOR, Role.TABLE_CHAIR, Role.POLICE_INVESTIGATOR)} <= set(told)


def test_where_a_region_has_no_triage_the_national_triage_is_told(demo, rules, make_person):
    user, _password, _secret = make_person(Role.CARE_COORDINATOR, region=None)
    signal = signal_register_from_guide(observed_on=date(2026, 1, 5), municipality=UTRECHT, forms=["sexual"],
                                        urgency="acute")
    assert _told(signal)[user.memberships.get().pk] == {"acute"}
    assert demo[Role.CARE_COORDINATOR].pk not in _told(signal)  # Noord-Holland's triage is not Utrecht's


def test_comensha_is_told_of_its_registration_task_and_the_reporter_is_not(demo, rules):
    signal = _register(demo, role=Role.POLICE_INVESTIGATOR, forms=["sexual"], basis="avg_10_wpg")
    told = _told(signal)
    assert told[demo[Role.REGISTRATION_OFFICER].pk] == {"task"}  # not a second notice for the share
    task = Notification.objects.get(recipient=demo[Role.REGISTRATION_OFFICER])
    assert task.link == reverse("intake:registration-task-list")
    assert demo[Role.POLICE_INVESTIGATOR].pk not in told
    assert told[demo[Role.TABLE_CHAIR].pk] == {"routing"}


def test_the_mails_of_an_acute_signal_go_out_once_committed_and_say_nothing_of_it(
        demo, rules, settings, django_capture_on_commit_callbacks):
    settings.KETEN_BASE_URL = "https://keten.example.nl"
    with django_capture_on_commit_callbacks(execute=True):
        signal = _register(demo, urgency="acute", description="Man met de naam Testo slaapt in een loods.")
    sent = {message.to[0]: message for message in mail.outbox}
    coordinator = demo[Role.CARE_COORDINATOR]
    message = sent[coordinator.user.email]
    acute = Notification.objects.get(recipient=coordinator, kind="acute")
    assert f"https://keten.example.nl{acute.link}" in message.body
    for secret in (signal.reference, "Amsterdam", "Testo", "loods", coordinator.user.full_name):
        assert secret not in message.body and secret not in message.subject
    assert acute.emailed_at is not None
    assert demo[Role.CARE_WORKER].user.email not in sent


# --- Deadlines ---------------------------------------------------------------------------------------------------


def _due(signal, when) -> Signal:
    Signal.objects.filter(pk=signal.pk).update(triage_due_at=when)
    return Signal.objects.get(pk=signal.pk)


def test_the_deadline_scan_warns_before_tells_when_late_and_never_twice(demo, rules, settings):
    settings.KETEN_INTAKE_DEADLINE_WARNING = {"acute": {"minutes": 15}, "high": {"hours": 2}, "normal": {"days": 1}}
    due = now() + timedelta(hours=10)
    signal = _due(_register(demo, urgency="high"), due)
    triage = {demo[role].pk for role in (Role.CARE_COORDINATOR, Role.TABLE_CHAIR, Role.POLICE_INVESTIGATOR)}

    scan_deadlines(at=due - timedelta(hours=3))
    assert _told(signal) == {}  # still far off

    scan_deadlines(at=due - timedelta(hours=1))
    assert _told(signal) == dict.fromkeys(triage, {"deadline_soon"})
    soon = Notification.objects.get(recipient=demo[Role.CARE_COORDINATOR], key__startswith=f"signal:{signal.pk}:")
    assert soon.title.startswith(f"Triagetermijn van signaal {signal.reference} uit Amsterdam loopt af om ")
    assert scan_deadlines(at=due - timedelta(hours=1)) == 0  # the same scan again: nothing new for any signal
    scan_deadlines(at=due - timedelta(minutes=30))
    assert Notification.objects.filter(key__startswith=f"signal:{signal.pk}:").count() == len(triage)

    scan_deadlines(at=due + timedelta(minutes=1))
    assert _told(signal) == {pk: {"deadline_soon", "overdue"} for pk in triage}
    assert scan_deadlines(at=due + timedelta(minutes=1)) == 0
    scan_deadlines(at=due + timedelta(hours=5))
    assert Notification.objects.filter(key__startswith=f"signal:{signal.pk}:").count() == 2 * len(triage)
    assert demo[Role.VEILIG_THUIS_WORKER].pk not in _told(signal)


def test_a_signal_triaged_in_time_or_first_seen_late_gets_only_what_applies(demo, rules):
    due = now() + timedelta(hours=10)
    taken = _due(_register(demo, urgency="high"), due)
    Signal.objects.filter(pk=taken.pk).update(status="at_table")
    late = _due(_register(demo), due)
    scan_deadlines(at=due + timedelta(hours=1))
    assert _told(taken) == {}
    assert {kind for kinds in _told(late).values() for kind in kinds} == {"overdue"}


def test_a_broken_warning_setting_says_what_is_expected(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.KETEN_INTAKE_DEADLINE_WARNING = {"acute": {"weeks": 1}, "high": {"hours": 2}, "normal": {"days": 1}}
    with pytest.raises(ImproperlyConfigured, match="days, hours or minutes"):
        scan_deadlines()


def test_the_intake_task_runs_the_scan(demo, rules):
    from keten.intake.tasks import scan_deadlines as scan_task

    signal = _due(_register(demo, urgency="high"), now() - timedelta(minutes=5))
    result = scan_task.enqueue()  # the test settings run tasks at once
    assert result.return_value >= 3
    assert {kind for kinds in _told(signal).values() for kind in kinds} == {"overdue"}

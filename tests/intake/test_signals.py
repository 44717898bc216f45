"""Registering a signal: what a professional enters is kept (people and entities in the identity store, only
pseudonyms and facts on the signal), bad input is refused with a Dutch reason and stores nothing, and every
write and read leaves its audit event. Also the minimal signal of the public guide."""

from datetime import date, timedelta

import pytest
from django.db.models import Count

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.clock import today
from keten.core.errors import PermissionDenied
from keten.demo.trajectories import PEOPLE as DEMO_REFERRED_PEOPLE
from keten.identity.models import Entity, IdentityAttribute, Subject
from keten.identity.services import consent_record, consent_withdraw, subject_register
from keten.intake.models import Signal, SignalEntity, SignalPerson, SignalTransition
from keten.intake.selectors import signal_for, signal_view, signals_visible
from keten.intake.services import (
    InvalidSignal,
    PersonInput,
    signal_register,
    signal_register_from_guide,
)
from keten.policy.models import ConsentGiver, ConsentScope, Share
from keten.policy.purposes import Purpose
from keten.regions.selectors import municipality_by_code

pytestmark = pytest.mark.django_db

OBSERVED = date(2026, 1, 5)


def _actor(demo, role):
    return Actor.of(demo[role])


def _counts():
    return (Signal.objects.count(), SignalTransition.objects.count(), Subject.objects.count(),
            IdentityAttribute.objects.count(), Entity.objects.count(), AuditEvent.objects.count())


def _register(actor, **overrides):
    values = {"observed_on": OBSERVED, "municipality": municipality_by_code("GM0363"), "forms": ["labour"],
              "urgency": "normal", "basis": "wmo"} | overrides
    return signal_register(actor=actor, **values)


def test_a_professionals_signal_keeps_facts_and_points_at_the_identity_store(demo):
    coordinator = _actor(demo, Role.CARE_COORDINATOR)
    signal = _register(
        coordinator, forms=["labour", "sexual"], urgency="high", indicators=["ILO-07", "LAB-02"],
        description="Arbeiders slapen in een loods.", address="Demostraat 12, 1011 AB Amsterdam",
        people=[PersonInput(role="presumed_victim", estimated_age=15),
                PersonInput(role="possible_perpetrator", attributes=[("name", "Testpersoon Kilo"),
                                                                     ("phone", "06 10000 901")])],
        entities=[("phone", "06 10000 902"), ("licence_plate", "XX-901-X"), ("iban", "NL91ABNA0417164300")])

    assert signal.reporter_organisation == coordinator.organisation and signal.status == "new"
    assert sorted(signal.forms.values_list("form", flat=True)) == ["labour", "sexual"]
    assert sorted(v.indicator.code for v in signal.indicators.all()) == ["ILO-07", "LAB-02"]
    victim, perpetrator = (signal.people.get(role=role) for role in ("presumed_victim", "possible_perpetrator"))
    assert (victim.subject, victim.is_minor, victim.estimated_age) == (None, True, 15)
    assert perpetrator.subject.attributes.get(kind="name").display == "Testpersoon Kilo"
    links = {link.entity.kind: link for link in signal.entity_links.select_related("entity")}
    assert set(links) == {"address", "phone", "licence_plate", "iban"}
    assert links["address"].is_place and links["phone"].entity.value == "+31610000902"
    assert [(s.from_status, s.to_status) for s in signal.transitions.all()] == [("", "new")]
    created = AuditEvent.objects.get(object_type="intake.signal", object_id=str(signal.pk), action="create")
    assert (created.action, created.purpose, created.basis) == ("create", "care_coordination", "wmo")
    # Four entities and one subject were written through the identity store, each with its own audit event.
    entity_ids = [str(link.entity_id) for link in links.values()]
    assert AuditEvent.objects.filter(object_type="identity.entity", object_id__in=entity_ids).count() == 4
    assert AuditEvent.objects.filter(object_type="identity.subject", object_id=str(perpetrator.subject_id),
                                     action="create").count() == 1


def test_the_triage_deadline_runs_from_registration(demo):
    signal = _register(_actor(demo, Role.POLICE_INVESTIGATOR), urgency="acute", basis="avg_10_wpg")
    assert timedelta(minutes=59) < signal.triage_due_at - signal.created_at <= timedelta(hours=1)


def _future():
    return today() + timedelta(days=1)


BAD_INPUT = [
    # (what is wrong, overrides, field, part of the Dutch message)
    ("date in the future", {"observed_on": _future}, "observed_on", "niet in de toekomst"),
    ("date before 1900", {"observed_on": date(1899, 12, 31)}, "observed_on", "niet vóór 1900"),
    ("no date", {"observed_on": None}, "observed_on", "Vul de datum in"),
    ("unknown municipality", {"municipality": "GM9999"}, "municipality", "gemeente is onbekend"),
    ("no municipality", {"municipality": ""}, "municipality", "Vul de gemeente in"),
    ("no form", {"forms": []}, "forms", "ten minste één vorm"),
    ("unknown next to a form", {"forms": ["unknown", "labour"]}, "forms", "‘onbekend’ alleen"),
    ("made-up form", {"forms": ["begging"]}, "forms", "uit de lijst"),
    ("unknown urgency", {"urgency": "asap"}, "urgency", "Kies de urgentie"),
    ("unknown indicator", {"indicators": ["LAB-99"]}, "indicators", "LAB-99"),
    ("description too long", {"description": "x" * 5001}, "description", "te lang"),
    ("invalid phone number", {"entities": [("phone", "06 123")]}, "entities", "geen geldig telefoonnummer"),
    ("invalid IBAN", {"entities": [("iban", "NL00ABNA0417164300")]}, "entities", "geen geldig IBAN"),
    ("invalid plate", {"entities": [("licence_plate", "ABC")]}, "entities", "kenteken"),
    ("address without number", {"address": "Demostraat"}, "address", "straat met huisnummer"),
    ("unknown basis", {"basis": "because"}, "basis", "grondslag"),
    ("consent basis without consent", {"basis": "consent"}, "consent", "toestemming"),
    ("age contradicts minor", {"people": [PersonInput(role="presumed_victim", estimated_age=25, is_minor=True)]},
     "people", "spreken elkaar tegen"),
    ("impossible age", {"people": [PersonInput(role="witness", estimated_age=130)]}, "people", "tussen 0 en 120"),
    ("unknown role", {"people": [PersonInput(role="bystander")]}, "people", "rol"),
    ("invalid value of a person", {"people": [PersonInput(role="presumed_victim", attributes=[("bsn", "123")])]},
     "people", "BSN"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), [case[1:] for case in BAD_INPUT],
                         ids=[case[0] for case in BAD_INPUT])
def test_bad_input_is_refused_with_the_reason_and_nothing_is_stored(demo, overrides, field, message):
    overrides = {key: value() if callable(value) else value for key, value in overrides.items()}
    coordinator = _actor(demo, Role.CARE_COORDINATOR)
    # A valid person and entity first: a later bad value must undo them too.
    values = {"people": [PersonInput(role="witness", attributes=[("name", "Testpersoon Lima")])],
              "entities": [("phone", "06 10000 903")]} | overrides
    before = _counts()
    with pytest.raises(InvalidSignal) as refused:
        _register(coordinator, **values)
    assert refused.value.field == field
    assert message in str(refused.value.message)
    assert _counts() == before


@pytest.mark.parametrize("role", [Role.MUNICIPALITY_OFFICER, Role.NATIONAL_ANALYST, Role.PRIVACY_OFFICER,
                                  Role.FUNCTIONAL_ADMIN])
def test_roles_that_do_not_report_cannot_register_a_signal(demo, role):
    before = _counts()
    with pytest.raises(PermissionDenied) as refused:
        _register(_actor(demo, role))
    assert "geen signalen registreren" in str(refused.value.message)
    assert _counts() == before


def test_a_table_member_reports_people_without_identifying_details(demo):
    member = _actor(demo, Role.TABLE_MEMBER)
    signal = _register(member, basis="wgs", people=[PersonInput(role="presumed_victim", is_minor=True)])
    assert signal.people.get().is_minor is True
    before = _counts()
    with pytest.raises(PermissionDenied):  # the table sees people pseudonymised, so it cannot write identity
        _register(member, basis="wgs", people=[PersonInput(role="presumed_victim",
                                                           attributes=[("name", "Testpersoon Mike")])])
    assert _counts() == before


def test_reporting_on_consent_needs_the_presumed_victims_own_active_consent(demo):
    coordinator = _actor(demo, Role.CARE_COORDINATOR)
    victim = subject_register(actor=coordinator, municipality=municipality_by_code("GM0363"),
                              attributes=[("date_of_birth", "1990")])
    other = subject_register(actor=coordinator, municipality=municipality_by_code("GM0363"))
    consent = consent_record(actor=coordinator, subject=victim, scope=ConsentScope.CARE_REFERRAL,
                             giver=ConsentGiver.PERSON, given_on=today())
    people = [PersonInput(role="presumed_victim", subject=victim), PersonInput(role="witness", subject=other)]

    signal = _register(coordinator, basis="consent", consent=consent, people=people)
    assert signal.consent == consent and signal.people.get(role="presumed_victim").subject == victim

    with pytest.raises(InvalidSignal, match="hoort niet bij een vermoedelijk slachtoffer"):
        _register(coordinator, basis="consent", consent=consent,
                  people=[PersonInput(role="presumed_victim", subject=other)])
    consent_withdraw(actor=coordinator, consent=consent)
    consent.refresh_from_db()
    with pytest.raises(InvalidSignal, match="geldt niet meer"):
        _register(coordinator, basis="consent", consent=consent, people=people)


def test_a_person_out_of_the_reporters_sight_cannot_be_linked(demo):
    alfa = Subject.objects.get(attributes__display="Testpersoon Alfa")  # kept in Noord-Holland
    with pytest.raises(PermissionDenied):
        _register(_actor(demo, Role.VEILIG_THUIS_WORKER), basis="meldcode", municipality="GM0935",
                  people=[PersonInput(role="presumed_victim", subject=alfa)])


def test_the_public_guide_leaves_a_minimal_signal_for_the_regions_triage(demo):
    signal = signal_register_from_guide(observed_on=today(), municipality="GM0935", forms=["unknown"],
                                        urgency="high", description="Meisje lijkt niet vrij te zijn.", minor=True)
    assert signal.reporter_kind == "public_guide" and signal.reporter_organisation is None
    assert signal.people.get().is_minor is True
    event = AuditEvent.objects.get(object_type="intake.signal", object_id=str(signal.pk), action="create")
    assert event.actor_id is None
    # One event for the registration, and one for each share the routing rule made (a minor: Veilig Thuis).
    shares = Share.objects.of_record(signal)
    assert [share.organisation.type for share in shares] == ["veilig_thuis"]
    assert AuditEvent.objects.filter(object_type="intake.signal", object_id=str(signal.pk)).count() == 1 + len(shares)
    # Veilig Thuis Limburg (Maastricht is GM0935) sees it; the Noord-Holland care coordinator does not.
    vt = _actor(demo, Role.VEILIG_THUIS_WORKER)
    assert signal_for(actor=vt, signal_id=signal.pk, purpose=Purpose.SIGNAL_ASSESSMENT) is not None
    coordinator = _actor(demo, Role.CARE_COORDINATOR)
    assert signal_for(actor=coordinator, signal_id=signal.pk, purpose=Purpose.CARE_COORDINATION) is None


def test_the_public_guide_refuses_bad_input_and_stores_nothing(demo):
    before = _counts()
    with pytest.raises(InvalidSignal) as refused:
        signal_register_from_guide(observed_on=_future(), municipality="GM0935", forms=["labour"], urgency="normal")
    assert refused.value.field == "observed_on"
    with pytest.raises(InvalidSignal):
        signal_register_from_guide(observed_on=today(), municipality="GM0935", forms=["labour"], urgency="normal",
                                   description="x" * 2001)
    assert _counts() == before


def test_reading_a_signal_shows_what_policy_allows_and_is_audited_once(demo):
    coordinator = _actor(demo, Role.CARE_COORDINATOR)
    signal = _register(coordinator, description="Arbeiders slapen in een loods.", indicators=["ILO-07"],
                       entities=[("phone", "06 10000 904")])
    police, chair = _actor(demo, Role.POLICE_INVESTIGATOR), _actor(demo, Role.TABLE_CHAIR)

    seen = signal_view(actor=police, signal=signal_for(actor=police, signal_id=signal.pk,
                                                       purpose=Purpose.INVESTIGATION), purpose=Purpose.INVESTIGATION)
    assert seen.description == "Arbeiders slapen in een loods."
    assert [e.shown for e in seen.entities] == ["+31 6 10000904"]
    assert seen.hard_indicator_count == 1 and seen.forms == ("Arbeidsuitbuiting",)

    at_table = signal_view(actor=chair, signal=signal, purpose=Purpose.TABLE_MEETING)
    assert at_table.description is None and not at_table.special.allowed
    assert [e.shown for e in at_table.entities] == ["••••••04"]
    reads = AuditEvent.objects.filter(object_type="intake.signal", object_id=str(signal.pk), action="read")
    assert sorted(reads.values_list("decision", flat=True)) == ["allow", "pseudonymise"]


def test_a_signal_out_of_reach_is_not_found_and_lists_stay_within_policy(demo):
    coordinator = _actor(demo, Role.CARE_COORDINATOR)
    signal = _register(coordinator)
    vt_limburg = _actor(demo, Role.VEILIG_THUIS_WORKER)
    assert signal_for(actor=vt_limburg, signal_id=signal.pk, purpose=Purpose.SIGNAL_ASSESSMENT) is None
    visible = signals_visible(actor=vt_limburg, purpose=Purpose.SIGNAL_ASSESSMENT)
    assert signal not in visible
    assert not visible.exclude(municipality__regions=demo[Role.VEILIG_THUIS_WORKER].region).exists()
    assert AuditEvent.objects.filter(action="search", object_type="intake.signal").count() == 1


def test_demo_signals_involve_no_identified_person_and_share_phones_addresses_and_plates(demo):
    assert not SignalPerson.objects.filter(subject__isnull=False).exists()
    # The demo persons of keten.demo.people and of the demo referrals only: signals add none.
    assert Subject.objects.count() == 3 + len(DEMO_REFERRED_PEOPLE)
    shared = (SignalEntity.objects.values("entity__kind", "entity__value").annotate(signals=Count("signal"))
              .filter(signals__gt=1).values_list("entity__kind", flat=True))
    assert set(shared) >= {"phone", "address", "licence_plate"}
    assert not Entity.objects.exclude(value__startswith="+3161000").filter(kind="phone").exists()

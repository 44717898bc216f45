"""The dossier as the table sees it: pseudonymised for every participant role (aliases, masked entities, in the page
and in the network picture), identities revealed only for a stated purpose policy allows and audited, rationales and
actions withheld by category, overdue actions flagged, and nothing outside one's region."""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType
from keten.audit.models import AuditEvent
from keten.core.clock import now, today
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.core.privacy import DataCategory
from keten.identity.masking import mask_entity
from keten.identity.models import Entity, EntityKind, Subject
from keten.identity.normalise import normalise
from keten.intake.models import PersonRole, Signal, SignalEntity, SignalPerson
from keten.policy.purposes import Purpose
from keten.regions.selectors import municipality_by_code
from keten.signaltable.dossier_selectors import alias_letters, dossier_cast, dossier_view
from keten.signaltable.models import (
    AgendaItem,
    ChangeKind,
    DecisionKind,
    Dossier,
    DossierChange,
    DossierSignal,
    IdentityReveal,
    Meeting,
    TableAction,
    TableDecision,
)
from keten.signaltable.network import network_svg
from keten.signaltable.reveals import reveal, reveal_purposes, reveals_for_annex
from tests.security.support import reauthenticated

pytestmark = pytest.mark.django_db

TABLE_ROLES = ("table_chair", "table_member", "police_investigator", "care_coordinator", "veilig_thuis_worker")
NAME = "Testpersoon Alfa"
RATIONALE = "(fictief) De politie start een onderzoek naar de uitzender."
POLICE_ACTION = "(fictief) Verhoor van de uitzender plannen."
RAW = {EntityKind.PHONE: "0612345678", EntityKind.BANK_ACCOUNT: "NL91ABNA0417164300",
       EntityKind.ADDRESS: "Demostraat 12, Haarlem", EntityKind.ONLINE_HANDLE: "@demo_handle_fictief"}


def _free_signals(region, n: int) -> list[Signal]:
    taken = DossierSignal.objects.filter(is_active=True).values("signal_id")
    return list(Signal.objects.filter(municipality__regions=region).exclude(pk__in=taken).order_by("reference")[:n])


def _entity(demo, kind: str) -> Entity:
    police = demo["police_investigator"]
    value = normalise(kind, RAW[kind])
    return Entity.objects.create(kind=kind, value=value.value, display=value.display, owner=police.organisation,
                                 municipality=municipality_by_code("GM0392"), created_by=police.user)


@pytest.fixture
def dossier(demo):
    """A Noord-Holland dossier of three demo signals, kept by the chair's organisation: Testpersoon Alfa in two of
    them, a phone number tying the first two, an account, an address and a handle."""
    chair = demo["table_chair"]
    signals = _free_signals(chair.region, 3)
    found = Dossier.objects.create(municipality=signals[0].municipality, owner=chair.organisation)
    for signal in signals:
        DossierSignal.objects.create(dossier=found, signal=signal)
    alfa = Subject.objects.get(attributes__kind="name", attributes__display=NAME)
    SignalPerson.objects.create(signal=signals[0], role=PersonRole.PRESUMED_VICTIM, subject=alfa, estimated_age=16,
                                is_minor=True)
    SignalPerson.objects.create(signal=signals[2], role=PersonRole.WITNESS, subject=alfa)
    phone, iban, address, handle = (_entity(demo, kind) for kind in RAW)
    for signal, entity in ((signals[0], phone), (signals[1], phone), (signals[1], iban), (signals[2], address),
                           (signals[2], handle)):
        SignalEntity.objects.create(signal=signal, entity=entity)
    found.alfa, found.signals = alfa, signals
    found.alfa_alias = dossier_cast(found).person_of_subject(alfa.pk)  # where Alfa falls depends on the dates
    found.phone, found.iban, found.address = phone, iban, address
    return found


def _noord_holland_veilig_thuis(demo, make_person) -> Client:
    """The demo Veilig Thuis worker works in Limburg; one of Noord-Holland's sits at this table."""
    organisation = Organisation.objects.get(type=OrganisationType.VEILIG_THUIS, name__contains="Noord-Holland",
                                            is_demo=True)
    user, _password, _secret = make_person("veilig_thuis_worker", organisation=organisation,
                                           region=demo["table_chair"].region)
    client = Client()
    client.force_login(user)
    return client


def _client(role, demo, client_for, make_person) -> Client:
    if role == "veilig_thuis_worker":
        return _noord_holland_veilig_thuis(demo, make_person)
    return client_for(role)


def _url(name: str, dossier: Dossier) -> str:
    return reverse(f"signaltable:{name}", kwargs={"dossier_id": dossier.pk})


def _unmasked(dossier: Dossier) -> list[str]:
    """Every value that must never reach the table's view: the person's name, number and id, and every entity's
    value as kept and as shown."""
    values = [NAME, dossier.alfa.public_id, *dossier.alfa.attributes.filter(kind="phone").values_list("display",
                                                                                                      flat=True)]
    for signal in dossier.signals:
        for link in signal.entity_links.select_related("entity"):
            values += [link.entity.value, link.entity.display]
    return values


# --- Pseudonymised for everyone at the table ---------------------------------------------------------------------


@pytest.mark.parametrize("role", TABLE_ROLES)
def test_every_table_role_sees_aliases_and_masked_values_in_the_page_and_the_picture(
        role, dossier, demo, client_for, make_person):
    client = _client(role, demo, client_for, make_person)
    page = client.get(_url("dossier", dossier))
    picture = client.get(_url("dossier-network", dossier))
    assert page.status_code == 200 and picture.status_code == 200
    assert picture["Content-Type"].startswith("image/svg+xml")
    html, svg = page.content.decode(), picture.content.decode()
    for shown in (html, svg):
        assert "Persoon A" in shown and "••••••78" in shown and "••••4300" in shown
        assert "gemeente Haarlem" in shown
        for value in _unmasked(dossier):
            assert value not in shown, f"{value!r} reached the {role}'s view"
    assert "Online account of advertentie" in html and "@demo_handle_fictief" not in html


def test_reading_the_dossier_leaves_one_audit_event_that_says_it_was_pseudonymised(dossier, demo):
    police = Actor.of(demo["police_investigator"])
    before = AuditEvent.objects.count()
    dossier_view(actor=police, dossier=dossier)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-occurred_at").first()
    assert (event.action, event.object_id, event.purpose, event.decision) == (
        "read", str(dossier.pk), "table_meeting", "pseudonymise")
    assert event.basis == "wpg_partnership"


def test_a_person_in_two_signals_has_one_alias_the_same_for_everyone(dossier, demo):
    chair = dossier_view(actor=Actor.of(demo["table_chair"]), dossier=dossier)
    police = dossier_view(actor=Actor.of(demo["police_investigator"]), dossier=dossier)
    assert [p.alias for p in chair.people] == [p.alias for p in police.people]
    alfa = next(person for person in chair.people if len(person.appearances) == 2)
    assert {a.reference for a in alfa.appearances} == {dossier.signals[0].reference, dossier.signals[2].reference}
    assert alfa.is_minor is True
    phone = next(entity for entity in chair.entities if entity.kind == EntityKind.PHONE and
                 entity.masked == "••••••78")
    assert set(phone.references) == {dossier.signals[0].reference, dossier.signals[1].reference}


def test_aliases_run_from_a_to_z_and_then_on_with_two_letters():
    assert [alias_letters(i) for i in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


def test_a_signal_from_another_region_shows_only_that_it_is_there(dossier, demo, client_for):
    limburg = _free_signals(demo["veilig_thuis_worker"].region, 1)[0]
    DossierSignal.objects.create(dossier=dossier, signal=limburg)
    html = client_for("table_member").get(_url("dossier", dossier)).content.decode()
    assert "Signaal uit een andere regio — bespreek het aan tafel." in html
    assert limburg.reference not in html


def test_entities_are_masked_to_what_the_table_needs_to_recognise_a_match():
    assert mask_entity(EntityKind.PHONE, "+31612345678", "Haarlem") == "••••••78"
    assert mask_entity(EntityKind.BANK_ACCOUNT, "NL91ABNA0417164300", None) == "••••••4300"
    assert mask_entity(EntityKind.VEHICLE, "XX001X", None) == "••••••1X"
    assert mask_entity(EntityKind.COMPANY, "12345678", None) == "••••••78"
    assert mask_entity(EntityKind.ADDRESS, "demostraat 12 haarlem", "Haarlem") == "gemeente Haarlem"
    assert mask_entity(EntityKind.EMAIL, "iemand@voorbeeld.invalid", None) == "••••@voorbeeld.invalid"
    assert mask_entity(EntityKind.ONLINE_HANDLE, "@demo", None) is None
    assert mask_entity(EntityKind.TRADE_NAME, "Demo BV", None) is None


# --- The network picture -------------------------------------------------------------------------------------------


def test_the_picture_is_labelled_for_assistive_technology_and_has_a_table_beside_it(dossier, demo, client_for):
    svg = client_for("table_chair").get(_url("dossier-network", dossier)).content.decode()
    root = ET.fromstring(svg)  # noqa: S314 -- our own output, parsed to check its structure
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    title, desc = root.find(f"{ns}title"), root.find(f"{ns}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert dossier.reference in title.text
    assert len(root.findall(f".//{ns}line")) >= 7  # Alfa twice, the phone twice, the account, address and handle
    html = client_for("table_chair").get(_url("dossier", dossier)).content.decode()
    assert "Verbindingen: wie of wat komt in welke signalen voor" in html


def test_no_revealed_value_ever_reaches_the_picture(dossier, demo, client_for):
    police = Actor.of(demo["police_investigator"])
    reveal(police, dossier, entity=dossier.phone, purpose=Purpose.INVESTIGATION, reason="(fictief) Tap aanvragen.")
    view = dossier_view(actor=police, dossier=dossier)
    phone = next(entity for entity in view.entities if entity.revealed)
    assert phone.shown == dossier.phone.display
    html = client_for("police_investigator").get(_url("dossier", dossier)).content.decode()
    assert dossier.phone.display in html  # the police see what they revealed, in the entities table
    for svg in (network_svg(view), client_for("police_investigator").get(_url("dossier-network", dossier))
                .content.decode()):
        for value in _unmasked(dossier):
            assert value not in svg


def test_text_in_the_picture_is_escaped(dossier, demo):
    view = dossier_view(actor=Actor.of(demo["table_chair"]), dossier=dossier)
    object.__setattr__(view.people[0], "alias", "<script>alert(1)</script>")
    svg = network_svg(view)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


# --- Revealing an identity ---------------------------------------------------------------------------------------


def test_the_police_reveal_a_person_for_an_investigation_and_it_is_recorded_and_audited(dossier, demo):
    police = Actor.of(demo["police_investigator"])
    before = AuditEvent.objects.count()
    revealed = reveal(police, dossier, subject=dossier.alfa, purpose=Purpose.INVESTIGATION,
                      reason="(fictief) Nodig om het slachtoffer te kunnen horen.")
    assert revealed.what == dossier.alfa_alias.alias and NAME in [value.value for value in revealed.values]
    stored = IdentityReveal.objects.get(dossier=dossier)
    assert (stored.subject, stored.purpose, stored.membership) == (dossier.alfa, "investigation", police.membership)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-occurred_at").first()
    assert (event.action, event.object_id, event.purpose, event.decision) == (
        "read", str(dossier.alfa.pk), "investigation", "allow")
    assert NAME not in str(event.__dict__)


def test_the_reveal_page_shows_the_identity_once_and_the_dossier_stays_pseudonymised(dossier, demo, client_for):
    police = reauthenticated(client_for("police_investigator"))  # revealing asks for the password again
    form = police.get(_url("dossier-reveal", dossier)).content.decode()
    choice = f"persoon:{dossier.alfa_alias.letters}"
    assert choice in form and "Opsporing" in form and NAME not in form
    response = police.post(_url("dossier-reveal", dossier), {
        "target": choice, "purpose": "investigation", "reason": "(fictief) Horen als getuige."})
    assert response.status_code == 200 and NAME in response.content.decode()
    page = police.get(_url("dossier", dossier)).content.decode()
    assert NAME not in page and "door u onthuld op" in page and "Horen als getuige" in page


def test_a_reveal_without_a_reason_is_not_made(dossier, demo, client_for):
    response = reauthenticated(client_for("police_investigator")).post(_url("dossier-reveal", dossier), {
        "target": f"persoon:{dossier.alfa_alias.letters}", "purpose": "investigation", "reason": ""})
    assert response.status_code == 400 and "Zeg waarom u de identiteit nodig hebt." in response.content.decode()
    assert not IdentityReveal.objects.filter(dossier=dossier).exists()


def test_the_chair_cannot_reveal_and_is_told_why_and_the_attempt_is_audited(dossier, demo, client_for):
    chair = Actor.of(demo["table_chair"])
    assert reveal_purposes(chair) == []
    with pytest.raises(PermissionDenied, match="alleen voor de bespreking aan de Signaaltafel"):
        reveal(chair, dossier, subject=dossier.alfa, purpose=Purpose.TABLE_MEETING, reason="(fictief) Graag.")
    event = AuditEvent.objects.order_by("-occurred_at").first()
    assert (event.action, event.object_id) == ("denied", str(dossier.alfa.pk))
    assert not IdentityReveal.objects.exists()
    page = client_for("table_chair").get(_url("dossier-reveal", dossier)).content.decode()
    assert "U kunt hier geen identiteit onthullen." in page and 'name="target"' not in page
    refused = reauthenticated(client_for("table_chair")).post(_url("dossier-reveal", dossier), {
        "target": f"persoon:{dossier.alfa_alias.letters}", "purpose": "table_meeting", "reason": "(fictief) Graag."})
    assert refused.status_code == 403 and NAME not in refused.content.decode()


def test_the_police_cannot_reveal_for_the_tables_own_purpose(dossier, demo):
    with pytest.raises(PermissionDenied):
        reveal(Actor.of(demo["police_investigator"]), dossier, subject=dossier.alfa, purpose=Purpose.TABLE_MEETING,
               reason="(fictief) Aan tafel.")
    assert not IdentityReveal.objects.exists()


def test_a_care_coordinator_may_not_reveal_someone_the_police_keep(dossier, demo):
    coordinator = Actor.of(demo["care_coordinator"])
    bravo = Subject.objects.get(attributes__kind="name", attributes__display="Testpersoon Bravo")
    SignalPerson.objects.create(signal=dossier.signals[1], role=PersonRole.PRESUMED_VICTIM, subject=bravo)
    with pytest.raises(PermissionDenied):
        reveal(coordinator, dossier, subject=bravo, purpose=Purpose.CARE_COORDINATION, reason="(fictief) Zorg.")
    assert AuditEvent.objects.order_by("-occurred_at").first().action == "denied"


def test_someone_outside_the_dossier_cannot_be_revealed_through_it(dossier, demo):
    charlie = Subject.objects.get(attributes__kind="name", attributes__display="Testpersoon Charlie")
    with pytest.raises(ValidationFailed):
        reveal(Actor.of(demo["police_investigator"]), dossier, subject=charlie, purpose=Purpose.INVESTIGATION,
               reason="(fictief) Even kijken.")


def test_the_chairs_annex_lists_reveals_at_the_meeting_without_the_value(dossier, demo):
    chair = demo["table_chair"]
    meeting = Meeting.objects.create(region=chair.region, scheduled_at=now(), chair=chair)
    AgendaItem.objects.create(meeting=meeting, dossier=dossier, position=1)
    reveal(Actor.of(demo["police_investigator"]), dossier, entity=dossier.iban, purpose=Purpose.INVESTIGATION,
           reason="(fictief) Rekening opvragen.", meeting=meeting)
    reveal(Actor.of(demo["police_investigator"]), dossier, subject=dossier.alfa, purpose=Purpose.INVESTIGATION,
           reason="(fictief) Horen.", meeting=meeting)
    annex = reveals_for_annex(meeting)
    assert [entry.what for entry in annex] == ["Bankrekening (IBAN)", dossier.alfa_alias.alias]
    assert annex[0].purpose == "Opsporing" and annex[0].reason == "(fictief) Rekening opvragen."
    assert "Politie" in annex[0].by
    for entry in annex:
        assert NAME not in str(entry) and dossier.iban.value not in str(entry) and dossier.iban.display not in str(
            entry)


# --- Timeline and actions ------------------------------------------------------------------------------------------


def _decide_investigation(dossier: Dossier, demo) -> None:
    chair = demo["table_chair"]
    meeting = Meeting.objects.create(region=chair.region, scheduled_at=now(), chair=chair)
    item = AgendaItem.objects.create(meeting=meeting, dossier=dossier, position=1)
    decision = TableDecision.objects.create(item=item, dossier=dossier, kind=DecisionKind.INVESTIGATE_POLICE,
                                            rationale=RATIONALE, category=DataCategory.CRIMINAL, decided_by=chair)
    TableAction.objects.create(dossier=dossier, item=item, decision=decision, description=POLICE_ACTION,
                               category=DataCategory.CRIMINAL, owner_organisation=demo["police_investigator"]
                               .organisation, due_on=today() - timedelta(days=3), created_by=chair)


def test_the_timeline_hides_an_investigations_rationale_from_a_member_and_shows_it_to_the_police(
        dossier, demo, client_for):
    _decide_investigation(dossier, demo)
    member = client_for("table_member").get(_url("dossier", dossier)).content.decode()
    police = client_for("police_investigator").get(_url("dossier", dossier)).content.decode()
    assert "Besluit: Onderzoek door de politie (AVIM)" in member and "Besluit: Onderzoek door de politie" in police
    assert RATIONALE not in member and "onderbouwing afgeschermd" in member
    assert RATIONALE in police


def test_an_overdue_action_is_flagged_and_police_work_is_withheld_from_the_municipality(dossier, demo, client_for):
    _decide_investigation(dossier, demo)
    member = client_for("table_member").get(_url("dossier", dossier)).content.decode()
    assert "over de termijn" in member and "1 actie is over de termijn." in member
    assert POLICE_ACTION not in member and "actie afgeschermd (politie-informatie)" in member
    assert POLICE_ACTION in client_for("police_investigator").get(_url("dossier", dossier)).content.decode()
    listing = client_for("table_member").get(reverse("signaltable:dossier-list")).content.decode()
    assert dossier.reference in listing and "1 over de termijn" in listing


def test_the_reason_for_a_change_is_withheld_from_a_member_and_shown_to_the_chair_who_keeps_the_dossier(
        dossier, demo, client_for):
    reason = "(fictief) Zelfde uitzendbureau als in het andere signaal."
    DossierChange.objects.create(dossier=dossier, kind=ChangeKind.ADDED, signals=[str(dossier.signals[0].pk)],
                                 reason=reason, membership=demo["table_chair"])
    member = client_for("table_member").get(_url("dossier", dossier)).content.decode()
    assert "Signaal toegevoegd" in member and "reden afgeschermd" in member and reason not in member
    assert reason in client_for("table_chair").get(_url("dossier", dossier)).content.decode()


# --- Reach ---------------------------------------------------------------------------------------------------------


def test_a_dossier_outside_the_region_answers_404_and_its_own_region_sees_it(demo, client_for):
    signal = _free_signals(demo["veilig_thuis_worker"].region, 1)[0]
    limburg = Dossier.objects.create(municipality=signal.municipality)
    DossierSignal.objects.create(dossier=limburg, signal=signal)
    for name in ("dossier", "dossier-network", "dossier-reveal"):
        assert client_for("table_chair").get(_url(name, limburg)).status_code == 404
    assert client_for("veilig_thuis_worker").get(_url("dossier", limburg)).status_code == 200
    assert limburg.reference not in client_for("table_chair").get(reverse("signaltable:dossier-list")).content.decode()


def test_a_role_outside_the_table_gets_no_dossier_page(dossier, client_for):
    assert client_for("care_worker").get(_url("dossier", dossier)).status_code == 403


"""The hit/no-hit question between organisations: the answer names only types of organisation and regions, the
question keeps only a keyed token, both sides are audited, probing is limited, and the index follows the identity
store."""

from datetime import timedelta

import pytest
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.audit.models import AuditEvent
from keten.core.clock import now
from keten.core.errors import PermissionDenied
from keten.identity.models import Entity, IdentityAttribute, Subject
from keten.identity.services import attribute_add, entity_register, subject_register
from keten.notifications.models import Notification
from keten.regions.models import Municipality
from keten.signaltable import hit_index, hits
from keten.signaltable.models import HitQuestion, IdentifierToken

pytestmark = pytest.mark.django_db

URL = "/signaaltafel/treffer/"
RAW = "06 19990001"
NORMALISED = "+31619990001"
HAARLEM, MAASTRICHT = "GM0392", "GM0935"


def _actor(demo, role) -> Actor:
    return Actor.of(demo[role])


def _held_by_police(demo, raw=RAW) -> Entity:
    """The police in Noord-Holland hold the number twice: as an entity and as a person's phone."""
    police = _actor(demo, "police_investigator")
    haarlem = Municipality.objects.get(pk=HAARLEM)
    subject_register(actor=police, municipality=haarlem, attributes=[("phone", raw)])
    return entity_register(actor=police, kind="phone", raw=raw, municipality=haarlem)


def _snapshot() -> set:
    return set(IdentifierToken.objects.values_list("kind", "token", "organisation_id", "municipality_id",
                                                   "entity_id", "attribute_id"))


def test_the_route_is_reachable_at_its_path():
    assert reverse("signaltable:hit-question") == URL


def test_a_phone_held_elsewhere_is_known_at_a_police_unit_in_noord_holland_and_nothing_more(demo, client_for):
    entity = _held_by_police(demo)
    response = client_for("table_member").post(URL, {"kind": "phone", "value": RAW}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bekend bij een politie-eenheid in Noord-Holland — breng het in aan de Signaaltafel." in page
    question = HitQuestion.objects.get(asked_by=demo["table_member"])
    # One line for the police, though they hold the number twice: no count, no record, no name, no value.
    assert question.hits == [{"organisation_type": "police_avim", "region": "Noord-Holland"}]
    assert page.count("Bekend bij") == 2  # the answer, and the same line in the list of earlier questions
    for secret in (RAW, NORMALISED, "+31 6 19990001", str(entity.pk), demo["police_investigator"].organisation.name,
                   question.token):
        assert secret not in page
    # The form is empty again: the value does not linger in the page.
    assert 'name="value" value=' not in page


def test_each_type_and_region_is_one_line_of_the_answer(demo):
    _held_by_police(demo)
    entity_register(actor=_actor(demo, "veilig_thuis_worker"), kind="phone", raw=RAW,
                    municipality=Municipality.objects.get(pk=MAASTRICHT))
    question = hits.ask(actor=_actor(demo, "table_chair"), kind="phone", raw="+31619990001")
    assert hits.answer_lines(question.hits) == [
        "Bekend bij een politie-eenheid in Noord-Holland — breng het in aan de Signaaltafel.",
        "Bekend bij Veilig Thuis in Limburg — breng het in aan de Signaaltafel.",
    ]


def test_a_holder_without_municipality_is_known_nationally(demo):
    entity_register(actor=_actor(demo, "registration_officer"), kind="licence_plate", raw="XX-999-X")
    question = hits.ask(actor=_actor(demo, "table_chair"), kind="licence_plate", raw="xx999x")
    assert hits.answer_lines(question.hits) == ["Bekend bij CoMensha (landelijk) — breng het in aan de Signaaltafel."]


def test_a_value_only_the_own_organisation_holds_is_no_hit(demo, client_for):
    _held_by_police(demo)
    response = client_for("police_investigator").post(URL, {"kind": "phone", "value": RAW}, follow=True)
    assert "Niet bekend bij andere organisaties." in response.content.decode()
    assert HitQuestion.objects.get(asked_by=demo["police_investigator"]).hits == []
    assert not Notification.objects.filter(title__startswith="Er is gevraagd naar een gegeven").exists()


def test_the_stored_question_holds_the_token_and_never_the_value(demo):
    _held_by_police(demo)
    question = hits.ask(actor=_actor(demo, "table_member"), kind="phone", raw=RAW)
    assert question.token == hit_index.token_of("phone", NORMALISED)
    columns = [str(value) for value in HitQuestion.objects.filter(pk=question.pk).values().get().values()]
    for value in (RAW, NORMALISED, "0619990001", "619990001"):
        assert not any(value in column for column in columns), value
    events = AuditEvent.objects.filter(occurred_at__gte=question.at - timedelta(seconds=5))
    for event in events.values("on_behalf_of", "object_type", "object_id", "purpose", "basis"):
        assert not any("19990001" in str(column) for column in event.values())


def test_both_sides_are_audited_and_the_holder_is_told_without_the_value(demo):
    entity = _held_by_police(demo)
    asker = _actor(demo, "table_member")
    question = hits.ask(actor=asker, kind="phone", raw=RAW)

    asked = AuditEvent.objects.get(object_type="signaltable.hitquestion", object_id=str(question.pk))
    assert (asked.action, asked.actor_id, asked.purpose) == ("search", asker.user.pk, "table_meeting")

    holder_events = AuditEvent.objects.filter(on_behalf_of=str(asker.organisation.pk), action="search",
                                              object_type__startswith="identity.")
    assert holder_events.count() == 1  # one event for the police, though they hold the number twice
    held = holder_events.get()
    assert held.actor_id is None and held.purpose == "table_meeting"
    police_records = {str(entity.pk)} | {str(pk) for pk in IdentityAttribute.objects.filter(
        subject__owner=entity.owner, value=NORMALISED).values_list("pk", flat=True)}
    assert held.object_id in police_records
    assert held.object_type in ("identity.entity", "identity.identityattribute")

    notice = Notification.objects.get(recipient=demo["police_investigator"], key=f"hit-question:{question.pk}")
    assert notice.title == "Er is gevraagd naar een gegeven dat bij u bekend is"
    assert notice.link == URL
    assert "19990001" not in notice.title + notice.link
    # The asking organisation is not told about its own question.
    assert not Notification.objects.filter(key=f"hit-question:{question.pk}",
                                           recipient__organisation=asker.organisation).exists()


def test_more_than_thirty_questions_an_hour_are_refused_and_the_refusal_is_audited(demo, client_for):
    membership = demo["table_member"]
    for _ in range(hits.RATE_LIMIT):
        HitQuestion.objects.create(asked_by=membership, kind="phone", token="0" * 32, hits=[])
    response = client_for("table_member").post(URL, {"kind": "phone", "value": RAW})
    page = response.content.decode()
    assert "U heeft het afgelopen uur al 30 vragen gesteld" in page
    assert RAW not in page
    assert HitQuestion.objects.filter(asked_by=membership).count() == hits.RATE_LIMIT
    assert AuditEvent.objects.filter(actor=membership.user, action="denied",
                                     object_type="signaltable.hitquestion").count() == 1


def test_questions_older_than_an_hour_do_not_count_against_the_limit(demo):
    membership = demo["table_member"]
    for _ in range(hits.RATE_LIMIT):
        HitQuestion.objects.create(asked_by=membership, kind="phone", token="0" * 32, hits=[],
                                   at=now() - timedelta(minutes=61))
    hits.ask(actor=_actor(demo, "table_member"), kind="phone", raw=RAW)
    assert HitQuestion.objects.filter(asked_by=membership).count() == hits.RATE_LIMIT + 1


def test_an_invalid_value_is_refused_with_the_normalisers_message_and_nothing_is_stored(demo, client_for):
    response = client_for("table_member").post(URL, {"kind": "phone", "value": "06 12"})
    page = response.content.decode()
    assert "De vraag is niet gesteld" in page
    assert "Telefoonnummer: dit is geen geldig telefoonnummer." in page
    assert not HitQuestion.objects.filter(asked_by=demo["table_member"]).exists()
    assert not AuditEvent.objects.filter(actor=demo["table_member"].user, action="search",
                                         object_type="signaltable.hitquestion").exists()


def test_a_care_worker_may_not_ask(demo, client_for):
    client = client_for("care_worker")
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"kind": "phone", "value": RAW}).status_code == 403
    with pytest.raises(PermissionDenied):
        hits.ask(actor=_actor(demo, "care_worker"), kind="phone", raw=RAW)
    assert not HitQuestion.objects.filter(asked_by=demo["care_worker"]).exists()


def test_the_page_lists_earlier_questions_with_kind_and_answer_but_never_the_value(demo, client_for):
    _held_by_police(demo)
    client = client_for("table_chair")
    client.post(URL, {"kind": "phone", "value": RAW})
    client.post(URL, {"kind": "iban", "value": "NL91 ABNA 0417 1643 00"})
    page = client.get(URL).content.decode()
    assert "Uw eerdere vragen" in page and "Bankrekening (IBAN)" in page and "Telefoonnummer" in page
    assert "Niet bekend bij andere organisaties." in page
    assert "NL91" not in page and "19990001" not in page


def test_the_index_follows_the_identity_store_after_seeding(demo):
    police = _actor(demo, "police_investigator")
    entity = entity_register(actor=police, kind="phone", raw=RAW, municipality=Municipality.objects.get(pk=HAARLEM))
    row = IdentifierToken.objects.get(entity=entity)
    assert (row.kind, row.token, row.organisation_id, row.municipality_id) == (
        "phone", hit_index.token_of("phone", NORMALISED), police.organisation.pk, HAARLEM)

    subject = subject_register(actor=police, municipality=None, attributes=[("name", "Demo Delta")])
    attribute = attribute_add(actor=police, subject=subject, kind="document_number", raw="NX1234567")
    assert IdentifierToken.objects.get(attribute=attribute).municipality_id is None
    assert not IdentifierToken.objects.filter(attribute__subject=subject, kind="name").exists()
    subject.municipality_id = HAARLEM
    subject.save()
    assert IdentifierToken.objects.get(attribute=attribute).municipality_id == HAARLEM

    entity_id, attribute_id = entity.pk, attribute.pk
    entity.delete()
    attribute.delete()
    assert not IdentifierToken.objects.filter(entity_id=entity_id).exists()
    assert not IdentifierToken.objects.filter(attribute_id=attribute_id).exists()


def test_a_rebuild_equals_the_incremental_index(demo):
    hit_index.rebuild()  # from a complete index: whatever was written in bulk before is in it now
    police = _actor(demo, "police_investigator")
    entity_register(actor=police, kind="iban", raw="NL91 ABNA 0417 1643 00")
    entity_register(actor=police, kind="trade_name", raw="Demo Uitzendbureau")  # not an identifier: no row
    gone = entity_register(actor=police, kind="email", raw="demo@example.invalid")
    subject = subject_register(actor=police, municipality=None, attributes=[("phone", RAW), ("bsn", "111222333")])
    Subject.objects.get(pk=subject.pk).save()
    gone.delete()
    incremental = _snapshot()
    assert hit_index.rebuild() == len(incremental)
    assert _snapshot() == incremental


def test_the_demo_world_is_in_the_index(demo):
    entities = Entity.objects.filter(kind__in=hit_index.ENTITY_KINDS, owner__is_demo=True)
    attributes = IdentityAttribute.objects.filter(kind__in=hit_index.ATTRIBUTE_KINDS, subject__owner__is_demo=True)
    assert entities.exists() and attributes.exists()
    assert set(IdentifierToken.objects.filter(entity__isnull=False).values_list("entity_id", flat=True)) >= set(
        entities.values_list("pk", flat=True))
    assert set(IdentifierToken.objects.filter(attribute__isnull=False).values_list("attribute_id", flat=True)) >= set(
        attributes.values_list("pk", flat=True))
    # A demo person's phone is known at the table, to another organisation than its keeper.
    question = hits.ask(actor=_actor(demo, "table_member"), kind="phone", raw="06 12345602")
    assert question.hits == [{"organisation_type": "police_avim", "region": "Noord-Holland"}]


def test_the_rebuild_command_reports_the_rows(demo):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("hit_index", "--rebuild", stdout=out)
    assert f"hit index: {IdentifierToken.objects.count()} identifiers" in out.getvalue()

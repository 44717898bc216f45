"""Writing to the identity store: values validated on entry, consent's age rule, withdrawal and shares that
take effect on the next request, and one audit event per write."""

from datetime import date, timedelta

import pytest

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.clock import today
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.identity.models import IdentityAttribute, Subject
from keten.identity.normalise import normalise
from keten.identity.selectors import subject_for, subject_identity
from keten.identity.services import (
    attribute_add,
    consent_record,
    consent_withdraw,
    entities_register,
    subject_register,
)
from keten.policy.models import ConsentGiver, ConsentScope, Share
from keten.policy.purposes import Purpose
from keten.policy.services import share_record, share_revoke
from keten.regions.selectors import municipality_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(demo):
    membership = demo[Role.CARE_COORDINATOR]
    return Actor(user=membership.user, membership=membership)


@pytest.fixture
def limburg_vt(demo):
    membership = demo[Role.VEILIG_THUIS_WORKER]
    return Actor(user=membership.user, membership=membership)


def _register(actor, **attributes):
    return subject_register(actor=actor, municipality=municipality_by_code("GM0363"),
                            attributes=list(attributes.items()))


def test_an_invalid_value_is_refused_with_the_field_named_and_nothing_is_stored(coordinator):
    before = (Subject.objects.count(), IdentityAttribute.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        _register(coordinator, name="Testpersoon Delta", bsn="123456789")
    assert "BSN" in str(refused.value.message)
    assert (Subject.objects.count(), IdentityAttribute.objects.count(), AuditEvent.objects.count()) == before


def test_values_are_stored_normalised_and_the_write_is_audited_once(coordinator):
    subject = _register(coordinator, phone="06 12345678", bsn="111222333")
    values = dict(subject.attributes.values_list("kind", "value"))
    assert values == {"phone": "+31612345678", "bsn": "111222333"}
    assert AuditEvent.objects.filter(object_id=str(subject.pk), action="create").count() == 1
    with pytest.raises(ValidationFailed):
        attribute_add(actor=coordinator, subject=subject, kind="phone", raw="+31 6 1234 5678")


def test_a_pseudonymising_role_cannot_write_identity(demo, coordinator):
    subject = _register(coordinator, name="Testpersoon Echo")
    chair = Actor(user=demo[Role.TABLE_CHAIR].user, membership=demo[Role.TABLE_CHAIR])
    with pytest.raises(PermissionDenied):
        attribute_add(actor=chair, subject=subject, kind="name", raw="Testpersoon Foxtrot")


@pytest.mark.parametrize(("birth", "giver", "ok"), [
    ("2000", ConsentGiver.PERSON, True),
    ("2000", ConsentGiver.PARENT_GUARDIAN, False),
    (None, ConsentGiver.PARENT_GUARDIAN, True),  # born 15 years ago: under 16
    (None, ConsentGiver.PERSON, False),
])
def test_consent_follows_the_age_rule(coordinator, birth, giver, ok):
    birth = birth or str(today().year - 15)
    subject = _register(coordinator, date_of_birth=birth)
    record = lambda: consent_record(actor=coordinator, subject=subject, scope=ConsentScope.CARE_REFERRAL,  # noqa: E731
                                    giver=giver, given_on=today())
    if ok:
        assert record().is_active()
    else:
        with pytest.raises(ValidationFailed):
            record()
        assert not subject.consents.exists()


def test_without_a_date_of_birth_the_stated_age_decides(coordinator):
    subject = _register(coordinator, name="Testpersoon Golf")
    with pytest.raises(ValidationFailed, match="leeftijd"):
        consent_record(actor=coordinator, subject=subject, scope=ConsentScope.CARE_REFERRAL,
                       giver=ConsentGiver.PERSON, given_on=today())
    consent = consent_record(actor=coordinator, subject=subject, scope=ConsentScope.CARE_REFERRAL,
                             giver=ConsentGiver.PERSON, given_on=today(), stated_age=17)
    assert consent.is_active()


def test_a_share_gives_access_and_its_revocation_takes_it_away_on_the_next_request(coordinator, limburg_vt):
    subject = _register(coordinator, name="Testpersoon Hotel")
    purpose = Purpose.SIGNAL_ASSESSMENT
    assert subject_for(actor=limburg_vt, subject_id=subject.pk, purpose=purpose) is None
    share = share_record(actor=coordinator, record=subject, organisation=limburg_vt.organisation, purpose=purpose,
                         basis="meldcode")
    seen = subject_identity(actor=limburg_vt, subject=subject, purpose=purpose)
    assert seen.decision.mode == "allow" and "Testpersoon Hotel" in [a.shown for a in seen.attributes]
    share_revoke(actor=coordinator, share=share)
    assert subject_for(actor=limburg_vt, subject_id=subject.pk, purpose=purpose) is None


def test_only_the_keeping_organisation_shares(coordinator, limburg_vt):
    subject = _register(coordinator, name="Testpersoon India")
    with pytest.raises(PermissionDenied):
        share_record(actor=limburg_vt, record=subject, organisation=limburg_vt.organisation,
                     purpose=Purpose.SIGNAL_ASSESSMENT, basis="meldcode")
    assert not Share.objects.of_record(subject).exists()


def test_withdrawn_consent_ends_the_share_that_rests_on_it(coordinator, limburg_vt):
    subject = _register(coordinator, date_of_birth="1990")
    consent = consent_record(actor=coordinator, subject=subject, scope=ConsentScope.SHARE_WITH_ORGANISATION,
                             organisation=limburg_vt.organisation, giver=ConsentGiver.PERSON, given_on=today(),
                             ends_on=today() + timedelta(days=90))
    share_record(actor=coordinator, record=subject, organisation=limburg_vt.organisation,
                 purpose=Purpose.SIGNAL_ASSESSMENT, basis="consent", consent=consent)
    assert subject_for(actor=limburg_vt, subject_id=subject.pk, purpose=Purpose.SIGNAL_ASSESSMENT) is not None
    consent_withdraw(actor=coordinator, consent=consent)
    assert subject_for(actor=limburg_vt, subject_id=subject.pk, purpose=Purpose.SIGNAL_ASSESSMENT) is None
    assert AuditEvent.objects.filter(object_id=str(subject.pk), basis="consent", action="update").count() == 1


def test_consent_ending_in_the_past_is_not_active(coordinator):
    subject = _register(coordinator, date_of_birth="1990")
    consent = consent_record(actor=coordinator, subject=subject, scope=ConsentScope.CARE_REFERRAL,
                             giver=ConsentGiver.PERSON, given_on=date(2020, 1, 1), ends_on=date(2020, 12, 31))
    assert not consent.is_active()


def test_entities_are_found_again_by_their_owner_only_however_they_are_spelled(coordinator, limburg_vt):
    first = entities_register(actor=coordinator, values=[("phone", "06 10000 920"), ("licence_plate", "XX-920-X")])
    again = entities_register(actor=coordinator, values=[
        ("licence_plate", "xx920x"), ("phone", "+31 6 1000 0920"), ("kvk", "12345678"),
        ("phone", normalise("phone", "0610000920"))])  # checked by the caller already
    assert [entity.pk for entity in again] == [first[1].pk, first[0].pk, again[2].pk, first[0].pk]
    assert again[2].kind == "kvk" and again[2].pk not in {entity.pk for entity in first}
    # Another organisation keeps its own: the same number is a different entity there.
    elsewhere = entities_register(actor=limburg_vt, values=[("phone", "06 10000 920")])
    assert elsewhere[0].pk != first[0].pk and elsewhere[0].owner_id == limburg_vt.organisation.pk
    actions = AuditEvent.objects.filter(object_type="identity.entity", object_id__in=[
        str(first[0].pk), str(first[1].pk), str(again[2].pk)]).values_list("object_id", "action")
    assert sorted(actions) == sorted([(str(first[0].pk), "create"), (str(first[1].pk), "create"),
                                      (str(first[1].pk), "update"), (str(first[0].pk), "update"),
                                      (str(again[2].pk), "create")])

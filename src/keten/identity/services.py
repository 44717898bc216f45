"""Writes of the identity store: registering subjects, their attributes and entities, and consent."""

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.audit.services import record as audit
from keten.core.clock import now, today
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.core.privacy import DataCategory
from keten.identity.models import ATTRIBUTE_NORMALISER, AttributeKind, Entity, IdentityAttribute, Subject
from keten.identity.normalise import InvalidValue, Normalised, normalise
from keten.policy.decisions import decide
from keten.policy.models import CONSENT_AGE, Consent, ConsentGiver, ConsentScope
from keten.policy.purposes import default_purpose
from keten.regions.models import Municipality


def _require_full_access(actor: Actor, subject: Subject, category=DataCategory.IDENTITY) -> str:
    """Writing identity needs a full allow for the actor's own purpose; returns that purpose."""
    purpose = default_purpose(actor.role)
    decision = decide(actor, "update", subject, purpose, category=category)
    if not decision.allowed:
        raise PermissionDenied(decision.reason)
    return purpose


def _normalised(kind: str, raw: str):
    try:
        return normalise(kind, raw)
    except InvalidValue as error:
        raise ValidationFailed(str(error)) from error


@transaction.atomic
def subject_register(*, actor: Actor, municipality: Municipality | None,
                     attributes: list[tuple[str, str]] = ()) -> Subject:
    """A new pseudonymous subject kept by the actor's organisation, with its first identifying values.
    Every value is validated first: one invalid value and nothing is stored."""
    cleaned = {}
    for kind, raw in attributes:  # the same value twice is stored once, as the first spelling
        value = _normalised(ATTRIBUTE_NORMALISER[kind], raw)
        cleaned.setdefault((kind, value.value), value)
    subject = Subject.objects.create(owner=actor.organisation, municipality=municipality, created_by=actor.user)
    purpose = _require_full_access(actor, subject)
    # A new subject has no values yet, so nothing to look up first; one by one, so each is indexed on save.
    for (kind, _value), value in cleaned.items():
        IdentityAttribute.objects.create(subject=subject, kind=kind, value=value.value, display=value.display,
                                         added_by=actor.user)
    audit(actor=actor, action="create", target=subject, purpose=purpose)
    return subject


@transaction.atomic
def attribute_add(*, actor: Actor, subject: Subject, kind: str, raw: str) -> IdentityAttribute:
    if kind not in AttributeKind.values:
        raise ValidationFailed(_("Onbekend soort gegeven."))
    value = _normalised(ATTRIBUTE_NORMALISER[kind], raw)
    purpose = _require_full_access(actor, subject)
    try:
        with transaction.atomic():
            attribute = IdentityAttribute.objects.create(subject=subject, kind=kind, value=value.value,
                                                         display=value.display, added_by=actor.user)
    except IntegrityError as error:
        raise ValidationFailed(_("Dit gegeven staat al bij deze persoon.")) from error
    audit(actor=actor, action="update", target=subject, purpose=purpose)
    return attribute


@transaction.atomic
def entity_register(*, actor: Actor, kind: str, raw: str, municipality: Municipality | None = None) -> Entity:
    """An entity kept by the actor's organisation; the same value registered again is the same entity."""
    value = _normalised(kind, raw)
    entity, created = Entity.objects.get_or_create(
        owner=actor.organisation, kind=kind, value=value.value,
        defaults={"display": value.display, "municipality": municipality, "created_by": actor.user},
    )
    audit(actor=actor, action="create" if created else "update", target=entity,
          purpose=default_purpose(actor.role))
    return entity


@transaction.atomic(savepoint=False)
def entities_register(*, actor: Actor, values: Sequence[tuple[str, str | Normalised]],
                      municipality: Municipality | None = None) -> list[Entity]:
    """entity_register for several (kind, raw) values at once, in their order: the ones the actor's organisation
    keeps already are found in one query, the others are created; one audit event per entity ("create" or
    "update"), however often its value comes. A value the caller normalised already (to check it before writing
    anything) may come as its Normalised. Meant for a larger write (registering a signal) whose transaction it
    joins: a failure fails that transaction."""
    cleaned = [(kind, raw if isinstance(raw, Normalised) else _normalised(kind, raw)) for kind, raw in values]
    kept = _kept_entities(actor.organisation, {(kind, value.value) for kind, value in cleaned})
    purpose, entities, audited = default_purpose(actor.role), [], set()
    for kind, value in cleaned:
        entity = kept.get((kind, value.value))
        created = False
        if entity is None:
            entity, created = _entity_create(actor, kind, value, municipality)
            kept[(kind, value.value)] = entity
        if entity.pk not in audited:
            audited.add(entity.pk)
            audit(actor=actor, action="create" if created else "update", target=entity, purpose=purpose)
        entities.append(entity)
    return entities


def _kept_entities(owner: Organisation, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Entity]:
    """The entities `owner` keeps with these (kind, value) pairs, in one query. Written out: every registration
    asks this, and the ORM took twice as long to build the query as the database to answer it."""
    if not pairs:
        return {}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in Entity._meta.concrete_fields)
    # Only quoted names of our own model go into the text; every value is a parameter.
    query = (f"SELECT {columns} FROM {quote(Entity._meta.db_table)} WHERE {quote('owner_id')} = %s "  # noqa: S608
             f"AND ({quote('kind')}, {quote('value')}) IN ({', '.join(['(%s, %s)'] * len(pairs))})")
    owner_id = Entity._meta.get_field("owner").get_db_prep_value(owner.pk, connection)
    found = Entity.objects.raw(query, [owner_id, *(part for pair in sorted(pairs) for part in pair)])
    return {(entity.kind, entity.value): entity for entity in found}


def _entity_create(actor: Actor, kind: str, value, municipality) -> tuple[Entity, bool]:
    """Create the entity; when another request created the same one a moment ago, that one (as get_or_create)."""
    try:
        with transaction.atomic():
            return Entity.objects.create(owner=actor.organisation, kind=kind, value=value.value,
                                         display=value.display, municipality=municipality,
                                         created_by=actor.user), True
    except IntegrityError:
        return Entity.objects.get(owner=actor.organisation, kind=kind, value=value.value), False


def subject_age(subject: Subject, on: date | None = None) -> int | None:
    """Age in whole years from the date of birth, as far as it is known; a year alone gives the lower bound."""
    birth = subject.attributes.filter(kind=AttributeKind.DATE_OF_BIRTH).values_list("value", flat=True).first()
    if not birth:
        return None
    on = on or today()
    parts = [int(p) for p in birth.split("-")]
    year, month, day = parts[0], (parts[1] if len(parts) > 1 else 12), (parts[2] if len(parts) > 2 else 31)
    return on.year - year - ((on.month, on.day) < (month, day))


@transaction.atomic
def consent_record(*, actor: Actor, subject: Subject, scope: str, giver: str, given_on: date,
                   ends_on: date | None = None, organisation: Organisation | None = None,
                   organisation_type: str = "", stated_age: int | None = None) -> Consent:
    """Record consent. From 16 the person gives it, under 16 a parent or guardian: the age comes from the
    date of birth, or, when that is unknown, from the age the professional states."""
    purpose = _require_full_access(actor, subject, category=DataCategory.OPERATIONAL)
    age = subject_age(subject, on=given_on)
    if age is None:
        age = stated_age
    if age is None:
        raise ValidationFailed(_("De leeftijd van de persoon is niet bekend: vul de leeftijd in, want die bepaalt "
                                 "wie toestemming geeft."))
    if giver == ConsentGiver.PERSON and age < CONSENT_AGE:
        raise ValidationFailed(_("Onder de 16 jaar geeft een ouder of voogd toestemming, niet de persoon zelf."))
    if giver == ConsentGiver.PARENT_GUARDIAN and age >= CONSENT_AGE:
        raise ValidationFailed(_("Vanaf 16 jaar geeft de persoon zelf toestemming."))
    if given_on > today():
        raise ValidationFailed(_("De datum van de toestemming kan niet in de toekomst liggen."))
    if ends_on is not None and ends_on < given_on:
        raise ValidationFailed(_("De einddatum ligt vóór de datum waarop de toestemming is gegeven."))
    if scope == ConsentScope.SHARE_WITH_ORGANISATION and organisation is None:
        raise ValidationFailed(_("Kies de organisatie waarmee gedeeld mag worden."))
    if scope == ConsentScope.SHARE_WITH_ORGANISATION_TYPE and not organisation_type:
        raise ValidationFailed(_("Kies het soort organisatie waarmee gedeeld mag worden."))
    consent = Consent.objects.create(
        subject=subject, scope=scope, giver=giver, given_on=given_on, ends_on=ends_on,
        organisation=organisation if scope == ConsentScope.SHARE_WITH_ORGANISATION else None,
        organisation_type=organisation_type if scope == ConsentScope.SHARE_WITH_ORGANISATION_TYPE else "",
        recorded_by=actor.user, recorded_by_organisation=actor.organisation,
    )
    audit(actor=actor, action="create", target=subject, purpose=purpose, basis="consent")
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: Consent) -> None:
    """Withdraw consent; whatever rested on it stops on the next request (shares on it included)."""
    if actor.organisation.pk not in (consent.recorded_by_organisation_id, consent.subject.owner_id):
        raise PermissionDenied(_("Alleen de organisatie die de toestemming vastlegde of de persoon beheert, kan "
                                 "haar intrekken."))
    if consent.withdrawn_at is not None:
        raise ValidationFailed(_("Deze toestemming was al ingetrokken."))
    consent.withdrawn_at = now()
    consent.withdrawn_by = actor.user
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    audit(actor=actor, action="update", target=consent.subject, purpose=default_purpose(actor.role),
          basis="consent")

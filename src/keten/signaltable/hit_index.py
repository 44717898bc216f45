"""The hit/no-hit index: IdentifierToken kept equal to the identity store's identifiers, as keyed tokens only.

Every entity and identifying attribute of a kind the question can be asked about gets one row: the keyed HMAC of
its normalised value (keten.linking.encoded.Encoder.token, under settings.KETEN_LINKING_KEY), the organisation that
holds it and its municipality. The question is answered from these rows alone, so answering never compares
anyone's plain values. Receivers keep the index current on every save and delete; writes that send no signals
(bulk_create, QuerySet.update, a changed key) need `rebuild()` (`manage.py hit_index --rebuild`)."""

from functools import lru_cache

from django.conf import settings
from django.db import transaction

from keten.audit.services import record as audit
from keten.identity.models import AttributeKind, Entity, EntityKind, IdentityAttribute, Subject
from keten.linking.encoded import Encoder
from keten.signaltable.models import IdentifierToken
from keten.signaltable.selectors import PURPOSE

#: Entity kinds that identify exactly: a phone, an account, a vehicle, a company, an address, a handle. Trade names
#: and places in words are free text; a question about them would be a fishing trip, not an identifier.
ENTITY_KINDS = frozenset({EntityKind.PHONE, EntityKind.BANK_ACCOUNT, EntityKind.VEHICLE, EntityKind.COMPANY,
                          EntityKind.EMAIL, EntityKind.ONLINE_HANDLE, EntityKind.ADDRESS})
#: A subject's attributes that identify exactly. Names and dates of birth are not exact identifiers (and would
#: let the question confirm who somebody is); they stay out of the index.
ATTRIBUTE_KINDS = frozenset({AttributeKind.PHONE, AttributeKind.EMAIL, AttributeKind.BSN,
                             AttributeKind.DOCUMENT_NUMBER, AttributeKind.V_NUMBER})

BATCH = 1000


@lru_cache(maxsize=4)
def _encoder(key: bytes) -> Encoder:
    return Encoder(key)


def token_of(kind: str, value: str) -> str:
    """The token of a normalised value of `kind`. A phone number has one token whether it is an entity or a
    subject's attribute: the kind names the normaliser, not the table the value lives in."""
    return _encoder(bytes(settings.KETEN_LINKING_KEY)).token(kind, value)


# --- incremental: receivers (connected in SignaltableConfig.ready) -------------------------------------------------


def entity_saved(sender, instance: Entity, created: bool = False, **kwargs) -> None:
    # A new row has no index row yet: one INSERT, nothing to look up or delete (registering a signal saves
    # its new entities one by one, so this runs on the registration's path).
    if instance.kind not in ENTITY_KINDS:
        if not created:
            IdentifierToken.objects.filter(entity_id=instance.pk).delete()
        return
    values = {"kind": instance.kind, "token": token_of(instance.kind, instance.value),
              "organisation_id": instance.owner_id, "municipality_id": instance.municipality_id}
    if created:
        IdentifierToken.objects.create(entity_id=instance.pk, **values)
    else:
        IdentifierToken.objects.update_or_create(entity_id=instance.pk, defaults=values)


def entity_deleted(sender, instance: Entity, **kwargs) -> None:
    # The foreign key cascades already; this also covers a database where it would not.
    IdentifierToken.objects.filter(entity_id=instance.pk).delete()


def attribute_saved(sender, instance: IdentityAttribute, created: bool = False, raw: bool = False,
                    **kwargs) -> None:
    if instance.kind not in ATTRIBUTE_KINDS:
        if not created:
            IdentifierToken.objects.filter(attribute_id=instance.pk).delete()
        return
    subject = _keeper_of(instance, raw)
    if subject is None:  # a fixture loading rows in any order: `rebuild()` afterwards catches up
        return
    owner_id, municipality_id = subject
    values = {"kind": instance.kind, "token": token_of(instance.kind, instance.value),
              "organisation_id": owner_id, "municipality_id": municipality_id}
    if created:
        IdentifierToken.objects.create(attribute_id=instance.pk, **values)
    else:
        IdentifierToken.objects.update_or_create(attribute_id=instance.pk, defaults=values)


def _keeper_of(attribute: IdentityAttribute, raw: bool) -> tuple | None:
    """(owner_id, municipality_id) of the attribute's subject: from the subject the attribute was saved with
    when it carries one (no query), else read."""
    if not raw and IdentityAttribute.subject.is_cached(attribute):
        subject = attribute.subject
        if subject.pk == attribute.subject_id:
            return subject.owner_id, subject.municipality_id
    return Subject.objects.filter(pk=attribute.subject_id).values_list("owner_id", "municipality_id").first()


def attribute_deleted(sender, instance: IdentityAttribute, **kwargs) -> None:
    IdentifierToken.objects.filter(attribute_id=instance.pk).delete()


def subject_saved(sender, instance: Subject, created: bool = False, **kwargs) -> None:
    """A subject moved to another municipality or keeper: its attributes' rows follow."""
    if created:
        return
    (IdentifierToken.objects.filter(attribute__subject_id=instance.pk)
     .exclude(organisation_id=instance.owner_id, municipality_id=instance.municipality_id)
     .update(organisation_id=instance.owner_id, municipality_id=instance.municipality_id))


def connect() -> None:
    """Connect the receivers; called once from SignaltableConfig.ready, so that demo seeding is indexed too."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(entity_saved, sender=Entity, dispatch_uid="hit_index_entity_saved")
    post_delete.connect(entity_deleted, sender=Entity, dispatch_uid="hit_index_entity_deleted")
    post_save.connect(attribute_saved, sender=IdentityAttribute, dispatch_uid="hit_index_attribute_saved")
    post_delete.connect(attribute_deleted, sender=IdentityAttribute, dispatch_uid="hit_index_attribute_deleted")
    post_save.connect(subject_saved, sender=Subject, dispatch_uid="hit_index_subject_saved")


# --- batch ----------------------------------------------------------------------------------------------------------


def _rows():
    entities = Entity.objects.filter(kind__in=ENTITY_KINDS).values_list(
        "pk", "kind", "value", "owner_id", "municipality_id")
    for pk, kind, value, owner_id, municipality_id in entities.iterator(chunk_size=BATCH):
        yield IdentifierToken(entity_id=pk, kind=kind, token=token_of(kind, value), organisation_id=owner_id,
                              municipality_id=municipality_id)
    attributes = IdentityAttribute.objects.filter(kind__in=ATTRIBUTE_KINDS).values_list(
        "pk", "kind", "value", "subject__owner_id", "subject__municipality_id")
    for pk, kind, value, owner_id, municipality_id in attributes.iterator(chunk_size=BATCH):
        yield IdentifierToken(attribute_id=pk, kind=kind, token=token_of(kind, value), organisation_id=owner_id,
                              municipality_id=municipality_id)


@transaction.atomic
def rebuild() -> int:
    """Make the index anew from the identity store (after bulk writes, or a new key); returns the number of rows.
    A system task: the bulk read of the identity store is one audit event with the table's purpose."""
    audit(actor=None, action="update", object_type=IdentifierToken._meta.label_lower, purpose=PURPOSE)
    IdentifierToken.objects.all().delete()
    batch, total = [], 0
    for row in _rows():
        batch.append(row)
        if len(batch) == BATCH:
            IdentifierToken.objects.bulk_create(batch)
            total, batch = total + len(batch), []
    IdentifierToken.objects.bulk_create(batch)
    return total + len(batch)

"""The identity store's data of signals as linking Records: one per identified person in a signal, or one per
signal when nobody in it is identified. The values come out of the store already normalised
(keten.identity.normalise), which keten.linking reads unchanged."""

from collections import defaultdict
from dataclasses import dataclass

from keten.identity.models import AttributeKind, EntityKind, IdentityAttribute
from keten.intake.models import Signal, SignalEntity, SignalPerson
from keten.linking import Record

#: Entity kinds that are identifiers for linking, by the Record field they fill. Trade names and places in words
#: are not: they are free text that the engine does not compare.
ENTITY_FIELDS = {EntityKind.PHONE: "phone", EntityKind.EMAIL: "email", EntityKind.BANK_ACCOUNT: "iban",
                 EntityKind.VEHICLE: "licence_plate", EntityKind.COMPANY: "company_number",
                 EntityKind.ONLINE_HANDLE: "online_handle"}
#: Identity attributes that are identifiers, by Record field. A V-number is kept apart from document numbers
#: by its prefix, so that the two never agree by accident.
ATTRIBUTE_FIELDS = {AttributeKind.PHONE: "phone", AttributeKind.EMAIL: "email", AttributeKind.BSN: "bsn",
                    AttributeKind.DOCUMENT_NUMBER: "document_number", AttributeKind.V_NUMBER: "document_number"}


@dataclass(frozen=True)
class SignalRecords:
    """The records of a run, and for each record the signal it came from."""

    records: list[Record]
    signal_of: dict[str, str]


def signal_records() -> SignalRecords:
    """Every signal as Records. A trusted server-side read of the identity store: the caller records it as one
    audit event with its purpose (services.link_rebuild)."""
    signals = dict(Signal.objects.values_list("pk", "municipality_id"))
    entities = defaultdict(lambda: defaultdict(list))
    addresses = defaultdict(list)
    for signal_id, kind, value in SignalEntity.objects.values_list("signal_id", "entity__kind", "entity__value"):
        if kind == EntityKind.ADDRESS:
            addresses[signal_id].append(value)
        elif kind in ENTITY_FIELDS:
            entities[signal_id][ENTITY_FIELDS[kind]].append(value)
    people = defaultdict(list)
    for signal_id, person_id, subject_id in SignalPerson.objects.filter(subject__isnull=False).values_list(
            "signal_id", "pk", "subject_id"):
        people[signal_id].append((person_id, subject_id))
    attributes = defaultdict(lambda: defaultdict(list))
    subject_ids = {subject for listed in people.values() for _person, subject in listed}
    for subject_id, kind, value in IdentityAttribute.objects.filter(subject_id__in=subject_ids).values_list(
            "subject_id", "kind", "value"):
        attributes[subject_id][kind].append(f"V{value}" if kind == AttributeKind.V_NUMBER else value)

    records, signal_of = [], {}
    for signal_id in sorted(signals, key=str):
        region = signals[signal_id] or ""
        shared = {field: tuple(values) for field, values in entities[signal_id].items()}
        place = addresses[signal_id][0] if addresses[signal_id] else ""
        for person_id, subject_id in people[signal_id] or [(None, None)]:
            record_id = f"{signal_id}:{person_id}" if person_id else str(signal_id)
            records.append(_record(record_id, str(signal_id), region, shared, place, attributes.get(subject_id)))
            signal_of[record_id] = str(signal_id)
    return SignalRecords(records, signal_of)


def _record(record_id, signal_id, region, shared, place, attributes) -> Record:
    values = {field: list(found) for field, found in shared.items()}
    person = {}
    if attributes:
        for kind, field in ATTRIBUTE_FIELDS.items():
            values.setdefault(field, []).extend(attributes.get(kind, ()))
        first = {kind: found[0] for kind, found in attributes.items() if found}
        person = {"name": first.get(AttributeKind.NAME, ""),
                  "date_of_birth": first.get(AttributeKind.DATE_OF_BIRTH, ""),
                  "nationality": first.get(AttributeKind.NATIONALITY, ""), "sex": first.get(AttributeKind.SEX, "")}
        place = first.get(AttributeKind.ADDRESS, "") or place
    return Record(id=record_id, source=signal_id, region=region, address=place, **person,
                  **{field: tuple(dict.fromkeys(found)) for field, found in values.items()})

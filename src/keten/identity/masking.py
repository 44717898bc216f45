"""How an identifying value looks when policy says "pseudonymise": enough to recognise a match at the table
(the last digits of a phone number), never enough to identify the person."""

from django.utils.translation import gettext as _

from keten.identity.models import AttributeKind, EntityKind

#: Kinds that keep a recognisable tail when masked; every other kind is left out of a pseudonymised view.
_TAIL = {AttributeKind.PHONE: 2}


def mask(kind: str, value: str) -> str | None:
    """The masked form, or None when the kind shows nothing at all while pseudonymised."""
    tail = _TAIL.get(kind)
    if tail and len(value) > tail:
        return "•" * 6 + value[-tail:]
    return None


#: Entity kinds that keep a recognisable tail at the table: enough to say "the phone ending in 78" aloud.
_ENTITY_TAIL = {EntityKind.PHONE: 2, EntityKind.BANK_ACCOUNT: 4, EntityKind.VEHICLE: 2, EntityKind.COMPANY: 2}
#: Entity kinds shown as the municipality they lie in: a street and house number identify a household.
_ENTITY_PLACE = {EntityKind.ADDRESS, EntityKind.LOCATION}
#: A tail is left out when it would be too much of a short value (a plate is only six characters).
_MIN_HIDDEN = 3


def mask_entity(kind: str, value: str, municipality_name: str | None) -> str | None:
    """An entity (keten.identity.models.Entity) as the Signaaltafel shows it while pseudonymised: the last digits
    of a phone, account, plate or KvK number, the municipality of an address, the domain of an e-mail address.
    None when only the kind may be shown (a handle, a trade name: any part of them may identify someone)."""
    tail = _ENTITY_TAIL.get(kind)
    if tail:
        return "•" * 6 + value[-tail:] if len(value) >= tail + _MIN_HIDDEN else None
    if kind in _ENTITY_PLACE:
        return _("gemeente {name}").format(name=municipality_name) if municipality_name else None
    if kind == EntityKind.EMAIL:
        _local, at, domain = value.rpartition("@")
        return f"••••@{domain}" if at and domain else None
    return None

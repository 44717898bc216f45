"""How an identifying value looks when policy says "pseudonymise": enough to recognise a match at the table
(the last digits of a phone number), never enough to identify the person."""

from keten.identity.models import AttributeKind

#: Kinds that keep a recognisable tail when masked; every other kind is left out of a pseudonymised view.
_TAIL = {AttributeKind.PHONE: 2}


def mask(kind: str, value: str) -> str | None:
    """The masked form, or None when the kind shows nothing at all while pseudonymised."""
    tail = _TAIL.get(kind)
    if tail and len(value) > tail:
        return "•" * 6 + value[-tail:]
    return None

"""Random, meaningless references for records people name aloud at a table ("M-4821KX"): they say nothing about
the person, the place or the order of entry."""

import secrets

#: Letters and digits that cannot be misread for one another when read aloud (no 0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def random_reference(prefix: str, length: int = 6) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))

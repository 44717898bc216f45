"""Candidate pairs: records that share a blocking key. Only they are compared, which makes 1,000,000 records
tractable. Keys are built so that swapped names, a typo in one name and a partial date of birth still meet.

A key shared by more than `cap` records (a shelter's phone, the commonest surname with a common initial) is
not used to make pairs: it would add cap² pairs that nearly all are non-matches; other keys still bring the
real matches among them together."""

from collections.abc import Iterator

import numpy as np

from keten.linking.records import STRONG_KINDS, Table, initials

DEFAULT_CAP = 200


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One int64 key of two non-negative codes; -1 when either is missing."""
    key = a.astype(np.int64) * (1 << 24) + b.astype(np.int64)
    return np.where((a >= 0) & (b >= 0), key, -1)


#: Rules whose keys are coarse get a smaller cap: their large groups are mostly strangers.
RULE_CAPS = {"dob": 20, "name sounds": 50, "name sound+initial+year": 50, "name sound+initial+nationality": 30,
             "name+initial": 50}


def _combine3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    key = (a.astype(np.int64) * (1 << 8) + b) * (1 << 14) + c
    return np.where((a >= 0) & (b >= 0) & (c >= 0), key, -1)


def keys(table: Table) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """(rule name, record index, key) per blocking rule; a record may emit several keys in one rule. Name rules
    are order-free or emitted both ways round, so swapped given name and surname still meet."""
    n = len(table)
    rows = np.arange(n, dtype=np.int64)
    both = np.concatenate([rows, rows])
    given_initial, surname_initial = initials(table, table.given), initials(table, table.surname)
    dob = table.dob.astype(np.int64)
    full = np.where((dob[:, 1] > 0) & (dob[:, 2] > 0), dob[:, 0] * 10000 + dob[:, 1] * 100 + dob[:, 2], -1)
    year = np.where(dob[:, 0] > 0, dob[:, 0], -1)
    low, high = np.minimum(given_initial, surname_initial), np.maximum(given_initial, surname_initial)
    # Date of birth with both initials (in either order): a typo inside a name, swapped names.
    yield "dob+initials", rows, _combine3(full, low, high)
    # The date of birth alone, in small groups: a different first name in use, both initials mistyped.
    yield "dob", rows, full
    # Both name sounds: a missing or wrong date of birth.
    sounds = np.minimum(table.given_phonetic, table.surname_phonetic).astype(np.int64) * (1 << 20) + np.maximum(
        table.given_phonetic, table.surname_phonetic)
    yield "name sounds", rows, np.where((table.given_phonetic >= 0) & (table.surname_phonetic >= 0), sounds, -1)
    # One name's sound with the other's initial, with the year of birth or the nationality: a misspelt name
    # whose sound changed, with a day/month mix-up or a missing date.
    for name, extra in (("name sound+initial+year", year), ("name sound+initial+nationality", table.nationality)):
        yield name, both, np.concatenate([_combine3(table.surname_phonetic, given_initial, extra),
                                          _combine3(table.given_phonetic, surname_initial, extra)])
    # One name exactly with the other's initial: a mangled given name ("Iuliia"/"J.") and no date.
    yield "name+initial", both, np.concatenate([_combine(table.surname, given_initial),
                                                _combine(table.given, surname_initial)])
    yield "address", rows, table.address.astype(np.int64)
    for kind in STRONG_KINDS:
        column = table.strong[kind]
        yield kind, np.repeat(rows, column.shape[1]), column.ravel().astype(np.int64)


def pairs_within(record: np.ndarray, key: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (i < j) of records sharing a key, for key groups of 2..cap records."""
    keep = key >= 0
    record, key = record[keep], key[keep]
    order = np.lexsort((record, key))
    record, key = record[order], key[order]
    if len(key) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, len(key)])
    ok = (sizes >= 2) & (sizes <= cap)
    starts, sizes = starts[ok], sizes[ok]
    if not len(starts):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # Each member pairs with the members after it in its group.
    member = _members(starts, sizes)
    group_end = np.repeat(starts + sizes, sizes)
    later = group_end - member - 1
    left = np.repeat(member, later)
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later)
    right = left + 1 + offsets
    a, b = record[left], record[right]
    different = a != b
    a, b = a[different], b[different]
    return np.minimum(a, b), np.maximum(a, b)


def _members(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """np.concatenate of the ranges [start, start+size) without a Python loop."""
    total = int(sizes.sum())
    return np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(total)


def candidate_pairs(table: Table, cap: int = DEFAULT_CAP) -> tuple[np.ndarray, np.ndarray]:
    """The union of the pairs of every rule, each pair once, sorted (deterministic)."""
    n = max(len(table), 1)
    found = []
    for name, record, key in keys(table):
        a, b = pairs_within(record, key, min(cap, RULE_CAPS.get(name, cap)))
        found.append(a * n + b)
    if not found:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    combined = np.sort(np.concatenate(found))
    combined = combined[np.r_[True, combined[1:] != combined[:-1]]] if len(combined) else combined
    return combined // n, combined % n

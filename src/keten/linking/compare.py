"""Compare candidate pairs field by field into agreement levels, all pairs at once (numpy and rapidfuzz).

Level 0 is the strongest agreement, the last level is disagreement, -1 means "not known on one side" and
counts neither for nor against. Name similarity is a function of name codes, so that the encoded mode can
plug in the Dice coefficient of Bloom filters where the plain mode uses Jaro-Winkler."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from keten.linking.records import STRONG_KINDS, Table

NameSimilarity = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: Similarity thresholds for the name levels (Jaro-Winkler, or Dice in the encoded mode).
SIMILAR, ROUGHLY = 0.92, 0.80


@dataclass(frozen=True)
class Field:
    name: str
    levels: tuple[str, ...]
    #: which Table.counts column gives the frequency of an agreeing value (term-frequency adjustment)
    frequency: str | None = None


NAME_LEVELS = ("exact", "very similar", "similar or same initial", "different")
FIELDS = (
    Field("given_name", NAME_LEVELS, "name"),
    Field("surname", NAME_LEVELS, "name"),
    Field("date_of_birth", ("exact", "one digit off or day and month swapped", "partial date agrees",
                            "different"), "dob"),
    Field("nationality", ("same", "different")),
    Field("sex", ("same", "different")),
    Field("address", ("same postcode and house number", "same postcode", "different"), "address"),
    *(Field(kind, ("shared value", "different"), kind) for kind in STRONG_KINDS),
)
FIELD_NAMES = tuple(field.name for field in FIELDS)


@dataclass
class Comparison:
    """Per field an int8 level for every pair, and for level 0 of a frequency field the agreeing value's
    code (-1 elsewhere); `swapped` marks pairs compared with given name and surname crossed."""

    levels: dict[str, np.ndarray]
    agreed: dict[str, np.ndarray]
    swapped: np.ndarray
    similarity: dict[str, np.ndarray]

    def __len__(self):
        return len(self.swapped)


def jaro_winkler(table: Table, workers: int = 1) -> NameSimilarity:
    """Jaro-Winkler similarity of name codes. The vocabulary may grow (the incremental index adds names):
    small calls read it directly, large ones through an array rebuilt when it has grown."""
    values = table.vocab["name"].values
    cache = {"array": np.array(values, dtype=object), "size": len(values)}

    def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not len(a):
            return np.empty(0, np.float32)
        if len(a) < 2000:
            left, right = [values[i] for i in a.tolist()], [values[i] for i in b.tolist()]
        else:
            if cache["size"] != len(values):
                cache["array"], cache["size"] = np.array(values, dtype=object), len(values)
            left, right = cache["array"][a], cache["array"][b]
        return process.cpdist(left, right, scorer=JaroWinkler.normalized_similarity, workers=workers,
                              dtype=np.float32)

    return similarity


def compare(left: Table, right: Table, a: np.ndarray, b: np.ndarray, similarity: NameSimilarity,
            common: dict[str, np.ndarray] | None = None) -> Comparison:
    """Compare record a[k] of `left` with record b[k] of `right` (the same Table in batch linking; the new
    record and the known ones in the incremental index). Both tables share their vocabularies.

    `common` marks, per identifier kind and address, the values held by too many records to say anything (a
    shelter's phone and address): a record that holds only such a value counts as not known for that field,
    so two records do not disagree merely because one of them was made at a shelter."""
    common = common or {}
    levels, agreed, similarities = {}, {}, {}
    swapped = _orientation(left, right, a, b)
    given_b = np.where(swapped, right.surname[b], right.given[b])
    surname_b = np.where(swapped, right.given[b], right.surname[b])
    for name, mine, theirs in (("given_name", left.given[a], given_b), ("surname", left.surname[a], surname_b)):
        level, score = _name_levels(left, mine, theirs, similarity, initials_count=name == "given_name")
        levels[name], similarities[name] = level, score
        agreed[name] = np.where(level == 0, mine, -1)
    levels["date_of_birth"], agreed["date_of_birth"] = _dob_levels(left.dob[a], right.dob[b], left.dob_digits)
    levels["nationality"] = _equal_levels(left.nationality[a], right.nationality[b])
    levels["sex"] = _equal_levels(left.sex[a], right.sex[b])
    levels["address"] = _address_levels(left, right, a, b, common.get("address"))
    agreed["address"] = np.where(levels["address"] == 0, left.address[a], -1)
    for kind in STRONG_KINDS:
        levels[kind], agreed[kind] = _shared_levels(left.strong[kind], right.strong[kind], a, b, common.get(kind))
    return Comparison(levels, agreed, swapped, similarities)


def _orientation(left: Table, right: Table, a, b) -> np.ndarray:
    """Given name and surname crossed ("Popescu Ion" against "Ion Popescu"): the sounds agree crossed and
    not straight."""
    ga, sa = left.given_phonetic[a], left.surname_phonetic[a]
    gb, sb = right.given_phonetic[b], right.surname_phonetic[b]
    straight = ((ga == gb) & (ga >= 0)).astype(np.int8) + ((sa == sb) & (sa >= 0))
    crossed = ((ga == sb) & (ga >= 0)).astype(np.int8) + ((sa == gb) & (sa >= 0))
    return crossed > straight


def _name_levels(table: Table, mine, theirs, similarity: NameSimilarity, initials_count: bool):
    level = np.full(len(mine), -1, np.int8)
    score = np.zeros(len(mine), np.float32)
    known = (mine >= 0) & (theirs >= 0)
    equal = known & (mine == theirs)
    level[equal], score[equal] = 0, 1.0
    rest = np.flatnonzero(known & ~equal)
    sims = similarity(mine[rest], theirs[rest])
    score[rest] = sims
    rest_level = np.where(sims >= SIMILAR, 1, np.where(sims >= ROUGHLY, 2, 3)).astype(np.int8)
    if initials_count:
        # "J." against "Jan": an initial agrees with every name that starts with its letter.
        table.refresh_letters()
        first, single = table.name_initial, table.name_is_initial
        m, t = mine[rest], theirs[rest]
        initial = (single[m] | single[t]) & (first[m] == first[t])
        rest_level = np.where(initial & (rest_level > 2), 2, rest_level).astype(np.int8)
    level[rest] = rest_level
    return level, score


def _dob_digits(dob: np.ndarray) -> np.ndarray:
    value = dob[:, 0].astype(np.int64) * 10000 + dob[:, 1] * 100 + dob[:, 2]
    return np.stack([(value // 10 ** power) % 10 for power in range(8)], axis=1)


def _dob_levels(x: np.ndarray, y: np.ndarray, digits: bool = True):
    level = np.full(len(x), -1, np.int8)
    known = (x[:, 0] > 0) & (y[:, 0] > 0)
    full_x, full_y = (x[:, 1] > 0) & (x[:, 2] > 0), (y[:, 1] > 0) & (y[:, 2] > 0)
    both_full = known & full_x & full_y
    same = (x == y).all(axis=1)
    exact = both_full & same
    one_digit = both_full & ((_dob_digits(x) != _dob_digits(y)).sum(axis=1) == 1) if digits else False
    transposed = both_full & (x[:, 0] == y[:, 0]) & (x[:, 1] == y[:, 2]) & (x[:, 2] == y[:, 1])
    compatible = (known & ~both_full & (x[:, 0] == y[:, 0])
                  & ((x[:, 1] == 0) | (y[:, 1] == 0) | (x[:, 1] == y[:, 1]))
                  & ((x[:, 2] == 0) | (y[:, 2] == 0) | (x[:, 2] == y[:, 2])))
    level[known] = 3
    level[compatible] = 2
    level[one_digit | transposed] = 1
    level[exact] = 0
    code = np.where(exact, x[:, 0].astype(np.int64) * 10000 + x[:, 1] * 100 + x[:, 2], -1)
    return level, code


def _equal_levels(x, y):
    return np.where((x >= 0) & (y >= 0), (x != y).astype(np.int8), -1).astype(np.int8)


def _is_common(codes: np.ndarray, common: np.ndarray | None) -> np.ndarray:
    if common is None or not len(common):
        return np.zeros(codes.shape, bool)
    inside = (codes >= 0) & (codes < len(common))
    return inside & common[np.where(inside, codes, 0)]


def _address_levels(left: Table, right: Table, a, b, common=None):
    x, y = left.address[a], right.address[b]
    level = np.where((x >= 0) & (y >= 0), 2, -1).astype(np.int8)
    px, py = left.postcode[a], right.postcode[b]
    level[(level == 2) & (px >= 0) & (px == py)] = 1
    level[(level >= 1) & (x == y)] = 0
    level[(level > 0) & (_is_common(x, common) | _is_common(y, common))] = -1
    return level


def _shared_levels(left: np.ndarray, right: np.ndarray, a, b, common=None):
    """Level 0 when the two records share any value of the kind; the shared value's code for its frequency.
    Not known (-1) when they share none and one side holds only common values."""
    level = np.full(len(a), -1, np.int8)
    code = np.full(len(a), -1, np.int64)
    both = np.flatnonzero((left[a, 0] >= 0) & (right[b, 0] >= 0))
    if not len(both):
        return level, code
    x, y = left[a[both]], right[b[both]]
    shared = np.full(len(both), -1, np.int64)
    for i in range(x.shape[1]):
        for j in range(y.shape[1]):
            hit = (x[:, i] >= 0) & (x[:, i] == y[:, j]) & (shared < 0)
            shared[hit] = x[hit, i]
    only_common_x = ~((x >= 0) & ~_is_common(x, common)).any(axis=1)
    only_common_y = ~((y >= 0) & ~_is_common(y, common)).any(axis=1)
    level[both] = np.where(shared >= 0, 0, np.where(only_common_x | only_common_y, -1, 1))
    code[both] = shared
    return level, code

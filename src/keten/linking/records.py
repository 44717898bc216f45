"""The Record the API takes, and the column table the engine works on: normalised, factorised into integer codes."""

import gc
from dataclasses import dataclass, field

import numpy as np

from keten.linking import normalise as norm
from keten.linking.names import given_key, phonetic_key, surname_key

#: Identifier kinds that link by exact value; each record may hold several values of a kind.
STRONG_KINDS = ("phone", "email", "iban", "licence_plate", "document_number", "bsn", "company_number",
                "online_handle")
#: How many values of one kind a record keeps for matching (more are rare and are dropped).
MAX_VALUES = 3


@dataclass(frozen=True, slots=True)
class Record:
    """What is known about one person (or, for a signal without identified people, about one signal).

    Give the name either whole (`name`) or in parts; values may be raw: the engine normalises them and skips
    (and counts) values it cannot use. `region` and `organisation_type` say where the record is kept, for the
    hit answers of the encoded mode and the counts the intake form shows; `source` groups records (a signal)."""

    id: str
    name: str = ""
    given_name: str = ""
    surname: str = ""
    date_of_birth: str = ""
    nationality: str = ""
    sex: str = ""
    address: str = ""
    postcode: str = ""
    house_number: str = ""
    phone: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    iban: tuple[str, ...] = ()
    licence_plate: tuple[str, ...] = ()
    document_number: tuple[str, ...] = ()
    bsn: tuple[str, ...] = ()
    company_number: tuple[str, ...] = ()
    online_handle: tuple[str, ...] = ()
    region: str = ""
    organisation_type: str = ""
    source: str = ""


class Vocabulary:
    """Strings to dense integer codes, in order of first appearance (so codes are deterministic)."""

    def __init__(self):
        self.codes: dict[str, int] = {}
        self.values: list[str] = []

    def code(self, value: str | None) -> int:
        if not value:
            return -1
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
        return code

    def lookup(self, value: str | None) -> int:
        """The code of a known value; -2 for a value never seen (agrees with nothing), -1 for none."""
        if not value:
            return -1
        return self.codes.get(value, -2)

    def __len__(self):
        return len(self.values)


@dataclass
class Normalised:
    """One record's matching values (see `normalise_record`)."""

    given: str
    surname: str
    dob: tuple[int, int, int]
    nationality: str | None
    sex: str | None
    address: str | None
    strong: dict[str, tuple[str, ...]]


def _name_keys(full: str, given: str, surname: str) -> tuple[str, str]:
    parsed = norm.person_name(full=full, given=given, surname=surname)
    return given_key(parsed.given), surname_key(parsed.surname)


def normalise_record(record: Record, invalid: dict[str, int] | None = None) -> Normalised:
    """The matching form of every value of a record; an invalid value is left out and counted in `invalid`."""
    def bad(kind):
        if invalid is not None:
            invalid[kind] = invalid.get(kind, 0) + 1

    given = surname = ""
    if record.name or record.given_name or record.surname:
        try:
            given, surname = _name_keys(record.name, record.given_name, record.surname)
        except norm.InvalidIdentifier:
            bad("name")
    dob = (0, 0, 0)
    if record.date_of_birth:
        try:
            date = norm.date_of_birth(record.date_of_birth)
            dob = (date.year, date.month, date.day)
        except norm.InvalidIdentifier:
            bad("date_of_birth")
    address = None
    if record.postcode and record.house_number:
        try:
            address = norm.postcode_house_number(record.postcode, record.house_number)
        except norm.InvalidIdentifier:
            bad("address")
    elif record.address:
        address = norm.try_normalise("address", record.address)
        if address is None:
            bad("address")
    strong = {}
    for kind in STRONG_KINDS:
        raws = getattr(record, kind)
        if not raws:
            strong[kind] = ()
            continue
        values = []
        for raw in raws[:MAX_VALUES]:
            value = norm.try_normalise(kind, raw)
            if value is None:
                bad(kind)
            elif value not in values:
                values.append(value)
        strong[kind] = tuple(values)
    return Normalised(given, surname, dob, norm.try_normalise("nationality", record.nationality),
                      norm.try_normalise("sex", record.sex), address, strong)


@dataclass
class Table:
    """The records as columns of integer codes. Name keys share one vocabulary, so that a given name and a
    surname can be compared across (swapped names). Missing values are -1."""

    ids: list[str]
    given: np.ndarray
    surname: np.ndarray
    given_phonetic: np.ndarray
    surname_phonetic: np.ndarray
    dob: np.ndarray  # (n, 3) int32: year, month, day; 0 where unknown
    nationality: np.ndarray
    sex: np.ndarray
    address: np.ndarray
    postcode: np.ndarray
    strong: dict[str, np.ndarray]  # kind -> (n, MAX_VALUES) int32
    region: list[str]
    organisation_type: list[str]
    source: list[str]
    vocab: dict[str, Vocabulary] = field(default_factory=dict)
    invalid: dict[str, int] = field(default_factory=dict)
    #: per name code: its first letter (as a code) and whether the name is only an initial
    name_initial: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    name_is_initial: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    #: whether date-of-birth parts are real numbers (plain mode), so that a one-digit typo can be seen
    dob_digits: bool = True
    #: (first-letter code, is-an-initial) of name vocabulary entries; the encoded mode supplies its own
    letters_of: object = None

    def __len__(self):
        return len(self.ids)

    def refresh_letters(self) -> None:
        """Bring name_initial and name_is_initial up to date with a vocabulary that has grown."""
        values = self.vocab["name"].values
        known = len(self.name_initial)
        if known < len(values):
            new = values[known:]
            if self.letters_of is None:
                first, single = [ord(v[0]) for v in new], [len(v) == 1 for v in new]
            else:
                first, single = self.letters_of(new)
            self.name_initial = np.r_[self.name_initial, first].astype(np.int64)
            self.name_is_initial = np.r_[self.name_is_initial, single].astype(bool)

    def counts(self, column: str) -> np.ndarray:
        """How many records hold each code of a column (names: as given name or surname)."""
        if column == "name":
            codes = np.concatenate([self.given, self.surname])
        elif column in self.strong:
            codes = self.strong[column].ravel()
        else:
            codes = getattr(self, column)
        codes = codes[codes >= 0]
        return np.bincount(codes, minlength=len(self.vocab[column])).astype(np.int64)


VOCABULARIES = ("name", "phonetic", "nationality", "sex", "address", "postcode", *STRONG_KINDS)


def new_vocabularies() -> dict[str, Vocabulary]:
    return {name: Vocabulary() for name in VOCABULARIES}


def build_table(records, vocab: dict[str, Vocabulary] | None = None) -> Table:
    """Normalise and factorise `records` (any iterable of Record) into a Table.

    Column by column, each distinct raw value normalised once: at a million records most values repeat (a
    date of birth, a given name, a phone number across a person's records), and a dictionary look-up is far
    cheaper than parsing again."""
    records = list(records)
    vocab = vocab or new_vocabularies()
    invalid: dict[str, int] = {}
    # Millions of small objects and no cycles among them: the cyclic garbage collector would only walk them
    # over and over (it doubled the time of a 1,000,000-record run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _columns(records, vocab, invalid)
    finally:
        if collecting:
            gc.enable()


def _name_parts(key: tuple[str, str, str]) -> tuple[str, str, str, str]:
    given, surname = _name_keys(*key)
    return given, surname, phonetic_key(given) if len(given) > 1 else "", phonetic_key(surname)


def _dob_parts(raw: str) -> tuple[int, int, int]:
    date = norm.date_of_birth(raw)
    return date.year, date.month, date.day


#: How each column's raw values are normalised; by name, so that worker processes can look them up.
COLUMN_NORMALISERS = {"name": _name_parts, "date_of_birth": _dob_parts, "nationality": norm.nationality,
                      "sex": norm.sex, **{kind: norm.NORMALISERS[kind] for kind in STRONG_KINDS}}


def _normalise_chunk(task: tuple[str, list]) -> list:
    kind, raws = task
    normaliser = COLUMN_NORMALISERS.get(kind) or _address_of
    found = []
    for raw in raws:
        try:
            found.append(normaliser(raw))
        except norm.InvalidIdentifier:
            found.append(_INVALID_MARK)
    return found


_INVALID_MARK = "\x00invalid"


def normalise_distinct(kind: str, raws: list) -> dict:
    """Each distinct raw value of a column (in order of first appearance) to its normal form, or to the invalid
    mark. (Worker processes were tried for this and lost: forking a process holding a million records and
    sending the values back cost more than the parsing they took over.)"""
    distinct = [raw for raw in dict.fromkeys(raws) if raw]
    return dict(zip(distinct, _normalise_chunk((kind, distinct)), strict=True))


def _coded(raws: list, kind: str, vocabulary: Vocabulary, invalid: dict, count_invalid: bool = True) -> np.ndarray:
    """The code of each raw value's normal form; -1 for none; invalid values counted and left out."""
    normal = normalise_distinct(kind, raws)
    codes = {raw: (-2 if value == _INVALID_MARK else vocabulary.code(value)) for raw, value in normal.items()}
    codes[""] = codes[None] = -1
    column = np.array([codes[raw] for raw in raws], dtype=np.int32)
    bad = column == -2
    if bad.any():
        if count_invalid:
            invalid[kind] = invalid.get(kind, 0) + int(bad.sum())
        column[bad] = -1
    return column


def _columns(records: list[Record], vocab, invalid) -> Table:
    n = len(records)
    names, sounds = vocab["name"], vocab["phonetic"]
    keys = [(r.name, r.given_name, r.surname) if r.name or r.given_name or r.surname else "" for r in records]
    parts = normalise_distinct("name", keys)
    name_codes = {"": (-1, -1, -1, -1)}
    for key, value in parts.items():
        if value == _INVALID_MARK:
            name_codes[key] = (-1, -1, -1, -1)
            continue
        given, surname, given_sound, surname_sound = value
        name_codes[key] = (names.code(given), names.code(surname), sounds.code(given_sound),
                           sounds.code(surname_sound))
    bad_names = sum(1 for key in keys if key and parts[key] == _INVALID_MARK)
    if bad_names:
        invalid["name"] = bad_names
    name_columns = np.array([name_codes[key] for key in keys], dtype=np.int32).reshape(n, 4)
    dates = [r.date_of_birth for r in records]
    dob_parts = normalise_distinct("date_of_birth", dates)
    bad_dates = sum(1 for raw in dates if raw and dob_parts[raw] == _INVALID_MARK)
    if bad_dates:
        invalid["date_of_birth"] = bad_dates
    dob_parts = {raw: ((0, 0, 0) if value == _INVALID_MARK else value) for raw, value in dob_parts.items()}
    dob_parts[""] = (0, 0, 0)
    dob = np.array([dob_parts[raw] for raw in dates], dtype=np.int32).reshape(n, 3)
    addresses = [(r.postcode, r.house_number) if r.postcode and r.house_number else r.address for r in records]
    address = _coded(addresses, "address", vocab["address"], invalid)
    # The postcode of each address of this batch (not of the whole vocabulary: the incremental index builds a
    # one-record table against a vocabulary of hundreds of thousands of addresses).
    values, postcode_vocab = vocab["address"].values, vocab["postcode"]
    present = np.unique(address[address >= 0])
    postcode_of = {int(code): postcode_vocab.code(values[code].partition("-")[0] if "-" in values[code] else None)
                   for code in present.tolist()}
    postcode = np.array([postcode_of.get(code, -1) for code in address.tolist()], dtype=np.int32)
    strong = {}
    for kind in STRONG_KINDS:
        column = np.full((n, MAX_VALUES), -1, dtype=np.int32)
        cells = [(index, slot, raw) for index, values in enumerate(getattr(r, kind) for r in records) if values
                 for slot, raw in enumerate(values[:MAX_VALUES])]
        if cells:
            index, slot, raws = zip(*cells, strict=True)
            column[np.array(index), np.array(slot)] = _coded(list(raws), kind, vocab[kind], invalid)
        strong[kind] = _deduplicated(column)
    return Table(
        ids=[r.id for r in records], given=name_columns[:, 0].copy(), surname=name_columns[:, 1].copy(),
        given_phonetic=name_columns[:, 2].copy(), surname_phonetic=name_columns[:, 3].copy(), dob=dob,
        nationality=_coded([r.nationality for r in records], "nationality", vocab["nationality"], invalid,
                           count_invalid=False),
        sex=_coded([r.sex for r in records], "sex", vocab["sex"], invalid, count_invalid=False),
        address=address,
        postcode=postcode, strong=strong, region=[r.region for r in records],
        organisation_type=[r.organisation_type for r in records], source=[r.source for r in records], vocab=vocab,
        invalid=invalid)


def _address_of(raw) -> str:
    return norm.postcode_house_number(*raw) if isinstance(raw, tuple) else norm.address(raw)


def _deduplicated(column: np.ndarray) -> np.ndarray:
    """A value written twice in one record (two notations of one phone) is kept once."""
    for slot in range(1, column.shape[1]):
        repeated = (column[:, slot] >= 0) & (column[:, :slot] == column[:, slot:slot + 1]).any(axis=1)
        column[repeated, slot] = -1
    return column


def concat(first: Table, second: Table) -> Table:
    """Two tables over the same vocabularies as one (the incremental index folds new records in)."""
    assert first.vocab is second.vocab, "tables to join must share their vocabularies"
    columns = {}
    for name in ("given", "surname", "given_phonetic", "surname_phonetic", "dob", "nationality", "sex", "address",
                 "postcode"):
        columns[name] = np.concatenate([getattr(first, name), getattr(second, name)])
    joined = Table(ids=first.ids + second.ids, strong={k: np.concatenate([first.strong[k], second.strong[k]])
                                                       for k in first.strong},
                   region=first.region + second.region, organisation_type=first.organisation_type
                   + second.organisation_type, source=first.source + second.source, vocab=first.vocab,
                   invalid={k: first.invalid.get(k, 0) + second.invalid.get(k, 0)
                            for k in {*first.invalid, *second.invalid}},
                   name_initial=first.name_initial, name_is_initial=first.name_is_initial,
                   dob_digits=first.dob_digits, letters_of=first.letters_of, **columns)
    return joined


def initials(table: Table, column: np.ndarray) -> np.ndarray:
    """The first letter of each name code as a small integer (-1 when missing)."""
    table.refresh_letters()
    letters = table.name_initial if len(table.name_initial) else np.zeros(1, np.int64)
    return np.where(column >= 0, letters[np.maximum(column, 0)], -1)

"""Privacy-preserving mode: identifiers as keyed HMACs (exact values) and keyed Bloom filters (names, for fuzzy
matching), so the hit/no-hit question can be answered without anyone seeing another organisation's values.

The platform holds the key and encodes (server-side, as records arrive); the index it keeps holds encodings
only; the querying organisation never holds the key and learns only "a hit at an organisation of type X in
region Y". Without the key an HMAC cannot be recomputed from a guessed value, which is what makes a dictionary
attack on a phone number or date of birth impossible for anyone but the key holder. Bloom-filter encodings of
names (CLKs) leak more (frequent bigrams can be attacked by pattern mining), so they are keyed too and never
leave the platform; docs/adr/0009-linking-engine.md weighs this.

Dates of birth are encoded part by part (year, month, day, each as an HMAC), so exact, swapped day and month
and partial dates still compare; a one-digit typo is what the encoded mode no longer sees."""

import hashlib
import hmac
from dataclasses import dataclass, field

import numpy as np

from keten.linking.compare import NameSimilarity
from keten.linking.engine import DEFAULT_SETTINGS, LinkResult, Settings, link
from keten.linking.names import phonetic_key
from keten.linking.records import STRONG_KINDS, Record, Table, Vocabulary, new_vocabularies, normalise_record

BLOOM_BITS = 512
BLOOM_HASHES = 15
WORDS = BLOOM_BITS // 64


@dataclass(frozen=True)
class EncodedRecord:
    """A record as the platform keeps it in encoded mode: tokens (HMAC, hex) and name Bloom filters."""

    id: str
    given: str = ""
    given_bloom: bytes = b""
    given_initial: str = ""
    given_is_initial: bool = False
    given_sound: str = ""
    surname: str = ""
    surname_bloom: bytes = b""
    surname_initial: str = ""
    surname_sound: str = ""
    dob: tuple[str, str, str] = ("", "", "")
    nationality: str = ""
    sex: str = ""
    address: str = ""
    postcode: str = ""
    strong: dict = field(default_factory=dict)
    region: str = ""
    organisation_type: str = ""
    source: str = ""


class Encoder:
    """Keyed encodings. Separate keys are derived for tokens and for Bloom filters from the platform key."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("the encoding key must be at least 16 bytes")
        self._token_key = hmac.new(key, b"keten-linking-token", hashlib.sha256).digest()
        self._bloom_key = hmac.new(key, b"keten-linking-bloom", hashlib.sha256).digest()
        self._bigram_positions: dict[str, list[int]] = {}

    def token(self, kind: str, value: str) -> str:
        if not value:
            return ""
        return hmac.new(self._token_key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def bloom(self, text: str) -> bytes:
        """A Bloom filter of the bigrams of " text " (double hashing of one keyed digest per bigram)."""
        bits = np.zeros(BLOOM_BITS, bool)
        padded = f" {text} "
        for index in range(len(padded) - 1):
            bigram = padded[index:index + 2]
            positions = self._bigram_positions.get(bigram)
            if positions is None:
                digest = hmac.new(self._bloom_key, bigram.encode(), hashlib.sha256).digest()
                first, second = int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:16], "big") | 1
                positions = [(first + i * second) % BLOOM_BITS for i in range(BLOOM_HASHES)]
                self._bigram_positions[bigram] = positions
            bits[positions] = True
        return np.packbits(bits).tobytes()

    def encode(self, record: Record) -> EncodedRecord:
        """The encoded form of a (raw) record: normalised first, exactly as in the plain mode."""
        values = normalise_record(record)
        year, month, day = values.dob
        return EncodedRecord(
            id=record.id,
            given=self.token("name", values.given), given_bloom=self.bloom(values.given) if values.given else b"",
            given_initial=self.token("initial", values.given[:1]), given_is_initial=len(values.given) == 1,
            given_sound=self.token("sound", phonetic_key(values.given)) if len(values.given) > 1 else "",
            surname=self.token("name", values.surname),
            surname_bloom=self.bloom(values.surname) if values.surname else b"",
            surname_initial=self.token("initial", values.surname[:1]),
            surname_sound=self.token("sound", phonetic_key(values.surname)),
            dob=(self.token("year", str(year)) if year else "", self.token("daymonth", str(month)) if month else "",
                 self.token("daymonth", str(day)) if day else ""),
            nationality=self.token("nationality", values.nationality or ""),
            sex=self.token("sex", values.sex or ""),
            address=self.token("address", values.address or ""),
            postcode=self.token("postcode", values.address.partition("-")[0] if values.address and "-" in
                                values.address else ""),
            strong={kind: tuple(self.token(kind, v) for v in values.strong[kind]) for kind in STRONG_KINDS},
            region=record.region, organisation_type=record.organisation_type, source=record.source)


class EncodedStore:
    """What the encoded table needs beyond codes: per name code its Bloom filter, initial and initial flag."""

    def __init__(self):
        self.blooms: list[np.ndarray] = []
        self.initial: list[int] = []
        self.is_initial: list[bool] = []
        self.initials = Vocabulary()
        self._matrix = np.zeros((0, WORDS), np.uint64)

    def remember(self, code: int, bloom: bytes, initial: str, is_initial: bool) -> None:
        if code == len(self.blooms):
            self.blooms.append(np.frombuffer(bloom.ljust(BLOOM_BITS // 8, b"\0"), dtype=np.uint64))
            self.initial.append(self.initials.code(initial))
            self.is_initial.append(is_initial)

    def letters_of(self, new_values: list[str]):
        start = len(self.initial) - len(new_values)
        return self.initial[start:], self.is_initial[start:]

    def matrix(self) -> np.ndarray:
        if len(self._matrix) != len(self.blooms):
            self._matrix = np.vstack(self.blooms) if self.blooms else np.zeros((0, WORDS), np.uint64)
        return self._matrix

    def dice(self) -> NameSimilarity:
        """The Dice coefficient of the Bloom filters of two name codes."""

        def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            if not len(a):
                return np.empty(0, np.float32)
            matrix = self.matrix() if len(a) >= 2000 else None
            left = matrix[a] if matrix is not None else np.vstack([self.blooms[i] for i in a.tolist()])
            right = matrix[b] if matrix is not None else np.vstack([self.blooms[i] for i in b.tolist()])
            common = np.bitwise_count(left & right).sum(axis=1)
            total = np.bitwise_count(left).sum(axis=1) + np.bitwise_count(right).sum(axis=1)
            return (2.0 * common / np.maximum(total, 1)).astype(np.float32)

        return similarity


def build_encoded_table(records: list[EncodedRecord], vocab: dict | None = None,
                        store: EncodedStore | None = None) -> Table:
    """The Table of encoded records: the same columns as the plain mode, over token vocabularies."""
    vocab = vocab or new_vocabularies()
    store = store if store is not None else vocab.setdefault("_store", EncodedStore())
    vocab.setdefault("dob_year", Vocabulary())
    vocab.setdefault("dob_part", Vocabulary())
    names, sounds = vocab["name"], vocab["phonetic"]
    n = len(records)

    def name_code(token, bloom, initial, is_initial):
        code = names.code(token)
        if code >= 0:
            store.remember(code, bloom, initial, is_initial)
        return code

    given = np.array([name_code(r.given, r.given_bloom, r.given_initial, r.given_is_initial) for r in records],
                     np.int32)
    surname = np.array([name_code(r.surname, r.surname_bloom, r.surname_initial, False) for r in records],
                       np.int32)
    # Codes + 1, so that 0 keeps meaning "unknown" as in the plain table.
    dob = np.array([(vocab["dob_year"].code(r.dob[0]) + 1 if r.dob[0] else 0,
                     vocab["dob_part"].code(r.dob[1]) + 1 if r.dob[1] else 0,
                     vocab["dob_part"].code(r.dob[2]) + 1 if r.dob[2] else 0) for r in records],
                   np.int32).reshape(n, 3)
    strong = {}
    for kind in STRONG_KINDS:
        column = np.full((n, 3), -1, np.int32)
        for index, r in enumerate(records):
            for slot, token in enumerate(r.strong.get(kind, ())[:3]):
                column[index, slot] = vocab[kind].code(token)
        strong[kind] = column
    table = Table(
        ids=[r.id for r in records], given=given, surname=surname,
        given_phonetic=np.array([sounds.code(r.given_sound) for r in records], np.int32),
        surname_phonetic=np.array([sounds.code(r.surname_sound) for r in records], np.int32),
        dob=dob, nationality=np.array([vocab["nationality"].code(r.nationality) for r in records], np.int32),
        sex=np.array([vocab["sex"].code(r.sex) for r in records], np.int32),
        address=np.array([vocab["address"].code(r.address) for r in records], np.int32),
        postcode=np.array([vocab["postcode"].code(r.postcode) for r in records], np.int32),
        strong=strong, region=[r.region for r in records], organisation_type=[r.organisation_type for r in records],
        source=[r.source for r in records], vocab=vocab, dob_digits=False, letters_of=store.letters_of)
    return table


def link_encoded(records: list[EncodedRecord], *, settings: Settings = DEFAULT_SETTINGS, decisions=()) -> LinkResult:
    """The batch run on encoded records: the same blocking, model and clustering, with Dice for names."""
    table = build_encoded_table(records)
    return link(table, settings=settings, decisions=decisions, similarity=table.vocab["_store"].dice())


@dataclass(frozen=True)
class Hit:
    """What a querying organisation learns: there is a matching record at an organisation of this type, in
    this region. Nothing else: no value, no record id, no name of the organisation."""

    organisation_type: str
    region: str


def hits(index, encoded: EncodedRecord) -> list[Hit]:
    """The hit/no-hit answer of an encoded LinkIndex (see `encoded_index`) for one encoded record."""
    match = index.match(encoded, explain=0)
    found = set()
    for candidate in match.links:
        table, row = _row(index, candidate.id)
        found.add(Hit(table.organisation_type[row], table.region[row]))
    return sorted(found, key=lambda hit: (hit.organisation_type, hit.region))


def _row(index, record_id: str):
    if index.pending is not None and record_id in index.pending.ids:
        return index.pending, index.pending.ids.index(record_id)
    return index.table, index.position[record_id]


def encoded_index(records: list[EncodedRecord], settings: Settings = DEFAULT_SETTINGS):
    """An incremental index over encoded records, for the hit/no-hit question."""
    from keten.linking.index import LinkIndex

    result = link_encoded(records, settings=settings)
    vocab = result.table.vocab
    index = LinkIndex(result, settings, encode=lambda new: build_encoded_table(new, vocab=vocab))
    index.position = {record_id: i for i, record_id in enumerate(result.table.ids)}
    return index

"""The privacy-preserving mode: keyed encodings still find the same person, and reveal only a hit's organisation
type and region."""

import pytest

from keten.linking import Encoder, Record, encoded_index, hits, link_encoded

KEY = b"platform-held-key-for-tests-0001"
KNOWN = [
    Record(id="a", name="Ion Popescu", date_of_birth="12-05-1990", phone=("06-12345678",), region="GM0363",
           organisation_type="police_avim"),
    Record(id="b", name="Popescu, Ion", date_of_birth="1990-05-12", region="GM0935",
           organisation_type="care_provider"),
    Record(id="c", name="Юлия Шевченко", date_of_birth="03-02-1985", region="GM0935", organisation_type="shelter"),
    Record(id="d", name="Piet Klaassen", date_of_birth="1970", region="GM0363", organisation_type="shelter"),
]


def test_encoded_values_reveal_nothing_and_depend_on_the_key():
    one, other = Encoder(KEY).encode(KNOWN[0]), Encoder(b"another-platform-key-000000001").encode(KNOWN[0])
    assert "popescu" not in repr(one).lower() and "612345678" not in repr(one)
    assert one.strong["phone"] != other.strong["phone"] and one.surname != other.surname
    with pytest.raises(ValueError):
        Encoder(b"short")


def test_encoded_linking_finds_the_same_person_written_differently():
    encoder = Encoder(KEY)
    result = link_encoded([encoder.encode(record) for record in KNOWN])
    assert result.cluster_of("a") == ["a", "b"]
    assert result.cluster_of("c") == ["c"]


def test_a_hit_names_only_organisation_type_and_region():
    encoder = Encoder(KEY)
    index = encoded_index([encoder.encode(record) for record in KNOWN])
    query = encoder.encode(Record(id="q", name="Yulia Shevchenko", date_of_birth="1985-02-03"))
    assert [(hit.organisation_type, hit.region) for hit in hits(index, query)] == [("shelter", "GM0935")]
    nobody = encoder.encode(Record(id="q2", name="Kees Klaver", date_of_birth="2001-01-01"))
    assert hits(index, nobody) == []

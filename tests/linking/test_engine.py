"""What people at the table notice of the engine: the right records end up together, a common value does not glue
strangers together, every link explains itself, and their own verdicts stick."""

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from keten.linking import Decision, LinkIndex, Record, Settings, link, merge, split

#: A small world: two people written several ways, a shelter whose phone and address many strangers share,
#: and bystanders.
PEOPLE = [
    Record(id="ion-1", name="Ion Popescu", date_of_birth="12-05-1990", phone=("06-12345678",), nationality="RO"),
    Record(id="ion-2", name="Popescu, Ion", date_of_birth="1990-05-12", phone=("+31 6 1234 5678",)),
    Record(id="ion-3", given_name="Ion", surname="Popesku", date_of_birth="1990-12-05", nationality="ROU"),
    Record(id="julia-1", name="Юлия Шевченко", date_of_birth="03-02-1985", email=("julia@example.com",)),
    Record(id="julia-2", name="Yulia Shevchenko", date_of_birth="1985-02-03", email=("JULIA@example.com",)),
    Record(id="julia-3", name="Iuliia Schewtschenko", date_of_birth="1985"),
]
SHELTER = [Record(id=f"shelter-{n}", name=f"{first} {last}", date_of_birth=f"19{60 + n}-0{1 + n % 9}-1{n % 9}",
                  phone=("020 555 1000",), postcode="1011 DA", house_number="10")
           for n, (first, last) in enumerate(zip(
               ["Anna", "Petra", "Maria", "Elena", "Sanne", "Fleur", "Iris", "Noor", "Kim", "Eva", "Lotte", "Emma"],
               ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters",
                "Hendriks", "Dekker"], strict=True))]
RECORDS = PEOPLE + SHELTER


def together(result, *ids):
    return len({tuple(result.cluster_of(record_id)) for record_id in ids}) == 1


def test_records_of_one_person_written_differently_end_up_in_one_cluster():
    result = link(RECORDS)
    assert together(result, "ion-1", "ion-2", "ion-3")
    assert together(result, "julia-1", "julia-2", "julia-3")
    assert not together(result, "ion-1", "julia-1")


def test_a_shelters_phone_and_address_do_not_merge_unrelated_people():
    result = link(RECORDS, settings=Settings(common_cap=5))
    shelter_ids = [record.id for record in SHELTER]
    assert all(result.cluster_of(record_id) == [record_id] for record_id in shelter_ids)
    explanation = result.explain("shelter-0", "shelter-1")
    phone = next(c for c in explanation.contributions if c.field == "phone")
    assert phone.value_count == 12
    assert "common value" in phone.note
    assert phone.bits == 0


def test_a_rarer_shared_value_weighs_more_than_a_common_one():
    shared = [Record(id=f"s{n}", name=f"Persoon {chr(65 + n)}", phone=("06 11111111",)) for n in range(6)]
    pair = [Record(id="p1", name="Kees Klaver", phone=("06 22222222",)),
            Record(id="p2", name="Karel Kroon", phone=("06 22222222",))]
    result = link(shared + pair, settings=Settings(common_cap=50))
    common = next(c for c in result.explain("s0", "s1").contributions if c.field == "phone")
    rare = next(c for c in result.explain("p1", "p2").contributions if c.field == "phone")
    assert rare.bits > common.bits


def test_every_link_explains_which_fields_agreed_and_how_much_each_added():
    result = link(RECORDS)
    explanation = result.explain("ion-1", "ion-2")
    fields = {c.field: c for c in explanation.contributions}
    assert fields["given_name"].level == "exact" and fields["surname"].level == "exact"
    assert fields["date_of_birth"].level == "exact"
    assert fields["phone"].level == "shared value" and fields["phone"].value_count == 2
    assert "swapped" not in fields["given_name"].note
    assert explanation.bits == pytest.approx(explanation.prior_bits + sum(c.bits for c in explanation.contributions))
    assert explanation.probability > 0.9
    assert set(explanation.agreeing()) >= {"given_name", "surname", "date_of_birth", "phone"}
    swapped_dob = {c.field: c for c in result.explain("ion-1", "ion-3").contributions}["date_of_birth"]
    assert swapped_dob.level == "one digit off or day and month swapped"


def test_a_rejected_link_and_a_split_survive_every_rebuild():
    decisions = [Decision("ion-1", "ion-2", "different", datetime(2026, 1, 1, tzinfo=UTC))]
    for _run in range(2):
        result = link(RECORDS, decisions=decisions)
        assert not together(result, "ion-1", "ion-2")
        assert result.explain("ion-1", "ion-2").decision == "different"
    result = link(RECORDS, decisions=split(["julia-3"], ["julia-1", "julia-2"]))
    assert not together(result, "julia-3", "julia-1") and together(result, "julia-1", "julia-2")


def test_a_merge_wins_over_the_engine_and_a_later_verdict_wins_over_an_earlier_one():
    result = link(RECORDS, decisions=merge(["ion-1", "shelter-3"]))
    assert together(result, "ion-1", "shelter-3")
    assert result.explain("ion-1", "shelter-3").probability == 1.0
    later = [Decision("ion-1", "shelter-3", "same", datetime(2026, 1, 1, tzinfo=UTC)),
             Decision("ion-1", "shelter-3", "different", datetime(2026, 2, 1, tzinfo=UTC))]
    assert not together(link(RECORDS, decisions=later), "ion-1", "shelter-3")


def test_the_same_input_gives_the_same_clusters():
    first, second = link(RECORDS), link(list(RECORDS))
    assert first.clusters() == second.clusters()
    assert first.links() == second.links()


def test_one_weak_link_does_not_chain_two_people_together():
    # b resembles a-records weakly (same common name, no date) and c strongly: the guard keeps a and c apart.
    from keten.linking.cluster import cluster

    labels = cluster(5, [0, 1, 2, 3], [1, 2, 3, 4], [0.999, 0.93, 0.999, 0.999])
    assert labels.tolist() == [0, 0, 2, 2, 2]
    labels = cluster(3, [0, 0, 1], [1, 2, 2], [0.999, 0.93, 0.93])  # linked to both: it joins
    assert labels.tolist() == [0, 0, 0]


def test_a_new_record_is_linked_against_everything_known_with_counts_of_its_phone():
    index = LinkIndex(link([*RECORDS, Record(id="sig-9", phone=("06 12345678",), source="signal-9",
                                             region="GM0363")]))
    match = index.match(Record(id="new", name="I. Popescu", date_of_birth="12-5-1990", phone=("0612345678",)),
                        region="GM0363")
    assert match.links and match.links[0].id in {"ion-1", "ion-2"}
    assert match.links[0].explanation is not None
    phone = next(o for o in match.occurrences if o.kind == "phone")
    assert phone.records == 3 and phone.sources_in_region == 1
    index.add(Record(id="new-2", name="Vasile Ionescu", date_of_birth="1970-01-01"))
    again = index.match(Record(id="new-3", name="Vasile Ionesku", date_of_birth="01-01-1970"))
    assert [c.id for c in again.links] == ["new-2"]


def test_the_library_imports_no_django():
    code = ("import sys, keten.linking, keten.linking.index, keten.linking.encoded; "
            "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

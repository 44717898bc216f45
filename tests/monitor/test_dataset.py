"""The yearly dataset for the national rapporteur: every combination of its quasi-identifiers is shared by at least
k registrations, it generalises before it leaves anyone out, and nothing identifying leaves (no number, date,
exact age, nationality, sector or reporter)."""

import csv
import io
from collections import Counter

import pytest

from keten.monitor import dataset
from keten.referrals.services import COUNTRIES
from tests.monitor.support import registration

pytestmark = pytest.mark.django_db

K = 10
YEAR = 2024


def _rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_every_nationality_has_a_region_of_origin():
    assert {code for code in COUNTRIES if dataset.origin(code) == dataset.UNKNOWN_ORIGIN} == set()
    assert [dataset.origin(code) for code in ("NL", "pl", "UA", "NG", "VN", "BR", "AU", "", "ZZ")] == [
        "nederland", "eu", "europa_buiten_eu", "afrika", "azie", "amerika", "oceanie", "onbekend", "onbekend"]


def test_every_class_of_the_yearly_dataset_has_at_least_k_records(demo):
    # A realistic mix: many Dutch adult women in Limburg, a spread of others, a few rare combinations.
    for _index in range(24):
        registration(demo, year=YEAR)
    for index in range(14):
        registration(demo, year=YEAR, municipality="GM0363", nationality="RO", gender="man",
                     age=19 + index, form="overige_arbeidsuitbuiting")
    for age, nationality, form in ((15, "NG", "criminele_uitbuiting"), (16, "VN", "criminele_uitbuiting"),
                                   (40, "BR", "seksuele_uitbuiting"), (None, "", "vorm_onbekend")):
        registration(demo, year=YEAR, age=age, nationality=nationality, form=form, gender="geslacht_onbekend")
    registration(demo, year=YEAR + 1)  # another year: not in this file
    content, report = dataset.yearly_dataset(YEAR, k=K)
    header, *rows = _rows(content)
    assert header == ["jaar", "leeftijdsklasse", "geslacht", "herkomst", "uitbuitingsvorm", "politie_eenheid"]
    assert report.records_in == 42 and len(rows) == report.records_out
    assert sum(report.levels.values()) > 0  # the rare combinations were generalised first
    assert min(Counter(map(tuple, rows)).values()) >= K
    assert {row[0] for row in rows} == {str(YEAR)}


def test_it_generalises_before_it_leaves_anyone_out(demo):
    for age in (19, 20, 21, 30, 31, 32, 33, 40, 50, 60):  # five 18–22, five 23+: two classes of five
        registration(demo, year=YEAR, age=age)
    content, report = dataset.yearly_dataset(YEAR, k=K)
    _header, *rows = _rows(content)
    assert report.suppressed == 0 and report.levels["age_band"] == 1
    assert rows == [[str(YEAR), "18_plus", "vrouw", "nederland", "seksuele_uitbuiting", rows[0][5]]] * 10
    assert "leeftijdsklasse 1× verruimd" in dataset.explain(report)


def test_nothing_identifying_leaves(demo):
    made = [registration(demo, year=YEAR, age=20 + index % 3, nationality="PL") for index in range(12)]
    content, _report = dataset.yearly_dataset(YEAR, k=K)
    text = content.decode("utf-8")
    for record in made:
        assert record.number not in text
    cells = {cell for row in _rows(content) for cell in row}
    assert not cells & {"PL", "20", "21", "22", "2024-06-01", "politie", "registratie"}
    assert "eu" in cells


def test_too_few_registrations_leave_an_empty_file(demo):
    for _index in range(3):
        registration(demo, year=YEAR)
    content, report = dataset.yearly_dataset(YEAR, k=K)
    assert _rows(content)[1:] == [] and report.suppressed == 3

"""Normalisation of identifying values: valid and invalid examples per kind, and properties that must hold."""

import string
from datetime import date

import phonenumbers
import pytest
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from keten.core import clock
from keten.core.errors import ValidationFailed
from keten.identity.normalise import LABELS, NORMALISERS, InvalidValue, Normalised, normalise

# No example database: it would leave a .hypothesis directory in the working tree.
PROPERTY = settings(max_examples=50, deadline=None, database=None)

KINDS = {
    "bsn", "v_number", "document_number", "phone", "email", "iban", "licence_plate", "postcode", "address", "kvk",
    "trade_name", "online_handle", "name", "date_of_birth", "nationality", "sex", "location",
}

# Synthetic values only: BSN 111222333 is a documented test number, NL91ABNA0417164300 and
# DE89370400440532013000 are the standard IBAN examples.
VALID = [
    ("bsn", "111222333", "111222333", "1112.22.333"),
    ("bsn", " 111 222 333 ", "111222333", "1112.22.333"),
    ("bsn", "1112.22.333", "111222333", "1112.22.333"),
    ("v_number", "1234567890", "1234567890", "1234567890"),
    ("v_number", "12 3456 7890", "1234567890", "1234567890"),
    ("v_number", "1234.567.890", "1234567890", "1234567890"),
    ("document_number", "nw-92 bk4 81", "NW92BK481", "NW92BK481"),
    ("document_number", "AB1234567", "AB1234567", "AB1234567"),
    ("phone", "06 12345678", "+31612345678", "+31 6 12345678"),
    ("phone", "0612345678", "+31612345678", "+31 6 12345678"),
    ("phone", "+31 6-12345678", "+31612345678", "+31 6 12345678"),
    ("phone", "0031612345678", "+31612345678", "+31 6 12345678"),
    ("phone", "020 123 4567", "+31201234567", "+31 20 123 4567"),
    ("phone", "+32 470 12 34 56", "+32470123456", "+32 470 12 34 56"),
    ("email", "  Jan.Jansen@Example.NL ", "jan.jansen@example.nl", "jan.jansen@example.nl"),
    ("email", "mailto:info+tips@sub.example.com", "info+tips@sub.example.com", "info+tips@sub.example.com"),
    ("iban", "NL91ABNA0417164300", "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00"),
    ("iban", "nl91 abna 0417 1643 00", "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00"),
    ("iban", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "DE89 3704 0044 0532 0130 00"),
    ("licence_plate", "XX-JX-99", "XXJX99", "XX-JX-99"),
    ("licence_plate", "xxjx99", "XXJX99", "XX-JX-99"),
    ("licence_plate", " xx jx 99 ", "XXJX99", "XX-JX-99"),
    ("licence_plate", "NL:XX-JX-99", "XXJX99", "XX-JX-99"),
    ("licence_plate", "12abc3", "12ABC3", "12-ABC-3"),
    ("licence_plate", "G-123-BB", "G123BB", "G-123-BB"),
    ("licence_plate", "1abc23", "1ABC23", "1-ABC-23"),
    ("licence_plate", "ABC12D", "ABC12D", "ABC-12-D"),
    ("licence_plate", "DE:B-AB 1234", "DE:BAB1234", "B-AB 1234 (DE)"),
    ("licence_plate", "de: b ab 1234", "DE:BAB1234", "B AB 1234 (DE)"),
    ("postcode", "1234 ab", "1234AB", "1234 AB"),
    ("postcode", "1234AB", "1234AB", "1234 AB"),
    ("postcode", "9999-zz", "9999ZZ", "9999 ZZ"),
    ("address", "Damstraat 1,  1012 js Amsterdam ", "damstraat 1 1012JS amsterdam", "Damstraat 1, 1012 js Amsterdam"),
    ("address", "Kerkstraat 12a", "kerkstraat 12a", "Kerkstraat 12a"),
    ("address", "Rue de l'Église 3", "rue de l'eglise 3", "Rue de l'Église 3"),
    ("kvk", "12345678", "12345678", "12345678"),
    ("kvk", "1234 5678", "12345678", "12345678"),
    ("kvk", "12.34.56.78", "12345678", "12345678"),
    ("trade_name", " Café  De Zon B.V. ", "cafe de zon b.v.", "Café De Zon B.V."),
    ("online_handle", "@Jan_Jansen", "jan_jansen", "jan_jansen"),
    ("online_handle", "Straße99", "strasse99", "straße99"),
    ("name", "  Jan van der Berg ", "jan van der berg", "Jan van der Berg"),
    ("name", "JAN VAN DER BERG", "jan van der berg", "JAN VAN DER BERG"),
    ("name", "Berg, Jan van der", "jan van der berg", "Berg, Jan van der"),
    ("name", "Berg van der, Jan", "jan van der berg", "Berg van der, Jan"),
    ("name", "Van der Berg, Jan", "jan van der berg", "Van der Berg, Jan"),
    ("name", "Kees in t Veld", "kees in 't veld", "Kees in t Veld"),
    ("name", "Kees in \u2019t Veld", "kees in 't veld", "Kees in \u2019t Veld"),
    ("name", "Veld in t, Kees", "kees in 't veld", "Veld in t, Kees"),
    ("name", "Zoë  Çelik", "zoe celik", "Zoë Çelik"),
    ("name", "Łukasz Sørensen", "lukasz sorensen", "Łukasz Sørensen"),
    ("name", "J.A. Jansen - de Vries", "j a jansen-de vries", "J.A. Jansen - de Vries"),
    ("name", "Seán O'Brien", "sean o'brien", "Seán O'Brien"),
    ("date_of_birth", "1998-03-07", "1998-03-07", "7 maart 1998"),
    ("date_of_birth", "07-03-1998", "1998-03-07", "7 maart 1998"),
    ("date_of_birth", "7-3-1998", "1998-03-07", "7 maart 1998"),
    ("date_of_birth", "7/3/1998", "1998-03-07", "7 maart 1998"),
    ("date_of_birth", "7 maart 1998", "1998-03-07", "7 maart 1998"),
    ("date_of_birth", "1998-03", "1998-03", "maart 1998"),
    ("date_of_birth", "03-1998", "1998-03", "maart 1998"),
    ("date_of_birth", "juni 1998", "1998-06", "juni 1998"),
    ("date_of_birth", "1998", "1998", "1998"),
    ("date_of_birth", "1900", "1900", "1900"),
    ("date_of_birth", "29-02-2000", "2000-02-29", "29 februari 2000"),
    ("nationality", "nl", "NL", "NL"),
    ("nationality", " NLD ", "NLD", "NLD"),
    ("nationality", "xxa", "XXA", "XXA"),
    ("sex", "V", "female", "vrouw"),
    ("sex", "vrouw", "female", "vrouw"),
    ("sex", "M", "male", "man"),
    ("sex", "Man", "male", "man"),
    ("sex", "x", "x", "X"),
    ("sex", "onbekend", "unknown", "onbekend"),
    ("sex", "female", "female", "vrouw"),
    ("location", "  Parkeerplaats  achter Station Zwolle ", "parkeerplaats achter station zwolle",
     "Parkeerplaats achter Station Zwolle"),
]

INVALID = [
    ("bsn", "111222334"), ("bsn", "11122233a"), ("bsn", "1112223330"), ("bsn", "000000000"),
    ("v_number", "123456789"), ("v_number", "12345678901"), ("v_number", "12345abcde"),
    ("document_number", "AB12"), ("document_number", "AB#123456"), ("document_number", "A" * 21),
    ("phone", "12345"), ("phone", "06 1234"), ("phone", "telefoon"), ("phone", "+999 1234567"),
    ("email", "jan"), ("email", "jan@"), ("email", "@example.nl"), ("email", "jan@example"),
    ("email", "jan jansen@example.nl"), ("email", "jan@@example.nl"), ("email", "jan..j@example.nl"),
    ("email", "jan@-example.nl"),
    ("iban", "NL91ABNA0417164301"), ("iban", "NL91 ABNA"), ("iban", "XX00"),
    ("licence_plate", "XXJX9"), ("licence_plate", "XXJXXX"), ("licence_plate", "123456"),
    ("licence_plate", "X-JX-999"), ("licence_plate", "XX-JX-99-1"), ("licence_plate", "ZZ:ABC123"),
    ("licence_plate", "DE:A"), ("licence_plate", "DE:ABCDEFGHIJK"), ("licence_plate", "DE:AB#123"),
    ("postcode", "0123AB"), ("postcode", "1234SA"), ("postcode", "1234 SD"), ("postcode", "1234 ss"),
    ("postcode", "1234 A"), ("postcode", "12345AB"), ("postcode", "AB1234"),
    ("address", "Damstraat"), ("address", "12345"), ("address", "Damstraat 1 " * 30),
    ("kvk", "1234567"), ("kvk", "123456789"), ("kvk", "1234567a"),
    ("trade_name", "x" * 201),
    ("online_handle", "@"), ("online_handle", "jan jansen"),
    ("name", "Jan2"), ("name", "Jan@Jansen"), ("name", "Berg, Jan, Piet"), ("name", "-"), ("name", "..."),
    ("date_of_birth", "1899"), ("date_of_birth", "31-12-1899"), ("date_of_birth", "31-02-1998"),
    ("date_of_birth", "1998-13"), ("date_of_birth", "0-3-1998"), ("date_of_birth", "98"),
    ("date_of_birth", "07-03-98"), ("date_of_birth", "morgen"), ("date_of_birth", "2999"),
    ("date_of_birth", "1-2-3-1998"),
    ("nationality", "N"), ("nationality", "NEDE"), ("nationality", "ZZ"), ("nationality", "N1"),
    ("sex", "vrouwtje"), ("sex", "q"),
    ("location", "x" * 501),
]


def test_the_registry_has_every_kind_and_a_label_for_each():
    assert set(NORMALISERS) == KINDS
    assert set(LABELS) == KINDS


@pytest.mark.parametrize(("kind", "raw", "value", "display"), VALID)
def test_valid_values_are_normalised(kind, raw, value, display):
    assert normalise(kind, raw) == Normalised(value, display)


@pytest.mark.parametrize(("kind", "raw"), INVALID)
def test_invalid_values_are_refused_naming_the_field(kind, raw):
    with pytest.raises(InvalidValue) as caught:
        normalise(kind, raw)
    assert caught.value.field_label == LABELS[kind]
    assert str(caught.value).startswith(f"{LABELS[kind]}: ")
    assert len(str(caught.value)) > len(f"{LABELS[kind]}: ")


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("raw", ["", "   ", "\u00a0\t"])
def test_empty_values_are_refused_for_every_kind(kind, raw):
    with pytest.raises(InvalidValue, match=f"^{LABELS[kind]}: "):
        normalise(kind, raw)


def test_the_message_is_dutch_and_a_domain_error():
    with translation.override("nl"), pytest.raises(ValidationFailed) as caught:
        normalise("phone", "12345")
    assert str(caught.value) == "Telefoonnummer: dit is geen geldig telefoonnummer."
    assert caught.value.message == str(caught.value)


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown kind"):
        normalise("shoe_size", "42")
    with pytest.raises(TypeError):
        normalise("bsn", 111222333)


@pytest.mark.parametrize(("raw", "valid"), [
    ("10-05-2024", True), ("11-05-2024", False), ("2024-05", True), ("2024-06", False), ("2024", True), ("2025", False),
])
def test_a_date_of_birth_may_not_lie_in_the_future(monkeypatch, raw, valid):
    monkeypatch.setattr(clock, "today", lambda: date(2024, 5, 10))
    if valid:
        normalise("date_of_birth", raw)
    else:
        with pytest.raises(InvalidValue, match="toekomst"):
            normalise("date_of_birth", raw)


# --- properties ----------------------------------------------------------------------------------------------

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


@st.composite
def bsns(draw):
    """A valid BSN: 8 digits and the check digit that makes the 11-proef come out (when one exists)."""
    digits = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    check = sum(weight * digit for weight, digit in zip(WEIGHTS, digits, strict=True)) % 11
    assume(check != 10 and any(digits))
    return "".join(map(str, digits)) + str(check)


@PROPERTY
@given(bsns())
def test_generated_bsns_pass(number):
    assert normalise("bsn", number).value == number


@PROPERTY
@given(bsns(), st.integers(0, 8), st.integers(1, 9))
def test_one_changed_digit_fails_the_11_proef(number, position, shift):
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    with pytest.raises(InvalidValue):
        normalise("bsn", changed)


def spaced(draw, text):
    """The text with a space or nothing between its characters and randomly upper- or lower-cased."""
    return "".join(
        draw(st.sampled_from([char.lower(), char.upper()])) + draw(st.sampled_from(["", "", " "])) for char in text
    )


@st.composite
def phones(draw):
    region = draw(st.sampled_from(["NL", "NL", "BE", "DE", "GB", "PL", "RO", "BG", "NG", "VN"]))
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = str(example.national_number)
    national = national[:-3] + "".join(str(draw(st.integers(0, 9))) for _ in range(3))
    number = phonenumbers.parse(f"+{example.country_code}{national}")
    assume(phonenumbers.is_valid_number(number))
    formats = [phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL]
    if region == "NL":
        formats.append(phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, draw(st.sampled_from(formats)))


@st.composite
def ibans(draw):
    country, bank = draw(st.sampled_from([("NL", "ABNA"), ("NL", "INGB"), ("NL", "RABO"), ("DE", "37040044")]))
    account = "".join(str(draw(st.integers(0, 9))) for _ in range(10))
    bban = bank + account
    rearranged = "".join(str(int(char, 36)) for char in bban + country + "00")
    number = f"{country}{98 - int(rearranged) % 97:02d}{bban}"
    return spaced(draw, number)


BANNED = ("SA", "SD", "SS")


@st.composite
def postcodes(draw):
    letters = draw(st.text(string.ascii_uppercase, min_size=2, max_size=2).filter(lambda x: x not in BANNED))
    return f"{draw(st.integers(1000, 9999))}{draw(st.sampled_from(['', ' ', '-']))}{spaced(draw, letters)}"


ATOM = st.text(string.ascii_letters + string.digits + "_+-", min_size=1, max_size=8)
LABEL = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?", fullmatch=True)


@st.composite
def emails(draw):
    local = ".".join(draw(st.lists(ATOM, min_size=1, max_size=3)))
    domain = ".".join(draw(st.lists(LABEL, min_size=1, max_size=3)))
    tld = draw(st.text(string.ascii_letters, min_size=2, max_size=6))
    return f"{draw(st.sampled_from(['', ' ']))}{local}@{domain}.{tld}"


PARTICLE = st.sampled_from(["van", "de", "der", "den", "ter", "ten", "in 't", "in t", "op de", "Van Der", "'t"])
WORD = st.text(st.characters(categories=["Lu", "Ll", "Lt", "Lo", "Mn"]), min_size=1, max_size=8)


@st.composite
def names(draw):
    """Names in natural order or as "surname [particles], given names", with irregular spacing."""
    words = draw(st.lists(st.one_of(WORD, PARTICLE), min_size=1, max_size=5))
    if draw(st.booleans()) and len(words) > 1:
        cut = draw(st.integers(1, len(words) - 1))
        return " ".join(words[cut:]) + ", " + " ".join(words[:cut])
    return draw(st.sampled_from([" ", "  "])).join(words)


@pytest.mark.parametrize(("kind", "values"), [
    ("phone", phones()), ("iban", ibans()), ("bsn", bsns()), ("postcode", postcodes()), ("email", emails()),
])
def test_normalising_again_changes_nothing(kind, values):
    @PROPERTY
    @given(values)
    def check(raw):
        once = normalise(kind, raw)
        assert normalise(kind, once.value) == once

    check()


@PROPERTY
@given(names())
def test_a_normalised_name_is_its_own_normal_form(raw):
    """A name's display keeps the spelling as typed, so only the value is a fixed point."""
    try:
        once = normalise("name", raw)
    except InvalidValue:
        assume(False)
    assert normalise("name", once.value).value == once.value

"""Every identifier kind comes out in one canonical form, and invalid input gets a clear error, never a crash."""

import pytest

from keten.linking import InvalidIdentifier
from keten.linking import normalise as norm
from keten.linking.names import name_key, phonetic_key, split_full_name, split_parts
from keten.linking.normalise import normalise


@pytest.mark.parametrize("raw", ["06-12345678", "06 1234 5678", "+31 6 1234 5678", "0031612345678", "(06) 12345678",
                                 "+31 (0)6 12345678"])
def test_dutch_phone_numbers_in_every_notation_become_one_e164_value(raw):
    assert normalise("phone", raw) == "+31612345678"


def test_foreign_phone_numbers_are_validated_by_phonenumbers():
    assert normalise("phone", "+40 712 345 678") == "+40712345678"


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("iban", "nl91 abna 0417 1643 00", "NL91ABNA0417164300"),
    ("bsn", "1112.22.333", "111222333"),
    ("email", "MailTo:Jan.Jansen@Example.COM ", "jan.jansen@example.com"),
    ("licence_plate", "xx-jx-99", "XXJX99"),
    ("licence_plate", "DE:B-AB 1234", "DE:BAB1234"),
    ("postcode", "1234 ab", "1234AB"),
    ("address", "Demostraat 12a, 1234 AB Amsterdam", "1234AB-12A"),
    ("company_number", "1234.5678", "12345678"),
    ("kvk", "12345678", "12345678"),
    ("online_handle", "@Jan_Jansen", "jan_jansen"),
    ("online_handle", "instagram:@Jan.J", "instagram:jan.j"),
    ("document_number", "nx-12 34 56", "NX123456"),
    ("nationality", "rou", "RO"),
    ("nationality", "nl", "NL"),
    ("sex", "Vrouw", "f"),
    ("date_of_birth", "7-3-1998", "1998-03-07"),
    ("date_of_birth", "19980307", "1998-03-07"),
    ("date_of_birth", "03/25/1998", "1998-03-25"),
    ("date_of_birth", "03-1998", "1998-03"),
    ("date_of_birth", "1998", "1998"),
    ("name", "Berg van der, Jan", "jan van der berg"),
])
def test_every_identifier_kind_has_a_canonical_form(kind, raw, expected):
    assert normalise(kind, raw) == expected


def test_postcode_with_house_number_is_one_address_value():
    assert norm.postcode_house_number("1234 ab", "12 a") == "1234AB-12A"


@pytest.mark.parametrize(("kind", "raw"), [
    ("phone", "12"), ("phone", "not a number"), ("iban", "NL00ABNA0000000000"), ("bsn", "123456789"),
    ("email", "jan@"), ("licence_plate", "!!"), ("postcode", "0123 AB"), ("postcode", "1234 SS"),
    ("address", "zonder nummer"), ("company_number", "123"), ("online_handle", "twee woorden"),
    ("document_number", "123"), ("nationality", "Nederlands"), ("sex", "misschien"),
    ("date_of_birth", "31-02-1999"), ("date_of_birth", "98"), ("date_of_birth", "gisteren"),
    ("name", "1234"), ("name", "   "), ("phone", ""), ("no such kind", "x"),
])
def test_invalid_input_raises_invalid_identifier_naming_kind_and_reason(kind, raw):
    with pytest.raises(InvalidIdentifier) as raised:
        normalise(kind, raw)
    assert raised.value.kind == kind
    assert raised.value.reason


def test_non_text_input_is_refused_clearly():
    with pytest.raises(InvalidIdentifier, match="expected text"):
        norm.phone(612345678)


def test_tussenvoegsels_are_kept_apart_from_the_surname():
    assert split_full_name("Jan van der Berg") == ("jan", "van der", "berg")
    assert split_full_name("Berg, Jan van der") == ("jan", "van der", "berg")
    assert split_parts("Jan", "v.d. Berg").surname == "berg"


@pytest.mark.parametrize("spellings", [
    ("Шевченко", "Shevchenko", "Schewtschenko"),
    ("Юлия", "Yulia", "Iuliia", "Julija"),
    ("Дмитрий", "Dmitriy", "Dmitrij"),
    ("Ștefan", "Stefan"),
    ("Łukasz", "Lukasz"),
    ("Janssen", "Jansen"),
])
def test_transliterations_and_diacritics_fold_onto_one_key(spellings):
    assert len({name_key(spelling) for spelling in spellings}) == 1


def test_phonetic_key_survives_a_doubled_letter_and_vowel_change():
    assert phonetic_key("Jansen") == phonetic_key("Janssen") == phonetic_key("Jahnsen")

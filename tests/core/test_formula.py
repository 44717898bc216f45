"""Cells that a spreadsheet would run as a formula: formula_safe for files people read, formula_escape and
formula_unescape for the HSDS data package that comes back in; phone numbers and plain numbers pass unchanged."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from keten.core.downloads import FORMULA_START, PLAIN_NUMBER, formula_escape, formula_safe, formula_unescape

#: Texts made mostly of the characters that matter here, so that apostrophes before a formula start come up often.
tricky = st.text(alphabet=st.sampled_from("'''==+-@\t\r\n 0123456789().,/|!aZ"), max_size=12)
texts = st.one_of(tricky, st.text())

PHONES_AND_NUMBERS = ["+31 20 1234567", "+31 (0)20 123 4567", "-12", "-4,5", "+3.14", "-1/2", "0612345678"]
HOSTILE = ["=1+2", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.invalid\")",
           "\t=1+2", "\r=1+2", "-1\n=cmd|' /C calc'!A0", "+31 20 1234567 =cmd|' /C calc'!A0", "- 1", "+"]


@given(texts)
@example("'=1+2")
@example("''+31 20 1234567")
@example("'+31 20 1234567")
def test_unescaping_an_escaped_text_gives_back_exactly_the_text(text):
    assert formula_unescape(formula_escape(text)) == text


@given(texts)
def test_an_escaped_text_starts_like_a_formula_only_when_it_is_a_plain_number_left_as_it_was(text):
    escaped = formula_escape(text)
    if escaped.startswith(FORMULA_START):
        assert PLAIN_NUMBER.fullmatch(escaped) and escaped == text


@given(texts)
def test_a_safe_text_starts_like_a_formula_only_when_it_is_a_plain_number_left_as_it_was(text):
    safe = formula_safe(text)
    if safe.startswith(FORMULA_START):
        assert PLAIN_NUMBER.fullmatch(safe) and safe == text


@pytest.mark.parametrize("text", PHONES_AND_NUMBERS)
def test_phone_numbers_and_plain_numbers_are_left_as_they_are(text):
    assert formula_safe(text) == formula_escape(text) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_gets_an_apostrophe_in_front_both_ways(text):
    assert formula_safe(text) == formula_escape(text) == f"'{text}"


def test_an_apostrophe_typed_before_a_formula_start_survives_the_round_trip():
    assert formula_escape("'=1+2") == "''=1+2" and formula_unescape("''=1+2") == "'=1+2"
    assert formula_safe("'=1+2") == "'=1+2"  # already shown as text; a file people only read needs no more


@pytest.mark.parametrize("text", ["'hallo", "Amsterdam", "", "'", "'' ", "'1"])
def test_unescape_leaves_a_text_alone_when_no_formula_start_follows_the_apostrophes(text):
    assert formula_unescape(text) == text == formula_escape(text)

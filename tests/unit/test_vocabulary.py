"""The shared vocabularies: number words both ways, the pairing-code format, minutes as said aloud."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_content.vocabulary import (
    NUMBER_WORD_VALUES,
    PAIRING_CODE_DIGITS,
    about_minutes,
    number_words,
    parse_pairing_code,
)


def _value(words: str) -> int:
    """What a listener hears in "one hundred and five" (the reading the skill's matcher does)."""
    total = 0
    for word in words.split():
        if word == "hundred":
            total *= 100
        elif word != "and":
            total += NUMBER_WORD_VALUES[word]
    return total


@given(st.integers(0, 999))
def test_number_words_read_back_as_the_same_number(n):
    assert _value(number_words(n)) == n


def test_number_words_refuse_what_they_cannot_say():
    assert number_words(25) == "twenty five" and number_words(105) == "one hundred and five"
    with pytest.raises(ValueError):
        number_words(1000)


@given(st.integers(0, 10**PAIRING_CODE_DIGITS - 1), st.sampled_from(["", " ", "-", " - ", "\u2013"]))
def test_a_code_typed_with_separators_is_its_digits(n, sep):
    digits = f"{n:0{PAIRING_CODE_DIGITS}d}"
    half = PAIRING_CODE_DIGITS // 2
    assert parse_pairing_code(digits[:half] + sep + digits[half:]) == digits


@given(st.one_of(st.text(max_size=12), st.integers(), st.none()))
def test_anything_but_exactly_the_code_digits_is_refused(raw):
    code = parse_pairing_code(raw)
    assert code is None or (len(code) == PAIRING_CODE_DIGITS and code.isdigit() and code.isascii())
    assert parse_pairing_code("1" * (PAIRING_CODE_DIGITS + 1)) is None
    assert parse_pairing_code("١٢٣٤٥٦") is None  # non-ASCII digits


def test_minutes_are_rounded_half_up_and_never_zero():
    assert [about_minutes(s) for s in (0, 29, 30, 89, 90, 150)] == [1, 1, 1, 1, 2, 3]

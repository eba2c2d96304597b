"""Counting holds: what a person hears lasts as long as the hold, within Alexa's SSML limits."""

from __future__ import annotations

import re
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from voice_helpers import plain

from skill.speech.counting import count_hold, count_marks
from skill.speech.phrases import LOCALES, phrases
from skill.speech.ssml import MAX_BREAK_SECONDS, break_seconds, estimate_seconds, speak, validate


@settings(max_examples=120, deadline=None)
@given(
    seconds=st.integers(min_value=5, max_value=60), locale=st.sampled_from(LOCALES), seed=st.text(max_size=12)
)
def test_a_counted_hold_lasts_the_hold_and_every_break_is_legal(seconds, locale, seed):
    ssml = count_hold(seconds, locale, seed=seed)
    validate(speak(ssml))
    assert all(0 < b <= MAX_BREAK_SECONDS for b in break_seconds(ssml))
    assert abs(estimate_seconds(ssml) - seconds) <= 0.10 * seconds


@settings(max_examples=60, deadline=None)
@given(seconds=st.integers(min_value=1, max_value=60))
def test_the_count_goes_up_to_the_hold_and_ends_with_a_release(seconds):
    words = plain(count_hold(seconds, "en-US", seed=1)).split()
    numbers = [int(w) for w in words if w.isdigit()]
    assert numbers == count_marks(seconds)
    assert numbers[-1] == seconds and numbers == sorted(numbers)
    release = {p.rstrip(".") for p in phrases("en-US").variants("count.release")}
    assert " ".join(words[len(numbers) :]).rstrip(".") in release


def test_short_holds_count_every_second_and_long_ones_in_fives():
    assert count_marks(5) == [1, 2, 3, 4, 5]
    assert count_marks(10) == list(range(1, 11))
    assert count_marks(30) == [1, 5, 10, 15, 20, 25, 30]
    assert count_marks(12) == [1, 5, 10, 12]


def test_each_counted_second_is_about_one_second_apart():
    ssml = count_hold(10, "en-US")
    # time each number starts, from the estimate of everything before it
    starts = []
    for m in re.finditer(r"(?<![\w\"])(\d+)(?![\w\"])", ssml):
        starts.append(estimate_seconds(ssml[: m.start()], tail=False))
    gaps = [b - a for a, b in pairwise(starts)]
    assert all(0.9 <= g <= 1.1 for g in gaps[:-1]), gaps

"""The graded pain scale: bands, sharp pain, red flags and reading free text (data/pain.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared_content.pain import (
    NUMBER_WORDS,
    PAIN_FILE,
    PainGuide,
    PainReading,
    advise,
    load_pain_guide,
    read_pain,
)

GUIDE = load_pain_guide()
SPOKEN = {value: word for word, value in NUMBER_WORDS.items() if word not in ("nought", "nothing", "none")}


def test_bands_match_the_pain_monitoring_model() -> None:
    assert [(b.low, b.high, b.action) for b in GUIDE.band] == [
        (0, 3, "reassure"),
        (4, 5, "ease_off"),
        (6, 10, "stop"),
    ]


@pytest.mark.parametrize(
    ("score", "level", "choices"),
    [
        (0, "reassure", ("continue", "ease_off")),
        (3, "reassure", ("continue", "ease_off")),
        (4, "ease_off", ("ease_off", "skip_exercise")),
        (5, "ease_off", ("ease_off", "skip_exercise")),
        (6, "stop", ("stop",)),
        (10, "stop", ("stop",)),
    ],
)
def test_each_band_gives_its_advice_and_choices(score: int, level: str, choices: tuple[str, ...]) -> None:
    advice = advise(PainReading(score, False, ()), GUIDE)
    assert advice.level == level
    assert advice.choices == choices
    assert advice.text == GUIDE.band_for(score).advice


def test_sharp_pain_stops_even_with_a_low_number() -> None:
    advice = advise(read_pain("only a two but it's sharp", GUIDE), GUIDE)
    assert advice.level == "stop"
    assert "stop" in advice.text.lower()


def test_no_number_and_no_flag_asks_the_question() -> None:
    advice = advise(read_pain("skip", GUIDE), GUIDE)
    assert (advice.level, advice.text) == ("ask", GUIDE.question)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("I've got numbness in my groin", "saddle-numbness"),
        ("tingling around the saddle area", "saddle-numbness"),
        ("pins and needles between my legs", "saddle-numbness"),
        ("I can't control my bladder", "bladder-bowel"),
        ("I lost control of my bowels", "bladder-bowel"),
        ("some incontinence since yesterday", "bladder-bowel"),
        ("my leg is weak", "leg-weakness"),
        ("my knee keeps giving way", "leg-weakness"),
        ("I have a fever", "fever"),
        ("I've lost weight and I don't know why", "weight-loss"),
        ("I feel dizzy", "dizziness"),
        ("a bit light headed", "dizziness"),
    ],
)
def test_each_red_flag_gets_the_see_a_clinician_advice(text: str, flag: str) -> None:
    reading = read_pain(f"it's about a three, {text}", GUIDE)
    assert flag in reading.red_flags
    advice = advise(reading, GUIDE)
    assert advice.level == "red_flag"
    assert "urgent medical care" in advice.text
    assert GUIDE.flag(reading.red_flags[0]).name in advice.text
    assert advice.choices == ("stop",)


@pytest.mark.parametrize(
    "text", ["my hip is tight", "it aches a bit", "I did this last week", "it's a four", "my legs feel fine"]
)
def test_ordinary_reports_raise_no_red_flag(text: str) -> None:
    assert read_pain(text, GUIDE).red_flags == ()


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("about a six", 6),
        ("6 out of 10", 6),
        ("6/10", 6),
        ("seven", 7),
        ("10 out of 10", 10),
        ("out of ten I'd say four", 4),
        ("a five or a six", 6),
        ("no pain", 0),
        ("zero", 0),
        ("it's sharp", None),
        ("eleven", None),
        ("15", None),
        ("nothing much", None),
    ],
)
def test_reads_the_score(text: str, score: int | None) -> None:
    assert read_pain(text, GUIDE).score == score


def test_it_is_sharp() -> None:
    assert read_pain("it's sharp", GUIDE) == PainReading(None, True, ())


_FILLER = st.sampled_from(["", "um ", "well, ", "I think ", "honestly "])
_TEMPLATES = st.sampled_from(
    ["about a {n}", "{n} out of 10", "{n} out of ten", "{n}/10", "it's a {n}", "{n}", "maybe {n} now"]
)


@given(
    score=st.integers(0, 10), template=_TEMPLATES, filler=_FILLER, as_word=st.booleans(), upper=st.booleans()
)
def test_any_way_of_saying_a_score_reads_as_that_score(
    score: int, template: str, filler: str, as_word: bool, upper: bool
) -> None:
    said = SPOKEN[score] if as_word else str(score)
    text = filler + template.format(n=said)
    reading = read_pain(text.upper() if upper else text, GUIDE)
    assert reading.score == score
    assert reading.red_flags == ()
    assert advise(reading, GUIDE).level == GUIDE.band_for(score).action


@given(st.text(max_size=200))
def test_any_text_reads_without_error_and_within_the_scale(text: str) -> None:
    reading = read_pain(text, GUIDE)
    assert reading.score is None or 0 <= reading.score <= GUIDE.scale_max
    assert set(reading.red_flags) <= {flag.id for flag in GUIDE.red_flag}
    assert advise(reading, GUIDE).text


def _raw() -> dict:
    with open(PAIN_FILE, "rb") as handle:
        return tomllib.load(handle)


def test_bands_with_a_gap_are_refused(tmp_path: Path) -> None:
    data = _raw()
    data["band"][1]["low"] = 5
    with pytest.raises(ValidationError, match="without gaps"):
        PainGuide.model_validate(data)


def test_red_flag_advice_must_name_the_flag() -> None:
    data = _raw()
    data["red_flags"]["advice"] = "See a clinician."
    with pytest.raises(ValidationError, match="flag"):
        PainGuide.model_validate(data)


def test_unknown_fields_are_refused() -> None:
    data = _raw()
    data["band"][0]["colour"] = "green"
    with pytest.raises(ValidationError):
        PainGuide.model_validate(data)


def test_every_pain_text_can_be_spoken_and_shown_as_is() -> None:
    # Both front ends use these exact words: the voice escapes them into SSML, the phone into HTML.
    from skill.speech.ssml import escape, speak, validate

    texts = [GUIDE.question, *(b.advice for b in GUIDE.band)]
    texts += [GUIDE.red_flags.advice.format(flag=f.name) for f in GUIDE.red_flag]
    for text in texts:
        validate(speak(escape(text)))
        assert len(text) <= 300, "short enough to be read aloud"

"""Graded pain: the 0-10 scale, its bands, red flags, and reading a pain report from free text.

Thresholds, words and advice live in data/pain.toml so the phone and the voice give the same
advice. Everything here is pure: `read_pain(text, guide)` -> PainReading, `advise(reading, guide)`
-> PainAdvice.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PAIN_FILE = Path(__file__).resolve().parent / "data" / "pain.toml"

Action = Literal["reassure", "ease_off", "stop"]
ChoiceId = Literal["continue", "ease_off", "skip_exercise", "stop"]
AdviceLevel = Literal["red_flag", "stop", "ease_off", "reassure", "ask"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Band(_Strict):
    id: str
    low: int = Field(ge=0)
    high: int = Field(ge=0)
    action: Action
    choices: list[ChoiceId] = Field(min_length=1)
    advice: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.low > self.high:
            raise ValueError(f"band {self.id!r}: low ({self.low}) is above high ({self.high})")
        return self


class Sharp(_Strict):
    words: list[str] = Field(min_length=1)


class Choices(_Strict):
    continue_: str = Field(alias="continue", min_length=1)
    ease_off: str = Field(min_length=1)
    skip_exercise: str = Field(min_length=1)
    stop: str = Field(min_length=1)

    def label(self, choice: ChoiceId) -> str:
        return {
            "continue": self.continue_,
            "ease_off": self.ease_off,
            "skip_exercise": self.skip_exercise,
            "stop": self.stop,
        }[choice]


class RedFlagAdvice(_Strict):
    advice: str = Field(min_length=1)
    any_flag: str = Field(min_length=1)  # {flag} when a screen's "yes" covers them all

    @field_validator("advice")
    @classmethod
    def _names_the_flag(cls, value: str) -> str:
        if "{flag}" not in value:
            raise ValueError("must contain the {flag} placeholder")
        return value


class RedFlag(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _well_formed(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            for group in pattern.split("+"):
                if not all(alternative.strip() for alternative in group.split("|")):
                    raise ValueError(f"pattern {pattern!r} has an empty alternative")
        return patterns

    def groups(self) -> list[list[list[list[str]]]]:
        """Per pattern, per group, the alternatives as word lists (["pins", "and", "needles"])."""
        return [
            [[_words(alt) for alt in group.split("|")] for group in pattern.split("+")]
            for pattern in self.patterns
        ]


class PainGuide(_Strict):
    """The validated contents of pain.toml."""

    scale_max: int = Field(ge=1)
    question: str = Field(min_length=1)
    band: list[Band] = Field(min_length=1)
    sharp: Sharp
    choice: Choices
    red_flags: RedFlagAdvice
    red_flag: list[RedFlag] = Field(min_length=1)

    @model_validator(mode="after")
    def _bands_cover_scale(self) -> PainGuide:
        expected = 0
        for band in sorted(self.band, key=lambda b: b.low):
            if band.low != expected:
                raise ValueError(
                    f"bands must cover 0-{self.scale_max} without gaps or overlaps (at {expected})"
                )
            expected = band.high + 1
        if expected != self.scale_max + 1:
            raise ValueError(f"bands must end at scale_max ({self.scale_max})")
        ids = [flag.id for flag in self.red_flag]
        if len(ids) != len(set(ids)):
            raise ValueError("red flag ids must be unique")
        return self

    def band_for(self, score: int) -> Band:
        for band in self.band:
            if band.low <= score <= band.high:
                return band
        raise ValueError(f"pain score must be 0-{self.scale_max}, not {score}")

    def flag(self, flag_id: str) -> RedFlag:
        for flag in self.red_flag:
            if flag.id == flag_id:
                return flag
        raise KeyError(flag_id)


@functools.cache
def load_pain_guide(path: Path = PAIN_FILE) -> PainGuide:
    """The pain guide from pain.toml, validated (pydantic's ValidationError names the bad field)."""
    with open(path, "rb") as handle:
        return PainGuide.model_validate(tomllib.load(handle))


# --- reading what was said ---------------------------------------------------------------------

NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "nought": 0,
    "nothing": 0,
    "none": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_TOKEN = re.compile(r"\d+|[a-z]+(?:'[a-z]+)?")


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class PainReading:
    score: int | None  # 0..scale_max, or None when no number was given
    sharp: bool
    red_flags: tuple[str, ...]  # red flag ids, in pain.toml order


_SLASH_SCALE = re.compile(r"(\w+)\s*/\s*(\d+)")


def read_pain(text: str, guide: PainGuide) -> PainReading:
    """What a pain report says: the score, whether it is sharp, and any red flags."""
    words = _words(_SLASH_SCALE.sub(r"\1 out of \2", text))
    return PainReading(_score(words, guide.scale_max), _is_sharp(words, guide), _red_flags(words, guide))


def _score(words: list[str], scale_max: int) -> int | None:
    # "6 out of 10", "6/10": the 10 is the scale, not the score. Of several numbers ("a five or
    # a six") the highest counts: erring high errs towards easing off.
    found: list[int] = []
    for index, word in enumerate(words):
        value = int(word) if word.isdigit() else NUMBER_WORDS.get(word)
        if value is None:
            continue
        if index >= 2 and words[index - 2 : index] == ["out", "of"]:
            continue
        if word in ("nothing", "none") and index + 1 < len(words) and words[index + 1] != "pain":
            continue  # "nothing much" is not a zero
        found.append(value)
    if "no" in words and "pain" in words and words.index("pain") == words.index("no") + 1:
        found.append(0)
    valid = [value for value in found if 0 <= value <= scale_max]
    return max(valid) if valid else None


def _is_sharp(words: list[str], guide: PainGuide) -> bool:
    return any(word.startswith(stem.lower()) for word in words for stem in guide.sharp.words)


def _has(words: list[str], alternative: list[str]) -> bool:
    """Whether the alternative's words occur in a row, each a prefix of the spoken word."""
    width = len(alternative)
    return any(
        all(words[start + i].startswith(alternative[i]) for i in range(width))
        for start in range(len(words) - width + 1)
    )


def _red_flags(words: list[str], guide: PainGuide) -> tuple[str, ...]:
    return tuple(
        flag.id
        for flag in guide.red_flag
        if any(all(any(_has(words, alt) for alt in group) for group in pattern) for pattern in flag.groups())
    )


# --- advice ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PainAdvice:
    level: AdviceLevel  # "ask": nothing to go on yet, ask the question
    text: str
    choices: tuple[ChoiceId, ...]
    band: str | None = None
    red_flags: tuple[str, ...] = ()


def advise(reading: PainReading, guide: PainGuide) -> PainAdvice:
    """The advice for a reading: red flags first, then sharp pain, then the score's band."""
    if reading.red_flags:
        first = guide.flag(reading.red_flags[0])
        return PainAdvice(
            "red_flag", guide.red_flags.advice.format(flag=first.name), ("stop",), red_flags=reading.red_flags
        )
    if reading.sharp:
        band = guide.band_for(guide.scale_max)
        return PainAdvice("stop", band.advice, tuple(band.choices), band=band.id)
    if reading.score is None:
        return PainAdvice("ask", guide.question, ())
    band = guide.band_for(reading.score)
    return PainAdvice(band.action, band.advice, tuple(band.choices), band=band.id)

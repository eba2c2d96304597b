"""The small vocabularies every layer shares, each defined once: the catalogue, the engine, the skill
and the web app import them from here instead of typing them again.

Pure data and pure functions: no I/O, nothing from Flask or ask-sdk.
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

# --- Locales -----------------------------------------------------------------------------------
# Every locale the skill ships (voice text, interaction models, manifest). All are English: the
# voice text and the samples are one base English set plus small regional differences.
Locale = Literal["en-US", "en-GB", "en-CA", "en-AU", "en-IN"]
LOCALES: Final[tuple[Locale, ...]] = get_args(Locale)
DEFAULT_LOCALE: Final[Locale] = "en-US"
BASE_LANGUAGE: Final = "en"

# --- Catalogue categories, routine focuses, positions --------------------------------------------
Category = Literal["stretch", "strengthen", "release", "posture"]
CATEGORIES: Final[tuple[Category, ...]] = get_args(Category)
# A routine's focus: one category, or a mix of them.
Focus = Literal["stretch", "strengthen", "release", "posture", "mixed"]
FOCUSES: Final[tuple[Focus, ...]] = get_args(Focus)
Position = Literal["floor", "seated", "standing"]
POSITIONS: Final[tuple[Position, ...]] = get_args(Position)

# --- Picking a run up after "it hurts" (pain.toml's choices other than "stop") -------------------
PickUp = Literal["continue", "ease_off", "skip_exercise"]
PICK_UPS: Final[tuple[PickUp, ...]] = get_args(PickUp)

# --- Hold lengths (seconds) ---------------------------------------------------------------------
# A timed exercise in the catalogue holds MIN_AUTHORED..MAX; pace ("faster", "slower") then scales
# a hold, clamped to MIN_PACED..MAX, so the fastest pace can still shorten the shortest hold.
MIN_AUTHORED_HOLD_SECONDS: Final = 5
MIN_PACED_HOLD_SECONDS: Final = 3
MAX_HOLD_SECONDS: Final = 60

# --- Routine length (minutes) an assembled routine may be asked for ------------------------------
MIN_ROUTINE_MINUTES: Final = 1
MAX_ROUTINE_MINUTES: Final = 90


def about_minutes(seconds: float) -> int:
    """Whole minutes as both front ends say them ("about 5 minutes"): nearest, halves up, at least 1."""
    return max(1, int(seconds / 60 + 0.5))


# --- Pairing codes ------------------------------------------------------------------------------
PAIRING_CODE_DIGITS: Final = 6
# What a browser's form accepts while typing: digits and the spaces or hyphens people put between them.
PAIRING_CODE_INPUT_PATTERN: Final = r"[0-9 \-]*"
PAIRING_CODE_INPUT_MAX_LENGTH: Final = 2 * PAIRING_CODE_DIGITS
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")  # spaces, hyphens and dashes between digits


def parse_pairing_code(raw: object) -> str | None:
    """The code's digits, or None when `raw` is not exactly PAIRING_CODE_DIGITS ASCII digits once
    spaces and hyphens are removed."""
    if not isinstance(raw, str):
        return None
    code = _CODE_SEPARATORS.sub("", raw)
    if len(code) != PAIRING_CODE_DIGITS or not code.isascii() or not code.isdigit():
        return None
    return code


# --- Number words ---------------------------------------------------------------------------------
UNIT_WORDS: Final[tuple[str, ...]] = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
TENS_WORDS: Final[tuple[str, ...]] = (
    "",
    "",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
)
# Each number word's value: "seven" -> 7, "seventy" -> 70 (combine them for "seventy seven").
NUMBER_WORD_VALUES: Final[dict[str, int]] = {w: i for i, w in enumerate(UNIT_WORDS)} | {
    w: i * 10 for i, w in enumerate(TENS_WORDS) if w
}


def number_words(n: int) -> str:
    """English words for 0..999: "twenty five", "one hundred and five"."""
    if not 0 <= n <= 999:
        raise ValueError(f"number_words covers 0..999, not {n}")
    if n < 20:
        return UNIT_WORDS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return TENS_WORDS[tens] + ("" if ones == 0 else " " + UNIT_WORDS[ones])
    hundreds, rest = divmod(n, 100)
    return UNIT_WORDS[hundreds] + " hundred" + ("" if rest == 0 else " and " + number_words(rest))


def seconds_words(n: int) -> str:
    """A length in words, as a step says it: "one second", "six seconds"."""
    return number_words(n) + (" second" if n == 1 else " seconds")


# --- Counting a hold aloud (the voice's count and the phone's spoken count) -------------------------
COUNT_EVERY_SECOND_UP_TO: Final = 10
COUNT_STEP_SECONDS: Final = 5  # longer holds are counted in fives


def count_marks(seconds: int) -> list[int]:
    """The numbers said during a hold of `seconds`: 1..N up to 10 s, else 1, 5, 10, ... and N."""
    if seconds <= COUNT_EVERY_SECOND_UP_TO:
        return list(range(1, seconds + 1))
    return [1, *range(COUNT_STEP_SECONDS, seconds, COUNT_STEP_SECONDS), seconds]


# --- Pain reports ---------------------------------------------------------------------------------
# What a person may say is wrong, by symptom id: (spoken name, other ways to say it). The voice
# model's PainSymptom slot is built from this table; RED_FLAG_SYMPTOMS are the ones that call for a
# clinician now, not just a rest (the safety notice's see_clinician list: numbness, tingling,
# weakness, dizziness, loss of bladder or bowel control). One list for the skill and the web app.
SYMPTOMS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "numbness": ("numb", ("numbness", "gone numb", "no feeling", "dead")),
    "tingling": ("tingling", ("tingly", "pins and needles", "a tingle", "prickly")),
    "weakness": ("weak", ("weakness", "giving way", "floppy")),
    "dizziness": ("dizzy", ("dizziness", "lightheaded", "light headed", "faint", "woozy")),
    "incontinence": (
        "loss of bladder control",
        ("loss of bowel control", "bladder trouble", "bowel trouble", "leaking"),
    ),
    "cramp": ("cramp", ("cramping", "a cramp", "cramped", "a spasm", "spasming")),
    "pinching": ("pinching", ("a pinch", "pinched", "pinchy")),
    "pulled": ("pulled", ("strained", "tweaked", "a pulled muscle", "a strain")),
    "popped": ("popped", ("a pop", "clicking", "a click", "snapped")),
    "sore": ("sore", ("aching", "achy", "tender", "throbbing")),
    "sharp": ("sharp pain", ("stabbing", "burning", "shooting pain", "a sharp pain", "agony")),
    "uncomfortable": ("uncomfortable", ("wrong", "weird", "not right", "strange", "off")),
}
RED_FLAG_SYMPTOMS: Final[frozenset[str]] = frozenset(
    {"numbness", "tingling", "weakness", "dizziness", "incontinence"}
)

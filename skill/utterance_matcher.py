"""Match a typed utterance to an intent and slots using only an interaction model's own samples.

Each sample is compiled into a pattern: literal words must appear as written, ``{slot}`` matches
one of the slot type's values or synonyms (custom types, from the model's ``types``) or a number
(``AMAZON.NUMBER``: digits or number words, "twenty five"). An exact match of a whole sample wins.
Otherwise the best fuzzy match by token overlap (Dice coefficient, slot mentions counted as one
token each) is taken if it is close enough; anything else is ``AMAZON.FallbackIntent``.

    matcher = UtteranceMatcher(model_dict)
    m = matcher.match("start the morning stretch")
    m.intent == "StartRoutineIntent"; m.slots == {"routine": ("morning stretch", "morning-stretch")}

``m.slots`` maps slot name to ``(spoken, id)`` for custom types (the envelope builders turn that
into an ER_SUCCESS_MATCH resolution) and to the number as a string for ``AMAZON.NUMBER``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from shared_content.vocabulary import NUMBER_WORD_VALUES

FALLBACK = "AMAZON.FallbackIntent"
LAUNCH = "LaunchRequest"

_NUM_WORD_RE = "|".join(sorted(NUMBER_WORD_VALUES, key=len, reverse=True))
NUMBER_PATTERN = rf"(?:\d+|(?:{_NUM_WORD_RE})(?: (?:hundred|and|{_NUM_WORD_RE}))*)"
# AMAZON.TIME as the console hears it: "eight", "eight am", "seven thirty pm", "noon"; sent as "HH:MM".
_HALF_DAY = r"(?: (?:am|pm|a m|p m|in the morning|in the evening|at night|o'clock))?"
TIME_PATTERN = (
    rf"(?:noon|midnight|(?:\d+|{_NUM_WORD_RE})(?: (?:\d+|{_NUM_WORD_RE})(?: {_NUM_WORD_RE})?)?{_HALF_DAY})"
)

STOPWORDS = frozenset("a an the my me i to of for this that it is please can you do on in".split())
FUZZY_THRESHOLD = 0.6


def normalize(text: str) -> str:
    """Lower case; every character other than a letter, digit or apostrophe becomes a space."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9']+", " ", text)
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", text)  # quotes, not apostrophes
    return " ".join(text.split())


def _parse_number(spoken: str) -> str | None:
    words = spoken.split()
    if len(words) == 1 and words[0].isdigit():
        return str(int(words[0]))
    total, current, seen = 0, 0, False
    for word in words:
        if word == "and":
            continue
        if word == "hundred":
            current = (current or 1) * 100
        elif word in NUMBER_WORD_VALUES:
            current += NUMBER_WORD_VALUES[word]
        else:
            return None
        seen = True
    return str(total + current) if seen else None


def _parse_time(spoken: str) -> str | None:
    """ "seven thirty pm" -> "19:30"; None when it is not a time of day."""
    if spoken in ("noon", "midnight"):
        return "12:00" if spoken == "noon" else "00:00"
    words = spoken.split()
    half = None
    for ending in ("in the morning", "in the evening", "at night", "a m", "p m", "am", "pm", "o'clock"):
        if spoken.endswith(" " + ending):
            half, words = ending, spoken[: -len(ending) - 1].split()
            break
    hour = _parse_number(words[0])
    minute = _parse_number(" ".join(words[1:])) if len(words) > 1 else "0"
    if hour is None or minute is None or not (0 <= int(hour) <= 23 and 0 <= int(minute) <= 59):
        return None
    h = int(hour)
    if half in ("pm", "p m", "in the evening", "at night") and h < 12:
        h += 12
    if half in ("am", "a m", "in the morning") and h == 12:
        h = 0
    return f"{h:02d}:{int(minute):02d}"


@dataclass(frozen=True)
class Match:
    intent: str
    slots: dict[str, Any] = field(default_factory=dict)
    score: float = 0.0
    sample: str | None = None
    exact: bool = False


@dataclass
class _Sample:
    intent: str
    text: str
    pattern: str
    slot_types: dict[str, str]  # slot name -> type, for slots in this sample
    tokens: list[str]  # normalized literal words and "<slot>" markers

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """Compiled when first tried: most samples never are in a console session, and compiling
        thousands of slot alternations up front made the console slow to start."""
        return _compiled(self.pattern)


@lru_cache(maxsize=8192)
def _compiled(pattern: str) -> re.Pattern[str]:
    # Shared by every matcher in the process: the locales' models spell almost every sample alike,
    # and a slot alternation costs about a millisecond to compile (re's own cache keeps only 512).
    return re.compile(pattern)


class UtteranceMatcher:
    def __init__(self, model: dict[str, Any]):
        lm = model["interactionModel"]["languageModel"]
        self.invocation_name = normalize(lm.get("invocationName", ""))
        self.intents = [i["name"] for i in lm["intents"]]
        # type -> normalized spoken form -> (spoken as the model spells it, id)
        self.values: dict[str, dict[str, tuple[str, str]]] = {}
        for t in lm.get("types", []):
            table: dict[str, tuple[str, str]] = {}
            for v in t.get("values", []):
                vid = v.get("id") or v["name"]["value"]
                for spoken in [v["name"]["value"], *v["name"].get("synonyms", [])]:
                    key = normalize(spoken)
                    if key and key not in table:
                        table[key] = (spoken, vid)
            self.values[t["name"]] = table
        self.samples: list[_Sample] = []
        for intent in lm["intents"]:
            slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                self.samples.append(self._compile(intent["name"], sample, slot_types))
        # each sample's words counted once, for the fuzzy step's overlap score
        self._counts = [(Counter(c.tokens), self._weighed(Counter(c.tokens))) for c in self.samples]
        # An exact match is the first sample in model order that the whole utterance is. Most samples
        # have no slot: those are looked up by their words (the first in model order for each
        # text). A sample with slots must begin with its first word (unless a slot comes first), so
        # only those are tried by pattern, without scanning thousands.
        self._literal: dict[str, int] = {}
        self._by_first_word: dict[str, list[int]] = {}
        self._slot_first: list[int] = []
        for order, compiled in enumerate(self.samples):
            if not compiled.slot_types:
                self._literal.setdefault(" ".join(compiled.tokens), order)
                continue
            first = compiled.tokens[0] if compiled.tokens else "<>"
            if first.startswith("<"):
                self._slot_first.append(order)
            else:
                self._by_first_word.setdefault(first, []).append(order)
        self._merged: dict[str, list[int]] = {}
        inv = re.escape(self.invocation_name) if self.invocation_name else r"(?!x)x"
        self._launch_phrase = re.compile(
            rf"(?:open|launch|start|begin|load|run|play)(?: the)? {inv}(?: skill)?|launch|{inv}"
        )
        self._one_shot = re.compile(rf"^(?:ask|tell|use) {inv}(?: skill)?(?: to)?(?: (.*))?$")

    def _candidates(self, first: str) -> list[int]:
        """The samples with slots an utterance beginning with `first` may match exactly, in model order."""
        found = self._merged.get(first)
        if found is None:
            found = sorted(self._by_first_word.get(first, []) + self._slot_first)
            if first in self._by_first_word:  # words no sample begins with share the slot-first list
                self._merged[first] = found
        return found

    # -- compilation ---------------------------------------------------------------------------
    def _slot_pattern(self, slot_type: str) -> str:
        if slot_type == "AMAZON.NUMBER":
            return NUMBER_PATTERN
        if slot_type == "AMAZON.TIME":
            return TIME_PATTERN
        keys = sorted(self.values.get(slot_type, {}), key=len, reverse=True)
        if not keys:
            return r"(?!x)x"  # a type with no values never matches
        return "(?:" + "|".join(re.escape(k) for k in keys) + ")"

    def _compile(self, intent: str, sample: str, slot_types: dict[str, str]) -> _Sample:
        parts = re.split(r"(\{[A-Za-z0-9_]+\})", sample)
        pattern, tokens, used = [], [], {}
        for part in parts:
            if part.startswith("{") and part.endswith("}"):
                name = part[1:-1]
                stype = slot_types.get(name, "")
                used[name] = stype
                pattern.append(f"(?P<{name}>{self._slot_pattern(stype)})")
                tokens.append(f"<{stype}>")
            else:
                words = normalize(part).split()
                if words:
                    pattern.append(" ".join(re.escape(w) for w in words))
                    tokens.extend(words)
        return _Sample(intent, sample, "^" + " ".join(pattern) + "$", used, tokens)

    # -- matching --------------------------------------------------------------------------------
    def _slots_from(self, sample: _Sample, groups: dict[str, str | None]) -> dict[str, Any] | None:
        slots: dict[str, Any] = {}
        for name, spoken in groups.items():
            if spoken is None:
                continue
            stype = sample.slot_types.get(name, "")
            if stype == "AMAZON.NUMBER":
                number = _parse_number(spoken)
                if number is None:
                    return None
                slots[name] = number
            elif stype == "AMAZON.TIME":
                said = _parse_time(spoken)
                if said is None:
                    return None
                slots[name] = said
            else:
                value = self.values.get(stype, {}).get(spoken)
                if value is None:
                    return None
                slots[name] = (spoken, value[1])
        return slots

    def _mentions(self, text: str) -> tuple[list[str], dict[str, list[str]]]:
        """Replace the longest slot-value mentions in ``text`` by ``<Type>`` markers."""
        words = text.split()
        found: dict[str, list[str]] = {}
        out: list[str] = []
        i = 0
        while i < len(words):
            best = None  # (length, type, spoken)
            for length in range(min(6, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + length])
                for stype, table in self.values.items():
                    if phrase in table:
                        best = (length, stype, phrase)
                        break
                if best:
                    break
                if re.fullmatch(NUMBER_PATTERN, phrase) and _parse_number(phrase) is not None:
                    best = (length, "AMAZON.NUMBER", phrase)
                    break
            if best:
                length, stype, phrase = best
                out.append(f"<{stype}>")
                found.setdefault(stype, []).append(phrase)
                i += length
            else:
                out.append(words[i])
                i += 1
        return out, found

    @staticmethod
    def _weight(token: str) -> float:
        if token.startswith("<"):
            return 2.0
        return 0.5 if token in STOPWORDS else 1.0

    def _dice(self, a: list[str], b: list[str]) -> float:
        ca, cb = Counter(a), Counter(b)
        return self._dice_counted(ca, self._weighed(ca), cb, self._weighed(cb))

    def _weighed(self, counts: Counter[str]) -> float:
        return sum(n * self._weight(t) for t, n in counts.items())

    def _dice_counted(self, ca: Counter[str], ca_weight: float, cb: Counter[str], cb_weight: float) -> float:
        inter = sum(min(n, cb[t]) * self._weight(t) for t, n in ca.items() if t in cb)
        total = ca_weight + cb_weight
        return 2 * inter / total if total else 0.0

    def strip_invocation(self, text: str) -> tuple[str, bool]:
        """("ask psoas coach to start x" -> ("start x", False)); ("open psoas coach" -> ("", True))."""
        text = text.removeprefix("alexa ")
        if self._launch_phrase.fullmatch(text):
            return "", True
        m = self._one_shot.match(text)
        if m:
            rest = m.group(1) or ""
            return rest, rest == ""
        return text, False

    def match(self, utterance: str) -> Match:
        text = normalize(utterance)
        text, launch = self.strip_invocation(text)
        if launch:
            return Match(LAUNCH, {}, 1.0, None, True)
        if not text:
            return Match(FALLBACK)
        # 1. exact: the whole utterance is a sample with valid slot values
        literal = self._literal.get(text)
        first = text.split(maxsplit=1)[0]
        for order in self._candidates(first):
            if literal is not None and order > literal:
                break
            sample = self.samples[order]
            m = sample.regex.match(text)
            if m:
                slots = self._slots_from(sample, m.groupdict())
                if slots is not None:
                    return Match(sample.intent, slots, 1.0, sample.text, True)
        if literal is not None:
            return Match(self.samples[literal].intent, {}, 1.0, self.samples[literal].text, True)
        # 2. fuzzy: token overlap with slot mentions abstracted to their type
        tokens, found = self._mentions(text)
        best: tuple[float, int, _Sample] | None = None
        said = Counter(tokens)
        said_weight = self._weighed(said)
        for order, sample in enumerate(self.samples):
            counts, weight = self._counts[order]
            score = self._dice_counted(said, said_weight, counts, weight)
            # a sample's slot must be filled by a mention of its type to count fully
            if best is None or score > best[0]:
                best = (score, order, sample)
        if best is None or best[0] < FUZZY_THRESHOLD:
            return Match(FALLBACK, {}, best[0] if best else 0.0)
        score, _, sample = best
        mentioned: dict[str, Any] = {}
        for name, stype in sample.slot_types.items():
            spoken_list = found.get(stype)
            if not spoken_list:
                continue
            spoken = spoken_list[0]
            if stype == "AMAZON.NUMBER":
                mentioned[name] = _parse_number(spoken)
            else:
                mentioned[name] = (spoken, self.values[stype][spoken][1])
        return Match(sample.intent, mentioned, score, sample.text, False)

    def known_intents(self) -> set[str]:
        return set(self.intents) | {LAUNCH, FALLBACK}

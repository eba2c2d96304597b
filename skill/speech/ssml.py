"""SSML helpers: escaping, breaks, a speech timeline with a duration estimate, and validation.

Alexa limits we keep to (https://developer.amazon.com/docs/custom-skills/speech-synthesis-markup-language-ssml-reference.html):
outputSpeech and reprompt SSML up to 8000 characters; a single <break> at most 10 s; at most
240 s of audio in one response. We stay well under the last with RESPONSE_BUDGET_SECONDS.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache

from shared_content.vocabulary import number_words

MAX_SSML_CHARS = 8000
MAX_BREAK_SECONDS = 10.0
MAX_RESPONSE_AUDIO_SECONDS = 240.0
RESPONSE_BUDGET_SECONDS = 200.0

# Speaking-time model, calibrated once with espeak-ng 1.51 (default voice, 175 wpm) on
# 2025 Debian 12, `espeak-ng -m -w out.wav '<speak>...</speak>'` measured with `soxi -D`:
#   "one two three ... ten"                    3.01 s  -> ~0.27 s per short word + ~0.38 s tail
#   "N <break 1s/> N <break 1s/> N", N = 1..60 0.27-0.78 s per number (1-3 syllables)
#   a 21-word sentence with 3 punctuation marks 6.92 s -> 0.30 s per word + ~0.12 s per mark
# i.e. about 3.3 words per second. Numbers written as digits are counted as their spoken
# words ("25" = "twenty five" = 2 words). Alexa's voices speak at a similar rate.
WORDS_PER_SECOND = 3.3
WORD_SECONDS = 1 / WORDS_PER_SECOND
PUNCT_SECONDS = 0.12  # the small pause at , . ; : ? !
TAIL_SECONDS = 0.38  # silence a TTS engine leaves after the last word of an utterance

ALLOWED_TAGS = {"speak", "break", "say-as", "p", "s", "emphasis", "prosody", "sub", "amazon:effect", "lang"}

_BREAK_RE = re.compile(r'<break\s+time="(\d+(?:\.\d+)?)(ms|s)"\s*/>')
_TAG_RE = re.compile(r"<[^>]+>")
_PUNCT_RE = re.compile(r"[,.;:?!]")
_NUM_RE = re.compile(r"\d+")


def escape(text: str) -> str:
    """Text safe inside SSML: &, < and > escaped (quotes are fine in element text)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Raw(str):
    """A string that is already SSML and must not be escaped again."""


def _word_count(text: str) -> int:
    spoken = _NUM_RE.sub(
        lambda m: (
            " " + number_words(int(m.group())) + " " if len(m.group()) <= 3 else " digits " * len(m.group())
        ),
        text,
    )
    spoken = spoken.replace("-", " ")
    return len(spoken.split())


def speech_seconds(text: str) -> float:
    """Estimated speaking time of plain text (no tags), by the calibrated model above."""
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return _word_count(text) * WORD_SECONDS + len(_PUNCT_RE.findall(text)) * PUNCT_SECONDS


def break_seconds(ssml: str) -> list[float]:
    return [float(v) / (1000.0 if unit == "ms" else 1.0) for v, unit in _BREAK_RE.findall(ssml)]


def estimate_seconds(ssml: str, *, tail: bool = True) -> float:
    """Estimated audio length of an SSML fragment or document: words + breaks (+ the tail)."""
    return _fragment_seconds(ssml) + (TAIL_SECONDS if tail else 0.0)


@lru_cache(maxsize=4096)
def _fragment_seconds(ssml: str) -> float:
    # The same fragments (counts, cues, exercise names) come back on every turn: time each once.
    text = _TAG_RE.sub(" ", ssml)
    return speech_seconds(text) + sum(break_seconds(ssml))


def pause(seconds: float) -> str:
    """Silence of any length as <break> tags of at most 10 s each ("" for nothing)."""
    return _pause_ms(int(round(seconds * 1000)))


@lru_cache(maxsize=4096)
def _pause_ms(ms: int) -> str:
    # A led response has a break between every two of its ~70 lines; the same lengths recur.
    parts = []
    while ms > 0:
        chunk = min(ms, int(MAX_BREAK_SECONDS * 1000))
        parts.append(f'<break time="{chunk}ms"/>')
        ms -= chunk
    return "".join(parts)


@dataclass
class Timeline:
    """Builds speech on a clock: `say` advances by the estimated speaking time, `wait_until`
    fills with breaks. `at` is where the speech is now, in seconds from its start."""

    parts: list[str] = field(default_factory=list)
    at: float = 0.0

    def say(self, ssml_text: str) -> Timeline:
        if ssml_text:
            self.parts.append(ssml_text)
            self.at += estimate_seconds(ssml_text, tail=False)
        return self

    def wait(self, seconds: float) -> Timeline:
        if seconds > 0.0005:
            self.parts.append(pause(seconds))
            self.at += round(seconds * 1000) / 1000
        return self

    def wait_until(self, t: float) -> Timeline:
        return self.wait(t - self.at)

    def ssml(self) -> str:
        return " ".join(p for p in self.parts if p)


def speak(*fragments: str) -> str:
    """A whole <speak> document from fragments."""
    return "<speak>" + " ".join(f for f in fragments if f) + "</speak>"


class SSMLError(ValueError):
    pass


def validate(ssml: str) -> None:
    """Raise SSMLError unless `ssml` is a <speak> document Alexa accepts (our subset)."""
    if len(ssml) > MAX_SSML_CHARS:
        raise SSMLError(f"SSML is {len(ssml)} characters; Alexa allows {MAX_SSML_CHARS}")
    try:
        root = ET.fromstring(ssml)
    except ET.ParseError as exc:
        raise SSMLError(f"not well-formed: {exc}") from exc
    if root.tag != "speak":
        raise SSMLError(f"root element is <{root.tag}>, not <speak>")
    for el in root.iter():
        tag = el.tag.split("}")[-1] if "}" in el.tag else el.tag
        if tag not in ALLOWED_TAGS:
            raise SSMLError(f"tag <{tag}> is not allowed")
        if tag == "break":
            t = el.get("time")
            if t is None or not _BREAK_RE.fullmatch(f'<break time="{t}"/>'):
                raise SSMLError(f"break without a valid time: {t!r}")
            if break_seconds(f'<break time="{t}"/>')[0] > MAX_BREAK_SECONDS:
                raise SSMLError(f"break of {t} is over 10 s")
    total = estimate_seconds(ssml)
    if total > MAX_RESPONSE_AUDIO_SECONDS:
        raise SSMLError(f"about {total:.0f} s of audio; Alexa allows {MAX_RESPONSE_AUDIO_SECONDS:.0f} s")

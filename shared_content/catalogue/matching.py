"""Turns what a person typed or said into a lookup key, so "The Knee-Hug!" finds "knee hug"."""

from __future__ import annotations

import re

from shared_content.vocabulary import number_words

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Speech recognisers and keyboards write small numbers either way; names use words.
_NUMBER_WORDS = {str(n): number_words(n) for n in range(21)}
_FILLER_PREFIXES = ("the ", "a ", "an ", "my ")


def spoken_key(text: str) -> str:
    """Lower-case words separated by single spaces; punctuation dropped, digits 0-20 spelled out,
    and a leading article ("the plank") removed."""
    words = _NOT_WORD.sub(" ", text.lower().replace("&", " and ")).split()
    key = " ".join(_NUMBER_WORDS.get(word, word) for word in words)
    for prefix in _FILLER_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key

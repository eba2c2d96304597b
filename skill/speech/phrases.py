"""Every spoken phrase comes from skill/locales/: en.toml holds every phrase, and <locale>.toml
(en-GB.toml, ...) only the phrases said differently there; a locale's table is the base with the
regional file merged over it, key by key.

A key ("launch.welcome") names one phrase or a list of variants; variants are picked
deterministically from a seed (the request id), so a conversation sounds varied to a person
and identical to a test. Placeholders are named ({exercise}, {seconds}) and their values are
SSML-escaped, as is the phrase text itself; pass `Raw(...)` for a value that is already SSML.
"""

from __future__ import annotations

import string
import tomllib
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from shared_content.vocabulary import BASE_LANGUAGE, DEFAULT_LOCALE, LOCALES

from .ssml import Raw, escape

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif isinstance(value, str):
            out[name] = [value]
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            out[name] = list(value)
        else:
            raise ValueError(f"{name}: a phrase is a string or a non-empty list of strings")
    return out


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def pick(seed: str | int, key: str, count: int) -> int:
    """The variant index for this seed and key: stable across processes (crc32, not hash())."""
    return zlib.crc32(f"{seed}|{key}".encode()) % count


class Phrases:
    def __init__(self, locale: str, table: dict[str, list[str]]):
        self.locale = locale
        self.table = table
        # Each template escaped once, not on every turn.
        self._escaped = {key: [escape(t) for t in options] for key, options in table.items()}
        self._fixed: dict[str, Raw] = {}  # say() of a one-variant phrase without placeholders

    def keys(self) -> set[str]:
        return set(self.table)

    def variants(self, key: str) -> list[str]:
        try:
            return self.table[key]
        except KeyError:
            raise KeyError(f"no phrase {key!r} in locale {self.locale}") from None

    def say(self, key: str, seed: str | int = 0, **values: Any) -> str:
        """The phrase as SSML-safe text, placeholders filled with escaped values."""
        options = self._escaped.get(key) or self.variants(key)  # variants() raises for an unknown key
        if len(options) > 1:
            template = options[pick(seed, key, len(options))]
        elif values:
            template = options[0]  # (pick() of one variant is 0)
        else:  # one variant, nothing to fill: the same words on every turn, formatted once
            fixed = self._fixed.get(key)
            if fixed is None:
                fixed = self._fixed[key] = Raw(options[0].format_map({}))
            return fixed
        safe = {k: v if isinstance(v, Raw) else escape(str(v)) for k, v in values.items()}
        return Raw(template.format_map(safe))


def locale_path(locale: str) -> Path:
    """The file for `locale` ("en-GB") or for the base language ("en")."""
    return LOCALES_DIR / f"{locale}.toml"


def read_table(locale: str) -> dict[str, list[str]]:
    """One file's phrases, flattened ("launch.welcome"), without merging."""
    with open(locale_path(locale), "rb") as fh:
        return _flatten(tomllib.load(fh))


@cache
def load(locale: str) -> Phrases:
    """The base phrases with `locale`'s differences merged over them."""
    table = read_table(BASE_LANGUAGE)
    extra = sorted(read_table(locale).keys() - table.keys())
    if extra:
        raise ValueError(f"{locale_path(locale).name}: {extra} are not in {BASE_LANGUAGE}.toml")
    return Phrases(locale, table | read_table(locale))


def resolve_locale(locale: str | None) -> str:
    """A supported locale for what Alexa sent: exact, else en-US (every locale we ship is English)."""
    return locale if locale in LOCALES else DEFAULT_LOCALE


def phrases(locale: str | None) -> Phrases:
    return load(resolve_locale(locale))

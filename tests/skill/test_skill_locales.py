"""Every locale says everything: same keys, same placeholders, valid SSML, and no key the code asks for is
missing; the regional files hold only what they say differently from the base English file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.speech.phrases import LOCALES, load, locale_path, placeholders, read_table
from skill.speech.ssml import escape, speak, validate

SKILL = Path(__file__).resolve().parents[2] / "skill"
# keys built at run time (f-strings in the handlers), named here so the check below covers them
DYNAMIC_KEYS = (
    {f"help.{p}" for p in ("none", "instructions", "guidance", "holding", "resting", "paused", "done")}
    | {f"prompt.{p}" for p in ("none", "instructions", "guidance", "holding", "resting", "paused", "done")}
    | {
        "block.side_left",
        "block.side_right",
        "side.left",
        "side.right",
        "stop.bye",
        "stop.saved",
        "home.bye",
        "home.saved",
        "pace.slower",
        "pace.faster",
        "pace.slower_limit",
        "pace.faster_limit",
        "done.completed",
        "done.pain",
        "done.stopped",
        "screen.side_left",
        "screen.side_right",
    }
)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_regional_file_holds_only_what_differs_from_the_base(locale):
    base, regional = read_table("en"), read_table(locale)
    assert not regional.keys() - base.keys(), f"{locale} has keys en.toml lacks"
    same = sorted(k for k, v in regional.items() if base[k] == v)
    assert not same, f"{locale}.toml repeats the base text of {same}: delete them there"


def test_a_regional_key_the_base_lacks_is_refused_on_load(tmp_path, monkeypatch):
    from skill.speech import phrases as module

    (tmp_path / "en.toml").write_bytes(locale_path("en").read_bytes())
    (tmp_path / "en-GB.toml").write_text('[launch]\nwelcome_first = "Hello."\nwelcom_back = "Typo."\n')
    monkeypatch.setattr(module, "LOCALES_DIR", tmp_path)
    module.load.cache_clear()
    try:
        with pytest.raises(ValueError, match="welcom_back"):
            module.load("en-GB")
    finally:
        module.load.cache_clear()


def test_regional_text_is_merged_over_the_base():
    gb, us = load("en-GB"), load("en-US")
    assert gb.variants("stop.bye") != us.variants("stop.bye")  # a regional difference
    assert gb.variants("pain.advice") == us.variants("pain.advice") == read_table("en")["pain.advice"]


def test_every_locale_has_the_same_keys():
    reference = load("en-US").keys()
    for locale in LOCALES:
        keys = load(locale).keys()
        assert keys == reference, (
            f"{locale}: missing {sorted(reference - keys)}, extra {sorted(keys - reference)}"
        )


def test_placeholders_match_per_key_across_locales_and_variants():
    reference = load("en-US")
    for key in reference.keys():
        expected = {frozenset(placeholders(v)) for v in reference.variants(key)}
        assert len(expected) == 1, f"en-US {key}: variants use different placeholders"
        for locale in LOCALES:
            got = {frozenset(placeholders(v)) for v in load(locale).variants(key)}
            assert got == expected, f"{locale} {key}: {got} != {expected}"


def test_every_key_the_code_uses_exists():
    used = set(DYNAMIC_KEYS)
    for path in SKILL.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_]+)["']""", path.read_text()))
        used |= set(re.findall(r"""(?:variants|say)\(\s*["']([a-z_]+\.[a-z_]+)["']""", path.read_text()))
    assert len(used) > 60
    for locale in LOCALES:
        missing = used - load(locale).keys()
        assert not missing, f"{locale} lacks {sorted(missing)}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_phrase_renders_to_valid_ssml(locale):
    phrases = load(locale)
    for key in phrases.keys():
        for seed in range(6):
            values = {name: "x" for v in phrases.variants(key) for name in placeholders(v)}
            validate(speak(phrases.say(key, seed=seed, **values)))


@settings(max_examples=150, deadline=None)
@given(value=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_any_spoken_value_is_escaped(value):
    phrases = load("en-GB")
    ssml = speak(phrases.say("routine.unknown", seed=value, said=value, routines="A, B"))
    validate(ssml)
    assert escape(value) in ssml


def test_variants_are_picked_from_the_seed_deterministically():
    phrases = load("en-US")
    assert phrases.say("praise.any", seed="r1") == phrases.say("praise.any", seed="r1")
    heard = {phrases.say("praise.any", seed=f"r{i}") for i in range(40)}
    assert len(heard) == len(phrases.variants("praise.any")) > 1

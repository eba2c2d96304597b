"""The issue 13 intents (interaction_models/progress-intents.en.toml) are ready to merge into the models."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from skill.speech.phrases import LOCALES

ROOT = Path(__file__).resolve().parents[2]
INTENTS = tomllib.loads((ROOT / "interaction_models" / "progress-intents.en.toml").read_text())["intent"]
HANDLED = {"HowAmIDoingIntent", "RemindMeIntent", "StopRemindersIntent"}


def test_each_intent_the_handlers_need_is_there_with_about_forty_samples() -> None:
    assert {i["name"] for i in INTENTS} == HANDLED
    for intent in INTENTS:
        assert len(intent["samples"]) >= 40, intent["name"]


def test_samples_are_unique_and_follow_alexas_rules() -> None:
    seen: dict[str, str] = {}
    for intent in INTENTS:
        slots = {s["name"] for s in intent["slots"]}
        for sample in intent["samples"]:
            key = sample.lower()
            assert key not in seen, f"{sample!r} in {intent['name']} and {seen.get(key)}"
            seen[key] = intent["name"]
            assert re.fullmatch(r"[a-zA-Z' {}]+", sample), sample  # no punctuation, no digits
            assert set(re.findall(r"\{(\w+)\}", sample)) <= slots, sample


@pytest.mark.parametrize("locale", LOCALES)
def test_no_sample_is_already_used_by_an_existing_intent(locale: str) -> None:
    model = json.loads((ROOT / "interaction_models" / f"{locale}.json").read_text())
    existing = {
        s.lower(): i["name"]
        for i in model["interactionModel"]["languageModel"]["intents"]
        for s in i.get("samples", [])
    }
    clashes = {s: existing[s.lower()] for i in INTENTS for s in i["samples"] if s.lower() in existing}
    assert clashes == {}

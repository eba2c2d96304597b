"""The coverage scorer (bench/model_coverage.py) measures what it says, the held-out sets (the first,
and the second written blind) name only intents the model has, and the en-US model covers both."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from skill import interaction_model as im

BENCH = Path(__file__).resolve().parents[2] / "bench" / "model_coverage.py"


@pytest.fixture(scope="module")
def coverage_module():
    spec = importlib.util.spec_from_file_location("model_coverage", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["model_coverage"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_token_distance_counts_word_edits_and_lets_a_slot_cover_its_values(coverage_module):
    d = coverage_module.token_distance
    parts = {"{body_part}": {"hip", "lower back"}}
    assert d("my lower back hurts".split(), ["my", "{body_part}", "hurts"], parts) == 0
    assert d("my lower back really hurts".split(), ["my", "{body_part}", "hurts"], parts) == 1
    assert d("my elbow hurts".split(), ["my", "{body_part}", "hurts"], parts) == 1
    assert d("skip the set now".split(), ["skip", "this", "set"], {}) == 2


def test_every_held_out_intent_is_in_the_model(coverage_module):
    expected = set(coverage_module.load_heldout().values())
    assert expected <= set(im.BASE_INTENTS)
    assert len(coverage_module.load_heldout()) >= 150


def test_the_blind_set_is_large_and_names_only_model_intents(coverage_module):
    blind = coverage_module.load_heldout(coverage_module.BLIND)
    assert len(blind) >= 300
    assert set(blind.values()) <= set(im.BASE_INTENTS)
    # the second set is its own: short commands ("next") may be in both, but most lines are new
    assert len(set(blind) & set(coverage_module.load_heldout())) < len(blind) // 5


def test_a_fallback_line_counts_only_when_no_intent_claims_it(coverage_module):
    cov = coverage_module.Coverage(im.build_model("en-US"))
    assert cov.score("what's the capital of peru", "AMAZON.FallbackIntent").near
    assert not cov.score("next", "AMAZON.FallbackIntent").near
    assert not cov.score("please start the morning stretch", "AMAZON.FallbackIntent").near


def test_the_wake_word_and_spoken_times_are_heard_as_alexa_hears_them(coverage_module):
    cov = coverage_module.Coverage(im.build_model("en-US"))
    assert cov.score("alexa start the morning stretch", "StartRoutineIntent").distance == 0
    assert cov.score("remind me at seven thirty in the evening", "RemindMeIntent").distance == 0


@pytest.mark.parametrize("name", ["utterances_heldout.toml", "utterances_blind.toml"])
def test_the_en_us_model_meets_the_coverage_targets(coverage_module, name):
    cov = coverage_module.Coverage(im.build_model("en-US"))
    heldout = coverage_module.load_heldout(coverage_module.DATA / name)
    scores = [cov.score(text, intent) for text, intent in heldout.items()]
    custom = [s for s in scores if s.custom]
    assert coverage_module.share(custom, lambda s: s.near) >= 0.85
    assert coverage_module.share(scores, lambda s: s.near) >= 0.80

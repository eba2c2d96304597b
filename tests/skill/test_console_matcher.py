"""The console's utterance matcher: the model's own samples and slot values, nothing else."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill import interaction_model as im
from skill.console import ssml_to_text
from skill.utterance_matcher import FALLBACK, LAUNCH, UtteranceMatcher, normalize

NUMBERS = [("ten", "10"), ("twenty five", "25"), ("15", "15"), ("one hundred and five", "105")]


@pytest.fixture(scope="module")
def built():
    from shared_content.catalogue import load_catalogue

    cat = load_catalogue()
    out = {}
    for loc in im.LOCALES:
        model = im.build_model(loc, cat)
        out[loc] = (model, UtteranceMatcher(model))
    return out


def _types(model):
    return {t["name"]: t["values"] for t in model["interactionModel"]["languageModel"]["types"]}


def _fillings(model, intent):
    """Every way to fill the sample's slots: each value's name and each synonym (numbers: a few)."""
    types = _types(model)
    slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
    out = {}
    for name, stype in slot_types.items():
        if stype == "AMAZON.NUMBER":
            out[name] = NUMBERS
        elif stype == "AMAZON.TIME":
            out[name] = [("eight am", "08:00"), ("seven thirty pm", "19:30")]
        else:
            out[name] = [
                (spoken, v["id"])
                for v in types[stype]
                for spoken in [v["name"]["value"], *v["name"]["synonyms"]]
            ]
    return out


@pytest.mark.parametrize("locale", im.LOCALES)
def test_every_sample_with_every_slot_value_matches_its_own_intent(built, locale):
    model, matcher = built[locale]
    failures = []
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        fillings = _fillings(model, intent)
        for sample in intent["samples"]:
            slots = re.findall(r"\{(\w+)\}", sample)
            if not slots:
                m = matcher.match(sample)
                if m.intent != intent["name"] or not m.exact:
                    failures.append((sample, intent["name"], m.intent))
                continue
            # vary every slot across all its values, holding the others at their first value
            for varied in slots:
                for value in fillings[varied]:
                    chosen = {s: (value if s == varied else fillings[s][0]) for s in slots}
                    text = sample
                    for s, (spoken, _) in chosen.items():
                        text = text.replace("{" + s + "}", spoken)
                    m = matcher.match(text)
                    got_ids = {k: (v[1] if isinstance(v, tuple) else v) for k, v in m.slots.items()}
                    want_ids = {s: v[1] for s, v in chosen.items()}
                    if m.intent != intent["name"] or got_ids != want_ids:
                        failures.append((text, intent["name"], m.intent, got_ids, want_ids))
    assert not failures, f"{len(failures)} samples do not match themselves, e.g. {failures[:5]}"


def _first_in_model_order(matcher, text):
    """What an exact match is by definition: the first sample, in model order, whose pattern the
    whole text matches with valid slot values (the matcher's indexes must find the same)."""
    for sample in matcher.samples:
        found = sample.regex.match(text)
        if found:
            slots = matcher._slots_from(sample, found.groupdict())
            if slots is not None:
                return sample.intent, slots, sample.text
    return None


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_exact_match_is_the_first_sample_in_model_order(built, data):
    model, matcher = built["en-US"]
    sample = data.draw(st.sampled_from(matcher.samples))
    words = []
    for token in sample.tokens:  # the sample said with a value of each slot, or with a word changed
        if token.startswith("<"):
            values = sorted(matcher.values.get(token[1:-1], {})) or ["ten"]
            words.append(data.draw(st.sampled_from(values)))
        else:
            words.append(token)
    if data.draw(st.booleans()):
        words[data.draw(st.integers(0, len(words) - 1))] = data.draw(
            st.sampled_from(["next", "the", "stop", "please"])
        )
    text = " ".join(words)
    want = _first_in_model_order(matcher, text)
    got = matcher.match(text)
    if want is None:
        assert not got.exact
    else:
        assert (got.intent, got.slots, got.sample, got.exact) == (*want, True)


@pytest.mark.parametrize(
    "utterance, intent, slots",
    [
        ("open psoas coach", LAUNCH, {}),
        ("Alexa, open Psoas Coach.", LAUNCH, {}),
        ("launch", LAUNCH, {}),
        (
            "ask psoas coach to start the morning stretch",
            "StartRoutineIntent",
            {"routine": "morning-stretch"},
        ),
        (
            "Alexa, tell psoas coach I want to do the desk break!",
            "StartRoutineIntent",
            {"routine": "desk-break"},
        ),
        ("Start the MORNING STRETCH", "StartRoutineIntent", {"routine": "morning-stretch"}),
        ("begin the five-minute quick release", "StartRoutineIntent", {"routine": "quick-release"}),
        ("start a twenty minute routine", "StartRoutineIntent", {"minutes": "20"}),
        ("how do I do a plank please", "DescribeExerciseIntent", {"exercise": "plank"}),
        ("could you explain the knee hug to me", "DescribeExerciseIntent", {"exercise": "knee-to-chest"}),
        ("next", "AMAZON.NextIntent", {}),
        ("Next.", "AMAZON.NextIntent", {}),
        ("continue", "AMAZON.ResumeIntent", {}),
        ("my back really hurts now", "PainIntent", {"body_part": "back"}),
        ("ow!", "PainIntent", {}),
        ("could you slow down", "SlowerIntent", {}),
        ("how much longer is this going to take", "HowMuchLongerIntent", {}),
        ("please link my phone", "LinkPhoneIntent", {}),
        ("forget my phone", "UnlinkPhoneIntent", {}),
        ("what routines do you have", "ListRoutinesIntent", {}),
        ("what's the weather like in Paris", FALLBACK, {}),
        ("banana", FALLBACK, {}),
        ("", FALLBACK, {}),
        ("?!", FALLBACK, {}),
    ],
)
def test_everyday_utterances(built, utterance, intent, slots):
    m = built["en-US"][1].match(utterance)
    assert m.intent == intent, m
    assert {k: (v[1] if isinstance(v, tuple) else v) for k, v in m.slots.items()} == slots


def test_regional_samples_only_match_in_their_locale(built):
    assert built["en-IN"][1].match("my back is paining").intent == "PainIntent"
    assert (
        built["en-GB"][1].match("start the morning stretch programme").slots["routine"][1]
        == "morning-stretch"
    )
    assert built["en-US"][1].match("my back is paining").exact is False


_sample_and_locale = st.sampled_from(im.LOCALES).flatmap(
    lambda loc: st.tuples(
        st.just(loc),
        st.sampled_from(
            [(i, s) for i, samples in im.samples_for(loc).items() for s in samples if "{" not in s]
        ),
    )
)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80))
def test_arbitrary_text_never_crashes_and_gives_a_known_intent(built, text):
    _, matcher = built["en-US"]
    m = matcher.match(text)
    assert m.intent in matcher.known_intents()
    for value in m.slots.values():
        assert isinstance(value, (str, tuple))


@settings(max_examples=200, deadline=None)
@given(
    picked=_sample_and_locale,
    shout=st.booleans(),
    before=st.sampled_from(["", "  ", "Alexa, ", "\t"]),
    after=st.sampled_from(["", ".", "!", "?", " ..."]),
)
def test_case_spacing_and_punctuation_do_not_change_the_intent(built, picked, shout, before, after):
    locale, (intent, sample) = picked
    text = before + (sample.upper() if shout else sample) + after
    assert built[locale][1].match(text).intent == intent


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "the",
                "my",
                "a",
                "routine",
                "phone",
                "stretch",
                "hip",
                "time",
                "zzz",
                "twenty",
                "morning",
                "plank",
                "please",
                "go",
            ]
        ),
        max_size=8,
    )
)
def test_word_salad_from_the_vocabulary_never_crashes(built, words):
    m = built["en-GB"][1].match(" ".join(words))
    assert m.intent in built["en-GB"][1].known_intents()


def test_normalize_keeps_apostrophes_and_drops_quotes():
    assert normalize("  I'm IN pain!! ") == "i'm in pain"
    assert normalize("'next'") == "next"
    assert normalize("Knee-to-chest") == "knee to chest"


@pytest.mark.parametrize(
    "ssml, text",
    [
        ('<speak>Welcome.<break time="1s"/>Which routine?</speak>', "Welcome. [pause 1s] Which routine?"),
        ('<speak>Hold.<break time="500ms"/>Two.</speak>', "Hold. [pause 500ms] Two."),
        ('<speak>One<break strength="strong"/>two</speak>', "One … two"),
        (
            '<speak>Your code is <say-as interpret-as="digits">407215</say-as>.</speak>',
            "Your code is 4 0 7 2 1 5.",
        ),
        ("<speak><p>First.</p><p>Second &amp; last.</p></speak>", "First.\nSecond & last."),
        (
            '<speak><prosody rate="slow">Breathe in</prosody>, <emphasis>slowly</emphasis>.</speak>',
            "Breathe in, slowly.",
        ),
        ("", ""),
    ],
)
def test_ssml_becomes_readable_text_with_pauses(ssml, text):
    assert ssml_to_text(ssml) == text

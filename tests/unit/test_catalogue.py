"""The packaged catalogue: the article's items with its facts, computed durations, lookups by
what people say, and the safety notice both front ends use."""

from __future__ import annotations

import re
import string
from itertools import chain, repeat
from pathlib import Path

import pytest
from engine_fakes import FakeRoutine
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared_content import timing
from shared_content.catalogue import Exercise, Routine, load_catalogue
from shared_content.engine import template_for
from shared_content.vocabulary import MAX_HOLD_SECONDS, MIN_AUTHORED_HOLD_SECONDS

# The seed article sits beside the repository (../shared), as in the workplace and in CI.
ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "psoas-relief-article.txt"

ARTICLE_ORDER = [
    ("pelvic-tilt", "stretch"),
    ("knee-to-chest", "stretch"),
    ("bolster-psoas-stretch", "stretch"),
    ("pelvic-floor-squeeze", "strengthen"),
    ("transverse-abdominis", "strengthen"),
    ("plank", "strengthen"),
    ("bicycle-crunches", "strengthen"),
    ("russian-twists", "strengthen"),
    ("foam-roller-release", "release"),
    ("trigger-point-therapy", "release"),
    ("heat-cold-therapy", "release"),
    ("neutral-spine", "posture"),
    ("sitting-posture", "posture"),
    ("standing-walking", "posture"),
]
GUIDANCE = {
    "trigger-point-therapy",
    "heat-cold-therapy",
    "neutral-spine",
    "sitting-posture",
    "standing-walking",
}
# Items where the article left a number open or contradicted itself: the data must say what we chose.
VAGUE_IN_ARTICLE = [
    "pelvic-tilt",
    "knee-to-chest",
    "bolster-psoas-stretch",
    "pelvic-floor-squeeze",
    "transverse-abdominis",
    "plank",
    "bicycle-crunches",
    "russian-twists",
    "foam-roller-release",
]


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_the_catalogue_holds_every_article_item_in_article_order(cat):
    """Every item the article describes, in its order and category (entries of our own may follow)."""
    items = [(e.id, e.category) for e in cat.exercises.values()]
    assert [item for item in items if item in ARTICLE_ORDER] == ARTICLE_ORDER


def test_timed_items_have_a_hold_and_guidance_items_do_not(cat):
    for exercise in cat.exercises.values():
        if exercise.id in GUIDANCE:
            assert exercise.kind == "guidance", exercise.id
            assert (exercise.hold_seconds, exercise.hold_cue, exercise.repetitions, exercise.sets) == (
                0,
                "",
                1,
                1,
            )
        else:
            assert exercise.kind == "timed", exercise.id
            assert MIN_AUTHORED_HOLD_SECONDS <= exercise.hold_seconds <= MAX_HOLD_SECONDS, exercise.id
            assert exercise.hold_cue.strip(), exercise.id


def test_every_item_can_be_read_aloud_in_short_steps(cat):
    for exercise in cat.exercises.values():
        assert exercise.summary.strip() and exercise.source_section.strip(), exercise.id
        assert exercise.steps, exercise.id
        for step in exercise.steps:
            assert 0 < len(step) <= 200, (exercise.id, step)
        # Spoken instructions address the listener.
        assert any(re.search(r"\byour?\b", step, re.I) for step in exercise.steps), exercise.id


@pytest.mark.skipif(not ARTICLE.exists(), reason="the source article is not available here")
def test_no_instruction_copies_a_sentence_from_the_article(cat):
    def words(text: str) -> list[str]:
        return re.sub(r"[^a-z0-9 ]", " ", text.lower().replace("’", "'").replace("'", "")).split()

    article = words(ARTICLE.read_text())
    shingles = {" ".join(article[i : i + 8]) for i in range(len(article) - 7)}
    for exercise in cat.exercises.values():
        for text in [exercise.summary, *exercise.steps_at()]:
            mine = words(text)
            copied = [
                " ".join(mine[i : i + 8])
                for i in range(len(mine) - 7)
                if " ".join(mine[i : i + 8]) in shingles
            ]
            assert not copied, (exercise.id, copied)


def test_article_numbers_are_carried_over(cat):
    tilt = cat.exercise("pelvic-tilt")
    assert (tilt.hold_seconds, tilt.sets) == (5, 3)
    knee = cat.exercise("knee-to-chest")
    assert knee.hold_seconds == 5 and knee.per_side
    bolster = cat.exercise("bolster-psoas-stretch")
    assert bolster.hold_seconds == 5 and bolster.per_side and bolster.equipment == ["bolster pillow"]
    squeeze = cat.exercise("pelvic-floor-squeeze")
    assert 5 <= squeeze.hold_seconds <= 10 and 10 <= squeeze.repetitions <= 15
    assert squeeze.position == "seated"
    core = cat.exercise("transverse-abdominis")
    assert 3 <= core.sets <= 5
    assert 30 <= cat.exercise("plank").hold_seconds <= 60
    assert cat.exercise("russian-twists").position == "floor"
    assert cat.exercise("foam-roller-release").equipment == ["foam roller"]


def test_bolster_stretch_resolves_the_articles_contradiction_explicitly(cat):
    bolster = cat.exercise("bolster-psoas-stretch")
    assert any("other foot flat on the floor" in step for step in bolster.steps)
    assert any("foot flat" in choice for choice in bolster.choices)


@pytest.mark.parametrize("exercise_id", VAGUE_IN_ARTICLE)
def test_every_value_the_article_left_open_is_recorded_as_a_choice(cat, exercise_id):
    assert cat.exercise(exercise_id).choices


def test_heat_and_cold_guidance_keeps_a_cloth_between_skin_and_pack(cat):
    text = " ".join(cat.exercise("heat-cold-therapy").steps).lower()
    for option in ("warm bath", "cold compress", "shower", "heat lamp", "cold pack", "cloth"):
        assert option in text


def test_trigger_point_guidance_explains_finding_and_talking_to_a_therapist(cat):
    text = " ".join(cat.exercise("trigger-point-therapy").steps).lower()
    assert "therapist" in text and ("friends" in text or "online" in text) and "tell" in text


def test_stretch_and_strength_items_tell_people_to_stop_on_pain(cat):
    for exercise in cat.exercises.values():
        if exercise.category in {"stretch", "strengthen"} or exercise.id == "foam-roller-release":
            assert any("stop" in c.lower() and "pain" in c.lower() for c in exercise.cautions), exercise.id


def test_foam_rolling_warns_it_can_be_uncomfortable(cat):
    assert any("uncomfortable" in c for c in cat.exercise("foam-roller-release").cautions)


def test_exercise_duration_is_its_timeline_on_its_own(cat):
    knee = cat.exercise("knee-to-chest")
    words = len(" ".join([knee.summary, *knee.steps_at()]).split())
    intro = -(-words * 2 // 5)  # ceil(words / 2.5)
    # Lying down from standing takes a longer lead-in; two sides x one set of 3 five-second holds
    # with 3 s gaps, a side switch between them, each side's hold after a "get ready".
    get_down = timing.GET_READY_SECONDS + timing.POSITION_CHANGE_SECONDS[frozenset({"standing", "floor"})]
    side = 3 * 5 + 2 * 3
    expected = intro + get_down + side + timing.SWITCH_SIDES_SECONDS + timing.GET_READY_SECONDS + side
    assert knee.duration_seconds == expected
    guidance = cat.exercise("sitting-posture")
    words = len(" ".join([guidance.summary, *guidance.steps]).split())
    assert guidance.duration_seconds == -(-words * 2 // 5)
    for exercise in cat.exercises.values():
        alone = FakeRoutine("alone", [exercise.id])
        assert exercise.duration_seconds == template_for(alone, cat, 1.0, "lead").total


def test_routine_durations_are_what_the_timeline_runs(cat):
    """`content list`, the pages and the voice quote the length the session really takes."""
    for routine in cat.routines.values():
        assert routine.duration_seconds == template_for(routine, cat, 1.0, "lead").total
        assert routine.positions == {e.position for e in routine.exercises(cat)}


def test_the_curated_routines_exist_and_do_what_their_names_promise(cat):
    assert {"quick-release", "morning-stretch", "core-strength", "desk-break", "full-relief"} <= set(
        cat.routines
    )
    assert 4 * 60 <= cat.routine("quick-release").duration_seconds <= 7 * 60
    assert "floor" not in cat.routine("desk-break").positions
    assert {e.category for e in cat.routine("morning-stretch").exercises(cat)} == {"stretch"}
    assert {e.category for e in cat.routine("core-strength").exercises(cat)} == {"strengthen"}
    timed_in_article = {id_ for id_, _ in ARTICLE_ORDER if id_ not in GUIDANCE}
    assert timed_in_article <= set(cat.routine("full-relief").exercise_ids)


def test_routine_exercises_come_back_in_routine_order(cat):
    routine = cat.routine("core-strength")
    assert [e.id for e in routine.exercises(cat)] == routine.exercise_ids
    assert all(isinstance(e, Exercise) for e in routine.exercises(cat))


def test_unknown_ids_raise_key_error(cat):
    with pytest.raises(KeyError):
        cat.exercise("yoga-flow")
    for bad in (
        "yoga-flow",
        "custom-0-any",
        "custom-91-any",
        "custom-10-any-no-seated-no-floor",
        "custom-10-any-no-floor-no-floor",
        "custom-010-any",
        "custom-10-cardio",
        "custom-10-any-no-floor-no-seated-no-standing",
    ):
        with pytest.raises(KeyError):
            cat.routine(bad)


@pytest.mark.parametrize(
    ("said", "exercise_id"),
    [
        ("pelvic tilts", "pelvic-tilt"),
        ("The Plank!", "plank"),
        ("knee-hug", "knee-to-chest"),
        ("KNEE TO CHEST", "knee-to-chest"),
        ("foam rolling", "foam-roller-release"),
        ("bolster stretch", "bolster-psoas-stretch"),
        ("kegels", "pelvic-floor-squeeze"),
        ("russian twist", "russian-twists"),
        ("heat & cold", "heat-cold-therapy"),
        ("trigger-point-therapy", "trigger-point-therapy"),
        ("  Sitting   Posture. ", "sitting-posture"),
    ],
)
def test_find_exercise_understands_what_people_say(cat, said, exercise_id):
    assert cat.find_exercise(said).id == exercise_id


@pytest.mark.parametrize(
    ("said", "routine_id"),
    [
        ("the morning routine", "morning-stretch"),
        ("Morning Stretch", "morning-stretch"),
        ("five-minute quick release", "quick-release"),
        ("5 minute quick release", "quick-release"),
        ("quick release", "quick-release"),
        ("desk break", "desk-break"),
        ("core workout", "core-strength"),
        ("full-relief", "full-relief"),
    ],
)
def test_find_routine_understands_what_people_say(cat, said, routine_id):
    assert cat.find_routine(said).id == routine_id


def test_find_returns_none_for_unknown_things(cat):
    assert cat.find_exercise("jumping jacks") is None
    assert cat.find_exercise("") is None
    assert cat.find_routine("marathon training") is None


def test_find_routine_also_resolves_assembled_ids(cat):
    built = cat.assemble(10, "stretch", {"floor"})
    assert cat.find_routine(built.id) == built


def test_every_synonym_finds_its_own_item_and_only_it(cat):
    for exercise in cat.exercises.values():
        for synonym in exercise.synonyms:
            assert cat.find_exercise(synonym) == exercise, synonym
    for routine in cat.routines.values():
        for synonym in routine.synonyms:
            assert cat.find_routine(synonym) == routine, synonym


_exercise_ids = [exercise_id for exercise_id, _ in ARTICLE_ORDER]


@settings(max_examples=200, deadline=None)
@given(
    exercise_id=st.sampled_from(_exercise_ids),
    pick=st.integers(min_value=0),
    upper=st.lists(st.booleans(), min_size=80, max_size=80),
    punctuation=st.sampled_from(["", "!", "?", ".", ",", "-"]),
)
def test_spoken_forms_match_whatever_the_case_and_punctuation(exercise_id, pick, upper, punctuation):
    cat = load_catalogue()
    exercise = cat.exercise(exercise_id)
    forms = [exercise.id, exercise.name, *exercise.synonyms]
    form = forms[pick % len(forms)]
    mangled = "".join(
        c.upper() if u else c.lower() for c, u in zip(form, chain(upper, repeat(False)), strict=False)
    )
    assert cat.find_exercise(f"  {mangled}{punctuation} ") == exercise


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=string.printable + "éß’–", max_size=60))
def test_find_never_raises_on_arbitrary_text(text):
    cat = load_catalogue()
    assert cat.find_exercise(text) is None or isinstance(cat.find_exercise(text), Exercise)
    assert cat.find_routine(text) is None or isinstance(cat.find_routine(text), Routine)


def test_safety_notice_says_guidance_not_medical_advice_and_stop_on_sharp_pain(cat):
    short = cat.safety.short.lower()
    assert "not medical advice" in short and "sharp pain" in short and "stop" in short
    assert short.count(".") + short.count("!") <= 1  # one sentence, said at every start
    full = cat.safety.full.lower()
    for words in ("not medical advice", "sharp pain", "numbness", "weakness", "fever", "bladder"):
        assert words in full
    assert cat.safety.see_clinician


def test_the_default_catalogue_is_loaded_once_per_process():
    assert load_catalogue() is load_catalogue()


def test_catalogue_entries_cannot_be_changed_by_a_caller(cat):
    with pytest.raises(ValidationError, match="frozen"):
        cat.exercise("plank").hold_seconds = 99  # type: ignore[misc]
    assert cat.exercise("plank").hold_seconds == 30


def test_minutes_are_rounded_the_same_way_for_every_front_end():
    from shared_content.catalogue import about_minutes

    # 5:15 is "about 5 minutes", 4:30 rounds up, and nothing is ever "0 minutes".
    assert [about_minutes(s) for s in (315, 290, 270, 269, 20, 0)] == [5, 5, 5, 4, 1, 1]


# --- steps that say the hold ----------------------------------------------------------------------

SAYS_THE_HOLD = {"pelvic-tilt", "knee-to-chest", "bolster-psoas-stretch", "pelvic-floor-squeeze"}


def test_steps_say_the_exercises_own_hold_by_default(cat):
    assert (
        cat.exercise("pelvic-tilt").steps_at()[2]
        == "Hold the tilt for five seconds, then relax and rest for a moment."
    )
    said = {ex.id for ex in cat.exercises.values() if any("five seconds" in s for s in ex.steps_at())}
    assert said == SAYS_THE_HOLD
    for ex in cat.exercises.values():
        assert not any("{" in s or "}" in s for s in ex.steps_at()), ex.id


@given(hold=st.integers(min_value=1, max_value=MAX_HOLD_SECONDS))
def test_steps_say_whatever_hold_the_run_has(hold):
    from shared_content.vocabulary import seconds_words

    cat = load_catalogue()
    for exercise_id in SAYS_THE_HOLD:
        ex = cat.exercise(exercise_id)
        steps = ex.steps_at(hold)
        assert len(steps) == len(ex.steps)
        assert (
            sum(s.count(seconds_words(hold)) for s in steps) == sum(s.count("{hold}") for s in ex.steps) == 1
        )
        assert not any("{" in s for s in steps)
        unchanged = [a for a, b in zip(ex.steps, steps, strict=True) if a == b]
        assert len(unchanged) == len(steps) - 1  # only the step that states the hold differs


def test_one_second_is_singular():
    from shared_content.vocabulary import seconds_words

    assert (seconds_words(1), seconds_words(6), seconds_words(21)) == (
        "one second",
        "six seconds",
        "twenty one seconds",
    )

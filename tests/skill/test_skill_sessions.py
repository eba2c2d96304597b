"""Launch, continue, stop, pain, duplicates between phone and voice, pace, linking, lifecycle."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from voice_helpers import invoke

from shared_content.engine import PACE_LEVELS, paced_hold
from shared_content.store.tables import pain_reports
from skill import envelopes


def pid(coach, voice):
    return coach.person_for_device("alexa", voice.user_id).id


def test_safety_notice_only_on_the_first_launch(voice, catalogue):
    first = voice.launch()
    assert catalogue.safety.full.split(".")[0] in first.text
    voice.say("StopIntent")
    second = voice.launch()
    assert catalogue.safety.full.split(".")[0] not in second.text
    assert "Welcome" in second.text or "again" in second.text


def test_launch_offers_a_routine_and_yes_starts_it(voice, coach):
    offer = voice.launch()
    assert "Would you like to start the" in offer.text
    started = voice.say("YesIntent")
    assert started.text.startswith("Starting the")
    view = coach.current(pid(coach, voice))
    first = view.routine.exercises(coach.catalogue)[0]
    assert view.state.phase in ("holding", "resting") and first.name in started.text


def test_no_at_launch_lists_the_routines_with_minutes(voice, catalogue):
    voice.launch()
    reply = voice.say("NoIntent")
    for routine in catalogue.routines.values():
        assert routine.name in reply.text
    assert "minutes" in reply.text


def test_continue_where_the_phone_stopped(voice, coach, clock):
    person = pid(coach, voice)
    coach.command(person, "start", safety_acknowledged=True, routine_id="core-strength", source="phone")
    coach.command(person, "skip")  # transverse abdominis
    coach.command(person, "skip")  # plank
    for _ in range(10):  # the phone's "next" moves on step by step to the plank's second set
        if coach.current(person).position.set_no == 2:
            break
        coach.command(person, "next")
    assert coach.current(person).position.exercise.id == "plank"
    offer = voice.launch()
    assert "you were on the Plank, set 2 of 2. Shall we continue" in offer.text
    reply = voice.say("YesIntent")
    # it leads from the phone's place: the plank's second set, not its first again
    assert "Set 1 of 2" not in reply.text.split("Set 2 of 2.")[0] and "Set 2 of 2." in reply.text
    assert "Hold. 5 10 15 20 25 30" in reply.text


def test_no_to_continue_offers_routines_and_keeps_the_session(voice, coach):
    person = pid(coach, voice)
    coach.command(person, "start", safety_acknowledged=True, routine_id="morning-stretch", source="phone")
    voice.launch()
    reply = voice.say("NoIntent")
    assert "Which would you like" in reply.text
    assert coach.current(person) is not None


def test_stop_mid_hold_pauses_and_continue_repeats_that_rep(voice, coach, clock):
    voice.listen = False
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("core strength", "core-strength")})
    clock.advance(45)
    stop = voice.say("StopIntent")
    assert stop.ends_session and "saved" in stop.text
    view = coach.current(pid(coach, voice))
    assert view.position.paused
    rep_then = view.position.rep
    clock.advance(3600)
    voice.launch()
    again = voice.say("YesIntent")
    # the interrupted rep is counted again from its start, never picked up mid-count
    after_opening = again.text.split(". ", 1)[1]
    assert after_opening.split("and release")[0].endswith("Hold. 2 3 4 5 ")
    assert rep_then == 1 or re.search(rf"[Rr]ep {rep_then} of 10\b", again.text)
    assert not coach.current(pid(coach, voice)).position.paused


def test_pain_stops_at_once_records_and_advises(voice, coach):
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    reply = voice.say("PainIntent")
    assert reply.text.startswith("Stopping now.") and "zero to ten" in reply.text  # stopped, then asked
    reply = voice.say("PainScoreIntent", {"score": "7"})
    assert reply.ends_session
    for words in ("sharp pain", "numbness", "weakness", "fever", "bladder"):
        assert words in reply.text
    person = pid(coach, voice)
    view = coach.current(person)
    assert view.state.phase == "done" and view.state.outcome == "pain"
    assert [h.outcome for h in coach.history(person)] == ["pain"]
    with coach.store.read() as conn:
        assert conn.execute(select(func.count()).select_from(pain_reports)).scalar() == 1


def test_pain_without_a_session_still_gives_the_advice(voice):
    voice.say("PainIntent")
    reply = voice.say("AMAZON.NextIntent")  # "skip" the score
    assert reply.ends_session and "numbness" in reply.text


def test_a_next_the_phone_already_did_is_a_duplicate_and_the_voice_says_where_things_are(voice, coach):
    voice.listen = False  # the state is read as the reply starts, not after it has been heard
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    person = pid(coach, voice)
    spoken = voice.attributes["v"]
    assert coach.command(person, "next", spoken, source="phone").status == "applied"  # phone: next
    before = coach.current(person).state
    reply = voice.say("NextIntent")  # voice: the same next
    assert "phone" in reply.text
    after = coach.current(person).state
    assert after.block_index == before.block_index  # advanced once, not twice
    assert "Set 2 of 3." in reply.text  # the voice joins the set the phone started
    assert voice.attributes["v"] == after.version


def test_slower_and_faster_say_the_new_hold_and_stop_at_the_ends(voice, coach):
    voice.listen = False  # said over the counting: the routine is still under way
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    assert "Holds are now 6 seconds" in voice.say("SlowerIntent").text  # 5 s x 1.25
    texts = [voice.say("SlowerIntent").text for _ in range(4)]
    assert "Holds are now 10 seconds" in texts[1]  # x 2.0
    assert "already the slowest" in texts[2] and "already the slowest" in texts[3]
    assert coach.current(pid(coach, voice)).state.pace == 2.0 and coach.person(pid(coach, voice)).pace == 1.0
    texts = [voice.say("FasterIntent").text for _ in range(6)]
    fastest = paced_hold(5, PACE_LEVELS[0])  # the engine keeps short holds from getting too short
    assert f"Holds are now {fastest} seconds" in texts[4] and "already the fastest" in texts[5]


def test_how_much_longer_gives_routine_and_hold_time(voice, coach, clock):
    voice.listen = False
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("core strength", "core-strength")})
    person = pid(coach, voice)
    while not coach.current(person).position.in_rep_hold:  # the intro is read, then the first hold
        clock.advance(1)
    reply = voice.say("HowMuchLongerIntent")
    assert re.search(r"about \d+ minutes left in this routine", reply.text)
    assert re.search(r"(seconds to go|starts in \d+ seconds)", reply.text)


def test_describe_reads_summary_steps_and_amount(voice, catalogue):
    plank = catalogue.exercise("plank")
    reply = voice.say("DescribeExerciseIntent", {"exercise": ("plank", "plank")})
    assert plank.summary in reply.text and all(s in reply.text for s in plank.steps)
    assert "Hold for 30 seconds" in reply.text
    tips = catalogue.exercise("heat-cold-therapy")
    reply = voice.say("DescribeExerciseIntent", {"exercise": "heat and cold therapy"})
    assert tips.summary in reply.text
    unknown = voice.say("DescribeExerciseIntent", {"exercise": "moonwalk"})
    assert "moonwalk" in unknown.text and plank.name in unknown.text


def test_unknown_routine_names_the_routines(voice, catalogue):
    reply = voice.say("StartRoutineIntent", {"routine": "salsa <b>&</b>"})
    assert "salsa <b>&</b>" in reply.text  # escaped in SSML, spoken as said
    assert "&amp;" in reply.ssml
    for routine in catalogue.routines.values():
        assert routine.name in reply.text


def test_link_phone_says_six_digits_that_pair_a_phone_and_unlink_by_voice(voice, coach):
    reply = voice.say("LinkPhoneIntent")
    codes = re.findall(r'<say-as interpret-as="digits">(\d{6})</say-as>', reply.ssml)
    assert len(codes) == 2 and codes[0] == codes[1]
    assert "code" not in str(reply.attributes)
    outcome = coach.redeem_pairing_code("browser-token-1", codes[0], "127.0.0.1")
    assert outcome.ok and outcome.person_id == pid(coach, voice)
    ask = voice.say("UnlinkPhoneIntent")
    assert "1 linked phone" in ask.text and voice.attributes["pending"] == "unlink"
    done = voice.say("YesIntent")
    assert "no longer linked" in done.text
    assert [d.kind for d in coach.devices(pid(coach, voice))] == ["alexa"]
    assert "No phones are linked" in voice.say("UnlinkPhoneIntent").text


def test_session_ended_says_nothing_and_skill_disabled_forgets_the_person(
    voice, voice_skill, coach, catalogue
):
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    ended = voice.end("EXCEEDED_MAX_REPROMPTS")
    assert ended.ssml == "" and coach.current(pid(coach, voice)) is not None
    raw = invoke(voice_skill, envelopes.skill_disabled(voice.user_id))
    assert not (raw.get("response") or {}).get("outputSpeech")
    again = voice.launch()  # a new person: the safety notice is read again
    assert catalogue.safety.full.split(".")[0] in again.text


@pytest.mark.parametrize("apl", [True, False])
def test_apl_only_on_devices_with_a_screen(apl, make_voice, coach):
    voice = make_voice(user_id=f"amzn1.ask.account.apl{apl}", apl=apl)
    voice.listen = False  # the engine is read as the reply starts, when the screen shows it
    voice.launch()
    reply = voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    docs = [d for d in reply.directives if d.get("type") == "Alexa.Presentation.APL.RenderDocument"]
    if not apl:
        assert docs == []
        return
    session = docs[0]["datasources"]["session"]
    view = coach.current(pid(coach, voice))
    # the screen shows where the engine is as the voice starts: the first exercise's introduction
    assert session["exercise"] == "Pelvic tilt" and session["phase"] == "instructions"
    assert session["phaseEndsAt"] == pytest.approx(view.position.phase_ends_at)
    assert session["set"] == 1 and session["sets"] == 3 and session["reps"] == 5
    assert docs[0]["document"]["type"] == "APL"


@pytest.mark.parametrize("locale", ["en-GB", "en-CA", "en-AU", "en-IN", "fr-FR"])
def test_other_locales_walk_too(locale, make_voice):
    voice = make_voice(user_id=f"amzn1.ask.account.{locale}", locale=locale)
    voice.launch()
    reply = voice.say("StartRoutineIntent", {"routine": ("desk break", "desk-break")})
    while not reply.ends_session:
        reply = voice.say("NextIntent")
    assert "Desk break" in reply.text


def test_a_routine_of_so_many_minutes(voice, coach):
    reply = voice.say("StartRoutineIntent", {"minutes": "10"})
    assert reply.text.startswith("Starting the 10-minute routine")
    assert coach.current(pid(coach, voice)).routine.id.startswith("custom-10")
    stretch = voice.say("StartRoutineIntent", {"minutes": "10", "routine": ("stretch", "morning-stretch")})
    assert "stretch" in coach.current(pid(coach, voice)).routine.id
    assert "Starting the" in stretch.text
    silly = voice.say("StartRoutineIntent", {"minutes": "500"})
    assert "1 to 90 minutes" in silly.text and not silly.ends_session


def test_a_first_routine_asked_for_without_launch_reads_the_full_safety_notice(voice, coach, catalogue):
    notice = " ".join(catalogue.safety.full.split())
    first = voice.say(
        "StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")}, new_session=True
    )
    assert first.text.startswith("Starting the") and notice in " ".join(first.text.split())
    assert coach.person_for_device("alexa", voice.user_id).safety_heard
    voice.say("StopIntent")
    again = voice.say(
        "StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")}, new_session=True
    )
    assert again.text.startswith("Starting the") and notice not in " ".join(again.text.split())


def test_a_phone_move_while_the_voice_works_out_its_next_is_not_written_over(voice, coach, monkeypatch):
    """The voice plans its "next" and the barrier on the session it read; the phone's Next lands in
    between (a real command, from inside the planning). Nothing the voice planned is written: it
    answers again from the phone's session, as a duplicate of what the phone did."""
    voice.listen = False
    voice.launch()
    voice.say("StartRoutineIntent", {"routine": ("morning stretch", "morning-stretch")})
    person = pid(coach, voice)
    spoken = voice.attributes["v"]
    plan, raced = coach.plan, []

    def plan_then_the_phone_moves(*args, **kwargs):
        planned = plan(*args, **kwargs)
        if not raced:
            raced.append(coach.command(person, "next", spoken, source="phone"))
        return planned

    monkeypatch.setattr(coach, "plan", plan_then_the_phone_moves)
    reply = voice.say("NextIntent")
    after = coach.current(person).state
    assert raced[0].applied and after.last_source == "voice"  # the voice's second try wrote its barrier
    assert after.block_index == raced[0].view.state.block_index  # advanced once (the phone's), not twice
    assert "phone" in reply.text and voice.attributes["v"] == after.version

"""People who share a speaker: where Alexa recognises the voice (context.System.person.personId),
each person's session, pace and history are their own; without one, the account's."""

from __future__ import annotations

from voice_helpers import invoke

from skill import envelopes

ACCOUNT = "amzn1.ask.account.SHARED-KITCHEN-ECHO"
MORNING = {"routine": ("morning stretch", "morning-stretch")}
CORE = {"routine": ("core strength", "core-strength")}


def test_two_recognised_voices_keep_their_own_sessions_on_one_speaker(make_voice, coach):
    anna = make_voice(user_id=ACCOUNT, person_id="amzn1.ask.person.ANNA")
    ben = make_voice(user_id=ACCOUNT, person_id="amzn1.ask.person.BEN")
    anna.say("StartRoutineIntent", MORNING)
    ben.say("StartRoutineIntent", CORE)
    anna_id = coach.person_for_speaker(ACCOUNT, anna.person_id).id
    ben_id = coach.person_for_speaker(ACCOUNT, ben.person_id).id
    assert anna_id != ben_id
    assert coach.current(anna_id).routine.id == "morning-stretch"
    assert coach.current(ben_id).routine.id == "core-strength"
    # Ben finishing his routine leaves Anna's running; Anna's "what am I doing" is about hers.
    ben.say("FinishIntent")
    ben.say("YesIntent")
    assert coach.current(ben_id).state.done and not coach.current(anna_id).state.done
    where = anna.say("DescribeExerciseIntent")
    assert "Core" not in where.text and coach.current(anna_id).position.exercise.name in where.text


def test_an_unrecognised_voice_gets_the_accounts_session_not_a_recognised_ones(make_voice, coach):
    anna = make_voice(user_id=ACCOUNT, person_id="amzn1.ask.person.ANNA")
    guest = make_voice(user_id=ACCOUNT)  # no personId: Alexa did not recognise the voice
    anna.say("StartRoutineIntent", MORNING)
    reply = guest.launch()
    assert "continue" not in reply.text.lower()  # nothing of Anna's is offered to the room
    account = coach.person_for_speaker(ACCOUNT, None).id
    assert coach.current(account) is None
    assert [d.label for d in coach.devices(coach.person_for_speaker(ACCOUNT, anna.person_id).id)] == [
        "Alexa, your recognised voice"
    ]


def test_pace_is_each_voices_own(make_voice, coach):
    anna = make_voice(user_id=ACCOUNT, person_id="amzn1.ask.person.ANNA")
    ben = make_voice(user_id=ACCOUNT, person_id="amzn1.ask.person.BEN")
    anna.say("StartRoutineIntent", MORNING)
    ben.say("StartRoutineIntent", MORNING)
    anna.say("SlowerIntent")
    anna_view = coach.current(coach.person_for_speaker(ACCOUNT, anna.person_id).id)
    ben_view = coach.current(coach.person_for_speaker(ACCOUNT, ben.person_id).id)
    assert anna_view.state.pace > 1.0 and ben_view.state.pace == 1.0


def test_disabling_the_skill_forgets_every_voice_on_the_account(make_voice, voice_skill, coach):
    anna = make_voice(user_id=ACCOUNT, person_id="amzn1.ask.person.ANNA")
    anna.say("StartRoutineIntent", MORNING)
    anna_id = coach.person_for_speaker(ACCOUNT, anna.person_id).id
    invoke(voice_skill, envelopes.skill_disabled(ACCOUNT))
    assert coach.person(anna_id) is None

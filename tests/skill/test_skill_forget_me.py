""" "Forget me" by voice: a yes/no confirmation first, then everything of the person is deleted,
a linked phone's devices included; "no" keeps it all."""

from __future__ import annotations

from tests.skill.test_skill_sessions import pid


def _linked(voice, coach) -> int:
    voice.launch()
    person = pid(coach, voice)
    assert coach.redeem_pairing_code("forget-me-phone", coach.create_pairing_code(person), "127.0.0.1").ok
    return person


def test_forget_me_asks_first_and_no_keeps_everything(voice, coach):
    person = _linked(voice, coach)
    ask = voice.say("ForgetMeIntent")
    assert "delete all your data" in ask.text and voice.attributes["pending"] == "forget"
    kept = voice.say("NoIntent")
    assert "kept your data" in kept.text
    assert len(coach.devices(person)) == 2


def test_forget_me_then_yes_deletes_the_person_and_every_linked_device(voice, coach):
    person = _linked(voice, coach)
    voice.say("ForgetMeIntent")
    done = voice.say("YesIntent")
    assert "deleted" in done.text
    assert coach.person(person) is None
    assert coach.export_person(person) is None
    assert coach.person_for_device("phone", "forget-me-phone").id != person  # the phone starts afresh

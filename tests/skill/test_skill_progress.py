"""'How am I doing?', 'remind me every day at 8' and 'stop my reminders' on the real skill.

The Reminders and settings APIs are a loopback stand-in (reminders_standin.py) that checks each
request; the envelope carries its URL as apiEndpoint, as Alexa sends the real one.
"""

from __future__ import annotations

import pytest
from voice_helpers import invoke, plain

from skill import envelopes
from skill.reminders import REMINDERS_SCOPE
from tests.skill.reminders_standin import RemindersStandIn, occurrences

USER = "amzn1.ask.account.PROGRESS"


@pytest.fixture
def api():
    server = RemindersStandIn(time_zone="Europe/London")
    yield server
    server.close()


def ask(skill, api, name, slots=None, *, token="good-token", permission="GRANTED", locale="en-GB"):
    envelope = envelopes.intent(name, slots, user_id=USER, locale=locale, new_session=True)
    system = envelope["context"]["System"]
    if api is None:
        system.pop("apiEndpoint"), system.pop("apiAccessToken")
    else:
        system["apiEndpoint"], system["apiAccessToken"] = api.url, token
    if permission:
        system["user"]["permissions"] = {"scopes": {REMINDERS_SCOPE: {"status": permission}}}
    raw = invoke(skill, envelope)
    return raw["response"], plain(raw["response"]["outputSpeech"]["ssml"])


def finish(coach, clock, count: int, minutes: int = 10) -> None:
    person = coach.person_for_device("alexa", USER)
    for _ in range(count):
        coach.command(
            person.id, "start", routine_id="morning-stretch", source="voice", safety_acknowledged=True
        )
        clock.advance(minutes * 60)
        coach.command(person.id, "finish", source="voice")
        clock.advance(24 * 3600 - minutes * 60)


def test_how_am_i_doing_before_any_session(voice_skill, api) -> None:
    _, text = ask(voice_skill, api, "HowAmIDoingIntent")
    assert "haven't finished a routine yet" in text


def test_how_am_i_doing_gives_this_weeks_sessions_minutes_and_streak(voice_skill, coach, clock, api) -> None:
    clock.now = 1_774_944_000.0  # Tuesday 31 March 2026, 08:00 UTC (09:00 in London)
    finish(coach, clock, 2, minutes=12)
    response, text = ask(voice_skill, api, "HowAmIDoingIntent")
    assert "This week you've done 2 sessions" in text
    assert "2 day streak" in text
    assert response.get("shouldEndSession") is not True and response.get("reprompt")
    assert ("GET", "/v2/devices/" + envelopes._device_id(USER) + "/settings/System.timeZone") in [
        r[:2] for r in api.requests
    ]


def test_remind_me_creates_a_daily_reminder_at_that_local_time(voice_skill, api) -> None:
    response, text = ask(voice_skill, api, "RemindMeIntent", {"time": "08:00"})
    assert "every day at 8 AM" in text
    assert api.problems == []
    [body] = api.reminders.values()
    assert body["trigger"]["timeZoneId"] == "Europe/London"
    assert {(d.hour, d.minute) for d in occurrences(body, 3)} == {(8, 0)}
    assert body["alertInfo"]["spokenInfo"]["content"][0]["locale"] == "en-GB"
    assert ("POST", "/v1/alerts/reminders", "Bearer good-token") in api.requests


def test_remind_me_without_a_time_asks_for_one(voice_skill, api) -> None:
    response, text = ask(voice_skill, api, "RemindMeIntent", {"time": None})
    assert "What time each day" in text and response.get("reprompt")
    assert api.reminders == {}


def test_missing_permission_sends_the_consent_card(voice_skill, api) -> None:
    response, text = ask(
        voice_skill, api, "RemindMeIntent", {"time": "19:30"}, token="no-permission", permission=None
    )
    assert "I need your permission" in text
    assert response["card"] == {"type": "AskForPermissionsConsent", "permissions": [REMINDERS_SCOPE]}
    assert api.reminders == {}


def test_refused_permission_is_said_plainly_without_calling_the_api(voice_skill, api) -> None:
    response, text = ask(voice_skill, api, "RemindMeIntent", {"time": "19:30"}, permission="DENIED")
    assert "Reminders are turned off for Psoas Coach" in text
    assert response["card"]["type"] == "AskForPermissionsConsent"
    assert [r for r in api.requests if r[0] == "POST"] == []


def test_expired_token_is_said_plainly(voice_skill, api) -> None:
    response, text = ask(voice_skill, api, "RemindMeIntent", {"time": "07:00"}, token="expired-token")
    assert "ran out" in text and "ask me again" in text
    assert api.reminders == {}


def test_device_that_cannot_take_reminders(voice_skill, api) -> None:
    _, text = ask(voice_skill, api, "RemindMeIntent", {"time": "07:00"}, token="forbidden")
    assert "didn't allow a reminder" in text


def test_stop_my_reminders_removes_them(voice_skill, api) -> None:
    ask(voice_skill, api, "RemindMeIntent", {"time": "08:00"})
    _, text = ask(voice_skill, api, "StopRemindersIntent")
    assert "removed your daily stretch reminder" in text
    assert api.reminders == {}
    _, text = ask(voice_skill, api, "StopRemindersIntent")
    assert "don't have any" in text


@pytest.mark.parametrize(
    ("value", "said"), [("12:00", "noon"), ("00:00", "midnight"), ("19:30", "7:30 PM"), ("EV", "7 PM")]
)
def test_reminder_times_are_said_naturally(voice_skill, api, value, said) -> None:
    _, text = ask(voice_skill, api, "RemindMeIntent", {"time": value})
    assert f"every day at {said}" in text

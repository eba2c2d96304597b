"""The Reminders API client against a local stand-in that checks each request's documented shape."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.reminders import (
    ApiAccess,
    ReminderError,
    RemindersClient,
    daily_reminder_body,
    slot_time,
)
from tests.skill.reminders_standin import RemindersStandIn, occurrences, shape_problems

NOW = datetime(2026, 3, 27, 18, 5, 30)


@pytest.fixture
def api():
    server = RemindersStandIn()
    yield server
    server.close()


def client(api: RemindersStandIn, token: str = "good-token", device: str | None = "amzn1.ask.device.X"):
    return RemindersClient(ApiAccess(api.url, token, device, "en-GB"))


def test_creates_a_daily_reminder_at_the_chosen_time_with_the_api_token(api) -> None:
    token = client(api).create_daily(time(8, 0), "Europe/London", "Time for your psoas stretch.", NOW)
    assert api.problems == []
    assert api.requests == [("POST", "/v1/alerts/reminders", "Bearer good-token")]
    body = api.reminders[token]
    assert body["trigger"]["timeZoneId"] == "Europe/London"
    assert body["alertInfo"]["spokenInfo"]["content"] == [
        {"locale": "en-GB", "text": "Time for your psoas stretch."}
    ]
    assert body["pushNotification"] == {"status": "ENABLED"}
    # Local 08:00 every day, through the clocks going forward on 29 March.
    days = occurrences(body, 4)
    assert [(d.day, d.hour, d.minute) for d in days] == [(28, 8, 0), (29, 8, 0), (30, 8, 0), (31, 8, 0)]


@pytest.mark.parametrize(
    ("token", "failure", "status", "code"),
    [
        ("expired-token", "permission", 401, "INVALID_BEARER_TOKEN"),
        ("no-permission", "permission", 401, "UNAUTHORIZED"),
        ("forbidden", "forbidden", 403, "DEVICE_NOT_SUPPORTED"),
    ],
)
def test_refusals_become_a_failure_the_voice_can_explain(api, token, failure, status, code) -> None:
    with pytest.raises(ReminderError) as caught:
        client(api, token).create_daily(time(8, 0), "Europe/London", "Stretch.", NOW)
    assert (caught.value.failure, caught.value.status, caught.value.code) == (failure, status, code)
    assert api.reminders == {}


def test_an_unreachable_api_is_unavailable() -> None:
    dead = RemindersClient(ApiAccess("http://127.0.0.1:9", "good-token", None, "en-US"), timeout=0.5)
    with pytest.raises(ReminderError) as caught:
        dead.create_daily(time(8, 0), "UTC", "Stretch.", NOW)
    assert caught.value.failure == "unavailable"


def test_delete_all_removes_every_reminder_of_the_skill(api) -> None:
    reminders = client(api)
    reminders.create_daily(time(8, 0), "Europe/London", "Stretch.", NOW)
    reminders.create_daily(time(19, 30), "Europe/London", "Stretch.", NOW)
    assert reminders.delete_all() == 2
    assert api.reminders == {}
    assert reminders.delete_all() == 0
    assert [m for m, *_ in api.requests].count("DELETE") == 2
    assert api.problems == []


def test_deleting_a_reminder_that_is_already_gone_is_fine(api) -> None:
    client(api).delete("not-there")


def test_delete_with_an_expired_token_is_a_permission_failure(api) -> None:
    with pytest.raises(ReminderError) as caught:
        client(api, "expired-token").delete_all()
    assert caught.value.failure == "permission"


def test_time_zone_from_the_settings_api_with_a_locale_fallback(api) -> None:
    api.time_zone = "America/Chicago"
    assert client(api).time_zone() == "America/Chicago"
    assert api.requests[-1][:2] == ("GET", "/v2/devices/amzn1.ask.device.X/settings/System.timeZone")
    assert client(api, "expired-token").time_zone() == "Europe/London"  # en-GB's usual zone
    assert client(api, device=None).time_zone() == "Europe/London"


@settings(max_examples=60)
@given(
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    zone=st.sampled_from(["Europe/London", "Asia/Kolkata"]),
)
def test_every_body_has_the_documented_shape(hour: int, minute: int, zone: str) -> None:
    body = daily_reminder_body(time(hour, minute), zone, "en-US", "Stretch.", NOW)
    assert shape_problems(body) == []
    assert {(d.hour, d.minute) for d in occurrences(body, 3)} == {(hour, minute)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("08:00", time(8, 0)),
        ("19:30", time(19, 30)),
        ("MO", time(8, 0)),
        ("EV", time(19, 0)),
        ("25:00", None),
        ("", None),
        (None, None),
        ("PT5M", None),
    ],
)
def test_slot_time(value, expected) -> None:
    assert slot_time(value) == expected

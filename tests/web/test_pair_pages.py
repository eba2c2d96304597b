"""Linking the phone with the code Alexa speaks, the errors a person can hit, and unlinking."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def speaker(coach):
    return coach.person_for_device("alexa", "amzn1.ask.account.TEST" + "A" * 30)


def test_pair_form_has_one_code_input_with_an_accessible_name(phone):
    html = phone.get("/pair").get_data(as_text=True)
    inputs = re.findall(r"<input\b(?![^>]*type=\"hidden\")[^>]*>", html)
    assert len(inputs) == 1
    assert 'inputmode="numeric"' in inputs[0] and 'autocomplete="one-time-code"' in inputs[0]
    assert re.search(r'<label for="code">[^<]*code[^<]*</label>', html)


def test_happy_path_links_the_phone_to_the_speakers_person(phone, coach, speaker):
    phone.get("/session")
    assert phone.person.id != speaker.id
    code = coach.create_pairing_code(speaker.id)
    r = phone.post("/pair", {"code": f"{code[:3]} {code[3:]}"})
    assert r.status_code == 303
    page = phone.get(r.headers["Location"]).get_data(as_text=True)
    assert "Linked" in page
    assert phone.person.id == speaker.id
    # the phone now follows the speaker's session
    coach.command(speaker.id, "start", safety_acknowledged=True, routine_id="morning-stretch", source="voice")
    html = phone.get("/session").get_data(as_text=True)
    assert coach.current(speaker.id).position.exercise.name in html


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_bad_format_is_a_400_with_a_message(phone, code):
    r = phone.post("/pair", {"code": code})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "six digits" in html and 'role="alert"' in html


def test_wrong_code_is_400_and_does_not_link(phone, coach, speaker):
    phone.get("/session")
    code = coach.create_pairing_code(speaker.id)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    r = phone.post("/pair", {"code": wrong})
    assert r.status_code == 400
    assert "didn" in r.get_data(as_text=True) or "expired" in r.get_data(as_text=True)
    assert phone.person.id != speaker.id
    assert wrong not in r.get_data(as_text=True)  # codes are never echoed back


def test_too_many_wrong_codes_is_429(phone, coach, speaker):
    code = coach.create_pairing_code(speaker.id)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    statuses = [phone.post("/pair", {"code": wrong}).status_code for _ in range(8)]
    assert statuses[0] == 400 and statuses[-1] == 429
    r = phone.post("/pair", {"code": code})
    assert r.status_code == 429  # even the right code waits out the limit
    assert "Too many" in r.get_data(as_text=True)
    assert 0 < int(r.headers["Retry-After"]) <= 600


def test_429_comes_from_the_limited_flag_not_the_words(phone, monkeypatch):
    from shared_content.pairing import PairingOutcome
    from webapp import pairing as web_pairing

    class FakeCoach:
        def __init__(self, outcome):
            self.outcome = outcome

        def redeem_pairing_code(self, *args):
            return self.outcome

    wordy = PairingOutcome(False, "Too many tries? Wait, that code has expired; the limit is ten minutes.")
    monkeypatch.setattr(web_pairing, "get_coach", lambda: FakeCoach(wordy))
    r = phone.post("/pair", {"code": "123456"})
    assert r.status_code == 400 and "Retry-After" not in r.headers

    quiet = PairingOutcome(False, "Please hold on a moment.", limited=True, retry_after_seconds=123)
    monkeypatch.setattr(web_pairing, "get_coach", lambda: FakeCoach(quiet))
    r = phone.post("/pair", {"code": "123456"})
    assert r.status_code == 429 and r.headers["Retry-After"] == "123"
    assert "Please hold on a moment." in r.get_data(as_text=True)


def test_devices_lists_and_unlinks(phone, coach, speaker):
    phone.get("/session")
    phone.post("/pair", {"code": coach.create_pairing_code(speaker.id)})
    html = phone.get("/devices").get_data(as_text=True)
    ids = re.findall(r'action="/devices/(\d+)/unlink"', html)
    assert len(ids) == 2 and ">Unlink</button>" in html
    alexa = next(d for d in coach.devices(speaker.id) if d.kind == "alexa")
    r = phone.post(f"/devices/{alexa.id}/unlink")
    assert r.status_code == 303
    assert [d.kind for d in coach.devices(phone.person.id)] == ["phone"]


def test_cannot_unlink_someone_elses_device(phone, coach, speaker):
    phone.get("/session")
    alexa = coach.devices(speaker.id)[0]
    assert phone.post(f"/devices/{alexa.id}/unlink").status_code == 404
    assert coach.devices(speaker.id) == [alexa]

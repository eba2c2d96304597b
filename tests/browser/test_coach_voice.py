"""The phone as a coach on its own (static/coach_voice.js), in real Chromium with recording doubles of
the Web Speech API and Web Audio: what it says and beeps, when, and when it keeps quiet."""

from __future__ import annotations

import re

from coach_harness import at, cue, gesture, one_hold_set, open_harness, play, record, segment, state

from shared_content.catalogue import load_catalogue

ON_TIME_MS = 300


def spoken(rec) -> list[str]:
    return [s["text"] for s in rec["spoken"] if s["text"]]


def first_after(entries, t, text=None):
    return next(e for e in entries if e["t"] >= t - 5 and (text is None or e.get("text") == text))


def test_the_phone_speaks_each_cue_and_beeps_at_each_hold_start_and_end_on_time(page, live_server):
    open_harness(page, live_server)
    gesture(page)
    play(page, one_hold_set())
    rec = record(page)
    assert spoken(rec) == [
        "Get into position.", "Set 1 of 3.", "3", "2", "1", "Hold.", "2", "3", "And release.",
        "1", "Hold.", "2", "3", "And release.", "Rest.",
    ]  # fmt: skip
    # Each cue's first words start within 0.3 s of the moment the timeline gives it.
    expected_first = {"get_ready": "Get into position.", "hold_start": "Hold.", "release": "And release."}
    for due in rec["due"]:
        if due["type"] != "cue" or due["key"] not in expected_first:
            continue
        said = first_after(rec["spoken"], due["t"], expected_first[due["key"]])
        assert said["t"] - due["t"] < ON_TIME_MS, (due, said)
    # Every number is heard on its second (the hold's first second is heard as "Hold").
    counts = [d for d in rec["due"] if d["key"] in ("count", "countdown") and d["params"]["n"] > 1]
    counts += [d for d in rec["due"] if d["key"] == "countdown" and d["params"]["n"] == 1]
    for due in counts:
        said = first_after(rec["spoken"], due["t"], str(due["params"]["n"]))
        assert said["t"] - due["t"] < ON_TIME_MS, (due, said)
    # A tone at every hold start (high) and end (lower), on time; a buzz too.
    holds = [d["t"] for d in rec["due"] if d["key"] == "hold_start"]
    ends = [d["t"] for d in rec["due"] if d["key"] == "release"]
    high = [t["t"] for t in rec["tones"] if t["hz"] == 880]
    low = [t["t"] for t in rec["tones"] if t["hz"] == 523]
    assert len(high) == len(holds) == 2 and len(low) == len(ends) == 2
    assert all(abs(a - b) < ON_TIME_MS for a, b in zip(holds + ends, high + low, strict=True))
    assert len(rec["vibrations"]) == 4
    assert page.console_errors == []


def test_the_intro_reads_the_exercise_and_gives_way_to_the_count(page, live_server):
    exercise = load_catalogue().exercise("pelvic-tilt")
    open_harness(page, live_server)
    gesture(page)
    play(page, [at(0, state()), at(0, segment(0, "intro")), at(50, cue("intro", exercise="pelvic-tilt"))])
    said = spoken(record(page))
    assert said[0] == f"{exercise.name}."
    assert " ".join(said[1:]) == exercise.summary
    # Chrome cuts long utterances: every piece is a sentence or shorter.
    assert all(len(s) <= 120 for s in said)

    # A long guidance read-out is cut when the countdown arrives, and the count is heard on time.
    guidance = [at(0, cue("intro", exercise="pelvic-tilt", guidance=True)), at(600, cue("countdown", n=3))]
    play(page, guidance)
    rec = record(page)
    due = next(d["t"] for d in rec["due"] if d["key"] == "countdown")
    three = first_after(rec["spoken"], due, "3")
    assert three["t"] - due < ON_TIME_MS
    assert any(0 <= c - due < ON_TIME_MS for c in rec["cancels"])
    assert spoken(rec)[-1] == "3", "the rest of the instructions are dropped, not read after the count"


def test_sound_off_silences_speech_and_tones_at_once_and_is_remembered(page, live_server):
    open_harness(page, live_server)
    toggle = page.get_by_role("button", name=re.compile("sound", re.I))
    assert toggle.get_attribute("aria-pressed") == "true"
    gesture(page)
    # Turned off in the middle of an instruction: the speech stops at once.
    # The full guidance is many sentences: some are still queued when the toggle is pressed.
    intro = cue("intro", exercise="pelvic-tilt", guidance=True)
    page.evaluate("(e) => window.__play(e)", [at(0, state()), at(0, intro)])
    page.wait_for_timeout(150)
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false" and "off" in toggle.inner_text().lower()
    page.wait_for_timeout(1500)
    rec = record(page)
    assert rec["cancels"], "queued speech is cancelled when sound goes off"
    # Nothing starts after the moment sound went off (the click itself can land mid-sentence).
    off_at = rec["cancels"][0]
    heard = [s for s in rec["spoken"] if s["text"]]
    assert heard and all(s["t"] <= off_at for s in heard), (off_at, heard)
    last_step = load_catalogue().exercise("pelvic-tilt").steps_at()[-1]
    assert last_step not in " ".join(s["text"] for s in heard), "the rest of the guidance is not read"
    before = len(heard)
    play(page, one_hold_set()[:9])  # up to the first hold
    rec = record(page)
    assert len(spoken(rec)) == before and rec["tones"] == []

    page.reload()
    page.wait_for_load_state("networkidle")
    toggle = page.get_by_role("button", name=re.compile("sound", re.I))
    assert toggle.get_attribute("aria-pressed") == "false"
    gesture(page)
    play(page, one_hold_set()[:9])  # up to the first hold
    rec = record(page)
    assert spoken(rec) == [] and rec["tones"] == []
    # And on again: the next cue is heard.
    toggle.click()
    play(page, [at(0, cue("hold_start", exercise="pelvic-tilt", rep=1, reps=2, seconds=3))])
    rec = record(page)
    assert spoken(rec) == ["Hold."] and [t["hz"] for t in rec["tones"]] == [880]


def test_when_alexa_leads_the_phone_stays_quiet_and_says_so(page, live_server):
    open_harness(page, live_server)
    gesture(page)
    events = one_hold_set()
    events[0] = at(0, state(led_by="voice"))
    play(page, events)
    rec = record(page)
    assert spoken(rec) == [] and rec["tones"] == [] and rec["vibrations"] == []
    status = page.locator("[data-sound-status]")
    assert status.is_visible() and status.inner_text() == "Alexa is counting"
    # The speaker's response ends: the phone takes over from the next cue.
    play(page, [at(0, state(led_by="phone")), at(100, cue("rest", seconds=30))])
    assert spoken(record(page)) == ["Rest."]
    assert not status.is_visible()


def test_before_any_tap_the_phone_says_it_needs_one_rather_than_failing_silently(page, live_server):
    open_harness(page, live_server)
    play(page, [at(0, state()), at(0, cue("hold_start", exercise="pelvic-tilt", rep=1, reps=2, seconds=3))])
    rec = record(page)
    assert spoken(rec) == [] and rec["tones"] == []
    assert "tap" in page.locator("[data-sound-status]").inner_text().lower()
    gesture(page)
    page.wait_for_timeout(100)
    assert not page.locator("[data-sound-status]").is_visible()


def test_pause_cancels_speech_and_resume_continues_from_the_next_cue(page, live_server):
    open_harness(page, live_server)
    gesture(page)
    events = [
        at(0, state()),
        at(0, cue("intro", exercise="pelvic-tilt")),
        at(300, state(paused=True)),
        at(600, cue("countdown", n=3)),
        at(1200, state(paused=False)),
        at(1300, cue("countdown", n=2)),
    ]
    play(page, events)
    rec = record(page)
    paused_at = [d["t"] for d in rec["due"] if d["type"] == "state"][1]
    assert any(0 <= c - paused_at < ON_TIME_MS for c in rec["cancels"])
    after_pause = [s["text"] for s in rec["spoken"] if s["t"] > paused_at and s["text"]]
    assert after_pause == ["2"]


def test_screen_readers_hear_hold_release_and_rest_politely_and_never_twice(page, live_server):
    open_harness(page, live_server)
    gesture(page)
    events = one_hold_set()
    # The page repeats its current segment (a reconnect): nothing new to say.
    events.append(at(12600, segment(5, "rest", rep=2, duration=30)))
    play(page, events)
    live = page.locator("[data-coach-announcer]")
    assert live.get_attribute("aria-live") == "polite"
    announced = record(page)["announced"]
    assert announced == ["Hold, rep 1 of 2", "Release", "Hold, rep 2 of 2", "Rest, 30 seconds"]
    assert all(a != b for a, b in zip(announced, announced[1:], strict=False))


def test_without_its_markup_the_script_does_nothing(page, live_server):
    open_harness(page, live_server, markup="<p data-spacer>No session here</p>")
    gesture(page)
    play(page, one_hold_set())
    rec = record(page)
    assert spoken(rec) == [] and rec["tones"] == []
    assert page.locator("[data-coach-announcer]").count() == 0
    assert page.console_errors == []

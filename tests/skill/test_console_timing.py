"""The console says how long a counting or resting reply takes on a speaker, and `--realtime`
waits that long before the next line: run against the real skill behind the dev endpoint."""

from __future__ import annotations

import io
import re
import threading

import pytest
from flask import Flask
from werkzeug.serving import make_server

from skill import console
from skill.endpoint import alexa_blueprint
from skill.speech.ssml import estimate_seconds

# a leading reply runs minutes: "(about 35 s ...)", "(about 2 min 59 s ...)", "(about 3 min ...)"
NOTE = re.compile(r"\(about (?:(\d+) min)? ?(?:(\d+) s)? spoken on a speaker\)")


def noted_seconds(note: re.Match[str]) -> int:
    return int(note.group(1) or 0) * 60 + int(note.group(2) or 0)


class RealSkillServer:
    """The product's skill on a real Coach (fake clock), over HTTP; remembers each reply's SSML."""

    def __init__(self, coach):
        self.replies: list[str] = []
        app = Flask("real-skill")
        app.register_blueprint(alexa_blueprint(coach, skill_id=None, verify=False))

        @app.after_request
        def remember(resp):
            body = resp.get_json(silent=True) or {}
            self.replies.append(((body.get("response") or {}).get("outputSpeech") or {}).get("ssml", ""))
            return resp

        self.server = make_server("127.0.0.1", 0, app)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alexa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def real_skill(coach):
    srv = RealSkillServer(coach)
    yield srv
    srv.close()


class LoggedInput(io.StringIO):
    """Piped input that logs when each line is read, next to the console's waits."""

    def __init__(self, lines, events):
        super().__init__("".join(f"{line}\n" for line in lines))
        self.events = events

    def __next__(self):
        line = super().__next__()
        self.events.append(("read", line.strip()))
        return line


def talk(real_skill, monkeypatch, capsys, lines, *args, events=None):
    events = [] if events is None else events
    monkeypatch.setattr(console, "_wait", lambda seconds: events.append(("wait", seconds)))
    rc = console.main(
        ["--url", real_skill.url, "--user-id", "amzn1.ask.account.CONSOLE", *args],
        stdin=LoggedInput(lines, events),
    )
    out = capsys.readouterr().out
    assert rc == 0
    return out, events


# A new person's first run, as they would say it: the welcome asks the once-only red-flag screen
# ("no"), the start asks the before check-in ("skip"), then the routine is counted.
FIRST_RUN = ["open psoas coach", "no", "start the core strength", "skip"]  # it needs no equipment


def test_counting_and_resting_replies_note_their_spoken_length(real_skill, monkeypatch, capsys):
    out, events = talk(real_skill, monkeypatch, capsys, [*FIRST_RUN, "next"])
    started, nxt = real_skill.replies[3:5]
    blocks = out.split("you> ")
    # the welcome, the screen's answer and the check-in are ordinary speech: no note
    assert not any(NOTE.search(block) for block in blocks[1:4])
    # the first set, counted and rested: the note right after the reply, with the skill's estimate
    note = NOTE.search(blocks[4])
    assert note and noted_seconds(note) == round(estimate_seconds(started)) > 30
    assert blocks[4].index("Alexa: ") < note.start()
    assert "\x1b[" not in out  # dim only on a terminal
    fifth = NOTE.search(blocks[5])
    assert fifth and noted_seconds(fifth) == round(estimate_seconds(nxt))
    # without --realtime the console never waits
    assert not [e for e in events if e[0] == "wait"]


def test_realtime_waits_the_spoken_length_before_reading_the_next_line(real_skill, monkeypatch, capsys):
    out, events = talk(real_skill, monkeypatch, capsys, [*FIRST_RUN, "next"], "--realtime")
    started = real_skill.replies[3]
    kinds = [kind for kind, _ in events]
    assert kinds == ["read", "read", "read", "read", "wait", "read", "wait"], events
    waited = events[4][1]
    assert waited == pytest.approx(estimate_seconds(started), abs=0.5)
    assert events[5] == ("read", "next")


def test_a_cut_short_wait_carries_on(real_skill, monkeypatch, capsys):
    def interrupted(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(console, "_wait", interrupted)
    rc = console.main(
        ["--url", real_skill.url, "--user-id", "u-cut", "--realtime"],
        stdin=io.StringIO("".join(f"{line}\n" for line in [*FIRST_RUN, "next"])),
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert out.count("(wait cut short)") == 2
    assert out.count("Alexa: ") == 5


def test_the_note_is_dim_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    term = Terminal()
    c = console.Console(
        "http://127.0.0.1:9/alexa",
        user_id="u",
        out=term,
        model={
            "interactionModel": {
                "languageModel": {"invocationName": "psoas coach", "intents": [], "types": []}
            }
        },
    )
    ssml = '<speak>Hold. 1 <break time="900ms"/> 2 <break time="900ms"/> 3 <break time="900ms"/> and release.</speak>'
    c._show({"response": {"outputSpeech": {"type": "SSML", "ssml": ssml}}})
    assert f"\x1b[2m(about {round(estimate_seconds(ssml))} s spoken on a speaker)\x1b[0m" in term.getvalue()


def test_spoken_length_is_only_noted_for_counts_and_rests():
    assert console.spoken_seconds("<speak>Welcome back.</speak>") is None
    assert console.spoken_seconds('<speak>Welcome.<break time="1s"/>Which routine?</speak>') is None
    rest = '<speak>Rest for 10 seconds. <break time="10000ms"/> Rest\'s over.</speak>'
    assert console.spoken_seconds(rest) == pytest.approx(estimate_seconds(rest))
    assert console.spoken_note(35.4) == "(about 35 s spoken on a speaker)"
    assert console.spoken_note(150) == "(about 2 min 30 s spoken on a speaker)"

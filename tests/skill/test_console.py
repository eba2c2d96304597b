"""`psoas-coach talk` against a real HTTP server (a tiny recording skill), through the real CLI."""

from __future__ import annotations

import io
import os
import socket
import stat
import threading

import pytest
from flask import Flask, jsonify, request
from werkzeug.serving import make_server


class RecordingSkill:
    """POST /alexa: records each envelope and answers like a small skill would."""

    def __init__(self):
        self.envelopes: list[dict] = []
        app = Flask("recording-skill")

        @app.post("/alexa")
        def alexa():
            env = request.get_json()
            self.envelopes.append(env)
            return jsonify(self.answer(env))

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alexa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, env):
        req = env["request"]
        turn = (env.get("session") or {}).get("attributes", {}).get("turn", 0) + 1
        speech, end, extra = "", False, {}
        if req["type"] == "LaunchRequest":
            speech = 'Welcome to Psoas Coach.<break time="1s"/>Which routine would you like?'
            extra["reprompt"] = {
                "outputSpeech": {"type": "SSML", "ssml": "<speak>Say a routine name.</speak>"}
            }
        elif req["type"] == "IntentRequest" and req["intent"]["name"] == "StartRoutineIntent":
            speech = 'Starting the morning stretch.<break time="500ms"/>Lie on your back. <say-as interpret-as="digits">12</say-as>'
            extra["card"] = {"type": "Simple", "title": "Morning stretch", "content": "Pelvic tilt"}
            extra["directives"] = [
                {"type": "Alexa.Presentation.APL.RenderDocument", "token": "step", "document": {}}
            ]
        elif req["type"] == "IntentRequest" and req["intent"]["name"] == "AMAZON.NextIntent":
            speech, end = 'Well done.<break strength="strong"/>Goodbye.', True
        elif req["type"] == "SessionEndedRequest":
            return {"version": "1.0", "response": {}}
        else:
            speech = "Sorry, I didn't get that."
        return {
            "version": "1.0",
            "sessionAttributes": {"turn": turn},
            "response": {
                "outputSpeech": {"type": "SSML", "ssml": f"<speak>{speech}</speak>"},
                "shouldEndSession": end,
                **extra,
            },
        }

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def skill_server():
    with RecordingSkill() as s:
        yield s


def _talk(monkeypatch, capsys, lines, *args):
    from skill.console import main

    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    rc = main(list(args))
    return rc, capsys.readouterr()


def test_psoas_coach_talk_passes_its_options_to_the_console(skill_server, monkeypatch, capsys):
    """The public contract: `psoas-coach talk --url URL` (options right after `talk`)."""
    from psoas_coach.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("open psoas coach\nquit\n"))
    assert main(["talk", "--url", skill_server.url, "--user-id", "u1"]) == 0
    assert "Welcome to Psoas Coach" in capsys.readouterr().out
    assert [e["request"]["type"] for e in skill_server.envelopes] == ["LaunchRequest", "SessionEndedRequest"]


def test_a_conversation_sends_real_envelopes_and_prints_the_replies(skill_server, monkeypatch, capsys):
    rc, cap = _talk(
        monkeypatch,
        capsys,
        ["open psoas coach", "start the morning stretch", "next", "sing me a song", "quit", "next"],
        "--url",
        skill_server.url,
        "--user-id",
        "amzn1.ask.account.TEST",
        "--locale",
        "en-GB",
    )
    assert rc == 0, cap.err
    envs = skill_server.envelopes
    kinds = [e["request"]["type"] + ":" + e["request"].get("intent", {}).get("name", "") for e in envs]
    # "quit" leaves the console: the last "next" is never sent
    assert kinds == [
        "LaunchRequest:",
        "IntentRequest:StartRoutineIntent",
        "IntentRequest:AMAZON.NextIntent",
        "IntentRequest:AMAZON.FallbackIntent",
        "SessionEndedRequest:",
    ]
    launch, start, nxt, fallback, ended = envs
    assert all(e["session"]["user"]["userId"] == "amzn1.ask.account.TEST" for e in envs)
    assert all(e["request"]["locale"] == "en-GB" for e in envs)
    # one session for the first three, attributes carried forward from each response
    assert launch["session"]["new"] is True and start["session"]["new"] is False
    assert launch["session"]["sessionId"] == start["session"]["sessionId"] == nxt["session"]["sessionId"]
    assert start["session"]["attributes"] == {"turn": 1}
    assert nxt["session"]["attributes"] == {"turn": 2}
    slot = start["request"]["intent"]["slots"]["routine"]
    assert slot["value"] == "morning stretch"
    resolution = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert resolution["status"]["code"] == "ER_SUCCESS_MATCH"
    assert resolution["values"][0]["value"]["id"] == "morning-stretch"
    # "next" ended the session, so the next line opens a new one, without old attributes
    assert fallback["session"]["new"] is True
    assert fallback["session"]["sessionId"] != launch["session"]["sessionId"]
    assert fallback["session"]["attributes"] == {}
    assert ended["session"]["sessionId"] == fallback["session"]["sessionId"]
    assert ended["request"]["reason"] == "USER_INITIATED"

    out = cap.out
    assert "Alexa: Welcome to Psoas Coach. [pause 1s] Which routine would you like?" in out
    assert "(reprompt) Say a routine name." in out
    assert "Alexa: Starting the morning stretch. [pause 500ms] Lie on your back. 1 2" in out
    assert "[card: Morning stretch]" in out
    assert "[screen: APL document sent" in out
    assert "Alexa: Well done. … Goodbye." in out
    assert "[session ended]" in out
    assert "-> StartRoutineIntent(routine=morning-stretch)" in out
    assert "Traceback" not in cap.err


def test_end_of_input_ends_the_open_session(skill_server, monkeypatch, capsys):
    rc, _ = _talk(
        monkeypatch, capsys, ["open psoas coach"], "--url", skill_server.url, "--user-id", "u1", "--apl"
    )
    assert rc == 0
    assert [e["request"]["type"] for e in skill_server.envelopes] == ["LaunchRequest", "SessionEndedRequest"]
    assert (
        "Alexa.Presentation.APL"
        in skill_server.envelopes[0]["context"]["System"]["device"]["supportedInterfaces"]
    )


def test_a_number_slot_is_sent_without_entity_resolution(skill_server, monkeypatch, capsys):
    _talk(
        monkeypatch, capsys, ["I have twenty minutes", "exit"], "--url", skill_server.url, "--user-id", "u1"
    )
    first = skill_server.envelopes[0]
    assert first["session"]["new"] is True
    slot = first["request"]["intent"]["slots"]["minutes"]
    assert slot["value"] == "20" and "resolutions" not in slot


def test_unreachable_server_gives_a_clear_message_not_a_traceback(monkeypatch, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rc, cap = _talk(
        monkeypatch,
        capsys,
        ["open psoas coach"],
        "--url",
        f"http://127.0.0.1:{port}/alexa",
        "--user-id",
        "u1",
    )
    assert rc == 1
    assert "Is `make run` running?" in cap.err
    assert "Traceback" not in cap.err


def test_http_errors_are_reported_and_the_console_goes_on(monkeypatch, capsys):
    app = Flask("broken")
    seen = []

    @app.post("/alexa")
    def alexa():
        seen.append(request.get_json()["request"]["type"])
        return jsonify({"error": "bad envelope"}), 400

    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        rc, cap = _talk(
            monkeypatch,
            capsys,
            ["open psoas coach", "next"],
            "--url",
            f"http://127.0.0.1:{server.server_port}/alexa",
            "--user-id",
            "u1",
        )
    finally:
        server.shutdown()
        thread.join(5)
    assert rc == 0
    assert "HTTP 400" in cap.out and "bad envelope" in cap.out
    assert seen[:2] == ["LaunchRequest", "IntentRequest"]


def test_speak_pipes_the_ssml_to_espeak_ng(skill_server, monkeypatch, capsys, tmp_path):
    log = tmp_path / "espeak.log"
    fake = tmp_path / "espeak-ng"
    fake.write_text(f'#!/bin/sh\necho "ARGS $@" >> "{log}"\ncat >> "{log}"\necho >> "{log}"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    _talk(
        monkeypatch,
        capsys,
        ["open psoas coach", "quit"],
        "--url",
        skill_server.url,
        "--user-id",
        "u1",
        "--speak",
    )
    spoken = log.read_text()
    assert "ARGS -m" in spoken
    assert '<speak>Welcome to Psoas Coach.<break time="1s"/>' in spoken


def test_speak_without_espeak_ng_says_so_once(skill_server, monkeypatch, capsys):
    monkeypatch.setattr("shutil.which", lambda name: None)
    rc, cap = _talk(
        monkeypatch,
        capsys,
        ["open psoas coach", "quit"],
        "--url",
        skill_server.url,
        "--user-id",
        "u1",
        "--speak",
    )
    assert rc == 0
    assert cap.out.count("espeak-ng is not installed") == 1
    assert "Welcome to Psoas Coach" in cap.out


def test_default_user_id_is_stable_per_machine(monkeypatch, tmp_path):
    from skill.console import default_user_id

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    first = default_user_id()
    assert first.startswith("amzn1.ask.account.")
    assert default_user_id() == first
    assert (tmp_path / "psoas-coach" / "console-user-id").read_text().strip() == first

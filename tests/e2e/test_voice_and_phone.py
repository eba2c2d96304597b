"""Voice and phone on one live session, with every part real: the server in its own process
(`psoas-coach serve --dev --workers 2`, gunicorn + gevent, so the voice request and the phone's live
connection usually land on different worker processes), Alexa request envelopes over HTTP to
/alexa, and the phone page in Debian's Chromium. Each test runs on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.e2e.clients import Speaker, panel_version
from tests.e2e.servers import REPO_ROOT, CuttableProxy

pytestmark = [pytest.mark.e2e]

ROUTINE = "morning-stretch"
LIVE = 10_000  # ms: generous bound for "the phone shows it without reload"


def catalogue():
    from shared_content.catalogue import load_catalogue

    return load_catalogue()


def moved_on_phrases(locale: str = "en-US") -> list[str]:
    from skill.speech.phrases import phrases  # the base English text with the locale's differences

    return list(phrases(locale).variants("sync.moved_on"))


def new_user_id() -> str:
    return f"amzn1.ask.account.e2e-{uuid.uuid4().hex}"


# --- the phone, in Chromium ----------------------------------------------------------------


class PhonePage:
    def __init__(self, page, base_url: str):
        from playwright.sync_api import expect

        self.page, self.base, self.expect = page, base_url, expect
        self.sse_requests: list[str] = []
        page.on("request", lambda r: self.sse_requests.append(r.url) if "/session/events" in r.url else None)

    def pair(self, code: str) -> None:
        page = self.page
        page.goto(self.base + "/pair")
        # A person reads the page before typing; without this pause the page's own background
        # request (offline.js -> /api/session.json) can still be minting this browser's identity
        # cookie when the form is sent, and the later Set-Cookie wins (see the e2e report).
        page.wait_for_load_state("networkidle")
        page.get_by_role("textbox", name=re.compile("code", re.I)).fill(code)
        page.get_by_role("button", name=re.compile("link", re.I)).click()
        page.wait_for_load_state()
        assert "/pair" not in page.url, page.content()[:2000]

    def open_session(self) -> None:
        self.page.goto(self.base + "/session")
        # Set on this document only: if the page ever reloads, the marker is gone.
        self.page.evaluate("window.__sameDocument = 'yes'")

    def assert_not_reloaded(self) -> None:
        assert self.page.evaluate("window.__sameDocument") == "yes", "the phone page reloaded"

    @property
    def live_region(self):
        """The aria-live region that announces the current exercise."""
        return self.page.locator('[aria-live="polite"], [aria-live="assertive"]').filter(
            has=self.page.get_by_role("heading")
        )

    def expect_exercise(self, name: str) -> None:
        self.expect(self.live_region.get_by_role("heading", name=name)).to_be_visible(timeout=LIVE)

    def expect_version(self, version: int) -> None:
        self.expect(self.page.locator('#session-panel input[name="expected_version"]').first).to_have_value(
            str(version), timeout=LIVE
        )

    def expect_text(self, text: str) -> None:
        self.expect(self.live_region).to_contain_text(text, timeout=LIVE)

    def version(self) -> int | None:
        return panel_version(self.page.locator("#session-panel").inner_html())

    def tap(self, label: str) -> None:
        self.page.locator("#session-panel").get_by_role("button", name=label, exact=True).click()


# --- the story -------------------------------------------------------------------------------


def test_voice_and_phone_share_one_live_session(server, phone_context, request):
    cat = catalogue()
    routine = cat.routine(ROUTINE)
    first, second = routine.exercises(cat)[0], routine.exercises(cat)[1]
    assert first.kind == "timed" and first.sets >= 3, (
        "the story below walks through sets of the first exercise"
    )

    speaker = Speaker(server.alexa_url, new_user_id())
    proxy = CuttableProxy(server.port)  # the phone's network, which step 5 cuts
    request.addfinalizer(proxy.close)
    phone = PhonePage(phone_context.new_page(), proxy.url)

    # 1. "Alexa, ask psoas coach to link my phone" -> six digits -> typed in at /pair.
    phone.pair(speaker.link_code())
    phone.open_session()
    # Nothing to announce yet: the panel says so (the live region holds a running exercise's name).
    phone.expect(phone.page.locator("#session-panel")).to_contain_text("No session running")

    # 2. A routine started by voice appears on the phone, live.
    speaker.start_routine(ROUTINE, "morning stretch")
    assert speaker.version is not None, speaker.speech
    assert first.name.lower() in speaker.speech.lower()
    phone.expect_exercise(first.name)
    phone.expect_version(speaker.version)
    phone.expect_text(f"Set 1 of {first.sets}")
    phone.assert_not_reloaded()

    # 3. The phone moves on: the live timeline jumps for both sides.
    stale = dict(speaker.attributes)
    phone.tap("Next")
    phone.expect_version(stale["v"] + 1)
    phone_version = stale["v"] + 1

    # 4. The voice, still holding the version it spoke about, answers from where the phone is:
    #    its next turn starts with what the phone did, and a stale "next" is not applied on top of
    #    the phone's (the engine's duplicate rule; tests/unit/test_service.py races it for real).
    speaker.say("AMAZON.NextIntent", attributes=stale)
    said = speaker.speech.lower()
    assert any(p.lower() in said for p in moved_on_phrases()) or "on your phone" in said, speaker.speech
    assert speaker.version is not None and speaker.version >= phone_version
    phone.expect_version(speaker.version)  # the phone follows what the voice now leads
    phone.expect_exercise(first.name)

    # 5. The phone's connection drops (a network blip, not "offline"); the voice moves on meanwhile;
    #    the phone reconnects and shows the current step by itself, without a reload.
    connections_before = len(phone.sse_requests)
    before_blip = speaker.version
    assert proxy.cut(refuse_for=1.0) >= 1
    speaker.say("AMAZON.NextIntent")
    assert speaker.version > before_blip, speaker.speech
    phone.expect_version(speaker.version)
    phone.expect_exercise(first.name)
    assert len(phone.sse_requests) > connections_before, "the phone never reconnected its live updates"
    phone.assert_not_reloaded()
    phone_version = speaker.version

    # 6. The phone goes offline (the browser knows it), the voice acts, the phone comes back online
    #    and shows the current step (the app may reload its page for this: that is its offline design).
    phone_context.set_offline(True)
    phone.page.wait_for_timeout(300)
    speaker.say("AMAZON.NextIntent")
    offline_version = speaker.version
    assert offline_version > phone_version, speaker.speech
    phone_context.set_offline(False)
    phone.expect_version(offline_version)  # the step the voice left it at, whatever that is
    phone.expect_exercise(first.name)
    phone.page.evaluate("window.__sameDocument = 'yes'")

    # 7. Voice acts again, phone follows, all the way to the next exercise.
    # (A leading reply names the next exercise at its end too, when it reaches it: wait for a reply
    # that opens with it.)
    def opens_with_second() -> bool:
        return second.name.lower() in speaker.speech.lower()[:80]

    for _ in range(12):  # through the remaining sets (and their rests) until the next exercise
        speaker.say("AMAZON.NextIntent")
        if opens_with_second():
            break
    assert speaker.version > offline_version and opens_with_second(), speaker.speech
    phone.expect_exercise(second.name)
    phone.expect_version(speaker.version)
    phone.assert_not_reloaded()


# --- the voice console in another process, a plain HTTP streaming phone -----------------------


class SseClient:
    """A phone without a browser: GET /session/events on a raw socket with the phone's cookie;
    events go into a queue. close() really closes (shutdown), whatever the reader is doing."""

    def __init__(self, http: requests.Session, base_url: str, path: str = "/session/events"):
        import socket
        from urllib.parse import urlsplit

        from tests.e2e.clients import SseStream, cookie_header, sse_request

        url = urlsplit(base_url)
        self.events: queue.Queue = queue.Queue()
        self.stream = SseStream()
        self.sock = socket.create_connection((url.hostname, url.port), timeout=10)
        self.sock.settimeout(None)
        self.sock.sendall(sse_request(url.hostname, url.port, path, cookie_header(http)))
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                for event in self.stream.feed(data):
                    self.events.put(event)
        except OSError:
            pass
        self.events.put(None)

    def wait_for(self, predicate, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("the phone's live stream never showed the expected change")
            try:
                item = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if item is None:
                raise AssertionError(f"the phone's live stream ended (HTTP {self.stream.status})")
            if item["event"] == "session" and predicate(item["data"]):
                return item

    def close(self) -> None:
        import socket

        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(5)


class Talk:
    """`psoas-coach talk --url ...` in its own process, typed into through a pipe."""

    def __init__(self, alexa_url: str, user_id: str, env: dict):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "psoas_coach.cli", "talk", "--url", alexa_url, "--user-id", user_id],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue = queue.Queue()
        self.transcript: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.transcript.append(line.rstrip("\n"))
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def type(self, utterance: str) -> None:
        self.proc.stdin.write(utterance + "\n")
        self.proc.stdin.flush()

    def expect(self, pattern: str, timeout: float = 20.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"talk never printed /{pattern}/; transcript:\n" + "\n".join(self.transcript))

    def close(self) -> int:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


def link_plain_phone(base_url: str, code: str) -> requests.Session:
    http = requests.Session()
    page = http.get(base_url + "/pair", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = http.post(
        base_url + "/pair", data={"csrf_token": token, "code": code}, allow_redirects=False, timeout=10
    )
    assert r.status_code == 303, r.text[:1000]
    return http


def _runs(data: str, exercise_id: str) -> bool:
    """Whether a stream event carries a running timeline of the routine with this exercise in it."""
    timeline = json.loads(data)["timeline"]
    return (
        timeline is not None
        and timeline["routine_id"] == ROUTINE
        and any(seg.get("exercise_id") == exercise_id for seg in timeline["segments"])
    )


def test_voice_console_in_another_process_drives_a_streaming_phone(server):
    cat = catalogue()
    first = cat.routine(ROUTINE).exercises(cat)[0]
    talk = Talk(server.alexa_url, new_user_id(), server.env)
    sse = None
    try:
        talk.type("link my phone")
        code = talk.expect(r"Alexa: .*?(\d(?: \d){5})").group(1).replace(" ", "")
        http = link_plain_phone(server.url, code)
        sse = SseClient(http, server.url)
        # The stream sends JSON: the version and the timeline the phone's player plays.
        sse.wait_for(lambda data: json.loads(data)["timeline"] is None)  # no session on connect

        talk.type("start the morning stretch")
        talk.expect(r"StartRoutineIntent")
        talk.expect(r"One safety question before your first routine")  # the once-only screen
        talk.type("no")
        talk.expect(r"AMAZON\.NoIntent")
        talk.expect(r"how is your back right now")  # the before check-in, on for a new person
        talk.type("skip")
        event = sse.wait_for(lambda data: _runs(data, first.id))
        started = json.loads(event["data"])["version"]

        talk.type("next")
        talk.expect(r"AMAZON\.NextIntent")
        event = sse.wait_for(lambda data: json.loads(data)["version"] > started)
        assert _runs(event["data"], first.id), "the voice's next moved within the same run, live"
    finally:
        if sse is not None:
            sse.close()
        status = talk.close()
    assert status == 0, "\n".join(talk.transcript)


# --- the production configuration -------------------------------------------------------------


def test_production_gunicorn_config_serves_and_verifies(server_factory):
    """gunicorn -c python:psoas_coach.gunicorn_conf: 2 gevent workers, Alexa verification on."""
    srv = server_factory(None, workers=2, mode="production")
    assert len(srv.worker_pids()) == 2
    r = requests.get(srv.url + "/pair", timeout=10)
    assert r.status_code == 200 and "code" in r.text.lower()
    from skill import envelopes

    unsigned = envelopes.intent("LinkPhoneIntent", user_id=new_user_id(), new_session=True)
    r = requests.post(
        srv.alexa_url, data=json.dumps(unsigned), headers={"Content-Type": "application/json"}, timeout=10
    )
    assert r.status_code == 400 and "verification" in r.json()["error"], r.text
    pids = srv.pids()
    srv.stop(graceful=True)
    assert not [
        p
        for p in pids
        if Path(f"/proc/{p}").exists() and "zombie" not in Path(f"/proc/{p}/status").read_text().lower()
    ], "server processes outlived stop()"

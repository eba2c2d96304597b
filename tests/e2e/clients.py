"""Clients for a running server: a speaker that POSTs real Alexa envelopes to /alexa, and small
parsers for what comes back (the pairing code in SSML, the session version in a #session-panel).

Used by tests/e2e and bench/.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from skill import envelopes

DIGITS_RE = re.compile(r'<say-as\s+interpret-as\s*=\s*["\']digits["\']\s*>\s*([\d\s]+?)\s*</say-as>')
VERSION_RE = re.compile(r'name="expected_version"\s+value="(\d+)"')


def pairing_code(ssml: str) -> str:
    """The six digits inside <say-as interpret-as="digits"> of LinkPhoneIntent's answer."""
    for found in DIGITS_RE.findall(ssml or ""):
        digits = re.sub(r"\s+", "", found)
        if re.fullmatch(r"\d{6}", digits):
            return digits
    raise AssertionError(f'no six-digit <say-as interpret-as="digits"> in {ssml!r}')


def panel_version(panel_html: str) -> int | None:
    """The session version a rendered #session-panel is about (its controls' expected_version)."""
    found = VERSION_RE.findall(panel_html or "")
    return int(found[0]) if found else None


def answer_before_start(attributes: dict[str, Any]) -> str | None:
    """What a person with no warning signs says to the question the skill asked before starting a
    routine (session attribute "pending"), as an intent name; None when nothing is asked.

    The once-only red-flag screen: "no"; the before check-in ("how is your back, zero to ten?"):
    "skip"; "shall I start the ...?": "yes"; the equipment it needs: "ready". Never a blanket "yes": that answers the screen with a
    warning sign, and the skill rightly starts nothing."""
    pending = str(attributes.get("pending") or "")
    if pending.startswith("screen:"):
        return "AMAZON.NoIntent"
    if pending.startswith("checkin:before:"):
        return "AMAZON.NextIntent"
    if pending.startswith("start:"):
        return "AMAZON.YesIntent"
    if pending == "equipment":  # "you'll need a bolster pillow: say ready when you have it"
        return "AMAZON.NextIntent"
    return None


def speech_text(response: dict[str, Any]) -> str:
    """The spoken words of a response envelope, tags dropped (for assertions)."""
    ssml = ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")
    text = re.sub(r"<say-as[^>]*>(.*?)</say-as>", r"\1", ssml, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


class Speaker:
    """One Echo device: keeps the skill session (id and attributes) across turns, like Alexa does."""

    def __init__(self, alexa_url: str, user_id: str, *, http=None, timeout: float = 30.0):
        import requests

        self.alexa_url, self.user_id, self.timeout = alexa_url, user_id, timeout
        self.http = http or requests.Session()
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}
        self.last: dict[str, Any] = {}

    @property
    def version(self) -> int | None:
        """The session version the skill says it last spoke about (session attribute "v")."""
        return self.attributes.get("v")

    def post(self, envelope: dict[str, Any]) -> dict[str, Any]:
        r = self.http.post(
            self.alexa_url,
            data=json.dumps(envelope),
            headers={"Content-Type": "application/json"},
            timeout=self.timeout,
        )
        assert r.status_code == 200, f"/alexa answered {r.status_code}: {r.text[:500]}"
        return r.json()

    def say(
        self,
        name: str,
        slots: dict | None = None,
        *,
        new_session: bool = False,
        attributes: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send one IntentRequest; `attributes` overrides what the last answer set (e.g. a stale "v")."""
        if new_session or self.session_id is None:
            self.session_id, self.attributes, new_session = envelopes.new_session_id(), {}, True
        env = envelopes.intent(
            name,
            slots,
            user_id=self.user_id,
            new_session=new_session,
            attributes=self.attributes if attributes is None else attributes,
            session_id=self.session_id,
        )
        reply = self.post(env)
        self._remember(reply)
        return reply

    def launch(self) -> dict[str, Any]:
        self.session_id, self.attributes = envelopes.new_session_id(), {}
        reply = self.post(envelopes.launch(self.user_id, session_id=self.session_id))
        self._remember(reply)
        return reply

    def _remember(self, reply: dict[str, Any]) -> None:
        self.last = reply
        self.attributes = dict(reply.get("sessionAttributes") or {})
        if (reply.get("response") or {}).get("shouldEndSession") is True:
            self.session_id = None

    @property
    def speech(self) -> str:
        return speech_text(self.last)

    @property
    def ssml(self) -> str:
        return ((self.last.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")

    def link_code(self) -> str:
        """ "Alexa, ask psoas coach to link my phone": the six-digit code it speaks."""
        self.say("LinkPhoneIntent", new_session=True)
        return pairing_code(self.ssml)

    def start_routine(self, routine_id: str, spoken: str | None = None) -> dict[str, Any]:
        """ "Alexa, ask psoas coach to start <routine>", then answering what is asked first as a person
        with no warning signs would (`answer_before_start`: the first time, the red-flag screen)."""
        reply = self.say(
            "StartRoutineIntent",
            {"routine": (spoken or routine_id.replace("-", " "), routine_id)},
            new_session=True,
        )
        for _ in range(4):
            answer = answer_before_start(self.attributes)
            if self.session_id is None or answer is None:
                break
            reply = self.say(answer)
        return reply


# --- server-sent events over a raw socket -------------------------------------------------------


class SseStream:
    """Incremental parser of an HTTP/1.1 response carrying text/event-stream (chunked or not).

    feed(bytes) -> list of events, each {"event", "data", "id"}; `status` and `headers` once the head
    is in. Pure bytes-in/events-out, so the blocking test client and the asyncio bench share it.
    """

    def __init__(self):
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self._buf = b""
        self._chunked = False
        self._chunk_left = 0  # bytes of payload still to come in the current chunk
        self._chunk_crlf = 0  # CRLF bytes to skip after a chunk's payload
        self._text = ""
        self._event: dict = {"event": None, "data": [], "id": None}
        self.ended = False

    def feed(self, data: bytes) -> list[dict]:
        self._buf += data
        if self.status is None:
            head_end = self._buf.find(b"\r\n\r\n")
            if head_end < 0:
                return []
            head, self._buf = self._buf[:head_end].decode("latin-1"), self._buf[head_end + 4 :]
            lines = head.split("\r\n")
            self.status = int(lines[0].split()[1])
            for line in lines[1:]:
                name, _, value = line.partition(":")
                self.headers[name.strip().lower()] = value.strip()
            self._chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        payload = self._dechunk() if self._chunked else self._take_all()
        return self._parse(payload.decode("utf-8", errors="replace")) if payload else []

    def _take_all(self) -> bytes:
        out, self._buf = self._buf, b""
        return out

    def _dechunk(self) -> bytes:
        out = []
        buf = self._buf
        while True:
            if self._chunk_left:
                piece = buf[: self._chunk_left]
                out.append(piece)
                self._chunk_left -= len(piece)
                buf = buf[len(piece) :]
                if self._chunk_left:
                    break
                self._chunk_crlf = 2
            if self._chunk_crlf:
                skip = min(self._chunk_crlf, len(buf))
                buf, self._chunk_crlf = buf[skip:], self._chunk_crlf - skip
                if self._chunk_crlf:
                    break
            line_end = buf.find(b"\r\n")
            if line_end < 0:
                break
            size = int(buf[:line_end].split(b";")[0] or b"0", 16)
            buf = buf[line_end + 2 :]
            if size == 0:
                self.ended = True
                break
            self._chunk_left = size
        self._buf = buf
        return b"".join(out)

    def _parse(self, text: str) -> list[dict]:
        self._text += text
        events = []
        *lines, self._text = self._text.split("\n")
        for line in lines:
            line = line.rstrip("\r")
            ev = self._event
            if line == "":
                if ev["data"] or ev["event"]:
                    events.append(
                        {"event": ev["event"] or "message", "data": "\n".join(ev["data"]), "id": ev["id"]}
                    )
                self._event = {"event": None, "data": [], "id": None}
            elif line.startswith(":"):
                continue
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "event":
                    ev["event"] = value
                elif field == "data":
                    ev["data"].append(value)
                elif field == "id":
                    ev["id"] = value
        return events


def sse_request(host: str, port: int, path: str = "/session/events", cookie: str = "") -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Accept: text/event-stream",
        "Cache-Control: no-cache",
        "Connection: keep-alive",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def cookie_header(http) -> str:
    """The Cookie header a requests.Session would send (all its cookies; loopback only)."""
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)

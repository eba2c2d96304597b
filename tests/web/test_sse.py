"""`/session/events`: the current state first, then every change made through the Coach."""

from __future__ import annotations

import queue
import threading
import time

from webapp import session as session_module


def read_events(phone, out: queue.Queue, stop: threading.Event):
    """Open the stream and read it in this thread (the response streams in the thread that made it)."""
    response = phone.get("/session/events", buffered=False)
    out.put(response)
    buffer = ""
    try:
        for chunk in response.response:
            buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
            while "\n\n" in buffer:
                event, buffer = buffer.split("\n\n", 1)
                out.put(event)
            if stop.is_set():
                break
    finally:
        response.close()


def parse(event: str) -> tuple[str | None, str]:
    name, data = None, []
    for line in event.split("\n"):
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: ") or line == "data:":
            data.append(line[6:])
    return name, "\n".join(data)


def next_session_event(q: queue.Queue, timeout=10.0) -> str:
    """The next `session` event within `timeout` seconds overall (heartbeats don't extend it)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no session event within {timeout} s")
        name, data = parse(q.get(timeout=left))
        if name == "session":
            return data


def test_stream_sends_current_state_then_changes(phone, coach, monkeypatch):
    monkeypatch.setattr(session_module, "HEARTBEAT_SECONDS", 0.5)
    view = phone.start()
    q, stop = queue.Queue(), threading.Event()
    reader = threading.Thread(target=read_events, args=(phone, q, stop), daemon=True)
    reader.start()
    response = q.get(timeout=10)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert "no-cache" in response.headers["Cache-Control"]
    assert "Content-Encoding" not in response.headers
    try:
        first = next_session_event(q)
        assert view.position.exercise.name in first
        assert '"timeline":{"format":1' in first and f'"version":{view.state.version},' in first
        assert "<html" not in first

        coach.command(phone.person.id, "next", view.state.version, source="voice")
        changed = next_session_event(q)
        assert f'"version":{view.state.version + 1},' in changed
        assert '"current":0,' not in changed and '"current":' in changed  # it moved on

        # heartbeat comments keep the connection alive
        seen = [q.get(timeout=5) for _ in range(2)]
        assert any(e.startswith(":") for e in seen)
    finally:
        stop.set()
        coach.command(phone.person.id, "pause", source="voice")  # wake the reader so it can stop
        reader.join(timeout=5)


def test_subscription_closed_when_the_client_goes(phone, coach, monkeypatch):
    monkeypatch.setattr(session_module, "HEARTBEAT_SECONDS", 0.2)
    phone.start()
    person_id = phone.person.id
    response = phone.get("/session/events", buffered=False)
    it = iter(response.response)
    next(it)
    next(it)
    assert coach.bus.subscriber_count(person_id) == 1
    response.close()
    assert coach.bus.subscriber_count(person_id) == 0


def test_sse_data_lines_are_each_prefixed():
    event = session_module.sse_event("session", "<p>a</p>\n<p>b</p>\r\n<p>c</p>")
    assert event == "event: session\ndata: <p>a</p>\ndata: <p>b</p>\ndata: <p>c</p>\n\n"


def test_stream_with_no_session_sends_the_friendly_panel(phone):
    response = phone.get("/session/events", buffered=False)
    it = iter(response.response)
    chunks = [next(it), next(it)]
    response.close()
    text = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks).decode()
    assert "event: session" in text and '"timeline":null' in text


def test_a_lost_notification_is_repaired_at_the_next_heartbeat(phone, coach, monkeypatch):
    """If a change's notification never arrives (say the PostgreSQL listener was reconnecting),
    the phone still gets the new step within one heartbeat instead of showing a stale one."""
    monkeypatch.setattr(session_module, "HEARTBEAT_SECONDS", 0.3)
    view = phone.start()
    q, stop = queue.Queue(), threading.Event()
    reader = threading.Thread(target=read_events, args=(phone, q, stop), daemon=True)
    reader.start()
    q.get(timeout=10)  # the response
    try:
        next_session_event(q)
        monkeypatch.setattr(coach.bus, "publish", lambda *args, **kwargs: None)  # the notification is lost
        coach.command(phone.person.id, "next", view.state.version, source="voice")
        repaired = next_session_event(q, timeout=5)
        assert f'"version":{view.state.version + 1},' in repaired
    finally:
        stop.set()
        monkeypatch.undo()
        coach.command(phone.person.id, "pause", source="voice")  # wake the reader so it can stop
        reader.join(timeout=5)

"""Attacks only a real server process can receive: malformed chunked bodies, floods of live streams.

Every test here starts `psoas-coach serve` (tests/e2e/servers.py) and talks raw HTTP to it.
"""

from __future__ import annotations

import socket
import time

import pytest

from tests.e2e.servers import start_server


@pytest.fixture
def dev_server(tmp_path):
    with start_server(tmp_path, mode="dev", workers=1) as srv:
        yield srv


def _raw(url: str, request: bytes, timeout: float = 10) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:  # the server answered and closed before reading everything
            pass
    return data


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


@pytest.mark.parametrize(
    "chunks",
    [
        b"zz\r\n{}\r\n0\r\n\r\n",  # a chunk size that is not hex
        b"5\r\n{}\r\n0\r\n\r\n",  # a chunk shorter than it said
        b"2\r\n{}XX0\r\n\r\n",  # no CRLF after the chunk
        b'10\r\n{"request":',  # cut short
    ],
)
def test_a_malformed_chunked_body_is_a_400_not_a_500(dev_server, chunks):
    head = b"POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    reply = _raw(dev_server.url, head + chunks)
    assert 400 <= _status(reply) < 500, reply[:300]


def _open_stream(url: str, cookie: str | None = None) -> tuple[socket.socket, int]:
    """Open GET /session/events and read just the status line; the socket stays open."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    head = f"GET /session/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    sock.sendall((head + "\r\n").encode())
    status = b""
    while b"\r\n" not in status:
        chunk = sock.recv(1)
        if not chunk:
            break
        status += chunk
    return sock, _status(status)


def _timed(fn) -> tuple[float, int]:
    started = time.monotonic()
    status = fn()
    return time.monotonic() - started, status


@pytest.fixture
def flood_server(tmp_path):
    with start_server(tmp_path, mode="dev", workers=1, nofile=4096) as srv:
        yield srv


def test_a_stream_flood_from_one_address_leaves_pages_and_alexa_answering(flood_server):
    import requests

    from skill import envelopes
    from webapp.limits import STREAMS_PER_NETWORK

    url = flood_server.url
    phone = requests.Session()
    assert phone.get(url + "/session", timeout=5).status_code == 200  # a phone that was here before
    sockets, statuses = [], []
    try:
        for _ in range(300):  # bounded: 300 streams from one loopback address, then it stops
            sock, status = _open_stream(url)
            sockets.append(sock)
            statuses.append(status)
        live = statuses.count(200)
        assert 0 < live <= STREAMS_PER_NETWORK
        assert set(statuses) <= {200, 429}
        page = _timed(lambda: phone.get(url + "/session", timeout=5).status_code)
        env = envelopes.launch("amzn1.ask.account.FLOOD-BYSTANDER")
        alexa = _timed(lambda: requests.post(url + "/alexa", json=env, timeout=5).status_code)
        assert page[1] == 200 and page[0] < 1.0, page
        assert alexa[1] == 200 and alexa[0] < 1.0, alexa
        # the bystander's own live stream is not shut out by the flood's person-less streams
        own, status = _open_stream(url, "; ".join(f"{k}={v}" for k, v in phone.cookies.items()))
        sockets.append(own)
        assert status == 429  # same address: the network's cap is full...
    finally:
        for sock in sockets:
            sock.close()
    # ...and once the flood ends its slots come back (the server notices a closed stream when its
    # next heartbeat is written: within HEARTBEAT_SECONDS)
    from webapp.session import HEARTBEAT_SECONDS

    deadline = time.monotonic() + HEARTBEAT_SECONDS + 10
    while True:
        sock, status = _open_stream(url, "; ".join(f"{k}={v}" for k, v in phone.cookies.items()))
        sock.close()
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == 200


def test_a_slow_request_body_is_cut_off(tmp_path):
    with start_server(
        tmp_path, mode="dev", workers=1, extra_env={"PSOAS_BODY_DEADLINE_SECONDS": "1.5"}
    ) as srv:
        host, port = srv.url.removeprefix("http://").split(":")
        sock = socket.create_connection((host, int(port)), timeout=10)
        started = time.monotonic()
        sock.sendall(
            b"POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        )
        sock.sendall(b"{")  # then nothing more: 99 bytes owed
        sock.settimeout(8)
        reply = b""
        while b"\r\n" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
        took = time.monotonic() - started
        sock.close()
        assert _status(reply) == 408, reply[:200]
        assert 1.0 < took < 4.0, took


def test_oversized_headers_are_refused_by_the_server(dev_server):
    huge = (
        b"GET /pair HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-Pad-%d: y\r\n" % i for i in range(60)) + b"\r\n"
    )
    assert _status(_raw(dev_server.url, huge)) in (400, 431)  # 60 fields: gunicorn allows 100 by default
    long_line = b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert _status(_raw(dev_server.url, long_line)) in (400, 414)


def test_streams_are_capped_below_worker_connections_leaving_a_reserve():
    from psoas_coach.server import CONNECTION_RESERVE, gunicorn_options
    from webapp.limits import STREAMS_PER_NETWORK, STREAMS_PER_PROCESS

    options = gunicorn_options("127.0.0.1", 8000, 2)
    assert STREAMS_PER_PROCESS + CONNECTION_RESERVE <= options["worker_connections"]
    assert STREAMS_PER_NETWORK < STREAMS_PER_PROCESS
    assert options["keepalive"] <= 15 and options["limit_request_fields"] <= 60

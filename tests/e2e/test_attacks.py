"""Attacks only a real server process can receive: malformed chunked bodies, floods of live streams.

Every test here starts `psoas-coach serve` (tests/e2e/servers.py) and talks raw HTTP to it.
"""

from __future__ import annotations

import socket

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
        while chunk := sock.recv(65536):
            data += chunk
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

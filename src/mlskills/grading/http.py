"""The grader's own HTTP client, run in the harness, talking to an agent's server.

The server is untrusted: it may answer slowly, endlessly, with broken headers, huge
bodies or not at all. Every request here has a total deadline (a timer shuts the socket
down, so even a server that drips one byte at a time cannot hold the grader), a cap on
the body read, and comes back as a `Reply` observation, never an exception. Latency is
measured here, in the harness, so no number the agent's code reports is ever used.

Connections go to a unix socket (the bridge into the server's sandbox). The socket file
lies in a folder the sandbox can write, so it is opened once with O_PATH|O_NOFOLLOW, checked
to be a socket, and every connect goes through that descriptor (/proc/self/fd/N): a link
planted there later cannot point the grader at a socket on the host.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlskills.grading import predictions

MAX_BODY = 8 * 1024 * 1024


@dataclass
class Reply:
    """One request's observation: status (None when no HTTP answer came), the body (capped),
    its JSON (None when it is not JSON), the failure kind, and the seconds it took."""

    status: int | None
    body: bytes = b""
    json: Any = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def answered(self) -> bool:
        return self.status is not None


class SocketRefused(Exception):
    """The bridge's socket path is not a socket (a link, a file, nothing)."""


class Bridge:
    """A held descriptor of the bridge's unix socket; connections always reach that inode."""

    def __init__(self, path: Path) -> None:
        try:
            fd = os.open(path, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as exc:
            raise SocketRefused(f"{path.name}: {exc.strerror}") from None
        if not stat.S_ISSOCK(os.fstat(fd).st_mode):
            os.close(fd)
            raise SocketRefused(f"{path.name} is not a socket")
        self.fd = fd

    def connect(self, timeout: float) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(f"/proc/self/fd/{self.fd}")
        except OSError:
            sock.close()
            raise
        return sock

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


class _Connection(http.client.HTTPConnection):
    def __init__(self, bridge: Bridge, timeout: float) -> None:
        super().__init__("service", timeout=timeout)
        self.bridge = bridge

    def connect(self) -> None:
        self.sock = self.bridge.connect(self.timeout)


def request(
    bridge: Bridge,
    method: str,
    path: str,
    body: bytes | None = None,
    *,
    timeout: float = 10.0,
    max_body: int = MAX_BODY,
    content_type: str = "application/json",
) -> Reply:
    """Send one request and observe the answer within `timeout` seconds in total."""
    start = time.monotonic()
    conn = _Connection(bridge, timeout)
    expired = threading.Event()

    def cut() -> None:  # the deadline: unblock whatever read or write is waiting
        expired.set()
        if conn.sock is not None:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(timeout, cut)
    timer.start()
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        status, data = response.status, _read(response, max_body)
    except Exception as exc:  # refused, reset, malformed, timed out: all are observations
        kind = "TimeoutError" if expired.is_set() else type(exc).__name__
        return Reply(None, error=kind, seconds=_since(start))
    finally:
        timer.cancel()
        conn.close()
    if expired.is_set():
        return Reply(None, error="TimeoutError", seconds=_since(start))
    return Reply(status, data, parse_json(data), seconds=_since(start))


def _read(response: http.client.HTTPResponse, cap: int) -> bytes:
    chunks, total = [], 0
    while total <= cap and (chunk := response.read(min(65536, cap + 1 - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)[:cap]


def parse_json(data: bytes) -> Any:
    """The body as JSON, or None (deep nesting and 5,000-digit numbers are None too; an
    integer too large for a float is an infinity, see predictions.parse_json)."""
    try:
        return predictions.parse_json(data.decode("utf-8"))
    except predictions.PARSE_ERRORS:
        return None


def _since(start: float) -> float:
    return round(time.monotonic() - start, 4)

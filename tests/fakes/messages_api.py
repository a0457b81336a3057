"""A loopback fake of the Anthropic Messages API, for driving real clients offline.

Real clients (the `anthropic` SDK, the Claude Code CLI) talk to it over real HTTP on
127.0.0.1, so tests exercise their actual retry, streaming and parsing code. Each test
scripts what "the model" says:

    with FakeMessagesAPI() as api:
        api.push(reply(tool_use("bash", {"command": "ls"})), reply(text("done")))
        client = anthropic.Anthropic(base_url=api.url, api_key="test")
        ...
        api.requests[-1].body  # the parsed JSON of the last request

Script items are consumed one per `POST /v1/messages`:
- `reply(...)`: a complete assistant message, streamed as SSE (or returned as JSON when the
  request has no `stream: true`).
- `fault(...)` and its shorthands `overloaded()`, `rate_limited()`, `server_error()`: an HTTP
  error with the API's error body and optional retry headers.
- `dropped(after_events=N)`: start streaming, then cut the connection after N events.
- `stream_error(after_events=N, error_type=..., message=...)`: start streaming, then send an
  SSE `event: error` (overloaded_error by default) after N events and end the response, as
  the API does when it fails after the response began (the HTTP status stays 200).
- a callable `responder(request) -> item`: computes the item from the `Recorded` request
  (dynamic scripts). A responder passed to the constructor answers when the queue is empty.

When nothing is left, the server answers 500 with `x-should-retry: false` and remembers the
problem in `api.problems`, so a test fails with a clear message rather than hanging.

Usage numbers: a reply may fix them; otherwise the fake estimates tokens (4 characters a
token) and simulates prompt caching from the request's `cache_control` breakpoints: a prefix
ending at a breakpoint is "written"; a later request sharing a written prefix "reads" it.

The Claude Code CLI sends `POST /v1/messages?beta=true` (always streaming) and puts agent
and skill listings in `role: "system"` entries of `messages`; the helpers below skip those
when they look for the latest tool results. `HEAD /` and `HEAD /api/hello` are answered 200.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CHARS_PER_TOKEN = 4
_ids = itertools.count(1)

# ---------------------------------------------------------------- script items


@dataclass
class Reply:
    """One assistant message. `usage` keys override the simulated numbers."""

    content: list[dict[str, Any]]
    stop_reason: str | None = None  # default: tool_use if any tool_use block, else end_turn
    usage: dict[str, int] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (slow model, wall-time tests)
    model: str | None = None  # default: the request's model

    def final_stop_reason(self) -> str:
        if self.stop_reason:
            return self.stop_reason
        uses_tool = any(b.get("type") == "tool_use" for b in self.content)
        return "tool_use" if uses_tool else "end_turn"


@dataclass
class Fault:
    """An HTTP error response in the API's error format, or a connection cut mid-stream."""

    status: int = 529
    error_type: str = "overloaded_error"
    message: str = "Overloaded"
    headers: dict[str, str] = field(default_factory=dict)
    drop_after_events: int | None = None  # stream this many events, then cut the connection
    error_after_events: int | None = None  # stream this many events, then an `error` event

    @property
    def mid_stream(self) -> bool:
        return self.drop_after_events is not None or self.error_after_events is not None


Responder = Callable[["Recorded"], "Reply | Fault"]
Item = Reply | Fault | Responder


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def thinking(value: str, signature: str = "sig-fake") -> dict[str, Any]:
    return {"type": "thinking", "thinking": value, "signature": signature}


def tool_use(name: str, input: dict[str, Any], id: str | None = None) -> dict[str, Any]:
    return {
        "type": "tool_use",
        "id": id or f"toolu_fake_{next(_ids)}",
        "name": name,
        "input": input,
    }


def reply(*blocks: dict[str, Any] | str, **kwargs: Any) -> Reply:
    """A reply from blocks; a bare string is a text block."""
    content = [text(b) if isinstance(b, str) else b for b in blocks]
    return Reply(content=content, **kwargs)


def fault(status: int, error_type: str, message: str, **headers: str) -> Fault:
    return Fault(status, error_type, message, {k.replace("_", "-"): v for k, v in headers.items()})


def overloaded(retry_after_ms: int | None = 10) -> Fault:
    extra = {"retry-after-ms": str(retry_after_ms)} if retry_after_ms is not None else {}
    return Fault(529, "overloaded_error", "Overloaded", extra)


def rate_limited(retry_after: float = 0.01) -> Fault:
    return Fault(429, "rate_limit_error", "Rate limited", {"retry-after": str(retry_after)})


def server_error(message: str = "Internal server error") -> Fault:
    return Fault(500, "api_error", message, {"retry-after-ms": "10"})


def dropped(after_events: int = 2) -> Fault:
    return Fault(200, "", "connection dropped", drop_after_events=after_events)


def stream_error(
    after_events: int = 2, error_type: str = "overloaded_error", message: str = "Overloaded"
) -> Fault:
    return Fault(200, error_type, message, error_after_events=after_events)


# ---------------------------------------------------------------- recorded requests


@dataclass
class Recorded:
    """One request as the server saw it. Headers are lower-cased; they may hold the API key,
    so tests must not write them anywhere."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any] | None
    received_at: float = 0.0
    seconds: float = 0.0  # time the server spent on it, from headers read to last byte sent

    @property
    def streaming(self) -> bool:
        return bool(self.body and self.body.get("stream"))


def conversation(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The request's messages without `role: "system"` entries (Claude Code adds those)."""
    return [m for m in body.get("messages", []) if m.get("role") != "system"]


def blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content", [])
    return [text(content)] if isinstance(content, str) else list(content)


def last_tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool_result blocks of the latest non-system message (empty if none)."""
    messages = conversation(body)
    if not messages:
        return []
    return [b for b in blocks(messages[-1]) if b.get("type") == "tool_result"]


def result_text(block: dict[str, Any]) -> str:
    """A tool_result's content as one string (it may be a string or a list of blocks)."""
    content = block.get("content", "")
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if part.get("type") == "text")


def system_text(body: dict[str, Any]) -> str:
    system = body.get("system", "")
    return system if isinstance(system, str) else "".join(b.get("text", "") for b in system)


def cache_breakpoints(body: dict[str, Any]) -> list[str]:
    """Where `cache_control` sits, as readable labels such as `tools[1]` or `messages[2][0]`."""
    found = [f"tools[{i}]" for i, t in enumerate(body.get("tools", [])) if "cache_control" in t]
    system = body.get("system", "")
    if not isinstance(system, str):
        found += [f"system[{i}]" for i, b in enumerate(system) if "cache_control" in b]
    for i, message in enumerate(body.get("messages", [])):
        found += [
            f"messages[{i}][{j}]" for j, b in enumerate(blocks(message)) if "cache_control" in b
        ]
    return found


# ---------------------------------------------------------------- token and cache estimates


def estimate_tokens(value: Any) -> int:
    data = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return max(1, math.ceil(len(data) / CHARS_PER_TOKEN))


def prompt_segments(body: dict[str, Any]) -> list[tuple[Any, bool]]:
    """The prompt in cache order (tools, system, message blocks): (segment, is breakpoint)."""
    segments = [(t, "cache_control" in t) for t in body.get("tools", [])]
    system = body.get("system") or []
    system = [text(system)] if isinstance(system, str) else system
    segments += [(b, "cache_control" in b) for b in system]
    for message in body.get("messages", []):
        segments += [((message.get("role"), b), "cache_control" in b) for b in blocks(message)]
    return segments


def _strip_cache_control(segment: Any) -> Any:
    if isinstance(segment, tuple):
        return (segment[0], _strip_cache_control(segment[1]))
    return {k: v for k, v in segment.items() if k != "cache_control"}


class PromptCache:
    """Simulates the API's prompt cache: prefixes written at breakpoints, read when shared."""

    def __init__(self) -> None:
        self._written: set[str] = set()
        self._lock = threading.Lock()

    def usage(self, body: dict[str, Any]) -> dict[str, int]:
        segments = prompt_segments(body)
        tokens = [estimate_tokens(_strip_cache_control(s)) for s, _ in segments]
        digests = list(_running_digests([_strip_cache_control(s) for s, _ in segments]))
        breakpoints = [i for i, (_, marked) in enumerate(segments) if marked]
        with self._lock:
            hit = next(
                (i for i in reversed(range(len(digests))) if digests[i] in self._written), -1
            )
            self._written.update(digests[i] for i in breakpoints)
        read = sum(tokens[: hit + 1])
        cached_end = breakpoints[-1] + 1 if breakpoints else 0
        write = max(0, sum(tokens[:cached_end]) - read)
        return {
            "input_tokens": sum(tokens) - read - write,
            "cache_read_input_tokens": read,
            "cache_creation_input_tokens": write,
        }


def _running_digests(segments: list[Any]) -> Iterator[str]:
    digest = hashlib.sha256()
    for segment in segments:
        digest.update(json.dumps(segment, sort_keys=True).encode())
        yield digest.copy().hexdigest()


# ---------------------------------------------------------------- SSE rendering


def message_json(item: Reply, model: str, usage: dict[str, int]) -> dict[str, Any]:
    return {
        "id": f"msg_fake_{next(_ids)}",
        "type": "message",
        "role": "assistant",
        "model": item.model or model,
        "content": item.content,
        "stop_reason": item.final_stop_reason(),
        "stop_sequence": None,
        "usage": usage,
    }


def sse_events(message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The event sequence of a streamed message, as in the notes (start, ping, blocks, stop)."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    for index, block in enumerate(message["content"]):
        yield from _block_events(index, block)
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": delta,
            "usage": {"output_tokens": usage["output_tokens"]},
        },
    )
    yield "message_stop", {"type": "message_stop"}


def _block_events(index: int, block: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    kind = block["type"]
    if kind == "text":
        start, deltas = (
            {"type": "text", "text": ""},
            [{"type": "text_delta", "text": part} for part in _halves(block["text"])],
        )
    elif kind == "tool_use":
        start = {**block, "input": {}}
        deltas = [
            {"type": "input_json_delta", "partial_json": part}
            for part in _halves(json.dumps(block["input"]))
        ]
    elif kind == "thinking":
        start = {"type": "thinking", "thinking": "", "signature": ""}
        deltas = [{"type": "thinking_delta", "thinking": p} for p in _halves(block["thinking"])]
        deltas.append({"type": "signature_delta", "signature": block["signature"]})
    else:
        raise ValueError(f"fake API cannot stream a {kind!r} block")
    yield (
        "content_block_start",
        {"type": "content_block_start", "index": index, "content_block": start},
    )
    for delta in deltas:
        yield "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
    yield "content_block_stop", {"type": "content_block_stop", "index": index}


def _halves(value: str) -> list[str]:
    """Split a string in two so clients must accumulate deltas (empty stays one piece)."""
    middle = len(value) // 2
    return [value[:middle], value[middle:]] if middle else [value]


def error_json(item: Fault) -> dict[str, Any]:
    return {"type": "error", "error": {"type": item.error_type, "message": item.message}}


# ---------------------------------------------------------------- the server


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (a cut stream, a closed keep-alive) are normal here."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeMessagesAPI:
    """The fake server. Start it with `with` (or `start()`/`close()`); `url` is the base URL."""

    def __init__(self, *items: Item, responder: Responder | None = None) -> None:
        self.requests: list[Recorded] = []
        self.problems: list[str] = []
        self.cache = PromptCache()
        self.responder = responder
        self._script: deque[Item] = deque(items)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- scripting

    def push(self, *items: Item) -> None:
        with self._lock:
            self._script.extend(items)

    @property
    def remaining(self) -> int:
        return len(self._script)

    @property
    def message_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.body is not None]

    def next_item(self, request: Recorded) -> Reply | Fault:
        with self._lock:
            item = self._script.popleft() if self._script else self.responder
        if item is None:
            self.problems.append(f"script exhausted at request {len(self.message_requests)}")
            return Fault(500, "api_error", "fake API script exhausted", {"x-should-retry": "false"})
        return item(request) if callable(item) else item

    def usage_for(self, item: Reply, body: dict[str, Any]) -> dict[str, int]:
        simulated = self.cache.usage(body)
        simulated["output_tokens"] = estimate_tokens(item.content)
        return {**simulated, **item.usage}

    # ---- lifecycle

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("start the fake API first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeMessagesAPI:
        handler = type("Handler", (_Handler,), {"api": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeMessagesAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Handler(BaseHTTPRequestHandler):
    api: FakeMessagesAPI
    protocol_version = "HTTP/1.1"  # keep-alive and chunked encoding, like the real API

    def setup(self) -> None:
        """No Nagle: small SSE chunks would otherwise wait ~40 ms for the client's ACK."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_HEAD(self) -> None:
        self._record(None)
        self.send_response(200 if urlsplit(self.path).path in ("/", "/api/hello") else 404)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self._record(None)
        self._send_json(
            404, {"type": "error", "error": {"type": "not_found_error", "message": "no"}}
        )

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        recorded = self._record(json.loads(raw or b"{}"))
        try:
            if urlsplit(self.path).path != "/v1/messages":
                self._send_json(404, {"type": "error", "error": {"type": "not_found_error"}})
                return
            self._answer(recorded)
        finally:
            recorded.seconds = time.monotonic() - recorded.received_at

    def _record(self, body: dict[str, Any] | None) -> Recorded:
        parts = urlsplit(self.path)
        recorded = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            received_at=time.monotonic(),
        )
        with self.api._lock:
            self.api.requests.append(recorded)
        return recorded

    def _answer(self, recorded: Recorded) -> None:
        item = self.api.next_item(recorded)
        body = recorded.body or {}
        if isinstance(item, Fault) and not item.mid_stream:
            self._send_json(item.status, error_json(item), item.headers)
            return
        if isinstance(item, Fault):
            self._stream(self._message(self._drop_filler(), body), item)
            return
        time.sleep(item.delay)
        message = self._message(item, body)
        if recorded.streaming:
            self._stream(message)
        else:
            self._send_json(200, message)

    def _message(self, item: Reply, body: dict[str, Any]) -> dict[str, Any]:
        return message_json(item, body.get("model", "claude-fake"), self.api.usage_for(item, body))

    @staticmethod
    def _drop_filler() -> Reply:
        return reply("This reply is cut off before it ends" * 4)

    def _send_json(self, status: int, data: dict[str, Any], headers: dict | None = None) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.send_header("request-id", f"req_fake_{next(_ids)}")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, message: dict[str, Any], fault: Fault | None = None) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("request-id", f"req_fake_{next(_ids)}")
        self.end_headers()
        for count, (name, data) in enumerate(sse_events(message)):
            if fault and fault.drop_after_events is not None and count >= fault.drop_after_events:
                self._cut()
                return
            if fault and fault.error_after_events is not None and count >= fault.error_after_events:
                name, data = "error", error_json(fault)
            self._chunk(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
            if name == "error":
                break
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _cut(self) -> None:
        """Drop the connection without the closing chunk, as a network failure would."""
        self.close_connection = True
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)

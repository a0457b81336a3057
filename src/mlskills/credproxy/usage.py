"""Token usage as the API reported it to the proxy: a count the sandbox cannot touch.

The Claude Code CLI reports its own usage and cost, but it runs inside the sandbox, next
to the model's commands, and only knows about its own requests. The proxy sees every
response that used the key, so its totals are the harness's own measurement: requests the
model sent around the CLI (with the trial's token) show up here and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
)
MAX_JSON_BODY = 16 * 1024 * 1024  # a non-streamed body larger than this is not parsed


@dataclass
class UsageTotals:
    """Summed usage of every answered request, and how many could not be read."""

    responses: int = 0
    unread: int = 0  # compressed or malformed bodies: their tokens are not in the totals
    tokens: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    by_model: dict[str, dict[str, int]] = field(default_factory=dict)  # for pricing

    def add(self, usage: dict[str, int] | None, model: str = "") -> None:
        if usage is None:
            self.unread += 1
            return
        self.responses += 1
        mine = self.by_model.setdefault(model, dict.fromkeys(FIELDS, 0))
        for name in FIELDS:
            self.tokens[name] += int(usage.get(name) or 0)
            mine[name] += int(usage.get(name) or 0)

    def to_dict(self) -> dict[str, Any]:
        return {"responses": self.responses, "unread": self.unread, **self.tokens}


class ResponseUsage:
    """Reads one response's usage from its bytes as they pass (SSE or a JSON body)."""

    def __init__(self, content_type: str, encoding: str) -> None:
        self.streaming = content_type.startswith("text/event-stream")
        self.readable = encoding in ("", "identity")
        self.usage: dict[str, int] = {}
        self.model = ""  # as the API named it in the response
        self.error_event = False  # an `event: error` mid-stream (the status stays 200)
        self.accounted = False  # set once the proxy has added this response to its stats
        self.seen = False
        self._pending = b""
        self._size = 0

    def feed(self, data: bytes) -> None:
        if not self.readable:
            return
        self._size += len(data)
        if not self.streaming:
            if self._size <= MAX_JSON_BODY:
                self._pending += data
            return
        lines = (self._pending + data).split(b"\n")
        self._pending = lines.pop()
        for line in lines:
            if line.startswith(b"data:"):
                self._event(line[5:])

    def result(self) -> dict[str, int] | None:
        """The usage, or None when it could not be read (compressed, malformed, cut early)."""
        if self.readable and not self.streaming and self._size <= MAX_JSON_BODY:
            body = _json(self._pending)
            if isinstance(body, dict) and isinstance(body.get("usage"), dict):
                self.model = str(body.get("model") or "")
                self._take(body["usage"])
        return self.usage if self.seen else None

    def _event(self, raw: bytes) -> None:
        event = _json(raw)
        if not isinstance(event, dict):
            return
        if event.get("type") == "error":
            self.error_event = True
        elif event.get("type") == "message_start":
            message = event.get("message") or {}
            self.model = str(message.get("model") or "")
            self._take(message.get("usage") or {})
        elif event.get("type") == "message_delta":
            self._take(event.get("usage") or {})  # output_tokens: the running total

    def _take(self, usage: dict[str, Any]) -> None:
        self.seen = True
        for name in FIELDS:
            if isinstance(usage.get(name), int):
                self.usage[name] = usage[name]


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None

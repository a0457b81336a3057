"""One streamed Messages API request through the official SDK, with failures as messages.

The SDK retries 408/409/429/5xx (529 overloaded included) and connection errors with
back-off, honouring retry-after (capped here, so a long retry-after cannot outlive the
trial). Failures after the response began are not retried by the SDK, so they are
retried here, as often and never past the trial's deadline: a stream cut off, and an SSE
`event: error` saying the service failed for the moment (overloaded_error, api_error), which
the API sends instead of a 529 or 500 once the 200 response is under way. What still fails
becomes an APIFailure carrying the API's own message; the loop turns it into an `error`
result, never a score. One failure is the agent's own doing, not the machinery's: a
conversation grown past the model's context window (400 "prompt is too long") is a
ContextOverflow, which the loop ends as the `context` limit, so the workspace is graded.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import anthropic

from mlskills.agents.anthropic_api.settings import Settings

try:  # the transport library under the SDK: httpx2 in SDK 2.x, httpx before
    import httpx2 as _http
except ModuleNotFoundError:  # pragma: no cover - older SDKs
    import httpx as _http

STREAM_BROKEN = (_http.TransportError,)
TRANSIENT_EVENTS = {"overloaded_error", "api_error"}  # `event: error` types worth a retry
STREAM_RETRY_DELAY = 0.25  # seconds, doubled per attempt, capped at 8


MAX_RETRY_WAIT = 60.0  # seconds; the SDK itself would honour any retry-after
_trial = threading.local()  # the deadline of the trial this thread is running


class _Anthropic(anthropic.Anthropic):
    """The SDK client with retry waits capped at a minute and at the trial's time left."""

    def _calculate_retry_timeout(self, *args: Any, **kwargs: Any) -> float:
        wait = super()._calculate_retry_timeout(*args, **kwargs)
        deadline = getattr(_trial, "deadline", None)
        left = MAX_RETRY_WAIT if deadline is None else deadline - time.monotonic()
        return max(0.0, min(wait, MAX_RETRY_WAIT, left))


class APIFailure(Exception):
    """The API could not answer, after retries; str() is the message worth recording."""


class ContextOverflow(APIFailure):
    """The conversation no longer fits the model's context window."""


class DeadlineReached(Exception):
    """The trial's wall time ran out while a response was streaming; `usage` is what the
    response had reported by then (input tokens, output so far), or None."""

    def __init__(self, usage: Any = None) -> None:
        super().__init__("the trial's wall time ran out")
        self.usage = usage


class Requester:
    """Sends requests for every trial of a run (the SDK client is thread-safe)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client = _Anthropic(
            api_key=settings.api_key,
            base_url=settings.base_url,
            max_retries=settings.max_retries,
            timeout=settings.request_timeout,
        )

    def message(self, params: dict[str, Any], deadline: float) -> anthropic.types.Message:
        """Stream one response to completion; retry cut streams; stop at the deadline."""
        retries = self.settings.max_retries
        _trial.deadline = deadline
        for attempt in range(retries + 1):
            try:
                return self._stream(params, deadline)
            except (*STREAM_BROKEN, anthropic.APIStatusError) as exc:
                if isinstance(exc, anthropic.APIStatusError) and not broke_mid_stream(exc):
                    kind = ContextOverflow if context_overflow(exc) else APIFailure
                    raise kind(status_message(exc)) from exc
                if attempt == retries:
                    why = status_message(exc) if isinstance(exc, anthropic.APIError) else exc
                    message = f"the response stream broke off {attempt + 1} times: {why}"
                    raise APIFailure(message) from exc
                _pause(STREAM_RETRY_DELAY * 2**attempt, deadline)
            except anthropic.APIError as exc:
                raise APIFailure(f"{type(exc).__name__}: {exc}") from exc
        raise AssertionError("unreachable")

    def _stream(self, params: dict[str, Any], deadline: float) -> anthropic.types.Message:
        """A read timeout no longer than the time left, and a deadline check per event."""
        left = deadline - time.monotonic()
        timeout = max(1.0, min(self.settings.request_timeout, left))
        with self.client.messages.stream(**params, timeout=timeout) as stream:
            for _event in stream:
                if time.monotonic() > deadline:
                    raise DeadlineReached(_usage_so_far(stream))
            return stream.get_final_message()


def _usage_so_far(stream: Any) -> Any:
    """The usage of a response still streaming (None before its message_start event)."""
    try:
        return stream.current_message_snapshot.usage
    except (AssertionError, AttributeError):
        return None


def _pause(delay: float, deadline: float) -> None:
    """Wait before a retry, at most 8 s and never past the deadline (then: DeadlineReached)."""
    time.sleep(max(0.0, min(delay, 8.0, deadline - time.monotonic())))
    if time.monotonic() >= deadline:
        raise DeadlineReached


def broke_mid_stream(exc: anthropic.APIStatusError) -> bool:
    """An `event: error` inside a 200 response (the SDK raises it with the response's
    status) that reports a passing failure: retried like a stream cut off."""
    return exc.status_code == 200 and _error_detail(exc).get("type") in TRANSIENT_EVENTS


def context_overflow(exc: anthropic.APIStatusError) -> bool:
    """400 invalid_request_error "prompt is too long: N tokens > M maximum"."""
    detail = _error_detail(exc)
    message = str(detail.get("message") or "").lower()
    return detail.get("type") == "invalid_request_error" and "prompt is too long" in message


def status_message(exc: anthropic.APIStatusError) -> str:
    """`529 overloaded_error: Overloaded`: the status and the API's own words. An error event
    inside a streamed 200 response has no status of its own: `overloaded_error: Overloaded
    (error event in the response stream)`."""
    detail = _error_detail(exc)
    if exc.status_code == 200 and detail.get("message"):
        kind = detail.get("type", "error")
        return f"{kind}: {detail['message']} (error event in the response stream)"
    if detail.get("message"):
        return f"{exc.status_code} {detail.get('type', 'error')}: {detail['message']}"
    return f"{exc.status_code}: {exc.message}"


def _error_detail(exc: anthropic.APIStatusError) -> dict[str, Any]:
    body = exc.body if isinstance(exc.body, dict) else {}
    return body["error"] if isinstance(body.get("error"), dict) else {}

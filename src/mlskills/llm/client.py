"""One streamed Messages API request through the official SDK, with failures as messages.

The retry loop is ours (see retry.py): the SDK client makes one attempt per call, and we
retry what the SDK would (408/409/429/5xx, 529 overloaded, connection failures, honouring
retry-after up to a minute) plus what it cannot (a stream cut off after the 200 response
began, which SDK 2.x reports as APIConnectionError, and an SSE `event: error` saying the
service failed for the moment), all from one budget of `max_retries` and never past the
trial's deadline. What still fails becomes an APIFailure carrying the API's own message;
the loop turns it into an `error` result, never a score. One failure is the agent's own
doing, not the machinery's: a conversation grown past the model's context window (400
"prompt is too long") is a ContextOverflow, which the loop ends as the `context` limit, so
the workspace is graded.
"""

from __future__ import annotations

import time
from typing import Any

import anthropic

from mlskills import api_gate
from mlskills.llm.retry import error_detail, retryable, wait_before
from mlskills.llm.settings import Settings

RETRY_COUNT_HEADER = "x-stainless-retry-count"  # the SDK's own header, set by us per attempt


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
        self.client = anthropic.Anthropic(
            api_key=settings.api_key,
            base_url=settings.base_url,
            max_retries=0,  # retried in `message`, within the trial's deadline
            timeout=settings.request_timeout,
        )

    def message(self, params: dict[str, Any], deadline: float) -> anthropic.types.Message:
        """Stream one response to completion; retry passing failures; stop at the deadline."""
        retries = self.settings.max_retries
        for attempt in range(retries + 1):
            try:
                return self._stream(params, deadline, attempt)
            except anthropic.APIError as exc:
                if not retryable(exc):
                    raise _failure(exc) from exc
                if time.monotonic() >= deadline:  # e.g. a read timeout cut to the time left
                    raise DeadlineReached from exc
                if attempt == retries:
                    raise _exhausted(exc, attempt + 1) from exc
                _pause(wait_before(attempt, exc), deadline)
        raise AssertionError("unreachable")

    def _stream(
        self, params: dict[str, Any], deadline: float, attempt: int
    ) -> anthropic.types.Message:
        """A read timeout no longer than the time left, and a deadline check per event."""
        left = deadline - time.monotonic()
        timeout = max(1.0, min(self.settings.request_timeout, left))
        headers = {**params.get("extra_headers", {}), RETRY_COUNT_HEADER: str(attempt)}
        request = {**params, "extra_headers": headers, "timeout": timeout}
        # --api-concurrency: one of the run's model-call slots for the length of the stream
        with api_gate.slot(), self.client.messages.stream(**request) as stream:
            for _event in stream:
                if time.monotonic() > deadline:
                    raise DeadlineReached(_usage_so_far(stream))
            return stream.get_final_message()


def _failure(exc: anthropic.APIError) -> APIFailure:
    """A failure not worth retrying, with the API's own words."""
    if isinstance(exc, anthropic.APIStatusError):
        kind = ContextOverflow if context_overflow(exc) else APIFailure
        return kind(status_message(exc))
    return APIFailure(f"{type(exc).__name__}: {exc}")


def _exhausted(exc: anthropic.APIError, attempts: int) -> APIFailure:
    """The retry budget is spent: the last failure, saying how often the stream broke."""
    if isinstance(exc, anthropic.APIStatusError) and exc.status_code != 200:
        return APIFailure(status_message(exc))
    why = status_message(exc) if isinstance(exc, anthropic.APIStatusError) else exc
    return APIFailure(f"the response failed {attempts} times: {type(exc).__name__}: {why}")


def _usage_so_far(stream: Any) -> Any:
    """The usage of a response still streaming (None before its message_start event)."""
    try:
        return stream.current_message_snapshot.usage
    except (AssertionError, AttributeError):
        return None


def _pause(delay: float, deadline: float) -> None:
    """Wait before a retry, never past the deadline (reaching it: DeadlineReached)."""
    time.sleep(max(0.0, min(delay, deadline - time.monotonic())))
    if time.monotonic() >= deadline:
        raise DeadlineReached


def context_overflow(exc: anthropic.APIStatusError) -> bool:
    """400 invalid_request_error "prompt is too long: N tokens > M maximum"."""
    detail = error_detail(exc)
    message = str(detail.get("message") or "").lower()
    return detail.get("type") == "invalid_request_error" and "prompt is too long" in message


def status_message(exc: anthropic.APIStatusError) -> str:
    """`529 overloaded_error: Overloaded`: the status and the API's own words. An error event
    inside a streamed 200 response has no status of its own: `overloaded_error: Overloaded
    (error event in the response stream)`."""
    detail = error_detail(exc)
    if exc.status_code == 200 and detail.get("message"):
        kind = detail.get("type", "error")
        return f"{kind}: {detail['message']} (error event in the response stream)"
    if detail.get("message"):
        return f"{exc.status_code} {detail.get('type', 'error')}: {detail['message']}"
    return f"{exc.status_code}: {exc.message}"

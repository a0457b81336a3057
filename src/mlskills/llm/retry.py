"""Which failed attempts are worth another, and how long to wait first.

We own the retry loop (the SDK client runs with max_retries=0) for two reasons: a retry
must never wait past the trial's deadline, which the SDK cannot know, and failures after
the 200 response began (a cut stream, an `event: error` in the stream) must draw on the
same budget as a 529 before it. The SDK's own policy is mirrored from its public
behaviour: the server's `x-should-retry` header wins; else 408, 409, 429 and 5xx are
retried, as are connection failures; `retry-after-ms` / `retry-after` are honoured.
"""

from __future__ import annotations

import email.utils
import random
import time

import anthropic

TRANSIENT_EVENTS = {"overloaded_error", "api_error"}  # `event: error` types worth a retry
RETRIED_STATUSES = {408, 409, 429}  # plus every 5xx
FIRST_DELAY = 0.5  # seconds, doubled per retry (with jitter), capped at MAX_BACKOFF
MAX_BACKOFF = 8.0
MAX_RETRY_WAIT = 60.0  # a server asking for longer is obeyed only this far


def retryable(exc: anthropic.APIError) -> bool:
    """Whether `exc` reports a passing failure that another attempt may not meet."""
    if isinstance(exc, anthropic.APIConnectionError):  # refused, reset, cut mid-stream, timeout
        return True
    if not isinstance(exc, anthropic.APIStatusError):
        return False
    if exc.status_code == 200:  # an `event: error` inside a streamed response
        return error_detail(exc).get("type") in TRANSIENT_EVENTS
    should = exc.response.headers.get("x-should-retry")
    if should in ("true", "false"):
        return should == "true"
    return exc.status_code in RETRIED_STATUSES or exc.status_code >= 500


def wait_before(attempt: int, exc: anthropic.APIError) -> float:
    """Seconds to wait before retry number `attempt` + 1: what the server asked, else back-off."""
    asked = _retry_after(exc)
    if asked is not None and asked > 0:
        return min(asked, MAX_RETRY_WAIT)
    backoff = min(FIRST_DELAY * 2.0**attempt, MAX_BACKOFF)
    return backoff * (1 - 0.25 * random.random())


def _retry_after(exc: anthropic.APIError) -> float | None:
    if not isinstance(exc, anthropic.APIStatusError):
        return None
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return float(headers.get(name)) / scale
        except (TypeError, ValueError):
            continue
    when = email.utils.parsedate_tz(headers.get("retry-after") or "")
    return None if when is None else email.utils.mktime_tz(when) - time.time()


def error_detail(exc: anthropic.APIStatusError) -> dict:
    """The `error` object of the API's error body ({} when there is none)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    return body["error"] if isinstance(body.get("error"), dict) else {}

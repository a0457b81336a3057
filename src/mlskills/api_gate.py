"""A cap on concurrent model calls, shared by everything that calls a model API.

Without `--api-concurrency` there is no cap (the slot is free). With `--api-concurrency N`
the local executor's threads share a semaphore (LocalGate), and on a Ray cluster a gate
backed by one cluster-wide actor, so 100 workers make at most N calls at once instead of
a wall of 429s. Callers wrap each request in `slot()`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Protocol


class Gate(Protocol):
    def acquire(self) -> None: ...

    def release(self) -> None: ...


class LocalGate:
    """The cap within one process (the local executor's threads)."""

    def __init__(self, limit: int) -> None:
        self._slots = threading.BoundedSemaphore(limit)

    def acquire(self) -> None:
        self._slots.acquire()

    def release(self) -> None:
        self._slots.release()


_gate: Gate | None = None
_lock = threading.Lock()


def install(gate: Gate | None) -> None:
    """Use `gate` for every later `slot()` in this process (None: no cap)."""
    global _gate
    with _lock:
        _gate = gate


@contextlib.contextmanager
def slot() -> Iterator[None]:
    """Hold one of the run's model-call slots for the duration of a request."""
    gate = _gate
    if gate is None:
        yield
        return
    gate.acquire()
    try:
        yield
    finally:
        gate.release()

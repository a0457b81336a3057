"""One thread that enforces every running trial's hard deadline.

Agents enforce their own limits; this is the safety net for an agent stuck in a call that
never returns. Starting a timer thread per trial cost milliseconds, so a run shares one.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable


class Watchdog:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._cancelled: set[int] = set()
        self._ids = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, action: Callable[[], None]) -> int:
        """Call `action` after `seconds` unless disarmed first; returns a handle."""
        handle = next(self._ids)
        with self._wake:
            heapq.heappush(self._heap, (time.monotonic() + seconds, handle, action))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, daemon=True, name="watchdog")
                self._thread.start()
            self._wake.notify()
        return handle

    def disarm(self, handle: int) -> None:
        with self._wake:
            self._cancelled.add(handle)

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._heap:
                    self._wake.wait()
                deadline, handle, action = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._wake.wait(timeout=delay)
                    continue
                heapq.heappop(self._heap)
                if handle in self._cancelled:
                    self._cancelled.discard(handle)
                    continue
            action()

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
        """Forget an alarm (and the sandbox it holds) now rather than at its deadline."""
        with self._wake:
            before = len(self._heap)
            self._heap = [entry for entry in self._heap if entry[1] != handle]
            if len(self._heap) != before:
                heapq.heapify(self._heap)

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._heap:
                    self._wake.wait()
                deadline, _, action = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._wake.wait(timeout=delay)
                    continue
                heapq.heappop(self._heap)
            try:
                action()
            except Exception:  # one failed kill must not end every later deadline
                continue

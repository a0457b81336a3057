"""Capture a process's output without letting a flood of it hurt the harness."""

from __future__ import annotations

DEFAULT_CAP = 256 * 1024  # bytes kept per stream


class CappedBuffer:
    """Keeps the first and last `cap // 2` bytes of a stream and counts what it dropped.

    The head shows how a command started, the tail how it ended (where errors usually
    are); everything between is drained and discarded so memory stays bounded.
    """

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        self.half = max(cap // 2, 1)
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def write(self, data: bytes) -> None:
        room = self.half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if not data:
            return
        self.tail += data
        excess = len(self.tail) - self.half
        if excess > 0:
            self.dropped += excess
            del self.tail[:excess]

    @property
    def truncated(self) -> bool:
        return self.dropped > 0

    def text(self) -> str:
        head = self.head.decode("utf-8", errors="replace")
        tail = self.tail.decode("utf-8", errors="replace")
        if not self.dropped:
            return head + tail
        return f"{head}\n[... {self.dropped} bytes of output omitted ...]\n{tail}"

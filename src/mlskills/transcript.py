"""A trial's log folder: transcript.jsonl plus named log files, with secrets redacted.

Agents append events as they happen (flushed per line, so a crash loses nothing already
written). Any registered secret value, in its common encodings and pieces of it (see
mlskills.redaction), is replaced before it reaches disk.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from mlskills.redaction import REDACTED, Redactor

__all__ = ["REDACTED", "TrialLog"]


class TrialLog:
    def __init__(self, folder: Path, secrets: tuple[str, ...] = ()) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._redactor = Redactor(secrets)
        self._lock = threading.Lock()
        self._transcript = None

    def redact(self, text: str) -> str:
        return self._redactor.redact(text)

    def event(self, kind: str, **fields: Any) -> None:
        """Append one JSON line: {"t": unix time, "kind": kind, ...fields}."""
        line = json.dumps({"t": round(time.time(), 3), "kind": kind, **fields}, default=str)
        with self._lock:
            if self._transcript is None:
                self._transcript = (self.folder / "transcript.jsonl").open("a", encoding="utf-8")
            self._transcript.write(self.redact(line) + "\n")
            self._transcript.flush()

    def write_text(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.write_text(self.redact(text), encoding="utf-8")
        return path

    def path(self, name: str) -> Path:
        return self.folder / name

    def sub(self, name: str) -> TrialLog:
        """A log in a sub-folder with the same secrets (the judge's transcript, say)."""
        return TrialLog(self.folder / name, secrets=self._redactor.secrets)

    def close(self) -> None:
        with self._lock:
            if self._transcript is not None:
                self._transcript.close()
                self._transcript = None

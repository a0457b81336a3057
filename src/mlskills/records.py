"""Run folders on disk: run.json, trials.jsonl and one folder per trial.

trials.jsonl gets one line per finished trial, written with a single `write` on an
O_APPEND descriptor, so a crash or Ctrl-C leaves whole lines only (a torn last line from a
power cut is skipped on load). The last line for a (task, arm, epoch) wins: `--resume`
reruns errored trials and appends their new record.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from mlskills.errors import MlskillsError
from mlskills.schema import TrialKey, TrialRecord

RUN_FILE = "run.json"
TRIALS_FILE = "trials.jsonl"


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write to a temporary file and rename, so readers never see half a document."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, default=str)
        handle.write("\n")
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; run folders are meant to be shared
    os.replace(tmp, path)


class RunDir:
    """One run's folder. Thread-safe for appending records from worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    @classmethod
    def create(cls, runs_dir: Path, meta: dict[str, Any], run_id: str | None = None) -> RunDir:
        path = Path(runs_dir) / (run_id or new_run_id())
        path.mkdir(parents=True, exist_ok=False)
        run = cls(path)
        run.write_meta(meta)
        return run

    @classmethod
    def open(cls, path: Path) -> RunDir:
        path = Path(path)
        if not (path / RUN_FILE).is_file():
            raise MlskillsError(f"{path} is not a run folder (no {RUN_FILE}); pass runs/<run-id>")
        return cls(path)

    @property
    def meta_path(self) -> Path:
        return self.path / RUN_FILE

    def read_meta(self) -> dict[str, Any]:
        try:
            return json.loads(self.meta_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise MlskillsError(f"{self.meta_path}: unreadable run record ({exc})") from exc

    def write_meta(self, meta: dict[str, Any]) -> None:
        write_json_atomic(self.meta_path, meta)

    def update_meta(self, **changes: Any) -> dict[str, Any]:
        with self._lock:
            meta = {**self.read_meta(), **changes}
            self.write_meta(meta)
            return meta

    def trial_dir(self, key: TrialKey) -> Path:
        folder = self.path / key.relpath
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def append(self, record: TrialRecord) -> None:
        self.append_line(json.dumps(record.to_dict(), default=str))

    def append_line(self, line: str, name: str = TRIALS_FILE) -> None:
        """One whole line with a single `write` on an O_APPEND descriptor (see above)."""
        data = (line + "\n").encode("utf-8")
        with self._lock:
            fd = os.open(self.path / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)

    def records(self) -> list[TrialRecord]:
        """Every record in file order; torn or foreign lines are skipped."""
        return load_records(self.path / TRIALS_FILE)

    def latest(self) -> dict[TrialKey, TrialRecord]:
        """The last record per trial key (what reports and resume use)."""
        return {record.key: record for record in self.records()}


def load_records(path: Path) -> list[TrialRecord]:
    if not path.is_file():
        return []
    records = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                records.append(TrialRecord.from_dict(json.loads(line)))
            except (json.JSONDecodeError, TypeError, KeyError):
                continue
    return records

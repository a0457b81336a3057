"""Run folders on disk: run.json, trials.jsonl and one folder per trial.

trials.jsonl gets one line per finished trial, written with a single `write` on an
O_APPEND descriptor, so a crash or Ctrl-C leaves whole lines only (a torn last line from a
power cut is skipped on load). The last line for a (task, arm, epoch) wins: `--resume`
reruns errored trials and appends their new record.

Both files carry `schema_version`; reading one this version does not know (a newer mlskills
wrote it) stops with a message instead of misreading fields whose meaning changed. Older
versions are upgraded line by line as they are read (`upgrade`), so a run written before
a schema change still reports and resumes; a resumed run's new lines are of today's
schema, and each line says which it is.
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

from mlskills import __version__
from mlskills.errors import MlskillsError
from mlskills.schema import SCHEMA_VERSION, JudgeFacts, TrialKey, TrialRecord

RUN_FILE = "run.json"
TRIALS_FILE = "trials.jsonl"
OLDEST_SCHEMA = 1  # the oldest schema_version this mlskills still reads (upgraded)


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
        run = cls(path)
        check_schema(run.read_meta().get("schema_version"), run.meta_path)
        return run

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


def check_schema(version: Any, where: Path | str) -> None:
    """Refuse a record whose schema this version does not know, saying what to do."""
    known = isinstance(version, int) and not isinstance(version, bool)
    if known and OLDEST_SCHEMA <= version <= SCHEMA_VERSION:
        return
    if known and version > SCHEMA_VERSION:
        raise MlskillsError(
            f"{where}: written with schema_version {version}, newer than this mlskills "
            f"{__version__} reads ({SCHEMA_VERSION}); upgrade mlskills to read it"
        )
    raise MlskillsError(
        f"{where}: unknown schema_version {version!r} (this mlskills reads {OLDEST_SCHEMA} "
        f"to {SCHEMA_VERSION}); it was not written by `mlskills run`"
    )


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """One trials.jsonl line of a known schema, in today's shape."""
    if data["schema_version"] < 2:
        data = _from_v1(data)
    return data


# Version 1 kept the harness's own facts in `details`, beside the agent's.
V1_HARNESS_KEYS = ("scratch", "regrade_equal", "judge")


def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Move the harness's facts out of v1's `details` into their fields; the rest of
    `details` was the agent's and stays."""
    details = dict(data.get("details") or {})
    moved = {key: details.pop(key, None) for key in V1_HARNESS_KEYS}
    if isinstance(moved["judge"], dict):
        moved["judge"] = _judge_from_v1(moved["judge"], data)
    return {**data, **moved, "details": details, "schema_version": SCHEMA_VERSION}


def _judge_from_v1(old: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """v1's `details.judge` kept the grader's own score under `deterministic`."""
    before = old.get("deterministic") or {}
    known = set(JudgeFacts.__dataclass_fields__) - {"grader_score", "grader_passed"}
    return {
        **{key: value for key, value in old.items() if key in known},
        "configured": bool(old.get("configured")),
        "grader_score": before.get("score", record.get("score")),
        "grader_passed": before.get("passed", record.get("passed")),
    }


def load_records(path: Path) -> list[TrialRecord]:
    if not path.is_file():
        return []
    records = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                data = json.loads(line)
                if isinstance(data, dict) and "schema_version" in data:
                    check_schema(data["schema_version"], f"{path}:{number}")
                    data = upgrade(data)
                records.append(TrialRecord.from_dict(data))
            except (json.JSONDecodeError, TypeError, KeyError, AttributeError):
                continue  # a torn or foreign line
    return records

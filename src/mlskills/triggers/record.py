"""Trigger run folders: run.json plus triggers.jsonl, one line per finished session.

Like trial runs: one atomic append per line, the last line per (case, repeat) wins, and a
resumed run re-runs what is missing or errored.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlskills.errors import MlskillsError
from mlskills.records import RunDir, new_run_id
from mlskills.triggers.session import Outcome

RECORDS = "triggers.jsonl"
KIND = "triggers"
SCHEMA_VERSION = 1


@dataclass
class TriggerRecord:
    case_id: str
    repeat: int
    expect: list[str]
    status: str  # "ok", or "error" when the machinery failed (not scored)
    choice: str | None = None  # skill:NAME, agent:NAME, none, other:TOOL
    tool: str | None = None
    error: str | None = None
    agent: str = ""
    model: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    cost_known: bool = True
    model_calls: int = 0
    seconds: float = 0.0
    descriptions: str = ""  # the Targets digest the session saw
    text: str = ""
    tool_input: Any = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.case_id, self.repeat)

    @property
    def cost(self) -> float:
        return float(self.usage.get("cost") or 0.0)

    @property
    def correct(self) -> bool | None:
        """Right when the choice is one of the expected items, or nothing of ours was
        chosen for a negative; None for errors (they say nothing about triggering)."""
        if self.status != "ok" or self.choice is None:
            return None
        if not self.expect:
            return not self.choice.startswith(("skill:", "agent:"))
        return self.choice in self.expect

    @classmethod
    def from_outcome(
        cls, case_id: str, repeat: int, expect: list[str], agent: str, digest: str, o: Outcome
    ) -> TriggerRecord:
        return cls(
            case_id=case_id,
            repeat=repeat,
            expect=list(expect),
            status="error" if o.error or o.choice is None else "ok",
            choice=o.choice.label if o.choice else None,
            tool=o.choice.tool if o.choice else None,
            error=o.error,
            agent=agent,
            model=o.model,
            usage=asdict(o.usage),
            cost_known=o.cost_known,
            model_calls=o.model_calls,
            seconds=round(o.seconds, 3),
            descriptions=digest,
            text=o.text,
            tool_input=o.tool_input,
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "correct": self.correct}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TriggerRecord:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


class TriggerRun:
    """A trigger run's folder, sharing the trial runs' atomic run.json and append rules."""

    def __init__(self, folder: RunDir) -> None:
        self.dir = folder

    @property
    def path(self) -> Path:
        return self.dir.path

    @classmethod
    def create(cls, runs_dir: Path, meta: dict[str, Any]) -> TriggerRun:
        meta = {"kind": KIND, "schema_version": SCHEMA_VERSION, **meta}
        return cls(RunDir.create(runs_dir, meta, run_id=f"triggers-{new_run_id()}"))

    @classmethod
    def open(cls, path: Path) -> TriggerRun:
        run = cls(RunDir.open(path))
        meta = run.meta()
        if meta.get("kind") != KIND:
            raise MlskillsError(f"{path} is not a trigger run (see `mlskills report` for trials)")
        if int(meta.get("schema_version") or 0) > SCHEMA_VERSION:
            raise MlskillsError(
                f"{path} was written by a newer mlskills (trigger schema "
                f"{meta.get('schema_version')}); upgrade mlskills to read it"
            )
        return run

    def meta(self) -> dict[str, Any]:
        return self.dir.read_meta()

    def update(self, **changes: Any) -> None:
        self.dir.update_meta(**changes)

    def append(self, record: TriggerRecord) -> None:
        self.dir.append_line(json.dumps(record.to_dict(), default=str), RECORDS)

    def records(self) -> list[TriggerRecord]:
        out = []
        file = self.path / RECORDS
        if not file.is_file():
            return out
        with file.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    out.append(TriggerRecord.from_dict(json.loads(line)))
                except (json.JSONDecodeError, TypeError):
                    continue
        return out

    def latest(self) -> dict[tuple[str, int], TriggerRecord]:
        return {r.key: r for r in self.records()}

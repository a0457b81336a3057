"""Per-trial drill-down data for the HTML report: grade, timing, usage, logs and transcript.

Transcripts are untrusted agent output and can be huge, so every string is cut to a head
and a tail, and each trial gets a byte budget: past it, events from the middle are left
out (the start and the end of a run are what explain it) with a note saying where the full
file is. Nothing here is interpreted; the page shows it as text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlskills.report.jsonout import jsonable
from mlskills.schema import TrialRecord
from mlskills.textsafe import clean, clean_json

LOG_FILES = ("agent.log",)


@dataclass(frozen=True)
class Budget:
    """How much of one trial the report embeds (characters of JSON)."""

    string_chars: int = 4000  # longest single string kept whole
    trial_chars: int = 32000  # all transcript events of one trial
    log_chars: int = 8000  # tail of each log file


def cut(text: str, limit: int) -> str:
    """Keep the head and tail of a long string, saying how much was dropped in between."""
    if len(text) <= limit:
        return text
    head = limit * 3 // 4
    tail = limit - head
    return f"{text[:head]}\n[… {len(text) - limit:,} characters cut …]\n{text[-tail:]}"


def shorten(value: Any, limit: int) -> Any:
    """Apply `cut` to every string inside a JSON value."""
    if isinstance(value, str):
        return cut(clean(value), limit)
    if isinstance(value, dict):
        return {str(k): shorten(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [shorten(v, limit) for v in value]
    return value


def read_events(path: Path) -> list[dict[str, Any]]:
    """One dict per transcript line; a line that is not a JSON object is kept as raw text."""
    events = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                event = json.loads(line, parse_constant=lambda _: None)  # NaN is not JSON
            except json.JSONDecodeError:
                event = None
            if not isinstance(event, dict):
                event = {"kind": "raw", "text": line.rstrip("\n")}
            events.append(event)
    return events


def _size(event: dict[str, Any]) -> int:
    return len(json.dumps(event, ensure_ascii=False, default=str))


def fit(events: list[dict[str, Any]], budget: int) -> tuple[list[dict[str, Any]], int]:
    """Keep events from both ends until the budget is spent; returns (kept, number left out)."""
    sizes = [_size(e) for e in events]
    if sum(sizes) <= budget:
        return events, 0
    head, tail, spent = 0, len(events), 0
    while head < tail:
        take_head = head <= len(events) - tail  # alternate, favouring the start
        index = head if take_head else tail - 1
        if spent + sizes[index] > budget:
            break
        spent += sizes[index]
        head, tail = (head + 1, tail) if take_head else (head, tail - 1)
    dropped = tail - head
    note = {"kind": "cut", "text": f"{dropped} events left out of the report"}
    return [*events[:head], note, *events[tail:]], dropped


def transcript(folder: Path, budget: Budget) -> dict[str, Any]:
    path = folder / "transcript.jsonl"
    if not path.is_file():
        return {"events": [], "total": 0, "dropped": 0, "present": False}
    events = [shorten(e, budget.string_chars) for e in read_events(path)]
    kept, dropped = fit(events, budget.trial_chars)
    return {"events": kept, "total": len(events), "dropped": dropped, "present": True}


def log_tails(folder: Path, budget: Budget) -> dict[str, str]:
    logs = {}
    for name in LOG_FILES:
        path = folder / name
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            logs[name] = cut(clean(text), budget.log_chars)
    return logs


def _grade(folder: Path, record: TrialRecord) -> dict[str, Any] | None:
    """The record's grade, or grade.json when the record lacks it (older or partial runs)."""
    if record.grade is not None:
        return clean_json(record.grade)
    try:
        data = json.loads((folder / "grade.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return clean_json(data) if isinstance(data, dict) else None


def trial_detail(run_path: Path, record: TrialRecord, budget: Budget) -> dict[str, Any]:
    """Everything the drill-down shows for one trial, as JSON-ready data."""
    folder = Path(run_path) / record.key.relpath
    files = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    data = {**record.to_dict(), "grade": _grade(folder, record)}
    return {
        "folder": record.key.relpath,
        "files": files,
        "record": shorten(jsonable(data), budget.string_chars),
        "logs": log_tails(folder, budget),
        "transcript": transcript(folder, budget),
        "judge": transcript(folder / "judge", budget),  # the rubric judge's, never the agent's
    }

"""Synthetic run folders: real run.json, trials.jsonl and trial folders, written without agents.

Scores follow a simple model (task difficulty + arm effect + epoch noise) from a seeded RNG,
so report tests can check numbers and benchmarks can build 1,000-trial runs in a second.
Transcripts imitate the anthropic agent's events (agent_start, response, tool_call,
agent_end) with realistic sizes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlskills.records import RunDir, write_json_atomic
from mlskills.schema import SCHEMA_VERSION, Check, Grade, TrialRecord, Usage
from mlskills.transcript import TrialLog

SYSTEM_PROMPT = "You are an ML engineer. " * 300  # ~7 KB, the same in every trial


@dataclass
class Spec:
    """What to synthesise; `effects` maps arm -> score shift, `errors` is the error share."""

    tasks: int = 4
    arms: tuple[str, ...] = ("bare", "pack")
    epochs: int = 3
    effects: dict[str, float] = field(default_factory=lambda: {"bare": 0.0, "pack": 0.15})
    errors: float = 0.0
    turns: int = 6
    output_chars: int = 1500
    seed: int = 0
    status: str = "finished"
    sandbox: str = "bwrap"
    agent: str = "anthropic"
    limits: dict[str, Any] = field(default_factory=dict)
    pass_mark: float = 0.6
    words: bool = False  # tool output like real logs (compresses ~4x) instead of random hex


def meta_for(spec: Spec, task_ids: list[str]) -> dict[str, Any]:
    config = {
        "agent": spec.agent,
        "task_ids": task_ids,
        "arms": list(spec.arms),
        "epochs": spec.epochs,
        "seed": spec.seed,
        "jobs": 1,
        "sandbox": spec.sandbox,
        "suite": None,
        "limits": spec.limits,
        "agent_options": {"model": "claude-test"},
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "config": config,
        "agent": {"agent": spec.agent, "model": "claude-test"},
        "versions": {"mlskills": "0.1.0", "python": "3.11"},
        "git_revision": "0" * 40,
        "started_at": "2026-01-01T00:00:00Z",
        "finished_at": "2026-01-01T01:00:00Z",
        "status": spec.status,
        "grading_data_readable_by_agent": spec.sandbox == "local",
        "skipped": {},
        "planned_trials": len(task_ids) * len(spec.arms) * spec.epochs,
    }


def grade_for(score: float, pass_mark: float) -> Grade:
    checks = [
        Check("provided data unchanged", True, "2 provided files intact", gate=True),
        Check("predictions valid", score > 0, "predictions.csv: 3000 rows", gate=True),
        Check("metrics.json present", score > 0.3, "validation estimate reported", weight=0.1),
    ]
    passed = score >= pass_mark and all(c.passed for c in checks if c.gate)
    return Grade(round(score, 6), passed, 0.05 + 0.3 * score, checks, {"prevalence": 0.04})


WORDS = ("epoch", "loss", "val_loss", "auc", "precision", "recall")
WORDS += ("fold", "train", "test", "rows", "cols", "warning")


def hex_text(rng: random.Random, chars: int) -> str:
    raw = rng.randbytes(chars // 2).hex()
    return "\n".join(raw[i : i + 80] for i in range(0, len(raw), 80))


def log_text(rng: random.Random, chars: int) -> str:
    """Lines like a training log: words from a small vocabulary and random numbers."""
    lines, size = [], 0
    while size < chars:
        line = " ".join(f"{rng.choice(WORDS)}={rng.random():.4f}" for _ in range(5))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:chars]


def write_transcript(log: TrialLog, spec: Spec, rng: random.Random) -> None:
    log.event("agent_start", agent=spec.agent, model="claude-test", system=SYSTEM_PROMPT)
    for turn in range(1, spec.turns + 1):
        call = {"type": "tool_use", "id": f"t{turn}", "name": "bash", "input": {"cmd": "ls"}}
        text = {"type": "text", "text": f"Turn {turn}: looking at the data."}
        log.event("response", turn=turn, stop_reason="tool_use", content=[text, call])
        output = (log_text if spec.words else hex_text)(rng, spec.output_chars)
        log.event(
            "tool_call",
            turn=turn,
            id=f"t{turn}",
            name="bash",
            input={"cmd": "ls"},
            output=output,
            is_error=False,
            seconds=0.1,
        )
    log.event("agent_end", status="completed", usage={"input_tokens": 1000})


def make_record(spec: Spec, task: int, arm: str, epoch: int, rng: random.Random) -> TrialRecord:
    usage = Usage(
        20000 + rng.randrange(5000), 3000, 15000, 2000, round(0.05 + rng.random() / 20, 4)
    )
    record = TrialRecord(
        task_id=f"task-{task:03d}",
        arm=arm,
        epoch=epoch,
        seed=spec.seed + epoch,
        agent=spec.agent,
        status="completed",
        turns=spec.turns,
        usage=usage,
        agent_seconds=30.0,
        grade_seconds=1.0,
        wall_seconds=31.0 + rng.random(),
    )
    if rng.random() < spec.errors:
        record.status, record.error = "error", "APIConnectionError: connection reset"
        return record
    base = 0.3 + 0.5 * ((task * 7) % 10) / 10
    score = min(1.0, max(0.0, base + spec.effects.get(arm, 0.0) + rng.gauss(0, 0.1)))
    grade = grade_for(score, spec.pass_mark)
    record.score, record.passed, record.metric = grade.score, grade.passed, grade.metric
    record.grade = grade.to_dict()
    return record


def synthesise(runs_dir: Path, spec: Spec, run_id: str = "synthetic") -> Path:
    """Write a whole run folder and return its path."""
    rng = random.Random(spec.seed)
    task_ids = [f"task-{i:03d}" for i in range(spec.tasks)]
    run = RunDir.create(runs_dir, meta_for(spec, task_ids), run_id=run_id)
    for task in range(spec.tasks):
        for arm in spec.arms:
            for epoch in range(spec.epochs):
                record = make_record(spec, task, arm, epoch, rng)
                folder = run.trial_dir(record.key)
                log = TrialLog(folder)
                write_transcript(log, spec, rng)
                log.write_text("agent.log", "agent finished\n--- stderr ---\n")
                log.close()
                if record.grade:
                    write_json_atomic(folder / "grade.json", record.grade)
                run.append(record)
    return run.path


def trial(task: str, arm: str, epoch: int, score: float | None, **fields: Any) -> TrialRecord:
    """A hand-made record: passed when score >= 0.5 unless given; usage from `usage=`."""
    status = fields.pop("status", "completed")
    passed = fields.pop("passed", None if score is None else score >= 0.5)
    return TrialRecord(
        task_id=task,
        arm=arm,
        epoch=epoch,
        seed=fields.pop("seed", epoch),
        agent=fields.pop("agent", "anthropic"),
        status=status,
        score=score,
        passed=passed,
        **fields,
    )


def write_run(
    runs_dir: Path,
    records: list[TrialRecord],
    run_id: str = "handmade",
    events: dict[tuple[str, str, int], list[dict[str, Any]]] | None = None,
    **meta: Any,
) -> Path:
    """A run folder holding exactly these records (and transcripts for the given keys)."""
    tasks = list(dict.fromkeys(r.task_id for r in records))
    arms = tuple(dict.fromkeys(r.arm for r in records))
    epochs = max(r.epoch for r in records) + 1
    spec = Spec(tasks=len(tasks), arms=arms, epochs=epochs, sandbox=meta.pop("sandbox", "bwrap"))
    run = RunDir.create(runs_dir, {**meta_for(spec, tasks), **meta}, run_id=run_id)
    for record in records:
        folder = run.trial_dir(record.key)
        for event in (events or {}).get((record.task_id, record.arm, record.epoch), []):
            log = TrialLog(folder)
            log.event(**event)
            log.close()
        run.append(record)
    return run.path

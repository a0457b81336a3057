"""`tasks check`: prove each task grades what it claims.

Per task: the oracle passes (for every seed asked), nop scores 0, every wrong/* solution
scores below the pass mark, and grading one workspace twice gives the same grade. The
trials run through the normal runner, so the check exercises the same path as real runs.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlskills import paths, tasks
from mlskills.agents.nop import NopAgent
from mlskills.agents.script import oracle, wrong
from mlskills.preparation import PreparedCache
from mlskills.records import RunDir
from mlskills.runner import Observer, execute
from mlskills.schema import Arm, TaskSpec, TrialRecord
from mlskills.trial import TrialEnv, TrialPlan


@dataclass
class TaskCheck:
    """The verdict for one task, with the numbers behind it."""

    task_id: str
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None
    oracle_scores: list[float] = field(default_factory=list)
    nop_score: float | None = None
    wrong_scores: dict[str, float | None] = field(default_factory=dict)
    oracle_seconds: float = 0.0
    grade_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "ok": self.ok}


def plans_for(task: TaskSpec, seeds: int) -> list[TrialPlan]:
    """Oracle for each seed; nop and each wrong solution on seed 0."""
    limits = task.limits
    plans = [TrialPlan(task, Arm("oracle"), s, s, limits, oracle(), "oracle") for s in range(seeds)]
    plans.append(TrialPlan(task, Arm("nop"), 0, 0, limits, NopAgent(), "nop"))
    for script in task.wrong_solutions:
        agent = wrong(script.stem)
        plans.append(TrialPlan(task, Arm(f"wrong-{script.stem}"), 0, 0, limits, agent, agent.name))
    return plans


def judge(task: TaskSpec, records: list[TrialRecord]) -> TaskCheck:
    """Turn one task's trial records into a verdict with a reason per failure."""
    check = TaskCheck(task.id)
    pass_mark = task.grading.pass_mark
    for record in sorted(records, key=lambda r: (r.arm, r.epoch)):
        label = f"{record.arm} (seed {record.seed})"
        if record.status == "error":
            check.problems.append(f"{label}: error: {record.error}")
            continue
        if record.arm == "oracle":
            _judge_oracle(check, record, label)
        elif record.arm == "nop":
            check.nop_score = record.score
            if record.score:
                check.problems.append(f"nop scored {record.score:.3f}; it must score 0")
        else:
            check.wrong_scores[record.arm.removeprefix("wrong-")] = record.score
            if record.passed or (record.score or 0) >= pass_mark:
                check.problems.append(f"{label} scored {record.score:.3f}, not below {pass_mark}")
    return check


def _judge_oracle(check: TaskCheck, record: TrialRecord, label: str) -> None:
    check.oracle_scores.append(record.score or 0.0)
    check.oracle_seconds = max(check.oracle_seconds, record.agent_seconds)
    check.grade_seconds = max(check.grade_seconds, record.grade_seconds)
    if not record.passed:
        failed = [c["message"] for c in (record.grade or {}).get("checks", []) if not c["passed"]]
        why = f" ({'; '.join(failed)})" if failed else ""
        if tail := record.details.get("stderr_tail"):
            why += f"\n  solve.sh exited {record.details.get('exit_code')}: ...{tail[-400:]}"
        check.problems.append(f"oracle did not pass: score {record.score}{why}")
    if record.details.get("regrade_equal") is False:
        check.problems.append(f"{label}: grading the same workspace twice gave different grades")


def check_tasks(
    task_ids: list[str],
    *,
    seeds: int = 1,
    jobs: int = 1,
    cache_dir: Path,
    sandbox_kind: str = "local",
    observer: Observer | None = None,
    evals: Path | None = None,
) -> list[TaskCheck]:
    specs = [tasks.find_task(t, evals) for t in task_ids]
    results, plans = {}, []
    for task in specs:
        if missing := tasks.missing_requirements(task):
            results[task.id] = TaskCheck(task.id, skipped=f"needs {', '.join(missing)}")
        else:
            plans.extend(plans_for(task, seeds))
    with tempfile.TemporaryDirectory(prefix="mlskills-check-") as tmp:
        run = RunDir.create(Path(tmp), {"purpose": "tasks check"}, run_id="check")
        env = TrialEnv(
            agent=NopAgent(),
            agent_name="nop",
            run=run,
            cache=PreparedCache(cache_dir / "prepared"),
            sandbox_kind=sandbox_kind,
            scratch_root=paths.default_scratch_dir(),
            regrade=True,
        )
        if observer:
            observer.started(len(plans))
        records, interrupted = execute(env, plans, jobs, observer)
    if interrupted:
        raise KeyboardInterrupt
    for task in specs:
        if task.id not in results:
            results[task.id] = judge(task, [r for r in records if r.task_id == task.id])
    return [results[t.id] for t in specs]

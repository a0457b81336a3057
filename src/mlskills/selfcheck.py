"""`tasks check`: prove each task grades what it claims, and by how much.

Per task and per seed: the oracle and every right/* solution pass (and grading the
oracle's workspace twice gives the same grade), every wrong/* solution scores below the mark;
nop scores 0 (seed 0). Beyond pass/fail it measures margins: the worst score of any right
solution (oracle included) and the best score of any wrong one, against the pass mark.
A margin under MARGIN is a warning (`flags`), not an error: the task still grades
correctly on these seeds, but another seed or an honest variant may cross the mark.
The trials run through the normal runner, so the check exercises the same path as real runs.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlskills import paths, tasks
from mlskills.agents.nop import NopAgent
from mlskills.agents.script import ScriptAgent, oracle, wrong
from mlskills.preparation import PreparedCache
from mlskills.records import RunDir
from mlskills.runner import Observer, execute
from mlskills.schema import Arm, TaskSpec, TrialRecord
from mlskills.trial import TrialEnv, TrialPlan

MARGIN = 0.05  # a right or wrong score this close to the pass mark is flagged


@dataclass
class SolutionRun:
    """One solution on one seed: what it scored and the raw metric behind the score."""

    kind: str  # oracle | right | wrong | nop
    name: str
    seed: int
    score: float | None
    metric: float | None
    passed: bool | None


@dataclass
class TaskCheck:
    """The verdict for one task, with the numbers behind it."""

    task_id: str
    pass_mark: float = 0.5
    problems: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    skipped: str | None = None
    runs: list[SolutionRun] = field(default_factory=list)
    oracle_seconds: float = 0.0
    grade_seconds: float = 0.0
    trial_seconds: float = 0.0  # the task's share of the check: every trial's wall time

    @property
    def ok(self) -> bool:
        return not self.problems

    def _of(self, *kinds: str) -> list[SolutionRun]:
        return [r for r in self.runs if r.kind in kinds]

    @property
    def oracle_scores(self) -> list[float]:
        return [r.score or 0.0 for r in self._of("oracle")]

    @property
    def nop_score(self) -> float | None:
        nop = self._of("nop")
        return nop[0].score if nop else None

    @property
    def wrong_scores(self) -> dict[str, float | None]:
        """Each wrong solution's best score over the seeds (None: never graded)."""
        best: dict[str, float | None] = {}
        for r in self._of("wrong"):
            if r.score is not None:
                best[r.name] = max(best.get(r.name) or 0.0, r.score)
            else:
                best.setdefault(r.name, None)
        return best

    @property
    def worst_right(self) -> SolutionRun | None:
        """The lowest-scoring right solution on any seed, the oracle included."""
        graded = [r for r in self._of("oracle", "right") if r.score is not None]
        return min(graded, key=lambda r: r.score) if graded else None

    @property
    def best_wrong(self) -> SolutionRun | None:
        graded = [r for r in self._of("wrong") if r.score is not None]
        return max(graded, key=lambda r: r.score) if graded else None

    def to_dict(self) -> dict[str, Any]:
        worst, best = self.worst_right, self.best_wrong
        return {
            "task_id": self.task_id,
            "ok": self.ok,
            "pass_mark": self.pass_mark,
            "problems": self.problems,
            "flags": self.flags,
            "skipped": self.skipped,
            "oracle_scores": self.oracle_scores,
            "nop_score": self.nop_score,
            "wrong_scores": self.wrong_scores,
            "worst_right": worst.__dict__ if worst else None,
            "best_wrong": best.__dict__ if best else None,
            "runs": [r.__dict__ for r in self.runs],
            "oracle_seconds": self.oracle_seconds,
            "grade_seconds": self.grade_seconds,
            "trial_seconds": round(self.trial_seconds, 2),
        }


def right(name: str) -> ScriptAgent:
    """An alternative correct solution (right/<name>.sh): it must pass like the oracle."""
    return ScriptAgent(f"right/{name}.sh", f"right:{name}")


def plans_for(task: TaskSpec, seeds: int, wrong_seeds: int | None = None) -> list[TrialPlan]:
    """Oracle and each right/* on every seed, each wrong/* on the first `wrong_seeds`
    (default: every seed); nop on seed 0.

    Fewer seeds for wrong/ is a budget, not a default: honest work must pass on every
    seed (a sharper grader can start failing it anywhere), and a wrong solution's best
    seed is what the margin is about, so every seed is the full check.

    Grading must be deterministic, and one workspace graded twice shows it: the oracle's
    on seed 0 (a wrong solution may be random by design, dropout left on at prediction).
    The grader is what is under test, and the oracle's workspace exercises all of it; a
    second grading of every right/ besides cost ~65 CPU s of a 3-seed suite check (a
    grading is most of a PyTorch task's trial) and tested the right/ scripts' own
    determinism more than the graders'."""
    limits = task.limits
    agent = oracle()
    plans = [TrialPlan(task, Arm("nop"), 0, 0, limits, NopAgent(), "nop")]
    plans += [
        TrialPlan(task, Arm("oracle"), s, s, limits, agent, agent.name, regrade=s == 0)
        for s in range(seeds)
    ]
    others = [(Arm(f"right-{p.stem}"), right(p.stem)) for p in task.right_solutions]
    others += [(Arm(f"wrong-{p.stem}"), wrong(p.stem)) for p in task.wrong_solutions]
    for arm, agent in others:
        is_wrong = _kind_and_name(arm.name)[0] == "wrong"
        count = wrong_seeds if is_wrong and wrong_seeds else seeds
        plans += [TrialPlan(task, arm, s, s, limits, agent, agent.name) for s in range(count)]
    return plans


def _kind_and_name(arm: str) -> tuple[str, str]:
    for kind in ("right", "wrong"):
        if arm.startswith(f"{kind}-"):
            return kind, arm.removeprefix(f"{kind}-")
    return arm, arm


def judge(task: TaskSpec, records: list[TrialRecord]) -> TaskCheck:
    """Turn one task's trial records into a verdict with a reason per failure."""
    check = TaskCheck(task.id, pass_mark=task.grading.pass_mark)
    pass_mark = task.grading.pass_mark
    for record in sorted(records, key=lambda r: (r.arm, r.epoch)):
        kind, name = _kind_and_name(record.arm)
        label = f"{record.arm} (seed {record.seed})"
        check.trial_seconds += record.wall_seconds
        check.runs.append(
            SolutionRun(kind, name, record.seed, record.score, record.metric, record.passed)
        )
        if record.status == "error":
            check.problems.append(f"{label}: error: {record.error}")
            continue
        # Stable grades are required of deterministic solutions (oracle, right/). A wrong
        # one may be random by design (dropout left on at prediction), so may its grade.
        if kind in ("oracle", "right") and record.regrade_equal is False:
            check.problems.append(f"{label}: grading the same workspace twice differed")
        if kind in ("oracle", "right"):
            _judge_right(check, record, label)
        elif kind == "nop":
            if record.score:
                check.problems.append(f"nop scored {record.score:.3f}; it must score 0")
        elif record.passed or (record.score or 0) >= pass_mark:
            check.problems.append(f"{label} scored {record.score:.3f}, not below {pass_mark}")
    _flag_margins(check)
    return check


def _judge_right(check: TaskCheck, record: TrialRecord, label: str) -> None:
    if record.arm == "oracle":
        check.oracle_seconds = max(check.oracle_seconds, record.agent_seconds)
    check.grade_seconds = max(check.grade_seconds, record.grade_seconds)
    if not record.passed:
        failed = [c["message"] for c in (record.grade or {}).get("checks", []) if not c["passed"]]
        why = f" ({'; '.join(failed)})" if failed else ""
        if tail := record.details.get("stderr_tail"):
            why += f"\n  script exited {record.details.get('exit_code')}: ...{tail[-400:]}"
        check.problems.append(f"{label} did not pass: score {record.score}{why}")


def _flag_margins(check: TaskCheck) -> None:
    """Warn when the worst right or the best wrong score lies within MARGIN of the mark.

    A right solution with the top score (1.0) is never flagged: where the mark is 1.0 (all
    checks or nothing) nothing scores higher, and a flag there would be permanent, so
    --strict could never pass that task."""
    mark = check.pass_mark
    worst, best = check.worst_right, check.best_wrong
    if worst and worst.score is not None and mark <= worst.score < min(mark + MARGIN, 1.0):
        check.flags.append(
            f"worst right {worst.name} (seed {worst.seed}) scored {worst.score:.3f}, "
            f"within {MARGIN} above the pass mark {mark}"
        )
    if best and best.score is not None and mark - MARGIN < best.score < mark:
        check.flags.append(
            f"best wrong {best.name} (seed {best.seed}) scored {best.score:.3f}, "
            f"within {MARGIN} below the pass mark {mark}"
        )


def check_tasks(
    task_ids: list[str],
    *,
    seeds: int = 3,
    wrong_seeds: int | None = None,
    jobs: int = 1,
    cache_dir: Path,
    sandbox_kind: str = "local",
    observer: Observer | None = None,
    evals: Path | None = None,
) -> list[TaskCheck]:
    specs = [tasks.find_task(t, evals) for t in task_ids]
    results, plans = {}, []
    # The PyTorch tasks' trials are the longest: started first, they do not leave one core
    # idle at the end while the last of them runs alone.
    for task in sorted(specs, key=lambda t: not t.trains_torch):
        if missing := tasks.missing_requirements(task):
            results[task.id] = TaskCheck(task.id, skipped=f"needs {', '.join(missing)}")
        else:
            plans.extend(plans_for(task, seeds, wrong_seeds))
    with tempfile.TemporaryDirectory(prefix="mlskills-check-") as tmp:
        run = RunDir.create(Path(tmp), {"purpose": "tasks check"}, run_id="check")
        env = TrialEnv(
            agent=NopAgent(),
            agent_name="nop",
            run=run,
            cache=PreparedCache(cache_dir / "prepared"),
            sandbox_kind=sandbox_kind,
            scratch_root=paths.default_scratch_dir(),
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

"""One trial: prepared instance → fresh workspace → agent under limits → grade → record.

Every failure of the machinery (prepare, sandbox, agent plumbing, grader) becomes a record
with status "error" and the reason; only the agent's work is ever scored.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import traceback
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from mlskills import sandbox as sandboxes
from mlskills import workspaces
from mlskills.agents.base import Agent, AgentRequest
from mlskills.grading import GradeContext, GraderError, failed, run_grader
from mlskills.grading.context import WorkspaceFault, copy_workspace
from mlskills.grading.integrity import protected_hashes, verify
from mlskills.instructions import render_instruction
from mlskills.judge import Case, judge_trial
from mlskills.preparation import Instance, PreparedCache
from mlskills.records import RunDir
from mlskills.sandbox.environment import is_secret
from mlskills.schema import AgentResult, Arm, Grade, Limits, TaskSpec, TrialKey, TrialRecord
from mlskills.transcript import TrialLog
from mlskills.watchdog import Watchdog

WATCHDOG_GRACE = 30.0  # seconds past the agent deadline before the runner kills everything


@dataclass
class TrialPlan:
    """What to run: a task, an arm, an epoch and its seed, under given limits."""

    task: TaskSpec
    arm: Arm
    epoch: int
    seed: int
    limits: Limits
    agent: Agent | None = None  # overrides the run's agent (tasks check: oracle, nop, wrong)
    agent_name: str | None = None
    regrade: bool = False  # grade twice and record whether the grades agree (tasks check)

    @property
    def key(self) -> TrialKey:
        return TrialKey(self.task.id, self.arm.name, self.epoch)

    def blank_record(
        self, agent_name: str, error: str | None = None, started: float | None = None
    ) -> TrialRecord:
        """The one place a trial's record is born (run_trial, a crashed worker, a lost Ray
        node): status `error` until the trial proves otherwise, so a failure at any point
        leaves an honest, resumable line."""
        return TrialRecord(
            task_id=self.task.id,
            arm=self.arm.name,
            epoch=self.epoch,
            seed=self.seed,
            agent=self.agent_name or agent_name,
            status="error",
            error=error,
            started_at="" if started is None else utc_stamp(started),
        )


@dataclass
class TrialEnv:
    """Shared, read-mostly state for all trials of a run."""

    agent: Agent
    agent_name: str
    run: RunDir
    cache: PreparedCache
    sandbox_kind: str = "local"
    scratch_root: Path | None = None
    keep_workspaces: bool = False
    judge: object | None = None  # a mlskills.judge.Judge for rubric items; None: "not judged"
    passed_env: tuple[str, ...] = ()  # variables the agent may see: their values are redacted
    stop: threading.Event = field(default_factory=threading.Event)
    watchdog: Watchdog = field(default_factory=Watchdog)
    _hashes: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)
    _active: weakref.WeakSet = field(default_factory=weakref.WeakSet)

    def make_sandbox(self, workdir: Path, limits: Limits, scratch: Path) -> sandboxes.Sandbox:
        """Every sandbox of the run (agents', graders', the judge's) so Ctrl-C reaches all."""
        sandbox = sandboxes.create(self.sandbox_kind, workdir, limits, scratch)
        self._active.add(sandbox)
        return sandbox

    def protected(self, instance: Instance) -> dict[str, str]:
        """Hashes of the provided files the task protects: starter files, then data."""
        key = (instance.task.id, instance.seed)
        if key not in self._hashes:
            patterns = instance.task.grading.protected
            starter = instance.task.path / "workspace"
            hashes = protected_hashes(starter, patterns) if starter.is_dir() else {}
            hashes.update(protected_hashes(instance.public_dir, patterns))
            self._hashes[key] = hashes
        return self._hashes[key]

    def abort_all(self) -> None:
        """Kill every running trial's processes (Ctrl-C): their agents return promptly."""
        for sandbox in list(self._active):
            sandbox.close()


def host_secrets(passed: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Values to redact from every log and record: the harness's credential variables,
    and any variable handed to an agent explicitly (`--agent-env NAME`), whatever its name."""
    return tuple(
        value for name, value in os.environ.items() if value and (is_secret(name) or name in passed)
    )


def lay_out_workspace(instance: Instance, workspace: Path) -> None:
    """Starter files first, then the prepared public data (data wins on a name clash)."""
    starter = instance.task.path / "workspace"
    if starter.is_dir():
        shutil.copytree(starter, workspace, copy_function=shutil.copyfile, dirs_exist_ok=True)
    shutil.copytree(
        instance.public_dir, workspace, copy_function=shutil.copyfile, dirs_exist_ok=True
    )


def utc_stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def run_trial(plan: TrialPlan, env: TrialEnv) -> TrialRecord:
    """Run one trial to a record; never raises for a failure inside the trial."""
    started = time.time()
    record = plan.blank_record(env.agent_name, started=started)
    scratch, log, marker = None, None, None
    try:
        scratch = Path(tempfile.mkdtemp(prefix=f"mlskills-{plan.task.id}-", dir=env.scratch_root))
        if not env.keep_workspaces:  # a kill -9 leaves it: the next --resume removes it
            marker = workspaces.mark(env.run.path, scratch)
        log = TrialLog(env.run.trial_dir(plan.key), secrets=host_secrets(env.passed_env))
        if env.keep_workspaces:
            record.scratch = str(scratch)
        _Trial(plan, env, scratch, log, record).run()
    except Exception as exc:  # anything unexpected is the harness's fault, not the agent's
        record.status, record.error = "error", f"{type(exc).__name__}: {exc}"
        keep_traceback(env, plan, exc, log)
    finally:
        if log is not None:
            log.close()
        if scratch is not None and not env.keep_workspaces:
            workspaces.remove_tree(scratch)
        if marker is not None:
            workspaces.unmark(marker)
    record.wall_seconds = round(time.time() - started, 4)
    return redacted(record, log)


ERROR_FILE = "error.txt"


def keep_traceback(
    env: TrialEnv, plan: TrialPlan, exc: BaseException, log: TrialLog | None = None
) -> None:
    """A harness failure's traceback in the trial folder (error.txt), redacted like the log:
    the record's one-line error says what failed, this says where."""
    text = "".join(traceback.format_exception(exc))
    try:
        log = log or TrialLog(env.run.trial_dir(plan.key), secrets=host_secrets(env.passed_env))
        log.write_text(ERROR_FILE, text)
    except OSError:
        pass  # the run folder itself is failing; the record still carries the error


def redacted(record: TrialRecord, log: TrialLog | None) -> TrialRecord:
    """The record with every secret value replaced: errors and grade messages can quote
    whatever an agent printed, and trials.jsonl feeds every report."""
    if log is None:
        return record
    text = json.dumps(record.to_dict(), default=str)
    clean = log.redact(text)
    return record if clean == text else TrialRecord.from_dict(json.loads(clean))


@dataclass
class _Trial:
    """One trial's phases, sharing its plan, run state, scratch folder, log and record."""

    plan: TrialPlan
    env: TrialEnv
    scratch: Path
    log: TrialLog
    record: TrialRecord
    instruction: str = ""  # as rendered for the agent; the judge reads this same text

    def run(self) -> None:
        instance = self.env.cache.instance(self.plan.task, self.plan.seed)
        workspace = self.scratch / "workspace"
        workspace.mkdir()
        lay_out_workspace(instance, workspace)
        result = self.run_agent(workspace)
        _copy_result(result, self.record)
        if result.status == "error":
            return
        graded = self.scratch / "graded"
        if problem := _copy_for_grading(workspace, graded, self.plan.limits):
            grade = failed(self.plan.task.grading, "workspace copyable", problem)
            _record_grade(self.record, self.log, grade)
            return
        self.grade(instance, graded)

    def run_agent(self, workspace: Path) -> AgentResult:
        plan, env = self.plan, self.env
        sandbox = env.make_sandbox(workspace, plan.limits, self.scratch)
        alarm = env.watchdog.arm(plan.limits.agent_timeout + WATCHDOG_GRACE, sandbox.close)
        start = time.monotonic()
        try:
            result = (plan.agent or env.agent).run(self.request(sandbox))
        except Exception as exc:
            result = AgentResult(status="error", error=f"agent failed: {type(exc).__name__}: {exc}")
            keep_traceback(env, plan, exc, self.log)
        finally:
            env.watchdog.disarm(alarm)
            sandbox.close()
            self.record.agent_seconds = round(time.monotonic() - start, 4)
        return _with_sandbox_limit(result, sandbox)

    def request(self, sandbox: sandboxes.Sandbox) -> AgentRequest:
        plan = self.plan
        workspace = sandbox.guest_path(sandbox.workdir)
        self.instruction = render_instruction(plan.task, workspace, plan.limits)
        return AgentRequest(
            instruction=self.instruction,
            sandbox=sandbox,
            limits=plan.limits,
            log=self.log,
            arm=plan.arm,
            task_id=plan.task.id,
            task_dir=plan.task.path,
        )

    def grade(self, instance: Instance, graded: Path) -> None:
        """The task's grader (twice under tasks check), then the rubric judge if any."""
        task, env, record = self.plan.task, self.env, self.record
        start = time.monotonic()
        integrity = verify(graded, env.protected(instance))
        checks = [integrity] if integrity else []
        ctx = GradeContext(
            task,
            self.plan.seed,
            graded,
            instance.hidden_dir,
            env.make_sandbox,
            self.scratch,
            integrity=checks,
        )
        try:
            with ctx:
                grade = run_grader(task, ctx)
                record.grade_seconds = round(time.monotonic() - start, 4)
                if self.plan.regrade:  # tasks check: the same workspace must get the same grade
                    again = run_grader(task, ctx)
                    record.regrade_equal = verdict(again) == verdict(grade)
        except GraderError as exc:
            record.status, record.error = "error", str(exc)
            record.grade_seconds = round(time.monotonic() - start, 4)
            return
        case = Case(task, graded, self.scratch, env.make_sandbox, instruction=self.instruction)
        grade, record.judge = judge_trial(env.judge, case, grade, self.log)
        _record_grade(record, self.log, grade)


def _copy_for_grading(workspace: Path, graded: Path, limits: Limits) -> str | None:
    """Copy the finished workspace for the grader; why not, if the agent made that impossible.

    What the agent leaves is its own doing: a tree too deep, too big (apparent size) or too
    odd to copy scores 0 with a failed gate. As an infrastructure error it would go
    unscored (and rerun on --resume). The copy never follows a link and keeps holes.
    """
    try:
        copy_workspace(workspace, graded, limits)
    except WorkspaceFault as exc:
        return str(exc)[:400]
    return None


def verdict(grade: Grade) -> tuple:
    """What must not change when one workspace is graded twice: the score and each check's
    outcome. Messages and extra metrics may carry measurements (latency) that vary."""
    checks = tuple((c.name, c.passed, c.weight, c.gate) for c in grade.checks)
    return (grade.score, grade.passed, grade.metric, checks)


def _with_sandbox_limit(result: AgentResult, sandbox: sandboxes.Sandbox) -> AgentResult:
    """A sandbox that failed to start is the harness's error, never the agent's 0; one
    that stopped the agent for a limit (disk, memory, processes) says so in the status."""
    if failure := sandbox.start_failure:
        result.status, result.limit = "error", None
        result.error = f"{failure} (not the agent's doing: the trial is not scored)"
        return result
    hit = sandbox.limit_hit
    if hit and result.status in ("completed", "timeout"):
        result.status, result.limit = "limit", hit
    return result


def _copy_result(result: AgentResult, record: TrialRecord) -> None:
    record.status = result.status
    record.error = result.error
    record.limit = result.limit
    record.turns = result.turns
    record.usage = result.usage
    record.details = dict(result.details)  # the agent's facts only; the harness's are fields


def _record_grade(record: TrialRecord, log: TrialLog, grade: Grade) -> None:
    record.score, record.passed, record.metric = grade.score, grade.passed, grade.metric
    record.grade = grade.to_dict()
    # Not atomic on purpose: a rename costs milliseconds on slow disks, and trials.jsonl,
    # written in one append, is the record of truth; grade.json is for people browsing.
    log.write_text("grade.json", json.dumps(record.grade, indent=2, default=str))

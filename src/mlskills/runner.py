"""Runs: tasks × arms × epochs on a pool of worker threads, recorded as they finish.

Ctrl-C (or SIGTERM) stops cleanly: no new trials start, running ones are killed and not
recorded, finished ones stay in trials.jsonl, and `--resume` runs exactly what is missing
(plus trials that ended in an infrastructure error).
"""

from __future__ import annotations

import platform
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mlskills import __version__, api_gate, paths, tasks, workspaces
from mlskills import judge as judges
from mlskills.agents import AgentOptions, create
from mlskills.credproxy.conceal import conceal_environ
from mlskills.credproxy.exposure import credential_flow
from mlskills.errors import MlskillsError
from mlskills.preparation import PreparedCache
from mlskills.records import RunDir
from mlskills.runlock import RunLock
from mlskills.sandbox.environment import is_secret
from mlskills.schema import SCHEMA_VERSION, Arm, TaskSpec, TrialRecord
from mlskills.trial import TrialEnv, TrialPlan, keep_traceback, run_trial


class Observer(Protocol):
    """Told when a run starts (with the number of trials) and as each trial finishes."""

    def started(self, total: int) -> None: ...

    def finished(self, record: TrialRecord) -> None: ...


@dataclass
class RunConfig:
    """Everything that defines a run; stored in run.json so `--resume` can rebuild it."""

    agent: str
    task_ids: list[str]
    arms: list[str] = field(default_factory=lambda: ["bare"])
    epochs: int = 1
    seed: int = 0
    jobs: int = 1
    sandbox: str = "local"
    sandbox_reason: str = ""
    suite: str | None = None
    limits: dict[str, Any] = field(default_factory=dict)  # overrides over each task's limits
    agent_options: dict[str, Any] = field(default_factory=dict)
    cache_dir: str = ""
    keep_workspaces: bool = False
    evals: str | None = None  # an evals folder other than the bundled one
    scratch_dir: str | None = None  # where trial workspaces live (None: system temp)
    judge: dict[str, Any] | None = None  # JudgeConfig.to_dict(); None: rubric "not judged"
    executor: str = "local"  # or "ray": trials as Ray tasks (see executors/)
    ray_address: str | None = None  # None: RAY_ADDRESS, else a new local Ray instance
    api_concurrency: int | None = None  # model calls in flight at once, run-wide

    @property
    def evals_path(self) -> Path | None:
        return Path(self.evals) if self.evals else None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class RunOutcome:
    run: RunDir
    records: list[TrialRecord]
    skipped: dict[str, str]
    interrupted: bool
    missing: int = 0  # planned trials that produced no record (a harness bug if ever > 0)
    nothing_to_resume: bool = False  # --resume found every planned trial recorded
    notes: list[str] = field(default_factory=list)  # for the console (workspaces cleaned up)


def seed_for(base_seed: int, epoch: int) -> int:
    """Each epoch gets its own instance; arms share it so their difference is the pack's."""
    return base_seed + epoch


def plan_trials(config: RunConfig, specs: list[TaskSpec]) -> tuple[list[TrialPlan], dict[str, str]]:
    """The trial list in a stable order, and tasks skipped for missing requirements."""
    plans, skipped = [], {}
    arms = [Arm.parse(a) for a in config.arms]
    for task in specs:
        if missing := tasks.missing_requirements(task):
            skipped[task.id] = f"needs {', '.join(missing)} (not importable here)"
            continue
        limits = task.limits.override(**config.limits)
        for epoch in range(config.epochs):
            for arm in arms:
                seed = seed_for(config.seed, epoch)
                plans.append(TrialPlan(task, arm, epoch, seed, limits))
    return plans, skipped


def git_revision() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(paths.resource_root()), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def run_metadata(config: RunConfig, agent_info: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "config": asdict(config),
        "agent": agent_info,
        "versions": {
            "mlskills": __version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "git_revision": git_revision(),
        "started_at": utc_now(),
        "status": "running",
        "grading_data_readable_by_agent": config.sandbox == "local",
        "credentials": credential_flow(
            config.agent,
            config.sandbox,
            tuple(config.agent_options.get("pass_env") or ()),
            judged=bool(config.judge),
        ),
    }


def _install_sigterm() -> Callable[[], None]:
    """Treat SIGTERM like Ctrl-C while a run is in progress (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _worker(work: queue.Queue, env: TrialEnv, done: queue.Queue) -> None:
    """Take plans until none are left; a trial that escapes run_trial still gets a record."""
    while not env.stop.is_set():
        try:
            plan = work.get_nowait()
        except queue.Empty:
            return
        try:
            record = run_trial(plan, env)
        except BaseException as exc:  # never lose a trial silently with its thread
            record = _crashed(plan, env, exc)
        if not env.stop.is_set():
            done.put(record)


def _crashed(plan: TrialPlan, env: TrialEnv, exc: BaseException) -> TrialRecord:
    keep_traceback(env, plan, exc)
    why = f"the harness failed running this trial: {type(exc).__name__}: {exc}"
    return plan.blank_record(env.agent_name, error=why)


def _shut_down(env: TrialEnv, threads: list[threading.Thread]) -> None:
    """After Ctrl-C: kill every sandbox, give workers a moment, ignore a second Ctrl-C."""
    previous = signal.getsignal(signal.SIGINT)
    main = threading.current_thread() is threading.main_thread()
    if main:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        env.stop.set()
        env.abort_all()
        for thread in threads:
            thread.join(timeout=10)
        env.abort_all()  # sandboxes a grader opened while we waited
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


def make_env(run: RunDir, config: RunConfig, agent: Any = None, judge: Any = None) -> TrialEnv:
    """Shared trial state; pass an agent or judge already built to avoid building twice."""
    conceal_environ(is_secret)  # agents on `local` run as us: keep keys out of /proc/PID/environ
    return TrialEnv(
        passed_env=tuple(config.agent_options.get("pass_env") or ()),
        agent=agent or create(config.agent, AgentOptions(**config.agent_options)),
        agent_name=config.agent,
        run=run,
        cache=PreparedCache(Path(config.cache_dir) / "prepared"),
        sandbox_kind=config.sandbox,
        scratch_root=Path(config.scratch_dir) if config.scratch_dir else None,
        keep_workspaces=config.keep_workspaces,
        judge=judge if judge is not None else judges.create(config.judge),
    )


def execute(
    env: TrialEnv,
    plans: list[TrialPlan],
    jobs: int = 1,
    observer: Observer | None = None,
) -> tuple[list[TrialRecord], bool]:
    """Run the plans on `jobs` daemon threads; record each as it finishes.

    Returns the records and whether the run was interrupted.
    """
    work: queue.Queue = queue.Queue()
    for plan in plans:
        work.put(plan)
    done: queue.Queue = queue.Queue()
    threads = [
        threading.Thread(target=_worker, args=(work, env, done), daemon=True)
        for _ in range(max(1, min(jobs, len(plans))))
    ]
    records: list[TrialRecord] = []
    restore = _install_sigterm()
    try:
        for thread in threads:
            thread.start()
        while len(records) < len(plans):
            try:
                record = done.get(timeout=0.2)
            except queue.Empty:
                if not any(t.is_alive() for t in threads) and done.empty():
                    break
                continue
            env.run.append(record)
            records.append(record)
            if observer:
                observer.finished(record)
    except KeyboardInterrupt:
        _shut_down(env, threads)
        return records, True
    finally:
        restore()
    return records, False


def start_run(
    config: RunConfig,
    runs_dir: Path,
    observer: Observer | None = None,
    ready: Callable[[], None] | None = None,
) -> RunOutcome:
    """Start a run; `ready` is called once the agent and judge are built (inputs checked)."""
    specs = [tasks.find_task(t, config.evals_path) for t in config.task_ids]
    plans, skipped = plan_trials(config, specs)
    agent = create(config.agent, AgentOptions(**config.agent_options))
    judge = judges.create(config.judge)  # fails here, before the run folder, without a key
    meta = run_metadata(config, agent.describe())
    meta["skipped"] = skipped
    meta["planned_trials"] = len(plans)
    meta["judge"] = judge.describe() if judge else None
    if ready:
        ready()
    run = RunDir.create(runs_dir, meta)
    with RunLock(run.path):  # a --resume of this run started meanwhile must wait for us
        env = make_env(run, config, agent, judge)
        return _finish(run, config, plans, skipped, observer, env)


def resume_run(
    run_path: Path, observer: Observer | None = None, jobs: int | None = None
) -> RunOutcome:
    """Run what a previous run did not finish: missing trials and infrastructure errors.

    One process at a time: the run's lock is taken before anything is read, so a second
    resume (or one started while the run still goes) stops with RunBusy instead of running
    the same trials again. Workspaces a killed process left are removed first. `jobs` may
    differ from the run's: how many trials run at once does not change their results.
    """
    run = RunDir.open(run_path)
    with RunLock(run.path) as lock:
        config = _stored_config(run)
        if jobs is not None:
            config.jobs = jobs
        notes = _recover(run, lock)
        specs = [tasks.find_task(t, config.evals_path) for t in config.task_ids]
        plans, skipped = plan_trials(config, specs)
        latest = run.latest()
        todo = [p for p in plans if p.key not in latest or latest[p.key].status == "error"]
        if not todo:
            if run.read_meta().get("status") != "finished":
                run.update_meta(status="finished", finished_at=utc_now())
            return RunOutcome(run, [], skipped, False, nothing_to_resume=True, notes=notes)
        run.update_meta(status="running", resumed_at=utc_now())
        outcome = _finish(run, config, todo, skipped, observer, make_env(run, config))
        outcome.notes = notes
        return outcome


def _recover(run: RunDir, lock: RunLock) -> list[str]:
    """After a process died holding the run: remove its workspaces, say what was found."""
    notes = []
    if holder := lock.taken_over:
        who = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"
        notes.append(f"the previous process ({who}) ended without releasing the run")
        run.update_meta(taken_over_from=holder)
    if removed := workspaces.sweep(run.path):
        notes.append(f"removed {len(removed)} workspace(s) that process left behind")
    return notes


def _stored_config(run: RunDir) -> RunConfig:
    """The run's config from run.json, or one clear error saying why it cannot be resumed."""
    stored = run.read_meta().get("config")
    try:
        return RunConfig.from_dict(stored)
    except (TypeError, AttributeError) as exc:
        raise MlskillsError(
            f"{run.meta_path}: no usable `config` ({exc}); it was not written by `mlskills run`"
        ) from exc


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _finish(
    run: RunDir,
    config: RunConfig,
    plans: list[TrialPlan],
    skipped: dict[str, str],
    observer: Observer | None,
    env: TrialEnv,
) -> RunOutcome:
    if observer:
        observer.started(len(plans))
    if config.executor == "ray":
        records, interrupted = _execute_on_ray(run, config, plans, observer)
    else:
        api_gate.install(
            api_gate.LocalGate(config.api_concurrency) if config.api_concurrency else None
        )
        records, interrupted = execute(env, plans, config.jobs, observer)
    missing = len(plans) - len(records)
    status = "interrupted" if interrupted else ("incomplete" if missing else "finished")
    run.update_meta(status=status, finished_at=utc_now())
    return RunOutcome(run, records, skipped, interrupted, missing)


def _execute_on_ray(
    run: RunDir, config: RunConfig, plans: list[TrialPlan], observer: Observer | None
) -> tuple[list[TrialRecord], bool]:
    from mlskills.executors.ray_executor import RayExecutor

    executor = RayExecutor(config.ray_address, config.sandbox, config.api_concurrency)
    try:
        executor.connect()
        run.update_meta(ray_nodes=executor.nodes, ray_lost_nodes=executor.lost)
        notify = observer.finished if observer else (lambda record: None)
        return executor.run(run, asdict(config), config.evals_path, plans, notify)
    finally:
        executor.close()


__all__ = [
    "RunConfig",
    "RunOutcome",
    "execute",
    "plan_trials",
    "resume_run",
    "seed_for",
    "start_run",
]

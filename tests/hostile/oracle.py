"""A task's oracle run once through the real runner (bwrap), its workspace kept: the
finished workspace every hostile variant starts from, and the files the oracle left
(its deliverables: created, or changed from what the agent was given)."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from mlskills import tasks
from mlskills.agents.nop import NopAgent
from mlskills.agents.script import oracle
from mlskills.preparation import Instance, PreparedCache
from mlskills.records import RunDir
from mlskills.runner import execute
from mlskills.schema import Arm, TaskSpec
from mlskills.trial import TrialEnv, TrialPlan

SEED = 0


@dataclass
class Finished:
    """One task's oracle trial: where its workspace is and what it scored."""

    task: TaskSpec
    instance: Instance
    env: TrialEnv  # the run's state: its sandbox factory and protected-file hashes
    workspace: Path  # the oracle's finished workspace (before the copy for grading)
    score: float
    passed: bool
    deliverables: tuple[str, ...]

    @property
    def protected(self) -> dict[str, str]:
        return self.env.protected(self.instance)


def make_env(root: Path, cache: Path, scratch: Path, sandbox: str = "bwrap") -> TrialEnv:
    """Trial state for oracle runs whose workspaces are kept in `scratch`."""
    run = RunDir.create(root, {"purpose": "hostile deliverables"}, run_id="oracles")
    return TrialEnv(
        agent=NopAgent(),
        agent_name="nop",
        run=run,
        cache=PreparedCache(cache / "prepared"),
        sandbox_kind=sandbox,
        scratch_root=scratch,
        keep_workspaces=True,
    )


def run_oracle(task_id: str, env: TrialEnv) -> Finished:
    """The oracle on seed 0 through the runner; AssertionError when it did not pass."""
    task = tasks.find_task(task_id)
    plan = TrialPlan(task, Arm("oracle"), SEED, SEED, task.limits, oracle(), "oracle")
    [record], _ = execute(env, [plan], 1)
    assert record.status == "completed" and record.passed, (
        f"the oracle of {task_id} did not pass: {record.status} {record.error} {record.score}"
    )
    instance = env.cache.instance(task, SEED)
    workspace = Path(record.scratch) / "workspace"
    found = deliverables(instance, workspace)
    return Finished(task, instance, env, workspace, record.score, record.passed, found)


def deliverables(instance: Instance, workspace: Path) -> tuple[str, ...]:
    """Regular files of the finished workspace that are new or differ from what the agent
    was given (starter files, then public data). Hidden names and caches are left out."""
    given = _digests(instance.task.path / "workspace")
    given.update(_digests(instance.public_dir))
    finished = _digests(workspace)
    return tuple(rel for rel, digest in sorted(finished.items()) if given.get(rel) != digest)


def _digests(root: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    if not root.is_dir():
        return found
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for name in files:
            path = Path(folder, name)
            if name.startswith(".") or not stat.S_ISREG(path.lstat().st_mode):
                continue
            rel = path.relative_to(root).as_posix()
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found

"""What a task's grader gets: the finished workspace as data, the hidden data, and `exec`.

The grader never imports, unpickles or runs what the agent wrote in the harness process.
When agent code must run (predict on hidden rows, rerun training, start a server) it runs
through `ctx.exec` in a fresh sandbox on a copy of the workspace, and the grader reads
the outputs back as files.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlskills.grading import predictions as preds
from mlskills.grading.scoring import combine, failed
from mlskills.sandbox import Sandbox
from mlskills.schema import Check, ExecResult, Grade, Limits, TaskSpec

SandboxFactory = Callable[[Path, Limits, Path], Sandbox]


@dataclass
class ExecRun:
    """A command's result plus the folder it ran in, so outputs can be read back."""

    result: ExecResult
    workdir: Path

    def path(self, rel: str) -> Path:
        return self.workdir / rel

    def read_json(self, rel: str, name: str = "output readable") -> tuple[Any, Check]:
        """A JSON file the command wrote, read defensively like any agent output."""
        return preds.read_json(self.path(rel), self.workdir, name)

    def read_table(self, rel: str, name: str = "output readable") -> tuple[Any, Check]:
        return preds.read_table(self.path(rel), self.workdir, name)

    def read_predictions(self, rel: str, **kwargs: Any) -> preds.Predictions:
        return preds.read_predictions(self.path(rel), self.workdir, **kwargs)


class GradeContext:
    """The grader's view of one trial. Create with `open`, always `close` (or use `with`)."""

    def __init__(
        self,
        task: TaskSpec,
        seed: int,
        workspace: Path,
        hidden: Path,
        make_sandbox: SandboxFactory,
        scratch: Path,
        integrity: list[Check] | None = None,
    ) -> None:
        self.task = task
        self.seed = seed
        self.workspace = workspace
        self.hidden = hidden
        self.spec = task.grading
        self._make_sandbox = make_sandbox
        self._scratch = scratch
        self._sandboxes: list[Sandbox] = []
        self.integrity = integrity or []  # checks the harness made (e.g. provided data intact)

    # ---- reading the agent's files as data

    def path(self, rel: str) -> Path:
        return self.workspace / rel

    def read_predictions(self, rel: str, **kwargs: Any) -> preds.Predictions:
        return preds.read_predictions(self.path(rel), self.workspace, **kwargs)

    def read_table(self, rel: str, name: str = "table readable") -> tuple[Any, Check]:
        return preds.read_table(self.path(rel), self.workspace, name)

    def read_json(self, rel: str, name: str = "json readable") -> tuple[Any, Check]:
        return preds.read_json(self.path(rel), self.workspace, name)

    # ---- running agent code, isolated

    def exec(
        self,
        command: str | list[str],
        *,
        timeout: float = 60.0,
        inputs: dict[str, Path] | None = None,
        network: bool = False,
        memory_mb: int | None = None,
    ) -> ExecRun:
        """Run `command` in a fresh sandbox on a copy of the finished workspace.

        `inputs` maps workspace-relative destinations to host files (usually hidden data)
        copied in first, so agent code can read them without ever seeing the hidden folder.
        """
        root = Path(tempfile.mkdtemp(prefix="exec-", dir=self._scratch))
        workdir = root / "workspace"
        shutil.copytree(self.workspace, workdir, symlinks=True)
        for dest, source in (inputs or {}).items():
            target = workdir / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.exists():
                target.unlink()  # the agent may have planted a link where an input goes
            shutil.copyfile(source, target)
        limits = self.task.limits.override(command_timeout=timeout, memory_mb=memory_mb)
        sandbox = self._make_sandbox(workdir, limits, root)
        self._sandboxes.append(sandbox)
        result = sandbox.exec(command, timeout=timeout, network=network)
        return ExecRun(result, workdir)

    def sandbox(self, timeout: float = 60.0) -> Sandbox:
        """A fresh sandbox on a workspace copy, for graders that talk to a running server."""
        root = Path(tempfile.mkdtemp(prefix="svc-", dir=self._scratch))
        shutil.copytree(self.workspace, root / "workspace", symlinks=True)
        sandbox = self._make_sandbox(
            root / "workspace", self.task.limits.override(command_timeout=timeout), root
        )
        self._sandboxes.append(sandbox)
        return sandbox

    # ---- building the grade

    @staticmethod
    def check(
        name: str, passed: bool, message: str = "", *, weight: float = 0.0, gate: bool = False
    ) -> Check:
        """A named finding; weighted checks add to the score, gates zero it when failed."""
        return Check(name, bool(passed), message, weight=weight, gate=gate)

    def grade(
        self,
        metric: float | None,
        checks: list[Check] | None = None,
        metrics: dict[str, float] | None = None,
    ) -> Grade:
        """The normalised score from the task's baseline/reference, with the given checks."""
        return combine(self.spec, metric, [*self.integrity, *(checks or [])], metrics)

    def fail(self, name: str, message: str) -> Grade:
        """Zero, explained by one failed gate (plus the harness's integrity checks)."""
        grade = failed(self.spec, name, message)
        grade.checks = [*self.integrity, *grade.checks]
        return grade

    def close(self) -> None:
        for sandbox in self._sandboxes:
            sandbox.close()
        self._sandboxes.clear()

    def __enter__(self) -> GradeContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
